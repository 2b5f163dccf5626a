//! Uncaught errors and unhandled promise rejections: message, script URL (`http(s)` only), line
//! and column; at most `limits::MAX_ERRORS_PER_PAGE` per page, so a looping error cannot flood
//! ingest. What an event says is read in one JS call (`js/error.js`).

use pulsegate_schema::limits::{MAX_ERRORS_PER_PAGE, MAX_VALUE_LEN, truncate};
use pulsegate_schema::{ErrorEvent, Event};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::js::{self, text_or_empty};
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
        // `[message, script, line, column]`; only the message for a rejection.
        let read = host_error(event, i32::from(rejection));
        // `NaN` (not a number) is not above 0 either.
        let position = |key| Some(js::host_num(&read, key)).filter(|n| *n > 0.0).map(|n| n as u32);
        let mut message = text_or_empty(&read, "0");
        truncate(&mut message, MAX_VALUE_LEN);
        self.record(Event::Error(ErrorEvent {
            ts: js::now(),
            message,
            source: url::clean(&text_or_empty(&read, "1"), &self.config.strip_params, false),
            line: position("2"),
            column: position("3"),
            rejection,
        }));
    }
}

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = error)]
    fn host_error(event: &JsValue, rejection: i32) -> JsValue;
}
