//! The public API behind `window.PulseGate`: the loader calls one function with an operation
//! number and up to two arguments (`sdk/js/loader.js` keeps the names and their order).
//!
//! Wrong arguments are ignored, with one console warning in debug mode; nothing here throws.

use alloc::string::String;

use pulsegate_schema::limits::{self, truncate};
use pulsegate_schema::{Custom, Event, Identify, Props};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::Tracker;
use super::consent::chosen_tier;
use crate::js::{self, get};
use crate::transport::Request;

/// Operation numbers, in the loader's order.
pub(crate) mod op {
    /// `init(options)`: only the loader acts on it; here it means "already started".
    pub(crate) const INIT: u8 = 0;
    /// `track(name, props)`
    pub(crate) const TRACK: u8 = 1;
    /// `identify(id, traits)`
    pub(crate) const IDENTIFY: u8 = 2;
    /// `page(props)`
    pub(crate) const PAGE: u8 = 3;
    /// `consent(choice)`
    pub(crate) const CONSENT: u8 = 4;
    /// `optOut()`
    pub(crate) const OPT_OUT: u8 = 5;
    /// `optIn()`
    pub(crate) const OPT_IN: u8 = 6;
    /// `getVisitorId()`
    pub(crate) const VISITOR_ID: u8 = 7;
    /// `getSessionId()`
    pub(crate) const SESSION_ID: u8 = 8;
    /// `_send(path, body)`: queue an already-serialized payload (for other PulseGate modules,
    /// such as the replay recorder) through the outbox: ordering, retries, unload, mirror.
    pub(crate) const SEND: u8 = 9;
    /// `_state()`: `{consent, sessionId, sessionStartedAt, visitorId, replayRate?, fingerprint?}`
    /// (or `null` while not tracking), for those modules to decide whether they may run;
    /// `replayRate` (in 1/10,000, as text) once a session start's answer gave it; `fingerprint`
    /// (`{id, confidence, sources, ms, wallMs, sourceMs: {name: ms}, sourceTaskMs: {name: ms}}`,
    /// `sourceTaskMs` the longest task each source ran in) when this page computed one.
    pub(crate) const STATE: u8 = 10;
}

impl Tracker {
    /// Runs API operation `op` with arguments `a`, `b`.
    pub(crate) fn api_call(&mut self, op: u8, a: &JsValue, b: &JsValue) -> JsValue {
        // The first steps, if their own task has not come yet; not for `_state()`, which the
        // loader asks as soon as the tracker is running.
        if op != op::STATE {
            self.begin();
        }
        match op {
            op::TRACK => self.track(a, b),
            op::IDENTIFY => self.identify(a, b),
            op::PAGE => self.pageview(Some(a), true),
            op::CONSENT => match chosen_tier(a) {
                Some(tier) => self.set_tier(tier),
                None => self.warn("consent: bad choice"),
            },
            op::OPT_OUT => self.opt_out(),
            op::OPT_IN => self.opt_in(),
            op::VISITOR_ID => return self.visitor_text(),
            op::SESSION_ID => return self.session_text(),
            op::SEND => self.send_raw(a, b),
            op::STATE => return self.state(),
            op::INIT => self.warn("init: already started"),
            _ => {}
        }
        JsValue::UNDEFINED
    }

    /// `track(name, props)`: a custom event.
    fn track(&mut self, name: &JsValue, props: &JsValue) {
        let (Some(name), Some(props)) = (self.name(name), props_json(props)) else {
            return self.warn("track: bad name or props");
        };
        let event = Event::Custom(Custom { ts: js::now(), name, props: Props::new() });
        self.record_with(event, "props", &props);
    }

    /// `identify(id, traits)`: who the visitor is, in the site's own terms. Ignored under the
    /// `count` tier, which identifies nobody. A number id comes as its text (`sdk/js/loader.js`
    /// turns `identify(42)` into `identify("42")`).
    fn identify(&mut self, id: &JsValue, traits: &JsValue) {
        if !self.persistent() {
            return self.warn("identify: ignored under tier count");
        }
        let (Some(user_id), Some(traits)) = (self.name(id), props_json(traits)) else {
            return self.warn("identify: bad id or traits");
        };
        let event = Event::Identify(Identify { ts: js::now(), user_id, traits: Props::new() });
        self.record_with(event, "traits", &traits);
    }

    /// An event name or id: a non-empty string, cut to [`limits::MAX_NAME_LEN`].
    fn name(&self, value: &JsValue) -> Option<String> {
        value.as_string().and_then(non_empty_name)
    }

    /// `_send(path, body)`: an already-serialized payload for `path` (which must start with
    /// `/track/`), delivered like the tracker's own requests.
    fn send_raw(&mut self, path: &JsValue, body: &JsValue) {
        match (path.as_string(), body.as_string()) {
            (Some(path), Some(body)) if path.starts_with("/track/") && !self.opted_out => {
                self.outbox.push(Request::new(&path, body));
                self.save();
                self.pump();
            }
            _ => self.warn("_send: bad path or body"),
        }
    }

    /// `_state()`: what other PulseGate modules need to know to run alongside the tracker.
    fn state(&self) -> JsValue {
        let Some(session) = self.session.filter(|_| !self.opted_out) else {
            return JsValue::NULL;
        };
        let object = get(&self.window, "Object");
        let state = js::new0(&object);
        js::set(&state, "consent", &js::str(self.tier.as_str()));
        js::set(&state, "sessionId", &self.session_text());
        js::set_num(&state, "sessionStartedAt", session.started_at as f64);
        js::set(&state, "visitorId", &self.visitor_text());
        if let Some(rate) = &self.replay_rate {
            js::set_str(&state, "replayRate", rate);
        }
        if let Some((fingerprint, wall_ms, timings)) = &self.last_fingerprint {
            let fp = js::new0(&object);
            js::set_str(&fp, "id", fingerprint.id.as_str());
            js::set_num(&fp, "confidence", f64::from(fingerprint.confidence));
            js::set_num(&fp, "sources", f64::from(fingerprint.sources));
            js::set_num(&fp, "ms", f64::from(fingerprint.ms));
            js::set_num(&fp, "wallMs", f64::from(*wall_ms));
            let per_source = js::new0(&object);
            let per_task = js::new0(&object);
            for (name, ms, task_ms) in timings {
                js::set_num(&per_source, name, *ms);
                js::set_num(&per_task, name, *task_ms);
            }
            js::set(&fp, "sourceMs", &per_source);
            js::set(&fp, "sourceTaskMs", &per_task);
            js::set(&state, "fingerprint", &fp);
        }
        state
    }
}

#[wasm_bindgen(module = "/js/props.js")]
extern "C" {
    #[wasm_bindgen(js_name = props)]
    fn host_props(value: &JsValue, max_props: i32, max_key: i32, max_value: i32) -> JsValue;
}

/// Props (or traits) as the JSON object text of the schema's [`Props`]: absent (`{}`), or a
/// plain object whose values are strings, finite numbers, booleans or `null` (`undefined` values
/// are skipped); at most [`limits::MAX_PROPS`], keys cut to [`limits::MAX_NAME_LEN`] and strings
/// to [`limits::MAX_VALUE_LEN`]. `None` for anything else. Checked and written in one JS call
/// (`js/props.js`) instead of read key by key into a `BTreeMap`.
pub(crate) fn props_json(value: &JsValue) -> Option<String> {
    // The limits are small constants: the casts are exact.
    host_props(
        value,
        limits::MAX_PROPS as i32,
        limits::MAX_NAME_LEN as i32,
        limits::MAX_VALUE_LEN as i32,
    )
    .as_string()
}

/// A non-empty name cut to [`limits::MAX_NAME_LEN`].
fn non_empty_name(mut name: String) -> Option<String> {
    truncate(&mut name, limits::MAX_NAME_LEN);
    (!name.trim_ascii().is_empty()).then_some(name)
}
