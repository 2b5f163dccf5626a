//! What the SDK learns about the browser itself: a fingerprint id with its confidence, and
//! automation (bot) signals. Both travel once per session, on the session start.

use crate::prelude::*;
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::validate::{Invalid, Validate, invalid};

/// The browser's fingerprint, computed in the SDK from its entropy sources; no raw source value
/// leaves the browser, only their hash.
///
/// ```json
/// { "id": "3f1c…64 hex digits…9a0b", "confidence": 82, "sources": 14, "ms": 38 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    /// SHA-256 over the canonical components, as 64 lower-case hex digits.
    pub id: FingerprintId,
    /// How likely the same browser yields the same id tomorrow, in percent (0–100): lower where
    /// sources failed or were skipped (browsers that randomise them). Example: `82`.
    pub confidence: u8,
    /// How many entropy sources contributed. Example: `14`.
    pub sources: u8,
    /// Main-thread time spent computing it, in ms (all slices together). Example: `38`.
    pub ms: u32,
}

/// A fingerprint id: exactly 64 lower-case hex digits (a SHA-256).
///
/// JSON: `"3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"`
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FingerprintId(String);

/// Why a string is not a [`FingerprintId`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidFingerprintId;

impl fmt::Display for InvalidFingerprintId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fingerprint id must be 64 lower-case hex digits")
    }
}

impl FingerprintId {
    /// Checks the shape of a fingerprint id.
    pub fn parse(s: &str) -> Result<Self, InvalidFingerprintId> {
        if Self::is_valid(s) { Ok(Self(s.to_owned())) } else { Err(InvalidFingerprintId) }
    }

    /// Whether `s` has a fingerprint id's shape (64 lower-case hex digits), without a copy of it.
    pub fn is_valid(s: &str) -> bool {
        s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }

    /// The id of a SHA-256 `digest`: its bytes as 64 lower-case hex digits.
    pub fn from_sha256(digest: [u8; 32]) -> Self {
        // Digits as text, not chars: no UTF-8 encoding of a char is linked for them.
        const HEX: [&str; 16] =
            ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"];
        let mut id = String::with_capacity(64);
        for byte in digest {
            id.push_str(HEX[usize::from(byte >> 4)]);
            id.push_str(HEX[usize::from(byte & 0xf)]);
        }
        Self(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FingerprintId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl Validate for Fingerprint {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if self.confidence > 100 {
            return Err(invalid(prefix, "confidence", "must be 0 to 100"));
        }
        Ok(())
    }
}

/// One sign that the browser is driven by automation (BotD-style). The SDK sends the signals it
/// saw; the worker weighs them into the session's suspicion score and never blocks on them.
///
/// JSON: `"webdriver"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BotSignal {
    /// `navigator.webdriver` is true.
    Webdriver,
    /// The user agent names a headless browser (`HeadlessChrome`, PhantomJS …).
    HeadlessUserAgent,
    /// Desktop Chrome reporting no plugins at all.
    NoPlugins,
    /// `navigator.languages` is empty.
    NoLanguages,
    /// `outerWidth` / `outerHeight` is zero while the page is visible.
    ZeroOuterSize,
    /// Globals left by automation tools (`__nightmare`, `_phantom`, `callPhantom`, `Cypress`,
    /// `domAutomation`, `__selenium_unwrapped` …).
    AutomationGlobals,
    /// `navigator.productSub` does not match the engine the user agent claims.
    ProductSubMismatch,
    /// `eval.toString().length` does not match the engine the user agent claims.
    EvalLengthMismatch,
}

impl BotSignal {
    /// Every signal, in declaration order.
    pub const ALL: [Self; 8] = [
        Self::Webdriver,
        Self::HeadlessUserAgent,
        Self::NoPlugins,
        Self::NoLanguages,
        Self::ZeroOuterSize,
        Self::AutomationGlobals,
        Self::ProductSubMismatch,
        Self::EvalLengthMismatch,
    ];

    /// The signal as it appears on the wire, e.g. `"headless_user_agent"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webdriver => "webdriver",
            Self::HeadlessUserAgent => "headless_user_agent",
            Self::NoPlugins => "no_plugins",
            Self::NoLanguages => "no_languages",
            Self::ZeroOuterSize => "zero_outer_size",
            Self::AutomationGlobals => "automation_globals",
            Self::ProductSubMismatch => "product_sub_mismatch",
            Self::EvalLengthMismatch => "eval_length_mismatch",
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn fingerprint_ids_are_64_lower_hex() {
        assert!(FingerprintId::parse(&"a1".repeat(32)).is_ok());
        assert_eq!(FingerprintId::parse(&"A1".repeat(32)), Err(InvalidFingerprintId));
        assert_eq!(FingerprintId::parse(&"a".repeat(63)), Err(InvalidFingerprintId));
        assert_eq!(FingerprintId::parse(&"g".repeat(64)), Err(InvalidFingerprintId));
        let err = serde_json::from_str::<FingerprintId>("\"x\"").unwrap_err();
        assert!(err.to_string().contains("64 lower-case hex"), "{err}");
    }

    #[test]
    fn ids_from_digests_are_valid_ids() {
        let mut digest = [0u8; 32];
        digest[0] = 0xab;
        digest[31] = 0x0f;
        let id = FingerprintId::from_sha256(digest);
        assert_eq!(id.as_str(), format!("ab{}0f", "0".repeat(60)));
        assert_eq!(FingerprintId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn bot_signals_use_their_wire_names() {
        for signal in BotSignal::ALL {
            assert_eq!(serde_json::to_value(signal).unwrap(), signal.as_str());
        }
    }
}
