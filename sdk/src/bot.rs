//! Automation signals (BotD-style), sent with the session start for the server's suspicion score.
//! The SDK only reports what it sees; it never blocks anything on them.
//!
//! The browser facts are read and judged in one call (`js/bot.js`, which answers the session
//! start's `bot` JSON text; browser-tested in `tests/web.rs`); the engine a user agent claims is
//! shared with the fingerprint's browser checks.

use alloc::string::String;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::text::has;

#[wasm_bindgen(module = "/js/bot.js")]
extern "C" {
    /// The signals of the live page as JSON text (`["webdriver",…]` in [`BotSignal::ALL`]
    /// order; empty for none): `navigator.webdriver`, a headless user agent, no plugins (desktop
    /// Blink), no languages, a zero outer size (visible document), automation traces (a
    /// `webdriver`, `selenium` or `driver` attribute on the root element, a ChromeDriver
    /// `$cdc_`/`$wdc_` property on `document`, or one of the globals PhantomJS, Nightmare,
    /// Selenium, Cypress or ChromeDriver (`domAutomation`) leave on `window`: the list is in
    /// `js/bot.js`), and a `productSub` or `eval.toString().length` that is not the claimed
    /// engine's.
    ///
    /// [`BotSignal::ALL`]: pulsegate_schema::BotSignal::ALL
    #[wasm_bindgen(js_name = signals)]
    fn host_signals() -> wasm_bindgen::JsValue;
}

/// The signals of the live page as JSON text (see `host_signals`), empty for none.
pub(crate) fn signals_json() -> String {
    crate::js::string(host_signals())
}

#[cfg(all(test, target_family = "wasm"))]
#[wasm_bindgen(module = "/js/bot.js")]
extern "C" {
    /// The facts `signals_json` judges, as an array (see `js/bot.js`).
    pub(crate) fn facts() -> wasm_bindgen::JsValue;
    /// `facts`' signals as JSON text (empty for none).
    pub(crate) fn judge(facts: &wasm_bindgen::JsValue) -> String;
}

/// The engine a user agent string claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    /// Chrome, Edge, Opera, Samsung Internet, Electron …
    Blink,
    Gecko,
    WebKit,
    Unknown,
}

/// The engine named by `user_agent`.
pub(crate) fn claimed_engine(user_agent: &str) -> Engine {
    if has(user_agent, "Firefox/") {
        Engine::Gecko
    } else if has(user_agent, "Chrome/") || has(user_agent, "Chromium/") {
        Engine::Blink
    } else if has(user_agent, "AppleWebKit/") {
        Engine::WebKit
    } else {
        Engine::Unknown
    }
}
