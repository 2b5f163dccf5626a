//! Which browser this is, as far as the fingerprint needs to know: which sources it randomises
//! (Safari 17+, Firefox 120+, Brave, Samsung Internet) and how stable ids are on its platform.

use wasm_bindgen::JsValue;

use crate::bot::{Engine, claimed_engine};
use crate::js::{get, text_or_empty};
use crate::text::{after, has};

/// The platform families that set the base confidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Platform {
    Windows,
    MacOs,
    Android,
    Ios,
    Other,
}

/// The facts the registry's skip rules and the confidence use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Browser {
    pub(crate) engine: Engine,
    /// Safari's major version (`Version/17.4 … Safari`), 0 when it is not Safari.
    pub(crate) safari: u32,
    /// Firefox's major version (`Firefox/128.0`), 0 when it is not Firefox.
    pub(crate) firefox: u32,
    /// Brave randomises ("farbles") canvas, audio, fonts and hardware facts per site and session.
    pub(crate) brave: bool,
    /// Samsung Internet adds noise to audio.
    pub(crate) samsung: bool,
    pub(crate) platform: Platform,
}

impl Browser {
    /// The browser of `window`.
    pub(crate) fn detect(window: &JsValue) -> Self {
        let navigator = get(window, "navigator");
        let brave = get(&navigator, "brave").is_object();
        Self::from_user_agent(&text_or_empty(&navigator, "userAgent"), brave)
    }

    /// The facts a user agent string gives (plus whether `navigator.brave` exists).
    pub(crate) fn from_user_agent(ua: &str, brave: bool) -> Self {
        let engine = claimed_engine(ua);
        let platform = if has(ua, "Android") {
            Platform::Android
        } else if has(ua, "iPhone") || has(ua, "iPad") || has(ua, "iPod") {
            Platform::Ios
        } else if has(ua, "Windows") {
            Platform::Windows
        } else if has(ua, "Mac OS X") || has(ua, "Macintosh") {
            Platform::MacOs
        } else {
            Platform::Other
        };
        Self {
            engine,
            safari: if engine == Engine::WebKit { major_after(ua, "Version/") } else { 0 },
            firefox: major_after(ua, "Firefox/"),
            brave,
            samsung: has(ua, "SamsungBrowser/"),
            platform,
        }
    }

    /// Safari 17+ adds noise to canvas and audio (always in private windows, and with advanced
    /// fingerprinting protection); Firefox 120+ randomises canvas the same way.
    pub(crate) fn randomizes_canvas(&self) -> bool {
        self.brave || self.safari >= 17 || self.firefox >= 120
    }

    /// Audio output is noised by Safari 17+, Brave and Samsung Internet.
    pub(crate) fn randomizes_audio(&self) -> bool {
        self.brave || self.samsung || self.safari >= 17
    }

    /// How likely the same browser gets the same id later, in percent, before failed sources:
    /// mobile and Apple devices are the most alike (FingerprintJS's published figures are of the
    /// same order).
    pub(crate) fn base_confidence(&self) -> u8 {
        match self.platform {
            _ if self.safari >= 17 => 30,
            Platform::Ios => 30,
            Platform::Android => 40,
            Platform::MacOs => 50,
            Platform::Windows => 60,
            Platform::Other => 70,
        }
    }
}

/// The major version number following `marker` in `ua`, 0 when there is none (a plain number:
/// an `Option` is written through memory; no version checked is 0).
fn major_after(ua: &str, marker: &str) -> u32 {
    let rest = after(ua, marker).unwrap_or_default();
    let digits = crate::text::until(rest, |b| !b.is_ascii_digit());
    crate::text::parse_u64(digits).and_then(|v| u32::try_from(v).ok()).unwrap_or(0)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn browsers_and_their_randomisation() {
        let safari = Browser::from_user_agent(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            false,
        );
        assert_eq!((safari.safari, safari.platform), (17, Platform::MacOs));
        assert!(safari.randomizes_canvas() && safari.randomizes_audio());
        assert_eq!(safari.base_confidence(), 30);

        let old_safari = Browser::from_user_agent(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1",
            false,
        );
        assert!(!old_safari.randomizes_canvas());
        assert_eq!(old_safari.platform, Platform::Ios);

        let firefox = Browser::from_user_agent(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
            false,
        );
        assert_eq!(firefox.firefox, 128);
        assert!(firefox.randomizes_canvas() && !firefox.randomizes_audio());
        assert_eq!(firefox.base_confidence(), 60);

        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        let plain = Browser::from_user_agent(chrome, false);
        assert_eq!((plain.safari, plain.firefox), (0, 0), "Chrome's UA names Safari but is not");
        assert!(!plain.randomizes_canvas() && !plain.randomizes_audio());
        assert_eq!(plain.base_confidence(), 70);
        let brave = Browser::from_user_agent(chrome, true);
        assert!(brave.randomizes_canvas() && brave.randomizes_audio());

        let samsung = Browser::from_user_agent(
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            false,
        );
        assert!(samsung.randomizes_audio() && !samsung.randomizes_canvas());
        assert_eq!(samsung.base_confidence(), 40);
    }
}
