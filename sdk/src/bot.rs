//! Automation signals (BotD-style), sent with the session start for the server's suspicion score.
//! The SDK only reports what it sees; it never blocks anything on them.
//!
//! The browser facts are read into [`Facts`] and judged by [`judge`], which is pure and tested
//! natively; [`signals`] does both on the live page.

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::BotSignal;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::text::has;

#[wasm_bindgen(module = "/js/bot.js")]
extern "C" {
    /// Fills `numbers` with `navigator.webdriver === true`, `navigator.plugins.length`,
    /// `navigator.languages.length`, whether `outerWidth` and `outerHeight` are both 0, whether
    /// the document is visible, whether the page carries a trace automation tools leave (a
    /// `webdriver`, `selenium` or `driver` attribute on the root element, a ChromeDriver
    /// `$cdc_`/`$wdc_` property on `document`, or one of the globals PhantomJS, Nightmare,
    /// Selenium, Cypress or ChromeDriver (`domAutomation`) leave on `window`: the list is in
    /// `js/bot.js`) and `eval.toString().length` (booleans as 1 or 0, lengths `NaN` where not a
    /// number); returns `navigator.userAgent` and, after a line break, `navigator.productSub`
    /// when it is a string.
    #[wasm_bindgen(js_name = facts)]
    fn read(numbers: &mut [f64]) -> String;
}

/// What the browser says about itself, as far as the signals need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) webdriver: bool,
    pub(crate) user_agent: String,
    /// `navigator.plugins.length`, when readable.
    pub(crate) plugins: Option<u32>,
    /// `navigator.languages.length`, when readable.
    pub(crate) languages: Option<u32>,
    /// `outerWidth` and `outerHeight` are both zero.
    pub(crate) zero_outer_size: bool,
    /// The document is visible (a hidden window may legitimately have no outer size).
    pub(crate) visible: bool,
    /// One of the automation globals (see `automation`), a ChromeDriver `$cdc_` property or a
    /// `webdriver` attribute is present.
    pub(crate) automation_globals: bool,
    pub(crate) product_sub: Option<String>,
    /// `eval.toString().length`.
    pub(crate) eval_length: Option<u32>,
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

/// The signals `facts` show, in [`BotSignal::ALL`] order.
pub(crate) fn judge(facts: &Facts) -> Vec<BotSignal> {
    let ua = facts.user_agent.as_str();
    let engine = claimed_engine(ua);
    let desktop = !has(ua, "Mobile") && !has(ua, "Android");
    // What each engine answers: V8 prints `eval` in 33 characters, SpiderMonkey and
    // JavaScriptCore in 37; every engine but Gecko reports productSub 20030107.
    let (eval_length, product_sub) = match engine {
        Engine::Blink => (Some(33), Some("20030107")),
        Engine::WebKit => (Some(37), Some("20030107")),
        Engine::Gecko => (Some(37), Some("20100101")),
        Engine::Unknown => (None, None),
    };
    let checks = [
        (BotSignal::Webdriver, facts.webdriver),
        (
            BotSignal::HeadlessUserAgent,
            ["Headless", "PhantomJS", "SlimerJS"].iter().any(|name| has(ua, name)),
        ),
        (BotSignal::NoPlugins, engine == Engine::Blink && desktop && facts.plugins == Some(0)),
        (BotSignal::NoLanguages, facts.languages == Some(0)),
        (BotSignal::ZeroOuterSize, facts.visible && facts.zero_outer_size),
        (BotSignal::AutomationGlobals, facts.automation_globals),
        (
            BotSignal::ProductSubMismatch,
            product_sub.is_some()
                && facts.product_sub.is_some()
                && facts.product_sub.as_deref() != product_sub,
        ),
        (
            BotSignal::EvalLengthMismatch,
            eval_length.is_some()
                && facts.eval_length.is_some()
                && facts.eval_length != eval_length,
        ),
    ];
    checks.into_iter().filter(|(_, seen)| *seen).map(|(signal, _)| signal).collect()
}

/// Reads [`Facts`] from the live page (one call: `js/bot.js`).
pub(crate) fn facts() -> Facts {
    let mut n = [f64::NAN; 7];
    let text = read(&mut n);
    let (user_agent, product_sub) = match crate::text::cut(&text, b'\n') {
        Some((user_agent, product_sub)) => {
            (String::from(user_agent), Some(String::from(product_sub)))
        }
        None => (text, None),
    };
    let count = |n: f64| (!n.is_nan()).then_some(n as u32);
    Facts {
        webdriver: n[0] == 1.0,
        user_agent,
        plugins: count(n[1]),
        languages: count(n[2]),
        zero_outer_size: n[3] == 1.0,
        visible: n[4] == 1.0,
        automation_globals: n[5] == 1.0,
        product_sub,
        eval_length: count(n[6]),
    }
}

/// The automation signals of the live page.
pub(crate) fn signals() -> Vec<BotSignal> {
    judge(&facts())
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
    const HEADLESS: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";
    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
    const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36";

    fn human(ua: &str) -> Facts {
        let gecko = has(ua, "Firefox/");
        Facts {
            webdriver: false,
            user_agent: ua.into(),
            plugins: Some(5),
            languages: Some(2),
            zero_outer_size: false,
            visible: true,
            automation_globals: false,
            product_sub: Some(if gecko { "20100101" } else { "20030107" }.into()),
            eval_length: Some(if claimed_engine(ua) == Engine::Blink { 33 } else { 37 }),
        }
    }

    #[test]
    fn ordinary_browsers_show_nothing() {
        for ua in [CHROME, FIREFOX, SAFARI, ANDROID] {
            assert_eq!(judge(&human(ua)), [], "{ua}");
        }
        // Mobile Chrome has no plugins at all, legitimately.
        assert_eq!(judge(&Facts { plugins: Some(0), ..human(ANDROID) }), []);
        // A hidden window may have no outer size.
        assert_eq!(judge(&Facts { zero_outer_size: true, visible: false, ..human(CHROME) }), []);
    }

    #[test]
    fn each_signal_on_its_own() {
        let cases = [
            (Facts { webdriver: true, ..human(CHROME) }, BotSignal::Webdriver),
            (human(HEADLESS), BotSignal::HeadlessUserAgent),
            (Facts { plugins: Some(0), ..human(CHROME) }, BotSignal::NoPlugins),
            (Facts { languages: Some(0), ..human(FIREFOX) }, BotSignal::NoLanguages),
            (Facts { zero_outer_size: true, ..human(SAFARI) }, BotSignal::ZeroOuterSize),
            (Facts { automation_globals: true, ..human(CHROME) }, BotSignal::AutomationGlobals),
            (
                Facts { product_sub: Some("20100101".into()), ..human(CHROME) },
                BotSignal::ProductSubMismatch,
            ),
            (Facts { eval_length: Some(33), ..human(FIREFOX) }, BotSignal::EvalLengthMismatch),
            (Facts { eval_length: Some(37), ..human(CHROME) }, BotSignal::EvalLengthMismatch),
        ];
        for (facts, signal) in cases {
            assert_eq!(judge(&facts), [signal], "{facts:?}");
        }
    }

    #[test]
    fn a_headless_webdriver_session_shows_several_in_order() {
        let facts = Facts {
            webdriver: true,
            plugins: Some(0),
            automation_globals: true,
            ..human(HEADLESS)
        };
        assert_eq!(
            judge(&facts),
            [
                BotSignal::Webdriver,
                BotSignal::HeadlessUserAgent,
                BotSignal::NoPlugins,
                BotSignal::AutomationGlobals
            ]
        );
    }

    #[test]
    fn unknown_engines_are_not_judged_on_engine_facts() {
        let facts = Facts {
            user_agent: "curl/8".into(),
            product_sub: Some("x".into()),
            eval_length: Some(1),
            ..Facts::default()
        };
        assert_eq!(judge(&facts), []);
    }
}
