//! Browser tests of the tracker in real headless Chromium: context, session persistence, privacy
//! signals, batch bodies, transport fallback and the whole `start` flow.
//!
//! Built into the crate's own test binary (`src/lib.rs` includes this file; the crate is a cdylib
//! with no rlib to link an integration test against), hence `crate::` paths. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p pulsegate-sdk --target wasm32-unknown-unknown`.
//!
//! All tests share one page (and one wasm instance), and the runner runs them one at a time.
//! Each test resets the state it reads; only `start_sends_session_start_then_the_pageview_batch`
//! starts the tracker, since a page starts it once.

use js_sys::{Array, Function, JSON, Reflect};
use pulsegate_schema::limits::{MAX_EVENTS_PER_BATCH, MAX_TITLE_LEN, MAX_UNLOAD_BODY_BYTES};
use pulsegate_schema::{Event, EventBatch, Pageview, SessionStart};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Storage, Window};

use crate::config::Config;
use crate::js::property;
use crate::queue::encode_batches;
use crate::session::{IDLE_TIMEOUT_MS, STORAGE_KEY, Session, SessionStore};
use crate::{context, ids, json, privacy, tracker};

wasm_bindgen_test_configure!(run_in_browser);

/// Runs `body` as a JS function body and returns its result.
fn js(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::UNDEFINED).expect("test JS threw")
}

fn window() -> Window {
    crate::js::window().expect("a window")
}

fn storage() -> Storage {
    window().session_storage().expect("sessionStorage readable").expect("sessionStorage present")
}

fn href() -> String {
    property(&property(&window(), "location"), "href").as_string().expect("location.href")
}

fn set_title(title: &str) {
    let document = property(&window(), "document");
    Reflect::set(&document, &"title".into(), &title.into()).expect("title set");
}

fn stored_session() -> Option<Session> {
    storage().get_item(STORAGE_KEY).expect("getItem").as_deref().and_then(Session::decode)
}

fn pageview_json(ts: u64, url: String) -> String {
    json::to_string(&Event::Pageview(Pageview { ts, url, ..Pageview::default() })).expect("json")
}

// ---- context -------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn page_context_reports_url_and_title() {
    set_title("Pricing – PulseGate test");
    let page = context::page(&window());
    assert_eq!(page.url, href());
    assert!(page.url.starts_with("http://127.0.0.1"), "{}", page.url);
    assert_eq!(page.title.as_deref(), Some("Pricing – PulseGate test"));
    // The test page is opened directly, so it has no referrer: absent, not "".
    assert_eq!(page.referrer, None);
}

#[wasm_bindgen_test]
fn empty_title_is_absent_and_long_titles_are_cut_on_a_char_boundary() {
    set_title("");
    assert_eq!(context::page(&window()).title, None);

    set_title(&"é".repeat(400)); // 800 bytes
    let title = context::page(&window()).title.expect("title");
    assert!(title.len() <= MAX_TITLE_LEN);
    assert_eq!(title, "é".repeat(MAX_TITLE_LEN / 2));

    set_title(&"x".repeat(MAX_TITLE_LEN + 1));
    assert_eq!(context::page(&window()).title.expect("title").len(), MAX_TITLE_LEN);
}

#[wasm_bindgen_test]
fn device_facts_are_collected() {
    let device = context::device(&window());
    assert!(device.language.as_deref().is_some_and(|l| !l.is_empty()), "{device:?}");
    assert!(device.timezone.as_deref().is_some_and(|tz| !tz.is_empty()), "{device:?}");
    assert!(device.screen_width.is_some_and(|w| w > 0), "{device:?}");
    assert!(device.screen_height.is_some_and(|h| h > 0), "{device:?}");
    assert!(device.viewport_width.is_some(), "{device:?}");
    assert!(device.viewport_height.is_some(), "{device:?}");
    assert!(device.pixel_ratio.is_some_and(|r| r > 0.0), "{device:?}");
}

// ---- session -------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn new_session_is_stored_then_reused_by_the_next_page() {
    storage().remove_item(STORAGE_KEY).expect("removeItem");
    let t0 = tracker::now();

    let (first, is_new) = SessionStore::open(&window()).touch(t0).expect("session");
    assert!(is_new);
    assert_eq!((first.started_at, first.last_activity), (t0, t0));
    assert_eq!(stored_session(), Some(first));
    // The stored text is the documented shape.
    let text = storage().get_item(STORAGE_KEY).expect("getItem").expect("stored");
    let stored = JSON::parse(&text).expect("JSON");
    assert_eq!(property(&stored, "id").as_string(), Some(first.id.to_string()));

    // A reload: a fresh store on the same tab's storage.
    let (second, is_new) = SessionStore::open(&window()).touch(t0 + 60_000).expect("session");
    assert!(!is_new);
    assert_eq!(second.id, first.id);
    assert_eq!(second.started_at, t0);
    assert_eq!(stored_session().map(|s| s.last_activity), Some(t0 + 60_000));
}

#[wasm_bindgen_test]
fn session_rotates_after_30_idle_minutes() {
    storage().remove_item(STORAGE_KEY).expect("removeItem");
    let now = tracker::now();
    let (old, _) = SessionStore::open(&window()).touch(now).expect("session");

    // Pretend the last activity was 31 minutes ago.
    let idle = Session { last_activity: now - IDLE_TIMEOUT_MS - 60_000, ..old };
    storage().set_item(STORAGE_KEY, &json::to_string(&idle).expect("json")).expect("setItem");

    let (new, is_new) = SessionStore::open(&window()).touch(now).expect("session");
    assert!(is_new);
    assert_ne!(new.id, old.id);
    assert_eq!(new.started_at, now);
    assert_eq!(stored_session(), Some(new));

    // Exactly 30 minutes is still the same session.
    let edge = Session { last_activity: now - IDLE_TIMEOUT_MS, ..new };
    storage().set_item(STORAGE_KEY, &json::to_string(&edge).expect("json")).expect("setItem");
    let (same, is_new) = SessionStore::open(&window()).touch(now).expect("session");
    assert!(!is_new);
    assert_eq!(same.id, new.id);
}

#[wasm_bindgen_test]
fn unreadable_stored_session_starts_a_new_one() {
    for junk in
        ["", "not json", "{}", "{\"id\":\"x\",\"started_at\":1,\"last_activity\":1}", "null"]
    {
        storage().set_item(STORAGE_KEY, junk).expect("setItem");
        let (session, is_new) =
            SessionStore::open(&window()).touch(tracker::now()).expect("session");
        assert!(is_new, "{junk:?}");
        assert_eq!(stored_session(), Some(session), "{junk:?}");
    }
}

#[wasm_bindgen_test]
fn without_storage_the_session_lives_in_memory() {
    storage().remove_item(STORAGE_KEY).expect("removeItem");
    let mut store = SessionStore::in_memory();
    let (first, is_new) = store.touch(1_000).expect("session");
    assert!(is_new);
    let (second, is_new) = store.touch(2_000).expect("session");
    assert!(!is_new);
    assert_eq!(second.id, first.id);
    assert_eq!(storage().get_item(STORAGE_KEY).expect("getItem"), None);

    // A window whose sessionStorage getter throws, as in a sandboxed iframe, gives the same.
    let sandboxed: Window = js(
        "return Object.defineProperty({}, 'sessionStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });",
    )
    .into();
    let mut store = SessionStore::open(&sandboxed);
    let (first, _) = store.touch(1_000).expect("session");
    assert_eq!(store.touch(2_000).expect("session").0.id, first.id);
    assert_eq!(storage().get_item(STORAGE_KEY).expect("getItem"), None);
}

// ---- privacy -------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn gpc_and_dnt_are_honoured() {
    let w = window();
    assert!(!privacy::opted_out(&w), "headless Chromium sends neither signal");

    js(
        "Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });",
    );
    assert!(privacy::opted_out(&w));
    js(
        "Object.defineProperty(navigator, 'globalPrivacyControl', { value: false, configurable: true });",
    );
    assert!(!privacy::opted_out(&w));
    js("delete navigator.globalPrivacyControl;");

    js("Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });");
    assert!(privacy::opted_out(&w));
    js("Object.defineProperty(navigator, 'doNotTrack', { value: '0', configurable: true });");
    assert!(!privacy::opted_out(&w));
    js("delete navigator.doNotTrack;");

    js("window.doNotTrack = '1';");
    assert!(privacy::opted_out(&w));
    js("delete window.doNotTrack;");

    // A getter that throws counts as "not set".
    js(
        "Object.defineProperty(navigator, 'globalPrivacyControl', { get() { throw new Error('x'); }, configurable: true });",
    );
    assert!(!privacy::opted_out(&w));
    js("delete navigator.globalPrivacyControl;");
    assert!(!privacy::opted_out(&w));
}

#[wasm_bindgen_test]
fn opted_out_start_stores_and_sends_nothing() {
    storage().remove_item(STORAGE_KEY).expect("removeItem");
    js("window.__pgBeacons = [];
        Object.defineProperty(navigator, 'sendBeacon', {
          value: (url, body) => { __pgBeacons.push([url, body]); return true; },
          configurable: true,
        });
        Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });");
    let config = js("return { siteKey: 'demo', endpoint: 'https://ingest.example' };");
    let result = tracker::try_start(&config);
    let beacons = Array::from(&js("return __pgBeacons;")).length();
    js("delete navigator.sendBeacon; delete navigator.globalPrivacyControl;");
    assert_eq!(result, Err(3));
    assert_eq!(beacons, 0);
    assert_eq!(storage().get_item(STORAGE_KEY).expect("getItem"), None);
}

// ---- config --------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn config_comes_from_the_loader_object_and_odd_values_are_refused() {
    let ok = js("return { siteKey: 'demo', endpoint: 'https://ingest.example/' };");
    let config = Config::from_js(&ok).expect("valid config");
    assert_eq!(config.site_key.as_str(), "demo");
    assert_eq!(config.endpoint, "https://ingest.example");

    for bad in [
        "return null;",
        "return 'demo';",
        "return {};",
        "return { siteKey: 'demo' };",
        "return { siteKey: 'bad key', endpoint: 'https://a.example' };",
        "return { siteKey: 42, endpoint: 'https://a.example' };",
        "return { siteKey: 'demo', endpoint: 'javascript:alert(1)' };",
        "return { get siteKey() { throw new Error('x'); }, endpoint: 'https://a.example' };",
    ] {
        assert_eq!(Config::from_js(&js(bad)), None, "{bad}");
    }
}

// ---- queue ---------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn batch_bodies_parse_back_and_split_at_the_event_limit() {
    let session = Session {
        id: ids::session_id().expect("crypto"),
        started_at: 1_764_097_200_000,
        last_activity: 1_764_097_200_000,
    };
    let events: Vec<String> = (0..450)
        .map(|i| pageview_json(1_764_097_200_000 + i, format!("{}?p={i}", href())))
        .collect();

    let bodies = encode_batches(&session, &events, 1_764_097_300_000);
    let batches: Vec<EventBatch> =
        bodies.iter().map(|b| serde_json::from_str(b).expect("an EventBatch")).collect();

    assert_eq!(batches.iter().map(|b| b.events.len()).collect::<Vec<_>>(), [200, 200, 50]);
    assert!(batches.iter().all(|b| b.events.len() <= MAX_EVENTS_PER_BATCH));
    let mut ids: Vec<_> = batches.iter().map(|b| b.batch_id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3, "each batch has its own id");
    for batch in &batches {
        assert_eq!(batch.session_id, session.id);
        assert_eq!(batch.session_started_at, session.started_at);
        assert_eq!(batch.sent_at, 1_764_097_300_000);
    }
    // Every pageview, in order.
    let all: Vec<&Event> = batches.iter().flat_map(|b| &b.events).collect();
    for (i, event) in all.iter().enumerate() {
        let Event::Pageview(p) = event else { panic!("not a pageview: {event:?}") };
        assert_eq!(p.ts, 1_764_097_200_000 + i as u64);
        assert_eq!(p.url, format!("{}?p={i}", href()));
    }
}

#[wasm_bindgen_test]
fn batch_bodies_stay_under_the_unload_limit() {
    let session =
        Session { id: ids::session_id().expect("crypto"), started_at: 1, last_activity: 1 };
    // ~2 KB each: 100 of them need several bodies.
    let long = format!("{}?q={}", href(), "ü".repeat(1000));
    let events: Vec<String> = (0..100).map(|i| pageview_json(i, long.clone())).collect();

    let bodies = encode_batches(&session, &events, 2);
    assert!(bodies.len() > 3, "{}", bodies.len());
    assert!(bodies.iter().all(|b| b.len() <= MAX_UNLOAD_BODY_BYTES));
    let total: usize = bodies
        .iter()
        .map(|b| serde_json::from_str::<EventBatch>(b).expect("an EventBatch").events.len())
        .sum();
    assert_eq!(total, 100);
}

// ---- transport -----------------------------------------------------------------------------

/// Waits `ms` milliseconds (lets promise rejections surface).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timer");
    });
    js_sys::futures::JsFuture::from(promise).await.expect("timer promise");
}

#[wasm_bindgen_test]
async fn refused_beacon_falls_back_to_keepalive_fetch_without_unhandled_rejection() {
    js("window.__pgUnhandled = 0;
        window.__pgOnUnhandled = (e) => { window.__pgUnhandled++; e.preventDefault(); };
        addEventListener('unhandledrejection', window.__pgOnUnhandled);
        window.__pgFetches = [];
        window.__pgRealFetch = window.fetch;
        window.fetch = (url, init) => { __pgFetches.push([url, init]); return Promise.reject(new TypeError('offline')); };
        Object.defineProperty(navigator, 'sendBeacon', { value: () => false, configurable: true });");

    // The transport must outlive the request: its rejection handler dies with it (the tracker
    // keeps its transport for the page's life).
    let transport = crate::transport::Transport::new();
    let sent = transport.send("https://ingest.example/track/events/batch", "{\"a\":1}");
    sleep(50).await;

    let fetches: Array = js("return __pgFetches;").into();
    let unhandled = js("return __pgUnhandled;").as_f64();
    js("window.fetch = window.__pgRealFetch;
        delete navigator.sendBeacon;
        removeEventListener('unhandledrejection', window.__pgOnUnhandled);");

    assert!(sent);
    assert_eq!(unhandled, Some(0.0), "the rejected fetch promise was handled");
    assert_eq!(fetches.length(), 1);
    let call: Array = fetches.get(0).into();
    assert_eq!(
        call.get(0).as_string().as_deref(),
        Some("https://ingest.example/track/events/batch")
    );
    let init = call.get(1);
    assert_eq!(property(&init, "method").as_string().as_deref(), Some("POST"));
    assert_eq!(property(&init, "body").as_string().as_deref(), Some("{\"a\":1}"));
    assert_eq!(property(&init, "keepalive").as_bool(), Some(true));
    assert_eq!(property(&init, "mode").as_string().as_deref(), Some("cors"));
    assert_eq!(property(&init, "credentials").as_string().as_deref(), Some("omit"));
    let content_type = property(&property(&init, "headers"), "content-type").as_string();
    assert_eq!(content_type.as_deref(), Some("text/plain;charset=UTF-8"));
}

#[wasm_bindgen_test]
fn missing_beacon_and_fetch_make_send_report_false_without_throwing() {
    js("window.__pgRealFetch = window.fetch;
        window.fetch = undefined;
        Object.defineProperty(navigator, 'sendBeacon', { value: undefined, configurable: true });");
    let sent = crate::transport::Transport::new().send("https://ingest.example/x", "{}");
    js("window.fetch = window.__pgRealFetch; delete navigator.sendBeacon;");
    assert!(!sent);
}

// ---- the whole flow ------------------------------------------------------------------------

#[wasm_bindgen_test]
fn start_sends_session_start_then_the_pageview_batch() {
    storage().remove_item(STORAGE_KEY).expect("removeItem");
    set_title("Landing");
    js("window.__pgBeacons = [];
        Object.defineProperty(navigator, 'sendBeacon', {
          value: (url, body) => { __pgBeacons.push([url, body]); return true; },
          configurable: true,
        });");
    let beacons = || -> Vec<(String, String)> {
        let list: Array = js("return __pgBeacons;").into();
        list.iter()
            .map(|b| {
                let b: Array = b.into();
                (b.get(0).as_string().expect("url"), b.get(1).as_string().expect("body"))
            })
            .collect()
    };
    let config = js("return { siteKey: 'demo', endpoint: 'https://ingest.example/' };");

    assert_eq!(crate::start(&config), 0);

    // The new session is announced at once.
    let sent = beacons();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "https://ingest.example/track/session/start");
    let start: SessionStart = serde_json::from_str(&sent[0].1).expect("a SessionStart");
    assert_eq!(start.site_key.as_str(), "demo");
    assert_eq!(start.page.url, href());
    assert_eq!(start.page.title.as_deref(), Some("Landing"));
    assert!(start.device.timezone.is_some());
    let stored = stored_session().expect("session stored");
    assert_eq!(stored.id, start.session_id);

    // The pageview waits in the queue until the page hides (or 2 s pass).
    js("dispatchEvent(new Event('pagehide'));");
    let sent = beacons();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[1].0, "https://ingest.example/track/events/batch");
    let batch: EventBatch = serde_json::from_str(&sent[1].1).expect("an EventBatch");
    assert_eq!(batch.session_id, start.session_id);
    assert_eq!(batch.session_started_at, start.started_at);
    assert_eq!(batch.events.len(), 1);
    let Event::Pageview(pageview) = &batch.events[0] else { panic!("{:?}", batch.events) };
    assert_eq!(pageview.url, href());
    assert_eq!(pageview.title.as_deref(), Some("Landing"));

    // A second start (a second copy of the tag) changes nothing.
    assert_eq!(crate::start(&config), 0);
    js("dispatchEvent(new Event('pagehide'));");
    assert_eq!(beacons().len(), 2);
    js("delete navigator.sendBeacon;");
}
