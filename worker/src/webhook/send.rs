//! One delivery attempt: `POST` the frozen body with the Standard Webhooks headers, give up after
//! [`TIMEOUT_MS`](super::backoff::TIMEOUT_MS), never follow a redirect (a `3xx` is an answer, not
//! a success), and report the status or what went wrong.

use std::time::Duration;

use futures_util::future::{Either, select};
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect,
};

use super::backoff::TIMEOUT_MS;
use super::sign::Signed;

/// What an attempt got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sent {
    /// The receiver's status; `None` after a network error or a timeout.
    pub(crate) status: Option<u16>,
    /// Why it failed, for the log and the outbox (`None` on `2xx`).
    pub(crate) error: Option<String>,
    pub(crate) ms: u64,
}

/// The `User-Agent` of every webhook.
const USER_AGENT: &str = concat!("PulseGate-Webhooks/", env!("CARGO_PKG_VERSION"));

/// Posts `body` to `url`, signed.
pub(crate) async fn post(url: &str, body: &str, signed: &Signed) -> Sent {
    let started = crate::log::now_ms();
    let (status, error) = match attempt(url, body, signed).await {
        Ok(status) if (200..=299).contains(&status) => (Some(status), None),
        Ok(status) => (Some(status), Some(format!("HTTP {status}"))),
        Err(error) => (None, Some(error)),
    };
    Sent { status, error, ms: crate::log::now_ms().saturating_sub(started) }
}

async fn attempt(url: &str, body: &str, signed: &Signed) -> Result<u16, String> {
    let headers = Headers::new();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| e.to_string());
    set("content-type", "application/json")?;
    set("user-agent", USER_AGENT)?;
    // An unsigned message (a drought alert without a secret) carries no signature header.
    for (name, value) in signed.headers().into_iter().filter(|(_, v)| !v.is_empty()) {
        set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(wasm_bindgen::JsValue::from_str(body)));
    let request = Request::new_with_init(url, &init).map_err(|e| format!("bad request: {e}"))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let send = Box::pin(fetch.send_with_signal(&signal));
    let timeout = Delay::from(Duration::from_millis(TIMEOUT_MS));
    match select(send, timeout).await {
        Either::Left((Ok(mut response), _)) => {
            let status = response.status_code();
            // Read (and drop) the answer so the connection is released.
            let _ = response.bytes().await;
            Ok(status)
        }
        Either::Left((Err(e), _)) => {
            Err(format!("network error: {}", crate::http::capped(&e.to_string())))
        }
        Either::Right(((), _)) => {
            controller.abort();
            Err(format!("timed out after {} s", TIMEOUT_MS / 1000))
        }
    }
}
