//! Browser tests of the SDK in real headless Chromium, module by module (the JS host boundary,
//! storage, session, config, context, privacy, queue, transport and retries, the storage mirror,
//! consent, opt-out, bot signals, every fingerprint source and the fingerprint runner), whole
//! trackers driven through the same API function the loader calls, and lead forms mounted as the
//! form loader mounts them (`form` at the end of this file).
//!
//! Built into the crate's own test binary (`src/lib.rs` includes this file; the crate is a cdylib
//! with no rlib to link an integration test against), hence `crate::` paths. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p pulsegate-sdk --target wasm32-unknown-unknown`.
//!
//! All tests share one page (and one wasm instance), and the runner runs them one at a time. A
//! tracker started by a test stays on the page, so each test talks to its own endpoint
//! (`https://<test>.example`) and looks only at requests to it. `fetch` and `sendBeacon` are
//! replaced by recorders (see `install_network`) that answer what a test queues.

use alloc::collections::BTreeSet;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use js_sys::{Array, Function, Reflect};
use pulsegate_schema::limits::{MAX_EVENTS_PER_BATCH, MAX_UNLOAD_BODY_BYTES};
use pulsegate_schema::{
    BotSignal, Click, ConsentTier, Event, EventBatch, Pageview, SessionEnd, SessionId, SessionStart,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

use crate::config::Config;
use crate::fingerprint::registry::SOURCES;
use crate::fingerprint::{Probe, Reading, Runner, Step, Work};
use crate::persist::{KEY_PREFIX, Mirror};
use crate::queue::encode_batches;
use crate::session::{Session, Touch, touch};
use crate::storage::{CONSENT_KEY, OPT_OUT_KEY, SESSION_KEY, Store, VISITOR_KEY};
use crate::transport::{EVENTS_BATCH_PATH, Request};
use crate::{bot, context, ids, js, json, privacy};

wasm_bindgen_test_configure!(run_in_browser);

// ---- helpers --------------------------------------------------------------------------------

/// Runs `body` as a JS function body and returns its result.
fn run(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::UNDEFINED).expect("test JS threw")
}

fn window() -> JsValue {
    js::global()
}

fn document() -> JsValue {
    js::get(&window(), "document")
}

fn href() -> String {
    js::text(&js::get(&window(), "location"), "href").expect("location.href")
}

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let w = web_window();
        Reflect::apply(
            &Reflect::get(&w, &"setTimeout".into()).expect("setTimeout").into(),
            &w,
            &Array::of2(&resolve, &ms.into()),
        )
        .expect("timer");
    });
    js_sys::futures::JsFuture::from(promise).await.expect("timer promise");
}

fn web_window() -> JsValue {
    window()
}

/// Awaits a JS promise.
async fn wait(promise: JsValue) -> JsValue {
    js_sys::futures::JsFuture::from(js_sys::Promise::from(promise)).await.unwrap_or(JsValue::NULL)
}

/// Replaces `fetch` and `navigator.sendBeacon` with recorders (once per page): every request
/// lands in `window.__pgSent` as `{via, url, body, keepalive}`; `fetch` answers with the next
/// entry of `window.__pgAnswers[<endpoint origin>]` (`{status, headers, body}`, `{error: true}`
/// for a network error), else 202. `__pgBeaconRefuses` makes beacons return false.
fn install_network() {
    run("if (window.__pgSent) return;
        window.__pgSent = [];
        window.__pgAnswers = {};
        window.__pgRealFetch = window.fetch;
        window.fetch = (url, init) => {
          init = init || {};
          __pgSent.push({ via: 'fetch', url: String(url), body: init.body || '', keepalive: init.keepalive });
          const queue = __pgAnswers[new URL(url).origin] || [];
          const answer = queue.shift() || { status: 202 };
          if (answer.error) return Promise.reject(new TypeError('network error'));
          return Promise.resolve(new Response(answer.body || '{}', { status: answer.status, headers: answer.headers || {} }));
        };
        Object.defineProperty(navigator, 'sendBeacon', {
          value: (url, body) => {
            if (window.__pgBeaconRefuses) return false;
            __pgSent.push({ via: 'beacon', url: String(url), body });
            return true;
          },
          configurable: true,
        });");
}

/// A request the recorders saw.
#[derive(Clone, Debug)]
struct Sent {
    via: String,
    path: String,
    body: String,
}

/// The requests sent to `endpoint` so far.
fn sent(endpoint: &str) -> Vec<Sent> {
    let list: Array = run("return __pgSent;").into();
    list.iter()
        .filter_map(|r| {
            let url = js::text(&r, "url")?;
            let path = url.strip_prefix(endpoint)?.to_owned();
            Some(Sent { via: js::text(&r, "via")?, path, body: js::text(&r, "body")? })
        })
        .collect()
}

fn answer(endpoint: &str, answers: &str) {
    run(&format!("__pgAnswers[{endpoint:?}] = {answers};"));
}

/// Clears everything the SDK keeps in this origin's storage.
fn clear_storage() {
    run("for (const k of Object.keys(localStorage)) if (k.startsWith('pulsegate')) localStorage.removeItem(k);
         for (const c of document.cookie.split(';')) { const n = c.split('=')[0].trim(); if (n.startsWith('pulsegate')) document.cookie = n + '=; path=/; max-age=0'; }");
}

/// Starts a tracker for `endpoint` with extra config JS (`autoTrack: false, …`); the API function.
fn start(endpoint: &str, extra: &str) -> JsValue {
    install_network();
    let config = run(&format!(
        "return {{ siteKey: 'demo', endpoint: {endpoint:?}, autoTrack: false, flushInterval: 60000, {extra} }};"
    ));
    let api = crate::start(&config);
    assert!(api.is_function(), "the tracker started: {api:?}");
    api
}

/// `api(op, a, b)`
fn api(api: &JsValue, op: u8, a: &JsValue, b: &JsValue) -> JsValue {
    Function::from(api.clone())
        .call3(&JsValue::NULL, &op.into(), a, b)
        .expect("the API never throws")
}

fn track(f: &JsValue, name: &str) {
    api(f, 1, &name.into(), &JsValue::UNDEFINED);
}

fn pagehide() {
    run("dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));");
}

fn starts(endpoint: &str) -> Vec<SessionStart> {
    sent(endpoint)
        .iter()
        .filter(|s| s.path == "/track/session/start")
        .map(|s| serde_json::from_str(&s.body).expect("a SessionStart"))
        .collect()
}

fn batches(endpoint: &str) -> Vec<EventBatch> {
    sent(endpoint)
        .iter()
        .filter(|s| s.path == "/track/events/batch")
        .map(|s| serde_json::from_str(&s.body).expect("an EventBatch"))
        .collect()
}

fn custom_names(batch: &EventBatch) -> Vec<String> {
    batch
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Custom(c) => Some(c.name.clone()),
            _ => None,
        })
        .collect()
}

/// Waits (bounded, 30 s) until `probe` holds. The bound only matters when a test fails: a loaded
/// machine stretches timers, and a transport waiting out two backoffs (1–2 s, then 2–4 s) plus
/// its sends can need more than 10 s there.
async fn until(what: &str, mut probe: impl FnMut() -> bool) {
    for _ in 0..600 {
        if probe() {
            return;
        }
        sleep(50).await;
    }
    panic!("gave up waiting for {what}");
}

// ---- the JS boundary ------------------------------------------------------------------------

#[wasm_bindgen_test]
fn hostile_objects_never_throw_into_the_wasm() {
    let hostile = run("return {
        get boom() { throw new Error('getter'); },
        method() { throw new Error('method'); },
        notAFunction: 5,
        text: 'ok',
        n: 7,
    };");
    assert!(js::get(&hostile, "boom").is_undefined());
    assert_eq!(js::text(&hostile, "boom"), None);
    assert_eq!(js::number(&hostile, "boom"), None);
    assert!(js::call0(&hostile, "method").is_undefined());
    assert!(js::call0(&hostile, "notAFunction").is_undefined());
    assert!(js::call0(&hostile, "missing").is_undefined());
    assert!(js::call_str(&JsValue::NULL, "anything", "x").is_undefined());
    assert_eq!(js::text(&hostile, "text").as_deref(), Some("ok"));
    assert_eq!(js::number(&hostile, "n"), Some(7.0));
    assert_eq!(js::number(&hostile, "text"), None);
    // Writing to a frozen object throws (the host is strict code); `set` answers false instead.
    let frozen = run("return Object.freeze({ a: 1 });");
    assert!(!js::set(&frozen, "a", &JsValue::from(2)));
    assert_eq!(js::number(&frozen, "a"), Some(1.0));
    assert!(js::set(&hostile, "fresh", &JsValue::TRUE));
}

#[wasm_bindgen_test]
fn only_numbers_read_as_numbers() {
    for (value, expected) in [
        (JsValue::from(7.5), Some(7.5)),
        (JsValue::from(-0.0), Some(0.0)),
        (JsValue::from(f64::INFINITY), Some(f64::INFINITY)),
        (JsValue::from(f64::NAN), None),
        (JsValue::from_str("1"), None),
        (JsValue::TRUE, None),
        (JsValue::NULL, None),
        (JsValue::UNDEFINED, None),
        (run("return new Number(3);"), None),
        (run("return 2n;"), None),
    ] {
        assert_eq!(js::float(&value), expected, "{value:?}");
    }
    // And a number made for JS is that JS number (`js::num`, through the same import).
    for n in [0.0, -2.5, 1e300, f64::INFINITY] {
        assert_eq!(js::num(n).as_f64(), Some(n));
    }
    assert!(js::num(f64::NAN).as_f64().is_some_and(f64::is_nan));
}

#[wasm_bindgen_test]
fn calls_pass_exactly_the_arguments_given() {
    let probe = run("return { count(...a) { return a.length; } };");
    assert_eq!(js::call0(&probe, "count").as_f64(), Some(0.0));
    assert_eq!(js::call_str(&probe, "count", "a").as_f64(), Some(1.0));
    assert_eq!(js::call_str2(&probe, "count", "a", "b").as_f64(), Some(2.0));
    assert_eq!(js::call_num(&probe, "count", 7.0).as_f64(), Some(1.0));
    let echo = run("return { first(a) { return a; } };");
    assert_eq!(js::call_num(&echo, "first", -2.5).as_f64(), Some(-2.5));
    let made = js::new0(&run("return function (...a) { this.n = a.length; };"));
    assert_eq!(js::get(&made, "n").as_f64(), Some(0.0));
    assert!(js::new0(&js::get(&window(), "Object")).is_object());
    let date = js::make(&js::get(&window(), "Date"), &[2024.0, 0.0, 1.0]);
    assert_eq!(js::call0(&date, "getFullYear").as_f64(), Some(2024.0));
}

#[wasm_bindgen_test]
fn patched_methods_notify_and_restore() {
    let target = run("window.__pgPatchCalls = 0; return { m(x) { return x * 2; } };");
    let after = run("return () => { __pgPatchCalls++; };");
    let undo = js::patch(&target, "m", &after);
    assert_eq!(js::call_num(&target, "m", 21.0).as_f64(), Some(42.0));
    assert_eq!(run("return __pgPatchCalls;").as_f64(), Some(1.0));
    js::call0(&undo, "call");
    js::call_num(&target, "m", 1.0);
    assert_eq!(run("return __pgPatchCalls;").as_f64(), Some(1.0), "restored");
    // When the page wrapped the method again after us, undoing leaves the page's wrapper.
    let undo = js::patch(&target, "m", &after);
    Reflect::set(&target, &"m".into(), &run("return function () { return 'page'; };")).unwrap();
    js::call0(&undo, "call");
    assert_eq!(js::call0(&target, "m").as_string().as_deref(), Some("page"));
}

#[wasm_bindgen_test]
fn listeners_hear_until_dropped_and_are_removed_with_their_capture_flag() {
    use crate::callback::Listener;
    run("window.__pgHeard = 0; window.__pgTarget = new EventTarget();");
    let target = run("return __pgTarget;");
    let handler = run("return () => { __pgHeard++; };");
    let heard = || {
        run("__pgHeard = 0; __pgTarget.dispatchEvent(new Event('ping'));");
        run("return __pgHeard;").as_f64()
    };
    // The same callback with and without capture is two listeners.
    let captured = Listener::new(&target, "ping", true, &handler, 0);
    let bubbled = Listener::new(&target, "ping", false, &handler, 0);
    assert_eq!(heard(), Some(2.0));
    drop(captured);
    assert_eq!(heard(), Some(1.0), "the capture listener removed, not the other");
    drop(bubbled);
    assert_eq!(heard(), Some(0.0));
    // A target that throws neither throws into the wasm nor on drop.
    let broken =
        run("return { addEventListener() { throw 1; }, removeEventListener() { throw 2; } };");
    drop(Listener::new(&broken, "ping", false, &handler, 0));
    drop(Listener::new(&JsValue::NULL, "ping", true, &handler, 0));
}

#[wasm_bindgen_test]
async fn timers_fire_once_per_arming_and_a_cleared_one_not_at_all() {
    use crate::callback::Timer;
    run("window.__pgFired = 0;");
    let handler = run("return () => { __pgFired++; };");
    let fired = || run("return __pgFired;").as_f64();
    let mut timer = Timer::new(handler.clone());
    timer.arm(0);
    timer.arm(0);
    sleep(40).await;
    assert_eq!(fired(), Some(1.0), "armed twice, fired once");
    timer.fired();
    timer.arm(20);
    timer.cancel();
    sleep(60).await;
    assert_eq!(fired(), Some(1.0), "cleared");
    timer.arm(0);
    timer.rearm(20);
    sleep(60).await;
    assert_eq!(fired(), Some(2.0), "re-armed: the earlier arming cleared");
    timer.fired();
    // A page whose `setTimeout` and `clearTimeout` throw: nothing thrown into the wasm, and the
    // timer is not armed (the next arming tries again).
    run("window.__pgTimers = [setTimeout, clearTimeout];
         window.setTimeout = () => { throw 1; }; window.clearTimeout = () => { throw 2; };");
    timer.arm(0);
    run("[window.setTimeout, window.clearTimeout] = __pgTimers;");
    timer.arm(0);
    sleep(40).await;
    assert_eq!(fired(), Some(3.0), "armed again once setTimeout works");
    timer.fired();
    timer.arm(10);
    run("window.clearTimeout = () => { throw 2; };");
    drop(timer);
    run("[window.setTimeout, window.clearTimeout] = __pgTimers;");
    drop(Timer::new(handler));
}

#[wasm_bindgen_test]
fn a_page_is_hidden_engaged_or_neither_as_its_document_says() {
    let view = |doc: &str| crate::callback::view(&run(&format!("return {doc};")));
    assert_eq!(view("{ visibilityState: 'hidden', hasFocus() { return true; } }"), 1);
    assert_eq!(view("{ visibilityState: 'visible', hasFocus() { return true; } }"), 2);
    assert_eq!(view("{ visibilityState: 'visible', hasFocus() { return false; } }"), 0);
    assert_eq!(view("{ visibilityState: 'visible', hasFocus() { return 1; } }"), 0);
    assert_eq!(view("{ visibilityState: 'visible', hasFocus() { throw 1; } }"), 0);
    assert_eq!(view("{ visibilityState: 'prerender' }"), 0);
    assert_eq!(view("{ get visibilityState() { throw 1; } }"), 0);
    assert_eq!(view("null"), 0);
}

#[wasm_bindgen_test]
fn guarded_functions_swallow_what_they_throw() {
    let thrower = run("return () => { throw new Error('x'); };");
    let guarded = js::guard(&thrower);
    let result = Function::from(guarded).call0(&JsValue::NULL).expect("guard never throws");
    assert!(result.is_undefined());
}

#[wasm_bindgen_test]
fn random_ids_come_from_web_crypto() {
    let a = ids::session_id().expect("crypto");
    let b = ids::session_id().expect("crypto");
    assert_ne!(a, b);
    assert_eq!(a.0.get_version_num(), 4);
    let fraction = js::random_fraction();
    assert!((0.0..1.0).contains(&fraction));
}

// ---- storage --------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn local_storage_round_trip_and_prefix_listing() {
    clear_storage();
    let store = Store::open(&window(), &document());
    assert!(store.set("pulsegate.q.test-a", "1", false));
    assert!(store.set("pulsegate.q.test-b", "2", false));
    assert_eq!(store.get("pulsegate.q.test-a").as_deref(), Some("1"));
    let mut keys = store.keys("pulsegate.q.test-");
    keys.sort();
    assert_eq!(keys, ["pulsegate.q.test-a", "pulsegate.q.test-b"]);
    store.remove("pulsegate.q.test-a");
    assert_eq!(store.get("pulsegate.q.test-a"), None);
    clear_storage();
}

#[wasm_bindgen_test]
fn cookies_stand_in_where_local_storage_throws() {
    clear_storage();
    let sandboxed = run("return Object.defineProperty({}, 'localStorage', {
        get() { throw new DOMException('denied', 'SecurityError'); } });");
    let store = Store::open(&sandboxed, &document());
    assert!(store.set(VISITOR_KEY, "abc", true));
    assert!(js::text(&document(), "cookie").unwrap_or_default().contains("pulsegate_vid=abc"));
    assert_eq!(store.get(VISITOR_KEY).as_deref(), Some("abc"));
    // Without the cookie fallback (a large value such as the queue mirror), nothing is stored.
    assert!(!store.set("pulsegate.q.x", "big", false));
    store.remove(VISITOR_KEY);
    assert_eq!(store.get(VISITOR_KEY), None);
    assert!(store.keys("pulsegate").is_empty());
    // Only the cookie of that very name counts: not a longer or shorter one, nor the dotted key.
    run("document.cookie = 'pulsegate_vi=a; path=/'; document.cookie = 'pulsegate_vidx=b; path=/';
        document.cookie = 'pulsegate.vid=c; path=/';");
    assert_eq!(store.get(VISITOR_KEY), None);
    run("document.cookie = 'pulsegate_vid=d; path=/';");
    assert_eq!(store.get(VISITOR_KEY).as_deref(), Some("d"));
    // Every dot of a key is an underscore in its cookie's name.
    assert!(store.set("pulsegate.a.b", "two", true));
    assert!(js::text(&document(), "cookie").unwrap_or_default().contains("pulsegate_a_b=two"));
    assert_eq!(store.get("pulsegate.a.b").as_deref(), Some("two"));
    store.remove("pulsegate.a.b");
    assert_eq!(store.get("pulsegate.a.b"), None);
    clear_storage();
}

// ---- session, config, context, privacy --------------------------------------------------------

#[wasm_bindgen_test]
fn sessions_start_with_random_ids_and_rotate() {
    let now = js::now();
    let Some(Touch::Start { session, ended: None }) = touch(None, now) else { panic!("new") };
    assert_eq!((session.started_at, session.last_activity), (now, now));
    assert_eq!(Session::decode(&session.encode()), Some(session));
    let idle = Session { last_activity: now - crate::session::IDLE_TIMEOUT_MS - 1, ..session };
    let Some(Touch::Start { session: next, ended: Some(ended) }) = touch(Some(idle), now) else {
        panic!("rotated")
    };
    assert_ne!(next.id, session.id);
    assert_eq!(ended.id, session.id);
}

#[wasm_bindgen_test]
fn config_comes_from_the_loader_object_and_odd_values_are_refused() {
    let ok =
        run("return { siteKey: 'demo', endpoint: 'https://ingest.example/pg/', autoTrack: false,
        domains: 'shop.example, *.shop.example', excludePaths: '/admin/*', consent: 'pending',
        stripParams: 'ref', hashRouting: true, flushAt: 10, flushInterval: 1000, debug: true };");
    let config = Config::from_js(&ok).expect("valid config");
    assert_eq!(config.site_key.as_str(), "demo");
    assert_eq!(config.endpoint, "https://ingest.example/pg");
    assert!(!config.auto_track && config.hash_routing && config.debug);
    assert_eq!(crate::text::entries(&config.domains), ["shop.example", "*.shop.example"]);
    assert_eq!(crate::text::entries(&config.exclude_paths), ["/admin/*"]);
    assert_eq!(config.consent, crate::config::StartTier::Pending);
    assert_eq!((config.flush_at, config.flush_interval_ms), (10, 1000));
    // The flags are booleans only: missing or anything else is the default.
    for flags in [
        "",
        "autoTrack: 'false', respectDnt: 0, hashRouting: 'true', debug: 1",
        "autoTrack: null, respectDnt: undefined, hashRouting: {}, debug: 'yes'",
    ] {
        let config =
            run(&format!("return {{ siteKey: 'demo', endpoint: 'https://a.example', {flags} }};"));
        let config = Config::from_js(&config).expect("valid config");
        let read = (config.auto_track, config.respect_dnt, config.hash_routing, config.debug);
        assert_eq!(read, (true, true, false, false), "{flags}");
    }
    // The numbers are numbers only: missing, text or not finite is the default.
    for numbers in [
        "",
        "flushAt: '10', flushInterval: '1000'",
        "flushAt: Infinity, flushInterval: NaN",
        "flushAt: null, flushInterval: -Infinity",
    ] {
        let config = run(&format!(
            "return {{ siteKey: 'demo', endpoint: 'https://a.example', {numbers} }};"
        ));
        let config = Config::from_js(&config).expect("valid config");
        assert_eq!((config.flush_at, config.flush_interval_ms), (50, 5_000), "{numbers}");
    }
    let config =
        run("return { siteKey: 'demo', endpoint: 'https://a.example', respectDnt: false };");
    assert!(!Config::from_js(&config).expect("valid config").respect_dnt);
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
        assert_eq!(Config::from_js(&run(bad)), None, "{bad}");
    }
}

#[wasm_bindgen_test]
fn the_config_lists_decide_the_hosts_and_the_stripped_parameters() {
    let config = Config::from_js(&run("return { siteKey: 'demo', endpoint: 'https://i.example',
        domains: ' Shop.example,*.SHOP.example\tother.example ,', stripParams: 'Ref, campaign_id' };"))
    .expect("valid config");
    for (host, allowed) in [
        ("shop.example", true),
        ("WWW.shop.example", true),
        ("a.b.shop.example", true),
        ("other.example", true),
        ("evilshop.example", false),
        ("www.other.example", false),
        ("", false),
    ] {
        assert_eq!(config.allows_host(host), allowed, "{host}");
    }
    let url = "https://a.example/?REF=1&q=2&Campaign_ID=3&refx=4&token=5";
    let cleaned = crate::url::clean(url, &config.strip_params, false);
    assert_eq!(cleaned.as_deref(), Some("https://a.example/?q=2&refx=4"));
    let open = run("return { siteKey: 'demo', endpoint: 'https://i.example', domains: ' , ' };");
    assert!(Config::from_js(&open).expect("valid config").allows_host("any.example"));
}

#[wasm_bindgen_test]
fn page_context_is_cleaned_and_device_facts_collected() {
    let original = href();
    run(
        "history.replaceState(null, '', location.pathname + '?token=secret&plan=pro#access_token=x');",
    );
    let config =
        Config::from_js(&run("return { siteKey: 'demo', endpoint: 'https://a.example' };"))
            .expect("config");
    let page = context::page(&window(), &href(), &config);
    run(&format!("history.replaceState(null, '', {original:?});"));
    assert!(page.url.ends_with("?plan=pro"), "{}", page.url);
    assert!(!page.url.contains("secret") && !page.url.contains('#'), "{}", page.url);
    let device = device_facts();
    assert!(device.language.is_some() && device.timezone.is_some(), "{device:?}");
    assert!(device.screen_width.is_some_and(|w| w > 0), "{device:?}");
    assert!(!device.languages.is_empty(), "{device:?}");
    assert_eq!(device.device_class, Some(pulsegate_schema::DeviceClass::Desktop));
}

#[wasm_bindgen_test]
fn gpc_and_dnt_are_honoured() {
    assert_eq!(privacy::signal(true), None, "headless Chromium sends neither signal");
    run(
        "Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });",
    );
    assert_eq!(privacy::signal(true), Some(privacy::Signal::GlobalPrivacyControl));
    assert_eq!(privacy::signal(false), Some(privacy::Signal::GlobalPrivacyControl));
    run("delete navigator.globalPrivacyControl;
         Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });");
    assert_eq!(privacy::signal(true), Some(privacy::Signal::DoNotTrack));
    assert_eq!(privacy::signal(false), None, "data-respect-dnt=\"false\"");
    run("delete navigator.doNotTrack;
         Object.defineProperty(navigator, 'globalPrivacyControl', { get() { throw new Error('x'); }, configurable: true });");
    assert_eq!(privacy::signal(true), None, "a throwing getter counts as not set");
    run("delete navigator.globalPrivacyControl;");
    // Any of the three places, "1" or "yes"; "0", "unspecified" and a number do not count.
    for (values, expected) in [
        ("[navigator, 'doNotTrack', '0'], [window, 'doNotTrack', '1']", true),
        ("[navigator, 'doNotTrack', 'unspecified'], [navigator, 'msDoNotTrack', 'yes']", true),
        ("[navigator, 'doNotTrack', '0'], [navigator, 'msDoNotTrack', 'no']", false),
        ("[navigator, 'doNotTrack', 1]", false),
    ] {
        run(&format!(
            "{}for (const [o, k, v] of [{values}]) override(o, k, {{ value: v }});",
            override_js()
        ));
        let signal = privacy::signal(true);
        restore_browser();
        assert_eq!(signal == Some(privacy::Signal::DoNotTrack), expected, "{values}");
    }
}

/// `start`'s answer for a tracker that stays off: the number of its reason (see `tracker::Off`).
#[wasm_bindgen_test]
fn start_answers_why_the_tracker_stays_off() {
    let off = |extra: &str| {
        let config = run(&format!(
            "return {{ siteKey: 'demo', endpoint: 'https://off.example', autoTrack: false, {extra} }};"
        ));
        crate::start(&config).as_f64()
    };
    let answer = crate::start(&run("return { siteKey: '', endpoint: 'https://off.example' };"));
    assert_eq!(answer.as_f64(), Some(1.0), "no valid site key");
    assert_eq!(off("domains: 'elsewhere.example'"), Some(5.0), "a host not in data-domains");
    run(&format!("{}override(navigator, 'doNotTrack', {{ value: '1' }});", override_js()));
    let dnt = off("");
    let ignored = off("respectDnt: false, domains: 'elsewhere.example'");
    restore_browser();
    assert_eq!(dnt, Some(3.0), "Do Not Track");
    assert_eq!(ignored, Some(5.0), "Do Not Track ignored, the next check answers");
}

/// Replaces properties of browser objects for a test (`override(target, key, descriptor)`); the
/// originals come back with [`restore_browser`] (window's own accessors such as `innerWidth`
/// included).
fn override_js() -> &'static str {
    "window.__pgSaved = window.__pgSaved || [];
     const override = (o, k, d) => {
       __pgSaved.push([o, k, Object.getOwnPropertyDescriptor(o, k)]);
       Object.defineProperty(o, k, { configurable: true, ...d });
     };"
}

fn restore_browser() {
    run("while (__pgSaved.length) {
           const [o, k, d] = __pgSaved.pop();
           if (d) Object.defineProperty(o, k, d); else delete o[k];
         }");
}

/// The session start's `device` member as the tracker writes it, parsed back into the schema's type.
fn device_facts() -> pulsegate_schema::Device {
    serde_json::from_str(&context::device_json()).expect("a Device")
}

/// Makes the browser report known device facts and bot traces (undone by [`restore_browser`]).
fn pin_browser() {
    run(&format!(
        "{}{}",
        override_js(),
        r#"const value = (o, k, v) => override(o, k, { value: v, writable: true });
        value(navigator, 'language', 'de-CH');
        value(navigator, 'languages', ['de-CH', '', 'x'.repeat(70), 'fr', 'it', 'en', 'rm', 'es', 'pt', 'nl']);
        value(navigator, 'userAgent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36');
        value(navigator, 'productSub', '20100101');
        value(navigator, 'plugins', []);
        value(screen, 'width', 1234.7);
        value(screen, 'height', 700);
        value(window, 'innerWidth', 411);
        value(window, 'innerHeight', -5);
        value(window, 'outerWidth', 0);
        value(window, 'outerHeight', 0);
        value(window, 'devicePixelRatio', 2.625);
        value(eval, 'toString', () => 'x'.repeat(37));
        value(window, 'Temporal', { Now: { timeZoneId: () => 'Pacific/Chatham' } });
        value(window, 'matchMedia', (q) => ({ matches: q === '(pointer: coarse)' }));
        value(window, 'Cypress', {});"#
    ));
}

/// The bot facts `js/bot.js` reads from the live page, as JSON text (`null` for what is missing):
/// user agent, productSub, webdriver, plugins, languages, zero outer size, visible, automation
/// traces, `eval` length.
fn bot_facts() -> String {
    String::from(js_sys::JSON::stringify(&bot::facts()).expect("facts"))
}

/// Bot signals as `js/bot.js` writes them (JSON text, empty for none), parsed back.
fn bot_signals(text: &str) -> Vec<BotSignal> {
    if text.is_empty() { Vec::new() } else { serde_json::from_str(text).expect(text) }
}

/// The device facts and bot signals of [`pin_browser`], as the schema's types.
fn pinned_device() -> (pulsegate_schema::Device, Vec<BotSignal>) {
    let device = pulsegate_schema::Device {
        language: Some("de-CH".into()),
        timezone: Some("Pacific/Chatham".into()),
        screen_width: Some(1234),
        screen_height: Some(700),
        viewport_width: Some(411),
        viewport_height: None,
        pixel_ratio: Some(2.625),
        languages: ["de-CH", &"x".repeat(64), "fr", "it", "en", "rm", "es"]
            .map(String::from)
            .to_vec(),
        device_class: Some(pulsegate_schema::DeviceClass::Mobile),
    };
    let bot = [
        BotSignal::Webdriver,
        BotSignal::HeadlessUserAgent,
        BotSignal::NoPlugins,
        BotSignal::ZeroOuterSize,
        BotSignal::AutomationGlobals,
        BotSignal::ProductSubMismatch,
        BotSignal::EvalLengthMismatch,
    ]
    .to_vec();
    (device, bot)
}

#[wasm_bindgen_test]
async fn device_facts_and_bot_signals_are_exactly_what_the_browser_reports() {
    pin_browser();
    let device = device_facts();
    let facts = bot_facts();
    let signals = bot::signals_json();
    let by_name = |name: &str| SOURCES.iter().find(|s| s.name == name).expect(name);
    let languages = read(by_name("languages")).await;
    let zone = read(by_name("timezone")).await;
    restore_browser();
    let (expected, bot) = pinned_device();
    assert_eq!(device, expected);
    assert_eq!(bot_signals(&signals), bot, "{facts}");
    // productSub 20100101, webdriver, no plugins, ten languages, zero outer size, visible,
    // traces (Cypress), `eval` in 37 characters.
    let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36";
    assert_eq!(facts, format!(r#"["{ua}","20100101",true,0,10,true,true,true,37]"#));
    // The fingerprint reads the same list (cut alike) and zone.
    let list = format!("de-CH;de-CH,{},fr,it,en,rm,es,", "x".repeat(64));
    assert_eq!(languages.as_deref(), Some(list.as_str()));
    assert_eq!(zone.as_deref(), Some("Pacific/Chatham"));
    // The real browser: every fact there, a desktop, the fingerprint's view of it the same.
    let device = device_facts();
    let real = |js: &str| run(js).as_f64().map(|n| n as u32);
    assert_eq!(device.language, run("return navigator.language;").as_string());
    assert_eq!(
        device.timezone,
        run("return Intl.DateTimeFormat().resolvedOptions().timeZone;").as_string()
    );
    assert_eq!(device.screen_width, real("return screen.width;"));
    assert_eq!(device.screen_height, real("return screen.height;"));
    assert_eq!(device.viewport_width, real("return innerWidth;"));
    assert_eq!(device.viewport_height, real("return innerHeight;"));
    assert_eq!(device.pixel_ratio, run("return devicePixelRatio;").as_f64());
    let languages: Vec<String> = Array::from(&run("return navigator.languages.slice(0, 8);"))
        .iter()
        .filter_map(|l| l.as_string())
        .collect();
    assert_eq!(device.languages, languages);
    assert_eq!(device.device_class, Some(pulsegate_schema::DeviceClass::Desktop));
    let facts = Array::from(&bot::facts());
    assert_eq!(facts.get(0).as_string(), run("return navigator.userAgent;").as_string());
    assert_eq!(facts.get(8).as_f64(), Some(33.0));
    assert_eq!(facts.get(1).as_string().as_deref(), Some("20030107"));
    assert_eq!(facts.get(2), JsValue::TRUE, "{}", bot_facts());
}

#[wasm_bindgen_test]
fn a_large_touch_screen_is_a_tablet_and_whole_ratios_stay_whole() {
    run(&format!(
        "{}{}",
        override_js(),
        r#"const value = (o, k, v) => override(o, k, { value: v, writable: true });
        value(navigator, 'language', 'x'.repeat(70));
        value(navigator, 'languages', ['fr', 7, null, 'de']);
        value(screen, 'width', 1366);
        value(screen, 'height', 768);
        value(window, 'innerWidth', 0);
        value(window, 'innerHeight', Infinity);
        value(window, 'devicePixelRatio', 2);
        value(window, 'Temporal', { Now: { timeZoneId: () => 'Etc/"Odd"' } });
        value(window, 'matchMedia', (q) => ({ matches: q === '(pointer: coarse)' }));"#
    ));
    let device = device_facts();
    let text = context::device_json();
    restore_browser();
    assert!(text.contains(r#""pixel_ratio":2,"#), "{text}");
    let expected = pulsegate_schema::Device {
        language: Some("x".repeat(64)),
        timezone: Some("Etc/\"Odd\"".into()),
        screen_width: Some(1366),
        screen_height: Some(768),
        viewport_width: Some(0),
        viewport_height: None,
        pixel_ratio: Some(2.0),
        languages: ["fr", "de"].map(String::from).to_vec(),
        device_class: Some(pulsegate_schema::DeviceClass::Tablet),
    };
    assert_eq!(device, expected);
}

#[wasm_bindgen_test]
fn device_facts_out_of_the_schemas_range_are_left_out() {
    for (ratio, width) in [("0", "2 ** 32"), ("16.5", "-0.5"), ("-1", "NaN")] {
        run(&format!(
            "{}override(window, 'devicePixelRatio', {{ value: {ratio} }});
             override(screen, 'width', {{ value: {width} }});",
            override_js()
        ));
        let device = device_facts();
        restore_browser();
        assert_eq!((device.pixel_ratio, device.screen_width), (None, None), "{ratio} {width}");
        assert!(device.screen_height.is_some(), "{device:?}");
    }
}

#[wasm_bindgen_test]
fn device_facts_a_page_broke_are_left_out() {
    run(&format!(
        "{}{}",
        override_js(),
        r#"const broken = { get() { throw new Error('x'); } };
        for (const k of ['language', 'languages', 'userAgent', 'productSub', 'plugins', 'webdriver']) override(navigator, k, broken);
        override(screen, 'width', broken);
        override(screen, 'height', { value: 'wide' });
        for (const k of ['innerWidth', 'innerHeight', 'outerWidth', 'devicePixelRatio']) override(window, k, broken);
        override(window, 'outerHeight', { value: NaN });
        override(eval, 'toString', broken);
        override(window, 'Temporal', { value: undefined, writable: true });
        override(window, 'Intl', { value: { DateTimeFormat() { throw new Error('x'); } }, writable: true });
        override(window, 'matchMedia', { value: () => { throw new Error('x'); }, writable: true });"#
    ));
    let device = device_facts();
    let facts = bot::facts();
    let text = bot_facts();
    restore_browser();
    let expected = pulsegate_schema::Device {
        device_class: Some(pulsegate_schema::DeviceClass::Desktop),
        ..pulsegate_schema::Device::default()
    };
    assert_eq!(device, expected);
    // Nothing read (lengths `NaN`, written as `null`). (ChromeDriver's own traces on the page are
    // not what this test broke.)
    let facts = Array::from(&facts);
    assert_eq!(facts.get(3).as_f64().map(f64::is_nan), Some(true), "{text}");
    assert_eq!(facts.get(1), JsValue::UNDEFINED, "{text}");
    let (visible, traces) = (facts.get(6).as_bool().unwrap(), facts.get(7).as_bool().unwrap());
    assert_eq!(text, format!(r#"["",null,false,null,null,false,{visible},{traces},null]"#));
}

/// The UTM parameters the tracker reads from the page's URL for a session start, parsed back into
/// the schema's type.
fn page_utm() -> Option<pulsegate_schema::Utm> {
    let text = context::utm_json();
    (!text.is_empty()).then(|| serde_json::from_str(&text).expect("a Utm"))
}

#[wasm_bindgen_test]
fn utm_parameters_are_the_first_non_empty_ones_decoded_and_cut() {
    use pulsegate_schema::Utm;
    let original = href();
    let some = |s: &str| Some(String::from(s));
    let long = format!("x{}", "é".repeat(200));
    let cases = [
        (
            "?utm_source=&utm_source=a+b&utm_source=c&utm_medium=%E2%82%AC&x=1#utm_term=no"
                .to_owned(),
            Some(Utm { source: some("a b"), medium: some("€"), ..Utm::default() }),
        ),
        (
            "?utm_term=t&utm_content=c%22q%26&UTM_SOURCE=u&utm_campaign=%20".to_owned(),
            Some(Utm {
                campaign: some(" "),
                term: some("t"),
                content: some("c\"q&"),
                ..Utm::default()
            }),
        ),
        (
            format!("?utm_campaign={long}"),
            Some(Utm { campaign: Some(format!("x{}", "é".repeat(127))), ..Utm::default() }),
        ),
        ("?plan=pro&utm_source=".to_owned(), None),
        (String::new(), None),
    ];
    for (query, expected) in cases {
        run(&format!("history.replaceState(null, '', location.pathname + {query:?});"));
        let utm = page_utm();
        run(&format!("history.replaceState(null, '', {original:?});"));
        assert_eq!(utm, expected, "{query}");
    }
}

#[wasm_bindgen_test]
async fn the_session_start_body_carries_the_page_device_and_bot_signals() {
    clear_storage();
    let endpoint = "https://pinned-start.example";
    let original = href();
    let title = run("const t = document.title; document.title = 'Pinned \"start\" é'; return t;");
    run(
        "history.replaceState(null, '', location.pathname + '?utm_source=news&utm_medium=email&utm_campaign=spring%20sale&token=secret#x');",
    );
    pin_browser();
    let f = start(endpoint, "");
    track(&f, "pinned");
    until("the session start", || !starts(endpoint).is_empty()).await;
    restore_browser();
    run(&format!("history.replaceState(null, '', {original:?});"));
    Function::new_with_args("t", "document.title = t;")
        .call1(&JsValue::NULL, &title)
        .expect("title");
    let body =
        sent(endpoint).into_iter().find(|s| s.path == "/track/session/start").expect("sent").body;
    let start: SessionStart = serde_json::from_str(&body).expect("a SessionStart");
    let (device, bot) = pinned_device();
    assert_eq!(start.device, device);
    assert_eq!(start.bot, bot);
    assert_eq!(start.site_key.as_str(), "demo");
    assert_eq!(start.consent, ConsentTier::Analytics);
    let stored = Store::open(&window(), &document()).get(VISITOR_KEY);
    assert_eq!(start.visitor_id.map(|v| v.to_string()), stored);
    assert!(start.fingerprint.is_some());
    assert_eq!(start.page.title.as_deref(), Some("Pinned \"start\" é"));
    assert!(
        start.page.url.ends_with("?utm_source=news&utm_medium=email&utm_campaign=spring%20sale"),
        "{}",
        start.page.url
    );
    let utm = start.utm.expect("utm");
    assert_eq!(
        (
            utm.source.as_deref(),
            utm.medium.as_deref(),
            utm.campaign.as_deref(),
            utm.term,
            utm.content
        ),
        (Some("news"), Some("email"), Some("spring sale"), None, None)
    );
    pagehide();
    clear_storage();
}

// ---- queue ----------------------------------------------------------------------------------

fn pageview_json(ts: u64, url: String) -> String {
    json::to_string(&Event::Pageview(Pageview { ts, url, ..Pageview::default() })).expect("json")
}

#[wasm_bindgen_test]
fn batch_bodies_parse_back_and_split_at_the_event_limit() {
    let session = ids::session_id().expect("crypto");
    let events: Vec<String> = (0..450)
        .map(|i| pageview_json(1_764_097_200_000 + i, format!("{}?p={i}", href())))
        .collect();
    let bodies = encode_batches(session, 1_764_097_200_000, &events, 1_764_097_300_000);
    let batches: Vec<EventBatch> =
        bodies.iter().map(|b| serde_json::from_str(b).expect("an EventBatch")).collect();
    assert_eq!(batches.iter().map(|b| b.events.len()).collect::<Vec<_>>(), [200, 200, 50]);
    assert!(batches.iter().all(|b| b.events.len() <= MAX_EVENTS_PER_BATCH));
    // Every batch id is distinct (a set keeps each once, however they are ordered).
    let ids: BTreeSet<_> = batches.iter().map(|b| b.batch_id).collect();
    assert_eq!(ids.len(), batches.len(), "each batch has its own id");
    for batch in &batches {
        assert_eq!(batch.session_id, session);
        assert_eq!(batch.session_started_at, 1_764_097_200_000);
        assert_eq!(batch.sent_at, 1_764_097_300_000);
    }
    let all: Vec<&Event> = batches.iter().flat_map(|b| &b.events).collect();
    for (i, event) in all.iter().enumerate() {
        let Event::Pageview(p) = event else { panic!("not a pageview: {event:?}") };
        assert_eq!(p.ts, 1_764_097_200_000 + i as u64);
    }
}

#[wasm_bindgen_test]
fn batch_bodies_stay_under_the_unload_limit() {
    let session = ids::session_id().expect("crypto");
    let long = format!("{}?q={}", href(), "ü".repeat(1000));
    let events: Vec<String> = (0..100).map(|i| pageview_json(i, long.clone())).collect();
    let bodies = encode_batches(session, 1, &events, 2);
    assert!(bodies.len() > 3, "{}", bodies.len());
    assert!(bodies.iter().all(|b| b.len() <= MAX_UNLOAD_BODY_BYTES));
    let total: usize = bodies
        .iter()
        .map(|b| serde_json::from_str::<EventBatch>(b).expect("an EventBatch").events.len())
        .sum();
    assert_eq!(total, 100);
}

/// One event of every kind the tracker records, once with every optional member and once with
/// none, with text that needs escaping.
fn every_kind() -> Vec<Event> {
    use pulsegate_schema::{
        Custom, EngagementTime, ErrorEvent, FormAction, FormInteraction, Identify, Props,
        RageClick, Scroll,
    };
    let odd = "q\"uo\\te\n\t\u{1}\u{7f} é 日本 🦀 \u{2028}";
    let url = format!("{}?q=%22x%22", href());
    vec![
        Event::Pageview(Pageview { ts: 1, url: url.clone(), ..Pageview::default() }),
        Event::Pageview(Pageview {
            ts: u64::from(u32::MAX) * 1000,
            url: url.clone(),
            referrer: Some(url.clone()),
            title: Some(odd.into()),
        }),
        Event::Click(Click { ts: 2, selector: "a".into(), x: 0, y: 0, ..Click::default() }),
        Event::Click(Click {
            ts: 3,
            selector: "div#x > a.cta:nth-of-type(2)".into(),
            text: Some(odd.into()),
            x: -12,
            y: i32::MAX,
            href: Some(url.clone()),
            outbound: true,
        }),
        Event::RageClick(RageClick { ts: 4, selector: odd.into(), x: -1, y: 7, clicks: 65_535 }),
        Event::Scroll(Scroll { ts: 5, percent: 100 }),
        Event::Scroll(Scroll { ts: 5, percent: 0 }),
        Event::Engagement(EngagementTime { ts: 6, engaged_ms: 86_400_000 }),
        Event::FormInteraction(FormInteraction {
            ts: 7,
            form_id: "form:nth-of-type(1)".into(),
            ..FormInteraction::default()
        }),
        Event::FormInteraction(FormInteraction {
            ts: 8,
            form_id: "contact".into(),
            field: Some(odd.into()),
            action: FormAction::Change,
            filled: Some(0),
            fields: Some(u16::MAX),
        }),
        Event::FormInteraction(FormInteraction {
            ts: 9,
            form_id: "contact".into(),
            action: FormAction::Submit,
            filled: Some(3),
            fields: Some(4),
            ..FormInteraction::default()
        }),
        Event::FormInteraction(FormInteraction {
            ts: 10,
            form_id: "contact".into(),
            action: FormAction::Abandon,
            ..FormInteraction::default()
        }),
        Event::Custom(Custom { ts: 11, name: odd.into(), props: Props::new() }),
        Event::Identify(Identify { ts: 12, user_id: odd.into(), traits: Props::new() }),
        Event::Error(ErrorEvent { ts: 13, message: odd.into(), ..ErrorEvent::default() }),
        Event::Error(ErrorEvent {
            ts: 14,
            message: "Uncaught TypeError: x is not a function".into(),
            source: Some(url),
            line: Some(0),
            column: Some(u32::MAX),
            rejection: true,
        }),
    ]
}

#[wasm_bindgen_test]
fn every_event_kind_the_tracker_writes_parses_back_as_the_schema_type() {
    use pulsegate_schema::{Custom, Identify, PropValue, Props};
    let expected = every_kind();
    let mut texts: Vec<String> = expected.iter().map(|e| crate::wire::event(e, "", "{}")).collect();
    // The props and traits the tracker's JS writes (`js/props.js`) are added as members.
    let object = r#"{"plan":"pro","seats":2,"ratio":0.25,"trial":false,"x":null}"#;
    let props = Props::from([
        ("plan".into(), PropValue::String("pro".into())),
        ("seats".into(), PropValue::Number(2.0)),
        ("ratio".into(), PropValue::Number(0.25)),
        ("trial".into(), PropValue::Bool(false)),
        ("x".into(), PropValue::Null),
    ]);
    let custom = Custom { ts: 15, name: "signup".into(), props: Props::new() };
    let identify = Identify { ts: 16, user_id: "u-1".into(), traits: Props::new() };
    texts.push(crate::wire::event(&Event::Custom(custom.clone()), "props", object));
    texts.push(crate::wire::event(&Event::Identify(identify.clone()), "traits", object));
    let mut expected = expected;
    expected.push(Event::Custom(Custom { props: props.clone(), ..custom }));
    expected.push(Event::Identify(Identify { traits: props, ..identify }));
    let session = ids::session_id().expect("crypto");
    for (text, event) in texts.iter().zip(&expected) {
        let parsed: Event = serde_json::from_str(text).expect("an Event");
        assert_eq!(&parsed, event, "{text}");
    }
    let bodies = encode_batches(session, 1, &texts, 2);
    let batches: Vec<EventBatch> =
        bodies.iter().map(|b| serde_json::from_str(b).expect("an EventBatch")).collect();
    let events: Vec<Event> = batches.into_iter().flat_map(|b| b.events).collect();
    assert_eq!(events, expected);
    let kinds: BTreeSet<&str> = events.iter().map(Event::kind).collect();
    assert_eq!(kinds, Event::KINDS.iter().copied().collect::<BTreeSet<_>>(), "every kind");
}

// ---- trackers: delivery ---------------------------------------------------------------------

#[wasm_bindgen_test]
async fn pagehide_flushes_what_the_timer_has_not() {
    clear_storage();
    let endpoint = "https://pagehide.example";
    let f = start(endpoint, "");
    // The session start leaves once its fingerprint is done, with what waited behind it.
    track(&f, "first");
    until("the first batch", || batches(endpoint).len() == 1).await;
    // Later events wait for the flush timer, a minute away: only the page hiding sends them.
    track(&f, "before-hide");
    sleep(300).await;
    assert_eq!(batches(endpoint).len(), 1, "nothing flushed before the page hides");
    pagehide();
    let batches = batches(endpoint);
    assert_eq!(batches.len(), 2, "{:?}", sent(endpoint));
    assert_eq!(custom_names(&batches[1]), ["before-hide"]);
    let via: Vec<String> = sent(endpoint).into_iter().map(|s| s.via).collect();
    assert_eq!(via.last().map(String::as_str), Some("beacon"), "the unload path sends beacons");
    assert_eq!(batches[1].session_id, starts(endpoint)[0].session_id);
}

#[wasm_bindgen_test]
async fn retries_keep_the_batch_id_and_honour_retry_after() {
    clear_storage();
    let endpoint = "https://retry.example";
    // The session start gets a 503 with Retry-After: 1, then goes through; the batch gets a
    // network error, then a 500, then goes through.
    answer(
        endpoint,
        "[{ status: 503, headers: { 'Retry-After': '1' } }, { status: 202 },
                      { error: true }, { status: 500 }, { status: 202 }]",
    );
    let f = start(endpoint, "flushAt: 1");
    track(&f, "retried");
    until("the first attempt", || !sent(endpoint).is_empty()).await;
    sleep(300).await;
    assert_eq!(sent(endpoint).len(), 1, "Retry-After: 1 holds the retry back");
    until("every attempt", || sent(endpoint).len() == 5).await;
    let sent = sent(endpoint);
    let paths: Vec<&str> = sent.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/track/session/start",
            "/track/session/start",
            EVENTS_BATCH_PATH,
            EVENTS_BATCH_PATH,
            EVENTS_BATCH_PATH
        ]
    );
    assert_eq!(sent[0].body, sent[1].body, "a retry sends the same body");
    assert_eq!(sent[2].body, sent[3].body);
    assert_eq!(sent[3].body, sent[4].body, "the same batch_id every time");
    sleep(1500).await;
    assert_eq!(sent.len(), 5, "nothing more once delivered");
}

#[wasm_bindgen_test]
async fn refused_requests_are_dropped_and_the_next_ones_go_on() {
    clear_storage();
    let endpoint = "https://refused.example";
    answer(endpoint, "[{ status: 202 }, { status: 400 }, { status: 202 }]");
    let f = start(endpoint, "flushAt: 1");
    track(&f, "refused");
    until("the refused batch", || sent(endpoint).len() == 2).await;
    track(&f, "accepted");
    until("the next batch", || sent(endpoint).len() == 3).await;
    sleep(1200).await;
    let names: Vec<Vec<String>> = batches(endpoint).iter().map(custom_names).collect();
    assert_eq!(names, [["refused"], ["accepted"]], "a 400 is not retried");
}

#[wasm_bindgen_test]
async fn a_fetch_the_page_broke_neither_throws_nor_locks_the_tracker() {
    clear_storage();
    let endpoint = "https://broken-fetch.example";
    let f = start(endpoint, "flushAt: 1");
    run("window.__pgSavedFetch = window.fetch; window.__pgUnhandled = 0;
         window.__pgOnRejection = (e) => { __pgUnhandled++; };
         addEventListener('unhandledrejection', __pgOnRejection);
         window.fetch = () => 'not a promise';");
    track(&f, "while-broken");
    sleep(200).await;
    run("window.fetch = () => { throw new TypeError('blocked'); };");
    track(&f, "still-broken");
    sleep(200).await;
    run("window.fetch = __pgSavedFetch;");
    track(&f, "after-repair");
    // The retry timer runs the queue again once fetch works: everything arrives, in order.
    until("all three batches", || batches(endpoint).len() >= 3).await;
    let names: Vec<String> = batches(endpoint).iter().flat_map(custom_names).collect();
    assert_eq!(names, ["while-broken", "still-broken", "after-repair"]);
    assert_eq!(
        run("removeEventListener('unhandledrejection', __pgOnRejection); return __pgUnhandled;")
            .as_f64(),
        Some(0.0)
    );
}

#[wasm_bindgen_test]
async fn a_call_made_while_the_tracker_runs_is_dropped_and_the_tracker_goes_on() {
    clear_storage();
    let endpoint = "https://reentry.example";
    let f = start(endpoint, "flushAt: 1");
    track(&f, "first");
    until("the first batch", || batches(endpoint).len() == 1).await;
    // A page's `fetch` that calls the tracker back while the tracker sends: those calls find it
    // busy and are dropped (no value, nothing thrown, nothing recorded), once.
    Reflect::set(&window(), &"__pgApi".into(), &f).expect("set");
    run("window.__pgSavedFetch = window.fetch; window.__pgInner = 'not called';
     window.fetch = (url, init) => {
       window.fetch = __pgSavedFetch;
       window.__pgInner = [__pgApi(8), __pgApi(1, 'reentered'), __pgApi(10)];
       return __pgSavedFetch(url, init);
     };");
    track(&f, "second");
    until("the second batch", || batches(endpoint).len() == 2).await;
    let inner: Array = run("return __pgInner;").into();
    assert_eq!(inner.length(), 3, "the page's fetch called back");
    assert!(inner.iter().all(|v| v.is_undefined()), "{inner:?}");
    // Afterwards the tracker answers and records as before.
    assert!(api(&f, 8, &JsValue::UNDEFINED, &JsValue::UNDEFINED).is_string());
    track(&f, "third");
    until("the third batch", || batches(endpoint).len() == 3).await;
    let names: Vec<String> = batches(endpoint).iter().flat_map(custom_names).collect();
    assert_eq!(names, ["first", "second", "third"]);
}

#[wasm_bindgen_test]
async fn a_session_end_an_older_worker_does_not_know_is_dropped_quietly() {
    clear_storage();
    let endpoint = "https://old-worker.example";
    // start, then the session end gets 404 (no such route), then nothing else may be retried.
    answer(endpoint, "[{ status: 202 }, { status: 202 }, { status: 404 }]");
    let f = start(endpoint, "");
    track(&f, "one");
    until("the session start and batch", || sent(endpoint).len() == 2).await;
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED); // optOut(): ends the session
    until("the session end", || sent(endpoint).len() == 3).await;
    sleep(1500).await;
    let sent = sent(endpoint);
    assert_eq!(sent.len(), 3, "no retry of the 404: {sent:?}");
    let end: SessionEnd = serde_json::from_str(&sent[2].body).expect("a SessionEnd");
    assert_eq!(end.session_id, starts(endpoint)[0].session_id);
    clear_storage();
}

// ---- trackers: the storage mirror -----------------------------------------------------------

#[wasm_bindgen_test]
async fn undelivered_requests_wait_in_storage_and_the_next_page_sends_them() {
    clear_storage();
    let endpoint = "https://mirror.example";
    answer(endpoint, "Array.from({ length: 50 }, () => ({ error: true }))");
    let f = start(endpoint, "flushAt: 1");
    track(&f, "offline");
    until("a failed attempt", || sent(endpoint).len() >= 2).await;
    let store = Store::open(&window(), &document());
    let keys = store.keys(KEY_PREFIX);
    let mirrors: Vec<(&String, Mirror)> =
        keys.iter().filter_map(|k| Some((k, Mirror::decode(&store.get(k)?)?))).collect();
    let (key, mine) = mirrors
        .iter()
        .find(|(_, m)| m.requests.iter().any(|r| r.body.contains("\"offline\"")))
        .expect("the batch is mirrored");
    assert!(!mine.closed);
    // Named after the page's random id: `pulsegate.q.` and a lower-case hyphenated UUID.
    let id = key.strip_prefix(KEY_PREFIX).expect("under the prefix");
    assert!(ids::is_uuid(id) && !id.bytes().any(|b| b.is_ascii_uppercase()), "{key}");
    // A page that is gone left a closed mirror: the next tracker adopts it and sends it first.
    let session = SessionId::from_random_bytes([3; 16]);
    let orphan = Mirror {
        updated_at: js::now(),
        closed: true,
        requests: Vec::from([Request::new(
            EVENTS_BATCH_PATH,
            encode_batches(session, js::now(), &[pageview_json(js::now(), href())], js::now())
                .remove(0),
        )]),
        session: Some((session, js::now())),
        events: Vec::from([pageview_json(js::now(), format!("{}?loose", href()))]),
    };
    store.set("pulsegate.q.gone-page", &orphan.encode(), false);
    let adopter = "https://adopter.example";
    let _f = start(adopter, "");
    until("the adopted batches", || batches(adopter).len() >= 2).await;
    let adopted = batches(adopter);
    assert!(adopted.iter().take(2).all(|b| b.session_id == session), "{adopted:?}");
    assert_eq!(store.get("pulsegate.q.gone-page"), None, "adopted once");
    // The first tracker keeps retrying; opted out, it stops writing to storage for the next tests.
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    clear_storage();
}

#[wasm_bindgen_test]
async fn only_whole_mirrors_of_pages_that_are_gone_are_adopted() {
    clear_storage();
    let store = Store::open(&window(), &document());
    let session = SessionId::from_random_bytes([5; 16]);
    let batch = |marker: &str| {
        let url = format!("{}?{marker}", href());
        let body = encode_batches(session, js::now(), &[pageview_json(js::now(), url)], js::now());
        Request::new(EVENTS_BATCH_PATH, body[0].clone())
    };
    let mirror = |closed: bool, marker: &str| Mirror {
        updated_at: js::now(),
        closed,
        requests: Vec::from([batch(marker)]),
        session: Some((session, js::now())),
        events: Vec::new(),
    };
    // A page still open (written just now, not closed): left alone.
    store.set("pulsegate.q.live-page", &mirror(false, "live").encode(), false);
    // A closed page whose text was cut after its first request: nothing of it is sent.
    let mut damaged = mirror(true, "damaged-first").encode();
    damaged.push_str("r|/track/events/batch|0|9999\n{cut");
    store.set("pulsegate.q.damaged-page", &damaged, false);
    // A closed page, whole: adopted.
    store.set("pulsegate.q.closed-page", &mirror(true, "whole").encode(), false);
    let endpoint = "https://adopt-some.example";
    let f = start(endpoint, "");
    until("the adopted batch", || !batches(endpoint).is_empty()).await;
    sleep(300).await;
    let urls: Vec<String> = batches(endpoint)
        .iter()
        .flat_map(|b| b.events.iter())
        .filter_map(|e| match e {
            Event::Pageview(p) => Some(p.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(urls, [format!("{}?whole", href())]);
    assert_eq!(store.get("pulsegate.q.damaged-page"), None, "a damaged mirror is removed");
    assert_eq!(store.get("pulsegate.q.closed-page"), None, "adopted once");
    assert!(store.get("pulsegate.q.live-page").is_some(), "a live page keeps its mirror");
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    clear_storage();
}

// ---- trackers: consent and opt-out -----------------------------------------------------------

fn pulsegate_keys() -> Vec<String> {
    let keys: Array =
        run("return Object.keys(localStorage).filter((k) => k.startsWith('pulsegate'));").into();
    keys.iter().filter_map(|k| k.as_string()).collect()
}

#[wasm_bindgen_test]
async fn pending_consent_stores_nothing_until_the_visitor_chooses() {
    clear_storage();
    let endpoint = "https://consent.example";
    let f = start(endpoint, "consent: 'pending'");
    track(&f, "anonymous");
    pagehide();
    until("the count session", || !starts(endpoint).is_empty()).await;
    let first = starts(endpoint)[0].clone();
    assert_eq!(first.consent, ConsentTier::Count);
    assert_eq!(first.visitor_id, None);
    assert_eq!(first.fingerprint, None);
    // Nothing of this tracker is stored (other trackers of this test page may write their own).
    let stored = Store::open(&window(), &document());
    for key in [VISITOR_KEY, SESSION_KEY, CONSENT_KEY] {
        assert_eq!(stored.get(key), None, "{key} stored under count");
    }
    let count_session = first.session_id.to_string();
    for key in pulsegate_keys() {
        assert!(!stored.get(&key).unwrap_or_default().contains(&count_session), "{key}");
    }
    assert!(api(&f, 7, &JsValue::UNDEFINED, &JsValue::UNDEFINED).is_null(), "no visitor id");

    // The visitor agrees: a new session under `analytics`, with a stored visitor id and a
    // fingerprint; the count session is closed.
    api(&f, 4, &run("return { analytics: true };"), &JsValue::UNDEFINED);
    track(&f, "identified");
    until("the analytics session", || starts(endpoint).len() == 2).await;
    let second = starts(endpoint)[1].clone();
    assert_eq!(second.consent, ConsentTier::Analytics);
    let visitor = second.visitor_id.expect("a visitor id");
    assert!(second.fingerprint.is_some());
    assert_ne!(second.session_id, first.session_id);
    assert_eq!(stored.get(VISITOR_KEY), Some(visitor.to_string()));
    assert_eq!(stored.get(CONSENT_KEY).as_deref(), Some("analytics"));
    assert!(stored.get(SESSION_KEY).is_some());
    assert_eq!(
        api(&f, 7, &JsValue::UNDEFINED, &JsValue::UNDEFINED).as_string(),
        Some(visitor.to_string())
    );
    let ends: Vec<SessionEnd> = sent(endpoint)
        .iter()
        .filter(|s| s.path == "/track/session/end")
        .map(|s| serde_json::from_str(&s.body).expect("a SessionEnd"))
        .collect();
    assert_eq!(ends.len(), 1);
    assert_eq!(ends[0].session_id, first.session_id);

    // Withdrawn: everything stored goes (except the choice itself).
    api(&f, 4, &"count".into(), &JsValue::UNDEFINED);
    assert_eq!(stored.get(VISITOR_KEY), None);
    assert_eq!(stored.get(SESSION_KEY), None);
    assert_eq!(stored.get(CONSENT_KEY).as_deref(), Some("count"));
    assert!(api(&f, 7, &JsValue::UNDEFINED, &JsValue::UNDEFINED).is_null());
    clear_storage();
}

#[wasm_bindgen_test]
async fn opting_out_ends_the_session_forgets_everything_and_is_remembered() {
    clear_storage();
    let endpoint = "https://optout.example";
    let f = start(endpoint, "");
    track(&f, "before");
    until("the session start", || !starts(endpoint).is_empty()).await;
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    track(&f, "after"); // ignored
    until("the session end", || sent(endpoint).iter().any(|s| s.path == "/track/session/end"))
        .await;
    pagehide();
    let names: Vec<String> = batches(endpoint).iter().flat_map(custom_names).collect();
    assert_eq!(names, ["before"], "recorded before the opt-out, delivered; nothing after");
    assert_eq!(pulsegate_keys(), [OPT_OUT_KEY]);
    assert!(api(&f, 8, &JsValue::UNDEFINED, &JsValue::UNDEFINED).is_null(), "no session");
    // A new page: the stored opt-out keeps the tracker off.
    install_network();
    let config = run("return { siteKey: 'demo', endpoint: 'https://optout2.example' };");
    assert_eq!(crate::start(&config).as_f64(), Some(4.0));
    // optIn() forgets it; tracking resumes on this page.
    api(&f, 6, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    assert!(!pulsegate_keys().iter().any(|k| k == OPT_OUT_KEY));
    track(&f, "back");
    pagehide();
    until("a new session", || starts(endpoint).len() == 2).await;
    pagehide();
    let names: Vec<String> = batches(endpoint).iter().flat_map(custom_names).collect();
    assert_eq!(names.last().map(String::as_str), Some("back"));
    clear_storage();
}

/// `_state()` as other PulseGate modules read it: its exact keys in order, their types, and values
/// that agree with the session start sent.
#[wasm_bindgen_test]
async fn state_reports_the_session_the_replay_rate_and_the_fingerprint() {
    clear_storage();
    let endpoint = "https://state.example";
    install_network();
    answer(endpoint, "[{ status: 202, body: '{\"replay_sample_rate\":0.25}' }]");
    let f = start(endpoint, "");
    let state = || api(&f, 10, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    track(&f, "first");
    until("the session start", || !starts(endpoint).is_empty()).await;
    let start = starts(endpoint)[0].clone();
    let fingerprint = start.fingerprint.clone().expect("a fingerprint");
    until("the replay rate", || js::get(&state(), "replayRate").is_string()).await;
    let s = state();
    // Keys in order, and the type of each value (nested objects described the same way).
    let describe = Function::new_with_args(
        "s",
        "const d = (o) => Object.keys(o).map((k) => k + ':' + (o[k] !== null && typeof o[k] === 'object' ? '{' + d(o[k]) + '}' : typeof o[k])).join(',');
         return d(s);",
    );
    let shape = describe.call1(&JsValue::NULL, &s).expect("describe").as_string();
    let names = |kind: &str| {
        SOURCES.iter().map(|s| format!("{}:{kind}", s.name)).collect::<Vec<_>>().join(",")
    };
    let expected = format!(
        "consent:string,sessionId:string,sessionStartedAt:number,visitorId:string,\
         replayRate:string,fingerprint:{{id:string,confidence:number,sources:number,ms:number,\
         wallMs:number,sourceMs:{{{}}},sourceTaskMs:{{{}}}}}",
        names("number"),
        names("number")
    );
    assert_eq!(shape.as_deref(), Some(expected.as_str()));
    assert_eq!(js::text(&s, "consent").as_deref(), Some("analytics"));
    assert_eq!(js::text(&s, "sessionId"), Some(start.session_id.to_string()));
    assert_eq!(js::number(&s, "sessionStartedAt"), Some(start.started_at as f64));
    assert_eq!(js::text(&s, "visitorId"), start.visitor_id.map(|v| v.to_string()));
    assert_eq!(js::text(&s, "replayRate").as_deref(), Some("2500"));
    let fp = js::get(&s, "fingerprint");
    assert_eq!(js::text(&fp, "id"), Some(fingerprint.id.as_str().to_owned()));
    assert_eq!(js::number(&fp, "confidence"), Some(f64::from(fingerprint.confidence)));
    assert_eq!(js::number(&fp, "sources"), Some(f64::from(fingerprint.sources)));
    assert_eq!(js::number(&fp, "ms"), Some(f64::from(fingerprint.ms)));
    assert!(js::number(&fp, "wallMs").is_some_and(|w| w >= 0.0));
    for source in &SOURCES {
        let ms = js::number(&js::get(&fp, "sourceMs"), source.name).expect(source.name);
        let task = js::number(&js::get(&fp, "sourceTaskMs"), source.name).expect(source.name);
        assert!(ms >= 0.0 && task >= 0.0, "{}: {ms} {task}", source.name);
    }
    // Each call builds a fresh object.
    assert_ne!(s, state());
    // Opted out: nothing to report.
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    assert!(state().is_null());
    api(&f, 6, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    pagehide();
    clear_storage();
}

#[wasm_bindgen_test]
fn wrong_arguments_are_ignored_without_throwing() {
    clear_storage();
    let endpoint = "https://arguments.example";
    let f = start(endpoint, "");
    for (a, b) in [
        (JsValue::UNDEFINED, JsValue::UNDEFINED),
        (JsValue::from(42), JsValue::UNDEFINED),
        ("".into(), JsValue::UNDEFINED),
        ("ok".into(), run("return [1, 2];")),
        ("ok".into(), run("return { nested: { a: 1 } };")),
        ("ok".into(), run("return { n: NaN };")),
        ("ok".into(), "not props".into()),
    ] {
        assert!(api(&f, 1, &a, &b).is_undefined());
    }
    assert!(api(&f, 4, &"bogus-tier".into(), &JsValue::UNDEFINED).is_undefined());
    assert!(api(&f, 99, &JsValue::UNDEFINED, &JsValue::UNDEFINED).is_undefined());
    pagehide();
    assert!(batches(endpoint).is_empty(), "{:?}", sent(endpoint));
    clear_storage();
}

/// The console warnings `f(op, a, b)` logs (`console.warn` recorded while it runs).
fn warnings(f: &JsValue, op: u8, a: &JsValue, b: &JsValue) -> Vec<String> {
    run("window.__pgWarned = []; window.__pgWarn = console.warn;
         console.warn = (...args) => { __pgWarned.push(args.join(' ')); };");
    api(f, op, a, b);
    let warned: Array = run("console.warn = __pgWarn; return __pgWarned;").into();
    warned.iter().map(|w| w.as_string().expect("warning text")).collect()
}

#[wasm_bindgen_test]
fn wrong_arguments_log_one_warning_naming_the_method_in_debug_mode_only() {
    clear_storage();
    let undefined = JsValue::UNDEFINED;
    let quiet = start("https://quiet-warnings.example", "");
    assert_eq!(warnings(&quiet, 1, &undefined, &undefined), Vec::<String>::new());
    let f = start("https://warnings.example", "debug: true");
    let bad_page = run("return { url: 'javascript:alert(1)' };");
    for (op, a, b, method) in [
        (0, undefined.clone(), undefined.clone(), "init"),
        (1, undefined.clone(), undefined.clone(), "track"),
        (1, "ok".into(), "not props".into(), "track"),
        (2, "".into(), undefined.clone(), "identify"),
        (2, "user-1".into(), run("return [1];"), "identify"),
        (3, bad_page, undefined.clone(), "page"),
        (4, "bogus-tier".into(), undefined.clone(), "consent"),
        (9, "/other".into(), "{}".into(), "_send"),
    ] {
        let warned = warnings(&f, op, &a, &b);
        assert_eq!(warned.len(), 1, "{method}: {warned:?}");
        let prefix = format!("[pulsegate] {method}: ");
        assert!(warned[0].starts_with(&prefix) && warned[0].len() > prefix.len(), "{warned:?}");
    }
    assert_eq!(warnings(&f, 1, &"ok".into(), &undefined), Vec::<String>::new());
    api(&f, 4, &"count".into(), &undefined);
    let warned = warnings(&f, 2, &"user-1".into(), &undefined);
    assert!(warned.len() == 1 && warned[0].starts_with("[pulsegate] identify: "), "{warned:?}");
    pagehide();
    clear_storage();
}

#[wasm_bindgen_test]
fn props_are_flat_scalars_cut_to_the_limits() {
    clear_storage();
    let endpoint = "https://props.example";
    let f = start(endpoint, "");
    let props = run("const p = { plan: 'pro', seats: 3, trial: false, none: null, skip: undefined,
        long: 'x'.repeat(5000) }; for (let i = 0; i < 40; i++) p['k' + String(i).padStart(2, '0')] = i; return p;");
    api(&f, 1, &"signup".into(), &props);
    pagehide();
    let batch = &batches(endpoint)[0];
    let Event::Custom(custom) = &batch.events[0] else { panic!("{batch:?}") };
    assert_eq!(custom.name, "signup");
    assert_eq!(custom.props.len(), pulsegate_schema::limits::MAX_PROPS);
    assert_eq!(custom.props.get("plan"), Some(&pulsegate_schema::PropValue::String("pro".into())));
    assert_eq!(custom.props.get("seats"), Some(&pulsegate_schema::PropValue::Number(3.0)));
    assert!(!custom.props.contains_key("skip"));
    match custom.props.get("long") {
        Some(pulsegate_schema::PropValue::String(s)) => {
            assert_eq!(s.len(), pulsegate_schema::limits::MAX_VALUE_LEN);
        }
        other => panic!("{other:?}"),
    }
    clear_storage();
}

#[wasm_bindgen_test]
fn props_are_cut_at_characters_and_keys_merge_as_in_the_schema_map() {
    use pulsegate_schema::PropValue;
    use pulsegate_schema::limits::{MAX_NAME_LEN, MAX_PROPS, MAX_VALUE_LEN};
    clear_storage();
    let endpoint = "https://props-text.example";
    let f = start(endpoint, "");
    // A value one byte over the limit ending in a two-byte character (dropped whole), a lone
    // surrogate (U+FFFD once in UTF-8), two keys equal once cut (the later value wins), quotes
    // and control characters, `-0` and a fraction, and a throwing getter (read as `undefined`).
    let props = run(&format!(
        "const p = {{ cut: 'x'.repeat({MAX_VALUE_LEN} - 1) + 'é', lone: 'a\\ud800b', odd: '\"\\\\\\n\\u0001',
            zero: -0, half: 0.5, big: 1e21 }};
         p['k'.repeat({MAX_NAME_LEN}) + 'first'] = 1; p['k'.repeat({MAX_NAME_LEN}) + 'second'] = 2;
         Object.defineProperty(p, 'boom', {{ enumerable: true, get() {{ throw new Error('no'); }} }});
         return p;",
    ));
    api(&f, 1, &"text".into(), &props);
    // Full: a key already there still takes its new value, a new key is skipped.
    let full = run(&format!(
        "const p = {{}}; for (let i = 0; i < {MAX_PROPS}; i++) p['k' + i] = i;
         p.extra = 'skipped'; p.k0 = 'kept'; return p;"
    ));
    api(&f, 1, &"full".into(), &full);
    api(&f, 1, &"empty".into(), &run("return {};"));
    api(&f, 2, &"user-1".into(), &run("return { plan: 'pro', seats: 2 };"));
    assert!(api(&f, 2, &"user-2".into(), &run("return { nested: [] };")).is_undefined());
    pagehide();
    let events: Vec<Event> = batches(endpoint).into_iter().flat_map(|b| b.events).collect();
    let [Event::Custom(text), Event::Custom(full), Event::Custom(empty), Event::Identify(who)] =
        events.as_slice()
    else {
        panic!("{events:?}")
    };
    let string = |s: &str| Some(PropValue::String(s.into()));
    assert_eq!(text.props.get("cut"), string(&"x".repeat(MAX_VALUE_LEN - 1)).as_ref());
    assert_eq!(text.props.get("lone"), string("a\u{fffd}b").as_ref());
    assert_eq!(text.props.get("odd"), string("\"\\\n\u{1}").as_ref());
    assert_eq!(text.props.get("zero"), Some(&PropValue::Number(0.0)));
    assert_eq!(text.props.get("half"), Some(&PropValue::Number(0.5)));
    assert_eq!(text.props.get("big"), Some(&PropValue::Number(1e21)));
    assert_eq!(text.props.get(&"k".repeat(MAX_NAME_LEN)), Some(&PropValue::Number(2.0)));
    assert!(!text.props.contains_key("boom"));
    assert_eq!(text.props.len(), 7, "{:?}", text.props);
    assert_eq!(full.props.len(), MAX_PROPS);
    assert_eq!(full.props.get("k0"), string("kept").as_ref());
    assert!(!full.props.contains_key("extra"));
    assert!(empty.props.is_empty());
    assert_eq!(who.user_id, "user-1");
    assert_eq!(who.traits.get("plan"), string("pro").as_ref());
    assert_eq!(who.traits.get("seats"), Some(&PropValue::Number(2.0)));
    // What was sent writes no `props` member for none, as the schema's serializer does.
    let bodies: Vec<String> = sent(endpoint).into_iter().map(|s| s.body).collect();
    assert!(bodies.iter().any(|b| b.contains(r#""name":"empty"}"#)), "{bodies:?}");
    clear_storage();
}

// ---- clicks ----------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn clicks_name_their_element_by_a_short_stable_selector() {
    clear_storage();
    let endpoint = "https://clicks.example";
    let f = start(endpoint, "autoTrack: true");
    // The capture starts in a task of its own (a timer of 0 ms, which fires before this one).
    sleep(50).await;
    // Each `data-t` element is clicked once, in order.
    run(r##"const box = document.createElement('div');
        box.id = 'pg-clicks';
        box.innerHTML = `
          <main><section class="hero x1"><a data-t href="#pg-pricing" class="cta btn-2 primary big">See <b data-t>pricing</b></a></section></main>
          <div id="1bad"><ul><li>a</li><li><button data-t class="buy">Buy</button></li><li>c</li></ul></div>
          <div id="wrap"><p class="a:b"><span data-t>text</span></p></div>
          <div><div><div><div><div><div><em data-t>deep</em></div></div></div></div></div></div>
          <p></p><p><i></i><i data-t class="only"></i></p><p></p>
          <label data-t id="a-b_c">Field</label><s data-t class="é	x_y  z-1 last"></s>`;
        box.addEventListener('click', (e) => e.preventDefault());
        document.body.appendChild(box);
        let x = 0;
        for (const el of box.querySelectorAll('[data-t]')) {
          x += 100;
          el.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: x }));
        }
        box.remove();"##);
    pagehide();
    // Opted out: the capture's listeners are removed for the tests that follow.
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    let clicks: Vec<Click> = sent(endpoint)
        .iter()
        .filter(|s| s.path == "/track/events/batch")
        .flat_map(|s| serde_json::from_str::<EventBatch>(&s.body).expect("an EventBatch").events)
        .filter_map(|e| match e {
            Event::Click(c) => Some(c),
            _ => None,
        })
        .collect();
    let selectors: Vec<&str> = clicks.iter().map(|c| c.selector.as_str()).collect();
    assert_eq!(
        selectors,
        [
            "div#pg-clicks > main > section.hero > a.cta.primary",
            "div#pg-clicks > main > section.hero > a.cta.primary",
            "div#pg-clicks > div:nth-of-type(1) > ul > li:nth-of-type(2) > button.buy",
            "div#wrap > p > span",
            "div > div > div > div > em",
            "div#pg-clicks > p:nth-of-type(2) > i.only:nth-of-type(2)",
            "label#a-b_c",
            "div#pg-clicks > s.x_y.last",
        ]
    );
    assert_eq!(clicks[0].text.as_deref(), Some("See pricing"));
    assert!(clicks[0].href.is_some() && !clicks[0].outbound, "{:?}", clicks[0]);
    clear_storage();
}

#[wasm_bindgen_test]
async fn clicks_skip_ignored_elements_and_read_no_text_of_fields() {
    clear_storage();
    let endpoint = "https://clicks-more.example";
    let f = start(endpoint, "autoTrack: true");
    // The capture starts in a task of its own (a timer of 0 ms, which fires before this one).
    sleep(50).await;
    // Each `data-t` element is clicked once, in order; the page coordinates of each click are
    // what the page's own listener saw.
    let coordinates = run(r#"const box = document.createElement('div');
        box.id = 'pg-clicks-more';
        box.innerHTML = `<div data-pg-ignore><button data-t>Secret</button></div>
          <select data-t name="plan"><option>Basic plan</option></select>
          <a data-t href="https://elsewhere.example/x">Out <i data-t>there</i></a>
          <div data-t role="button">Role <span data-t>inner</span></div>`;
        const seen = [];
        box.addEventListener('click', (e) => {
          e.preventDefault();
          seen.push(Math.trunc(e.pageX), Math.trunc(e.pageY));
        });
        document.body.appendChild(box);
        let x = 0;
        for (const el of box.querySelectorAll('[data-t]')) {
          x += 10;
          el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, clientX: x, clientY: 2 * x }));
        }
        box.remove();
        return seen.slice(2).join(',');"#)
    .as_string()
    .expect("coordinates");
    pagehide();
    // Opted out: the capture's listeners are removed for the tests that follow.
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    let clicks: Vec<Click> = batches(endpoint)
        .into_iter()
        .flat_map(|b| b.events)
        .filter_map(|e| match e {
            Event::Click(c) => Some(c),
            _ => None,
        })
        .collect();
    let seen: Vec<(&str, Option<&str>, bool)> =
        clicks.iter().map(|c| (c.selector.as_str(), c.text.as_deref(), c.outbound)).collect();
    assert_eq!(
        seen,
        [
            ("div#pg-clicks-more > select", None, false),
            ("div#pg-clicks-more > a", Some("Out there"), true),
            ("div#pg-clicks-more > a", Some("Out there"), true),
            ("div#pg-clicks-more > div:nth-of-type(2)", Some("Role inner"), false),
            ("div#pg-clicks-more > div:nth-of-type(2)", Some("Role inner"), false),
        ]
    );
    let recorded: Vec<String> = clicks.iter().map(|c| format!("{},{}", c.x, c.y)).collect();
    assert_eq!(recorded.join(","), coordinates);
    assert!(clicks[0].href.is_none() && clicks[1].href.is_some(), "{clicks:?}");
    clear_storage();
}

// ---- forms ---------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn form_interactions_name_forms_and_fields_and_count_filled_ones() {
    use pulsegate_schema::{FormAction, FormInteraction};
    clear_storage();
    let endpoint = "https://forms.example";
    let f = start(endpoint, "autoTrack: true");
    // The capture starts in a task of its own (a timer of 0 ms, which fires before this one).
    sleep(50).await;
    // The third form has no id or name: it is named by its position among the document's forms.
    let third = run(r#"const box = document.createElement('div');
        box.id = 'pg-forms';
        box.innerHTML = `
          <form id="contact"><input name="email" value="a@b.c"><input id="phone-id">
            <input type="checkbox" name="ok" checked><input type="radio" name="r"><textarea></textarea>
            <input type="hidden" name="h" value="x"><button>Send</button></form>
          <form name="signup"><input type="email"></form>
          <form><select name="plan"><option value="">-</option></select></form>
          <form id="skipped" data-pg-ignore><input name="secret"></form>
          <div id="pg-host"></div>`;
        document.body.appendChild(box);
        const shadow = box.querySelector('#pg-host').attachShadow({ mode: 'open' });
        shadow.innerHTML = '<form id="shadowed"><input name="q"><input type="submit"></form>';
        const [contact, signup, third, skipped] = box.querySelectorAll('form');
        const q = (form, css) => form.querySelector(css);
        const focus = (el) => el.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
        const change = (el) => el.dispatchEvent(new Event('change', { bubbles: true }));
        const submit = (form) => form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
        focus(q(contact, '[name=email]'));
        focus(q(contact, '#phone-id'));
        change(q(contact, '#phone-id'));
        focus(q(contact, 'button'));
        change(q(contact, '[type=hidden]'));
        submit(contact);
        focus(q(signup, 'input'));
        change(q(third, 'select'));
        focus(q(skipped, 'input'));
        change(q(skipped, 'input'));
        const field = shadow.querySelector('input');
        focus(field);
        field.value = 'x';
        change(field);
        submit(shadow.querySelector('form'));
        const position = Array.from(document.forms).indexOf(third) + 1;
        return 'form-' + position;"#)
    .as_string()
    .expect("the third form's id");
    pagehide();
    // Opted out: the capture's listeners are removed for the tests that follow.
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    run("document.getElementById('pg-forms').remove();");
    let forms: Vec<FormInteraction> = batches(endpoint)
        .into_iter()
        .flat_map(|b| b.events)
        .filter_map(|e| match e {
            Event::FormInteraction(f) => Some(f),
            _ => None,
        })
        .collect();
    type Seen<'a> = (&'a str, Option<&'a str>, FormAction, Option<u16>, Option<u16>);
    let seen: Vec<Seen<'_>> = forms
        .iter()
        .map(|f| (f.form_id.as_str(), f.field.as_deref(), f.action, f.filled, f.fields))
        .collect();
    use FormAction::{Abandon, Change, Focus, Submit};
    assert_eq!(
        seen,
        [
            ("contact", Some("email"), Focus, None, None),
            ("contact", Some("phone-id"), Change, None, None),
            // Five fields (not the hidden one or the button), two of them holding a value.
            ("contact", None, Submit, Some(2), Some(5)),
            ("signup", Some("email"), Focus, None, None),
            (third.as_str(), Some("plan"), Change, None, None),
            ("shadowed", Some("q"), Focus, None, None),
            ("shadowed", Some("q"), Change, None, None),
            ("shadowed", None, Submit, Some(1), Some(1)),
            ("signup", None, Abandon, Some(0), Some(1)),
            (third.as_str(), None, Abandon, Some(0), Some(1)),
        ]
    );
    clear_storage();
}

// ---- errors --------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn errors_and_rejections_are_recorded_with_their_message_script_and_position() {
    use pulsegate_schema::ErrorEvent;
    clear_storage();
    let endpoint = "https://errors.example";
    let f = start(endpoint, "autoTrack: true");
    // The capture starts in a task of its own (a timer of 0 ms, which fires before this one).
    sleep(50).await;
    run(r#"const error = (init) => dispatchEvent(new ErrorEvent('error', init));
        const reject = (reason) => dispatchEvent(new PromiseRejectionEvent('unhandledrejection',
          { promise: Promise.resolve(), reason }));
        error({ message: 'boom', filename: 'https://cdn.example/app.js', lineno: 12, colno: 3 });
        error({ message: 'x'.repeat(2000), filename: 'chrome-extension://abc/inject.js', lineno: 0 });
        error({});
        reject(new TypeError('bad input'));
        const named = new Error('no name'); named.name = '';
        reject(named);
        reject('plain text');
        reject({ toString() { throw new Error('no text'); } });"#);
    pagehide();
    // Opted out: the capture's listeners are removed for the tests that follow.
    api(&f, 5, &JsValue::UNDEFINED, &JsValue::UNDEFINED);
    let errors: Vec<ErrorEvent> = batches(endpoint)
        .into_iter()
        .flat_map(|b| b.events)
        .filter_map(|e| match e {
            Event::Error(e) => Some(e),
            _ => None,
        })
        .collect();
    type Seen<'a> = (&'a str, Option<&'a str>, Option<u32>, Option<u32>, bool);
    let seen: Vec<Seen<'_>> = errors
        .iter()
        .map(|e| (e.message.as_str(), e.source.as_deref(), e.line, e.column, e.rejection))
        .collect();
    let long = "x".repeat(pulsegate_schema::limits::MAX_VALUE_LEN);
    assert_eq!(
        seen,
        [
            ("boom", Some("https://cdn.example/app.js"), Some(12), Some(3), false),
            (long.as_str(), None, None, None, false),
            ("", None, None, None, false),
            ("TypeError: bad input", None, None, None, true),
            (": no name", None, None, None, true),
            ("plain text", None, None, None, true),
            ("", None, None, None, true),
        ]
    );
    clear_storage();
}

// ---- bot signals ----------------------------------------------------------------------------

#[wasm_bindgen_test]
fn automation_is_seen_in_this_browser() {
    let facts = Array::from(&bot::facts());
    assert!(facts.get(8).as_f64().is_some_and(|n| n > 0.0), "{}", bot_facts());
    assert!(facts.get(1).is_string(), "{}", bot_facts());
    let signals = bot_signals(&bot::signals_json());
    // ChromeDriver drives this browser: navigator.webdriver is true.
    assert!(signals.contains(&BotSignal::Webdriver), "{signals:?}");
    assert!(!signals.contains(&BotSignal::EvalLengthMismatch), "{signals:?}");
    assert!(!signals.contains(&BotSignal::ProductSubMismatch), "{signals:?}");
    let traces = || Array::from(&bot::facts()).get(7) == JsValue::TRUE;
    run("window.__nightmare = {};");
    assert!(bot_signals(&bot::signals_json()).contains(&BotSignal::AutomationGlobals));
    run("delete window.__nightmare;");
    // The other traces: a driver attribute on the root element, a ChromeDriver property.
    run("document.documentElement.setAttribute('selenium', '');");
    assert!(traces(), "attribute");
    run("document.documentElement.removeAttribute('selenium'); document.$cdc_pgTest = 1;");
    assert!(traces(), "$cdc_ property");
    run("delete document.$cdc_pgTest;");
}

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const HEADLESS: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36";

/// The facts of a human on `ua` (as `js/bot.js`'s `facts` lists them), with `change` applied:
/// JS statements on `f`, the array.
fn human(ua: &str, change: &str) -> JsValue {
    let gecko = ua.contains("Firefox/");
    let sub = if gecko { "20100101" } else { "20030107" };
    let eval = if !gecko && ua.contains("Chrome/") { 33 } else { 37 };
    run(&format!(
        r#"const f = ["{ua}", "{sub}", false, 5, 2, false, true, false, {eval}]; {change} return f;"#
    ))
}

/// The signals `js/bot.js` judges `facts` to show.
fn judged(facts: &JsValue) -> Vec<BotSignal> {
    bot_signals(&bot::judge(facts))
}

#[wasm_bindgen_test]
fn ordinary_browsers_show_no_bot_signal() {
    for ua in [CHROME, FIREFOX, SAFARI, ANDROID] {
        assert_eq!(judged(&human(ua, "")), [], "{ua}");
    }
    // Mobile Chrome has no plugins at all, legitimately.
    assert_eq!(judged(&human(ANDROID, "f[3] = 0;")), []);
    // A hidden window may have no outer size.
    assert_eq!(judged(&human(CHROME, "f[5] = true; f[6] = false;")), []);
}

#[wasm_bindgen_test]
fn each_bot_signal_on_its_own() {
    let cases = [
        (human(CHROME, "f[2] = true;"), BotSignal::Webdriver),
        (human(HEADLESS, ""), BotSignal::HeadlessUserAgent),
        (human(CHROME, "f[3] = 0;"), BotSignal::NoPlugins),
        (human(FIREFOX, "f[4] = 0;"), BotSignal::NoLanguages),
        (human(SAFARI, "f[5] = true;"), BotSignal::ZeroOuterSize),
        (human(CHROME, "f[7] = true;"), BotSignal::AutomationGlobals),
        (human(CHROME, "f[1] = '20100101';"), BotSignal::ProductSubMismatch),
        (human(FIREFOX, "f[8] = 33;"), BotSignal::EvalLengthMismatch),
        (human(CHROME, "f[8] = 37;"), BotSignal::EvalLengthMismatch),
    ];
    for (facts, signal) in cases {
        assert_eq!(judged(&facts), [signal], "{signal:?}");
    }
}

#[wasm_bindgen_test]
fn a_headless_webdriver_session_shows_several_bot_signals_in_order() {
    let facts = human(HEADLESS, "f[2] = true; f[3] = 0; f[7] = true;");
    assert_eq!(
        bot::judge(&facts),
        r#"["webdriver","headless_user_agent","no_plugins","automation_globals"]"#
    );
}

#[wasm_bindgen_test]
fn unknown_engines_are_not_judged_on_engine_facts() {
    let facts = run(r#"return ["curl/8", "x", false, NaN, NaN, false, false, false, 1];"#);
    assert_eq!(bot::judge(&facts), "");
    // Nor are missing facts on a known engine.
    let facts = human(CHROME, "f[1] = undefined; f[3] = NaN; f[4] = NaN; f[8] = NaN;");
    assert_eq!(bot::judge(&facts), "");
}

// ---- fingerprint ----------------------------------------------------------------------------

fn probe_window() -> (JsValue, JsValue) {
    let w = window();
    (w.clone(), js::get(&w, "navigator"))
}

/// Reads `source` to its value, step by step (awaiting an asynchronous one).
async fn read(source: &crate::fingerprint::registry::Source) -> Option<String> {
    let (w, navigator) = probe_window();
    let probe = Probe { window: &w, navigator };
    let mut work = Work::default();
    loop {
        match (source.collect)(&probe, &mut work)? {
            Reading::Value(v) => return Some(v),
            Reading::Unstable => return Some(String::from("~unstable")),
            Reading::Pending(promise) => return (source.finish?)(&wait(promise).await),
            Reading::More | Reading::Later => work.step += 1,
        }
    }
}

#[wasm_bindgen_test]
async fn every_source_reads_a_stable_value_in_chromium() {
    for source in &SOURCES {
        let first = read(source).await;
        let second = read(source).await;
        assert!(first.is_some(), "{} failed", source.name);
        assert_eq!(first, second, "{} is not stable", source.name);
        assert_ne!(first.as_deref(), Some("~unstable"), "{}", source.name);
    }
}

#[wasm_bindgen_test]
async fn sources_read_what_the_browser_says() {
    let by_name = |name: &str| SOURCES.iter().find(|s| s.name == name).expect(name);
    let platform = js::text(&js::get(&window(), "navigator"), "platform").unwrap();
    assert_eq!(read(by_name("platform")).await, Some(platform));
    let canvas = read(by_name("canvas")).await.unwrap();
    assert!(
        canvas.starts_with("data:image/png;base64,") && canvas.len() > 1000,
        "{}",
        &canvas[..40]
    );
    let cores = js::number(&js::get(&window(), "navigator"), "hardwareConcurrency").unwrap();
    assert_eq!(read(by_name("concurrency")).await, Some((cores as u64).to_string()));
    for group in ["fontswindows", "fontsmicrosoft", "fontsapple", "fontsother"] {
        let fonts = read(by_name(group)).await.unwrap();
        assert!(fonts.split(',').all(|f| f.is_empty() || !f.contains(';')), "{fonts}");
    }
    // Debian's Chromium comes with at least one of the Linux candidates (its package depends on
    // fonts-liberation; DejaVu is everywhere).
    assert!(!read(by_name("fontsother")).await.unwrap().is_empty());
    let audio = read(by_name("audio")).await.unwrap();
    assert!(audio == "none" || (audio.len() == 17 && audio.ends_with(',')), "{audio}");
    let math = read(by_name("math")).await.unwrap();
    assert_eq!(math.split(',').filter(|s| !s.is_empty()).count(), 16);
    // The cheap ways to the locale and the time zone give what `Intl.DateTimeFormat` gives.
    let locale = run("return new Intl.DateTimeFormat().resolvedOptions().locale;").as_string();
    assert_eq!(read(by_name("intl")).await, locale);
    assert_eq!(
        run("return typeof Temporal.Now.timeZoneId;").as_string().as_deref(),
        Some("function")
    );
    let zone = run("return Intl.DateTimeFormat().resolvedOptions().timeZone;").as_string();
    assert_eq!(read(by_name("timezone")).await, zone);
    run("window.__pgTemporal = window.Temporal; delete window.Temporal;");
    let without = read(by_name("timezone")).await;
    run("window.Temporal = window.__pgTemporal;");
    assert_eq!(without, zone, "the same without Temporal");
    // The value changes with what it reads.
    run(
        "Object.defineProperty(navigator, 'hardwareConcurrency', { value: 3, configurable: true });",
    );
    assert_eq!(read(by_name("concurrency")).await.as_deref(), Some("3"));
    run("delete navigator.hardwareConcurrency;");
}

/// Runs a whole fingerprint the way the tracker does (a slice per step, awaiting audio).
async fn fingerprint() -> (pulsegate_schema::Fingerprint, u32) {
    let w = window();
    let mut runner = Runner::new(&w);
    let mut promise = None;
    loop {
        let step = runner.step(&w);
        promise = promise.or_else(|| runner.promise());
        match step {
            Step::Yield => {}
            Step::Wait(_) => {
                // What the tracker checks to finish as soon as the audio settles.
                assert!(runner.read_all() && runner.waiting(), "only the audio is left");
                let result = wait(promise.take().expect("the audio promise")).await;
                runner.resume(&result, &w);
            }
            Step::Done(fingerprint, wall_ms) => return (fingerprint, wall_ms),
        }
    }
}

#[wasm_bindgen_test]
async fn the_fingerprint_is_stable_and_changes_with_its_inputs() {
    let (a, _) = fingerprint().await;
    let (b, _) = fingerprint().await;
    // The same id, confidence and sources (the time spent differs, of course).
    assert_eq!((&a.id, a.confidence, a.sources), (&b.id, b.confidence, b.sources));
    assert_eq!(a.id.as_str().len(), 64);
    assert_eq!(usize::from(a.sources), SOURCES.len(), "every source gave a value: {a:?}");
    assert!(a.confidence > 0 && a.confidence <= 100);
    run("Object.defineProperty(navigator, 'language', { value: 'de-CH', configurable: true });");
    let (c, _) = fingerprint().await;
    run("delete navigator.language;");
    assert_ne!(c.id, a.id, "another language, another id");
    let (d, _) = fingerprint().await;
    assert_eq!(d.id, a.id, "and back");
}

#[wasm_bindgen_test]
async fn heavy_sources_start_slices_and_their_costly_steps_too() {
    let w = window();
    let mut runner = Runner::new(&w);
    let mut promise = None;
    // Where each slice started: (source index, its step).
    let mut starts: Vec<(usize, usize)> = Vec::new();
    loop {
        starts.push(runner.position());
        let step = runner.step(&w);
        promise = promise.or_else(|| runner.promise());
        match step {
            Step::Yield => {}
            Step::Wait(_) => {
                let result = wait(promise.take().expect("the audio promise")).await;
                runner.resume(&result, &w);
            }
            Step::Done(..) => break,
        }
    }
    let at = |name: &str, step: usize| {
        let index = SOURCES.iter().position(|s| s.name == name).expect(name);
        starts.contains(&(index, step))
    };
    for source in SOURCES.iter().filter(|s| s.heavy) {
        assert!(at(source.name, 0), "{} starts a slice: {starts:?}", source.name);
    }
    // WebGL's context is made, read and lost in slices of their own; the canvas's first drawing
    // takes three.
    assert!(at("webgl", 1) && at("webgl", 2), "{starts:?}");
    assert!(at("canvas", 1) && at("canvas", 2), "{starts:?}");
    // The per-source figures `_state()` reports: a one-step source's time lies within the task
    // it ran in.
    let timings: Vec<_> = runner.timings().collect();
    assert_eq!(timings.len(), SOURCES.len());
    for (name, ms, task_ms) in timings {
        let source = SOURCES.iter().find(|s| s.name == name).expect(name);
        if !source.heavy && source.finish.is_none() {
            assert!(ms <= task_ms, "{name}: {ms} ms in a {task_ms} ms task");
        }
    }
}

#[wasm_bindgen_test]
async fn a_throwing_source_is_recorded_and_the_rest_still_count() {
    let (normal, _) = fingerprint().await;
    run("window.__pgGetContext = HTMLCanvasElement.prototype.getContext;
         HTMLCanvasElement.prototype.getContext = function () { throw new Error('blocked'); };");
    let (broken, _) = fingerprint().await;
    let (again, _) = fingerprint().await;
    run("HTMLCanvasElement.prototype.getContext = __pgGetContext;");
    // The canvas source and the four font groups fail (fonts are measured on a canvas; WebGL
    // reads a missing context as "none"); the others still count.
    assert_eq!(broken.sources, normal.sources - 5, "{broken:?}");
    assert!(broken.confidence < normal.confidence);
    assert_ne!(broken.id, normal.id);
    assert_eq!(broken.id, again.id, "a consistent failure gives a consistent id");
}

#[wasm_bindgen_test]
async fn randomising_browsers_skip_what_they_randomise() {
    let (normal, _) = fingerprint().await;
    run(
        "Object.defineProperty(navigator, 'brave', { value: { isBrave: () => Promise.resolve(true) }, configurable: true });",
    );
    let (brave, _) = fingerprint().await;
    run("delete navigator.brave;");
    // Brave farbles canvas, audio, fonts (four groups), WebGL, processor count and memory:
    // nine skipped.
    assert_eq!(brave.sources, normal.sources - 9, "{brave:?}");
    assert_ne!(brave.id, normal.id);
}

#[wasm_bindgen_test]
async fn the_fingerprint_rides_on_the_session_start_only_under_analytics() {
    clear_storage();
    let endpoint = "https://fingerprint.example";
    let f = start(endpoint, "");
    track(&f, "start-a-session");
    until("the session start", || !starts(endpoint).is_empty()).await;
    let start = &starts(endpoint)[0];
    let fingerprint = start.fingerprint.as_ref().expect("a fingerprint under analytics");
    let (direct, _) = fingerprint_direct().await;
    assert_eq!(fingerprint.id, direct.id, "the same id the runner computes");
    assert!(start.bot.contains(&BotSignal::Webdriver), "{:?}", start.bot);
    clear_storage();
    let counted = "https://fingerprint-count.example";
    let g = start_count(counted);
    track(&g, "start-a-session");
    until("the count session start", || !starts(counted).is_empty()).await;
    assert_eq!(starts(counted)[0].fingerprint, None);
    clear_storage();
}

#[wasm_bindgen_test]
async fn the_fingerprint_slices_run_by_message_channel_without_scheduler_yield() {
    clear_storage();
    let endpoint = "https://no-scheduler.example";
    run(&format!(
        "{}override(window, 'scheduler', {{ value: undefined, writable: true }});",
        override_js()
    ));
    let f = start(endpoint, "");
    track(&f, "start-a-session");
    until("the session start", || !starts(endpoint).is_empty()).await;
    restore_browser();
    let start = &starts(endpoint)[0];
    let (direct, _) = fingerprint_direct().await;
    assert_eq!(start.fingerprint.as_ref().map(|f| &f.id), Some(&direct.id));
    pagehide();
    clear_storage();
}

async fn fingerprint_direct() -> (pulsegate_schema::Fingerprint, u32) {
    fingerprint().await
}

fn start_count(endpoint: &str) -> JsValue {
    start(endpoint, "consent: 'count'")
}

// ---- lead forms ---------------------------------------------------------------------------------

/// Lead forms rendered from a config, checked with the schema's rules, submitted.
#[path = "form.rs"]
mod form;
