//! The route table: every path the worker answers, its methods and its handler, in one place.
//!
//! Every request leaves through [`handle`], which turns errors into JSON bodies, adds
//! `x-request-id` and CORS headers, strips bodies from `HEAD` answers and logs one JSON line.

use worker::{Env, Request, Response};

use crate::cors;
use crate::error::ApiError;
use crate::http::{header, json};
use crate::log::{self, ErrorLine, Level, RequestLine, now_ms};
use crate::replay;
use crate::routes::{health, sdk_assets, track};

/// What a matched route does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    SessionStart,
    EventsBatch,
    SdkAsset,
    Health,
    ReplayIngest,
    ReplayViewer,
    ReplaySessions,
    ReplaySession,
    ReplayEvents,
}

/// A path pattern (`{name}` matches one segment, optionally followed by a fixed suffix such as
/// `.wasm`), the methods it answers (besides `OPTIONS`, which every route answers) and its endpoint.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) pattern: &'static str,
    pub(crate) methods: &'static [&'static str],
    pub(crate) endpoint: Endpoint,
}

const POST: &[&str] = &["POST"];
const GET: &[&str] = &["GET", "HEAD"];

/// Top to bottom as in the spec's request-flow diagram. Anything else is a 404.
pub(crate) const ROUTES: &[Route] = &[
    // /track/* → validator → route handler → D1 / R2 (CORS: any origin)
    Route { pattern: "/track/session/start", methods: POST, endpoint: Endpoint::SessionStart },
    Route { pattern: "/track/events/batch", methods: POST, endpoint: Endpoint::EventsBatch },
    // Recorded sessions from the replay chunk → R2 (events/ prefix of the session)
    Route { pattern: "/track/replay", methods: POST, endpoint: Endpoint::ReplayIngest },
    // /replay → the viewer (public HTML); /replay/* → auth (API key, page "replay") → D1 / R2
    Route { pattern: "/replay", methods: GET, endpoint: Endpoint::ReplayViewer },
    Route { pattern: "/replay/sessions", methods: GET, endpoint: Endpoint::ReplaySessions },
    Route { pattern: "/replay/sessions/{id}", methods: GET, endpoint: Endpoint::ReplaySession },
    Route {
        pattern: "/replay/sessions/{id}/events",
        methods: GET,
        endpoint: Endpoint::ReplayEvents,
    },
    // /tracker.js (later /form.js, /pulse.js) and the wasm they load → embedded SDK bundle
    Route { pattern: "/{script}.js", methods: GET, endpoint: Endpoint::SdkAsset },
    Route { pattern: "/sdk/{file}.wasm", methods: GET, endpoint: Endpoint::SdkAsset },
    Route { pattern: "/sdk/{file}.js", methods: GET, endpoint: Endpoint::SdkAsset },
    // /health → JSON health check (?deep=1 probes D1, KV and R2)
    Route { pattern: "/health", methods: GET, endpoint: Endpoint::Health },
];

/// Where a method and path lead.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    Found(Endpoint),
    /// `OPTIONS` on a known path or anywhere under `/track/`: answered 204, never authenticated.
    Preflight {
        allow: String,
    },
    MethodNotAllowed {
        allow: String,
    },
    NotFound,
}

/// Looks `method` and `path` up in [`ROUTES`].
pub(crate) fn resolve(method: &str, path: &str) -> Resolved {
    let Some(route) = ROUTES.iter().find(|r| matches(r.pattern, path)) else {
        return if method == "OPTIONS" && cors::is_public(path) {
            Resolved::Preflight { allow: allow_header(POST) }
        } else {
            Resolved::NotFound
        };
    };
    if route.methods.contains(&method) {
        Resolved::Found(route.endpoint)
    } else if method == "OPTIONS" {
        Resolved::Preflight { allow: allow_header(route.methods) }
    } else {
        Resolved::MethodNotAllowed { allow: allow_header(route.methods) }
    }
}

/// `GET, HEAD, OPTIONS`: the `Allow` header of a route.
fn allow_header(methods: &[&str]) -> String {
    let mut all = methods.to_vec();
    all.push("OPTIONS");
    all.join(", ")
}

/// Whether `path` fits `pattern`, segment by segment.
fn matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.split('/');
    let mut have = path.split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if segment_matches(w, h) => {}
            _ => return false,
        }
    }
}

/// `{name}.wasm` matches `pulsegate-1a2b.wasm`: a non-empty stem of `[A-Za-z0-9._-]` plus the suffix.
fn segment_matches(want: &str, have: &str) -> bool {
    match want.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
        Some((_, suffix)) => have.strip_suffix(suffix).is_some_and(|stem| {
            !stem.is_empty()
                && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        }),
        None => want == have,
    }
}

/// Runs the request through the table and answers it; never fails, never panics by design.
pub(crate) async fn handle(req: Request, env: Env) -> Response {
    let started = now_ms();
    let request_id = log::request_id_from_ray(header(&req, "cf-ray").as_deref())
        .unwrap_or_else(log::random_request_id);
    // The raw method: workers-rs maps unknown methods to GET.
    let method = req.inner().method();
    let path = req.path();

    let (resp, error) = match dispatch(req, &env, &method, &path).await {
        Ok(resp) => (resp, None),
        Err(err) => (error_response(&err), Some(err)),
    };
    let resp = finish(resp, &request_id, &path, method == "HEAD");

    let status = resp.status_code();
    log::emit(
        Level::for_status(status),
        &RequestLine {
            ts: started,
            level: Level::for_status(status),
            request_id: &request_id,
            method: &method,
            path: &path,
            status,
            ms: now_ms().saturating_sub(started),
            error: error.as_ref().map(ErrorLine::from),
        },
    );
    resp
}

async fn dispatch(req: Request, env: &Env, method: &str, path: &str) -> Result<Response, ApiError> {
    match resolve(method, path) {
        Resolved::NotFound => Err(ApiError::NotFound),
        Resolved::MethodNotAllowed { allow } => Err(ApiError::MethodNotAllowed { allow }),
        Resolved::Preflight { allow } => preflight(&allow),
        // IP rate limiting for /track/* plugs in here, before the handlers (next issue).
        Resolved::Found(Endpoint::SessionStart) => track::session_start(req, env).await,
        Resolved::Found(Endpoint::EventsBatch) => track::events_batch(req, env).await,
        Resolved::Found(Endpoint::SdkAsset) => sdk_assets::get(&req, path),
        Resolved::Found(Endpoint::Health) => health::get(&req, env).await,
        Resolved::Found(Endpoint::ReplayIngest) => replay::ingest::post(req, env).await,
        Resolved::Found(Endpoint::ReplayViewer) => replay::viewer::get(),
        Resolved::Found(Endpoint::ReplaySessions) => replay::routes::list(&req, env).await,
        Resolved::Found(Endpoint::ReplaySession) => replay::routes::detail(&req, env, path).await,
        Resolved::Found(Endpoint::ReplayEvents) => replay::routes::events(&req, env, path).await,
    }
}

fn preflight(allow: &str) -> Result<Response, ApiError> {
    let resp = Response::empty().map_err(crate::http::internal)?.with_status(204);
    let headers = cors::preflight_headers(allow);
    crate::http::with_headers(resp, headers.iter().map(|(n, v)| (*n, v.as_str())))
}

/// `{"error":{…}}` with the error's status and headers (`Allow`, `WWW-Authenticate`,
/// `Retry-After`).
fn error_response(err: &ApiError) -> Response {
    let headers = err.headers();
    let built = json(err.status(), &err.body()).and_then(|resp| {
        crate::http::with_headers(resp, headers.iter().map(|(n, v)| (*n, v.as_str())))
    });
    built.unwrap_or_else(|_| {
        // Only reachable if the JS Headers object refuses a header; still answer with JSON.
        let body = serde_json::to_vec(&err.body()).unwrap_or_default();
        Response::builder().with_status(err.status()).fixed(body)
    })
}

/// Adds `x-request-id` and CORS headers; answers `HEAD` without a body.
fn finish(resp: Response, request_id: &str, path: &str, head: bool) -> Response {
    let mut resp = resp;
    let headers = resp.headers_mut();
    let set = |name: &str, value: &str| {
        if let Err(e) = headers.set(name, value) {
            worker::console_error!("cannot set header {name}: {e}");
        }
    };
    set("x-request-id", request_id);
    if cors::is_public(path) {
        set(cors::ALLOW_ORIGIN, cors::ANY_ORIGIN);
        set("Access-Control-Expose-Headers", "x-request-id");
    }
    if head {
        return Response::builder()
            .with_status(resp.status_code())
            .with_headers(resp.headers().clone())
            .empty();
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths_and_methods() {
        assert_eq!(
            resolve("POST", "/track/session/start"),
            Resolved::Found(Endpoint::SessionStart)
        );
        assert_eq!(resolve("POST", "/track/events/batch"), Resolved::Found(Endpoint::EventsBatch));
        assert_eq!(resolve("GET", "/health"), Resolved::Found(Endpoint::Health));
        assert_eq!(resolve("HEAD", "/health"), Resolved::Found(Endpoint::Health));
        assert_eq!(resolve("GET", "/tracker.js"), Resolved::Found(Endpoint::SdkAsset));
        assert_eq!(resolve("GET", "/pulse.js"), Resolved::Found(Endpoint::SdkAsset));
        assert_eq!(
            resolve("GET", "/sdk/pulsegate-1a2b3c4d.wasm"),
            Resolved::Found(Endpoint::SdkAsset)
        );
        assert_eq!(resolve("GET", "/sdk/replay-1a2b3c4d.js"), Resolved::Found(Endpoint::SdkAsset));
        assert_eq!(resolve("POST", "/track/replay"), Resolved::Found(Endpoint::ReplayIngest));
        assert_eq!(resolve("GET", "/replay"), Resolved::Found(Endpoint::ReplayViewer));
        assert_eq!(resolve("GET", "/replay/sessions"), Resolved::Found(Endpoint::ReplaySessions));
        let id = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
        assert_eq!(
            resolve("GET", &format!("/replay/sessions/{id}")),
            Resolved::Found(Endpoint::ReplaySession)
        );
        assert_eq!(
            resolve("GET", &format!("/replay/sessions/{id}/events")),
            Resolved::Found(Endpoint::ReplayEvents)
        );
        assert_eq!(
            resolve("POST", "/replay/sessions"),
            Resolved::MethodNotAllowed { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
    }

    #[test]
    fn wrong_method_is_405_with_allow() {
        assert_eq!(
            resolve("GET", "/track/events/batch"),
            Resolved::MethodNotAllowed { allow: "POST, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("POST", "/health"),
            Resolved::MethodNotAllowed { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("DELETE", "/tracker.js"),
            Resolved::MethodNotAllowed { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
    }

    #[test]
    fn unknown_paths_are_404() {
        for path in [
            "/",
            "/nope",
            "/health/",
            "/track",
            "/sdk/a/b.js",
            "/sdk/.wasm",
            "/a/b.js",
            "/.js",
            "/sdk/a/b.wasm",
            "/tracker.js/x",
        ] {
            assert_eq!(resolve("GET", path), Resolved::NotFound, "{path}");
        }
        assert_eq!(resolve("OPTIONS", "/nope"), Resolved::NotFound);
    }

    #[test]
    fn preflight_on_known_paths_and_all_of_track() {
        assert_eq!(
            resolve("OPTIONS", "/track/session/start"),
            Resolved::Preflight { allow: "POST, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("OPTIONS", "/track/whatever"),
            Resolved::Preflight { allow: "POST, OPTIONS".to_owned() }
        );
        assert_eq!(
            resolve("OPTIONS", "/health"),
            Resolved::Preflight { allow: "GET, HEAD, OPTIONS".to_owned() }
        );
    }

    #[test]
    fn placeholders_match_one_safe_segment() {
        assert!(matches("/sdk/{file}.wasm", "/sdk/pulsegate-00000000.wasm"));
        assert!(!matches("/sdk/{file}.wasm", "/sdk/pulse gate.wasm"));
        assert!(!matches("/sdk/{file}.wasm", "/sdk/%2e%2e.wasm"));
        assert!(matches("/{script}.js", "/form.js"));
        assert!(!matches("/{script}.js", "/form.js.map"));
    }
}
