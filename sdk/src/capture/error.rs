//! Uncaught errors and unhandled promise rejections: message, script URL (`http(s)` only), line
//! and column; at most `limits::MAX_ERRORS_PER_PAGE` per page, so a looping error cannot flood
//! ingest.

use alloc::string::String;

use pulsegate_schema::limits::{MAX_ERRORS_PER_PAGE, MAX_VALUE_LEN, truncate};
use pulsegate_schema::{ErrorEvent, Event};
use wasm_bindgen::JsValue;

use crate::js::{self, call, get, number, text};
use crate::tracker::{Signal, Tracker};
use crate::url;

impl Tracker {
    /// `error` or `unhandledrejection` on the window.
    pub(super) fn on_error(&mut self, signal: Signal, event: &JsValue) {
        if self.page.errors >= MAX_ERRORS_PER_PAGE {
            return;
        }
        self.page.errors += 1;
        let rejection = signal == Signal::Rejection;
        let (message, source, line, column) = if rejection {
            (reason_text(&self.window, &get(event, "reason")), None, None, None)
        } else {
            let position = |key| number(event, key).filter(|n| *n > 0.0).map(|n| n as u32);
            (
                text(event, "message"),
                text(event, "filename")
                    .and_then(|s| url::clean(&s, &self.config.strip_params, false)),
                position("lineno"),
                position("colno"),
            )
        };
        let mut message = message.unwrap_or_default();
        truncate(&mut message, MAX_VALUE_LEN);
        self.record(&Event::Error(ErrorEvent {
            ts: js::now(),
            message,
            source,
            line,
            column,
            rejection,
        }));
    }
}

/// A rejection reason as text: `name: message` for errors, `String(reason)` otherwise.
fn reason_text(window: &JsValue, reason: &JsValue) -> Option<String> {
    if let Some(message) = text(reason, "message") {
        let mut text = text(reason, "name").unwrap_or_else(|| String::from("Error"));
        text.push_str(": ");
        text.push_str(&message);
        return Some(text);
    }
    call(&get(window, "String"), "call", &[&JsValue::UNDEFINED, reason]).as_string()
}
