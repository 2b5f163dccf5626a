//! Session start and end: the two messages that open and close a visit.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, Validate, invalid, max_len, opt_len, opt_url, path, url};
use crate::{
    BotSignal, ConsentTier, Fingerprint, SessionId, SiteKey, UnixMillis, VisitorId, limits,
};

/// `POST /track/session/start`: a tab opened a new session.
///
/// ```json
/// {
///   "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c",
///   "site_key": "demo",
///   "started_at": 1764097200000,
///   "page": { "url": "https://shop.example/pricing", "referrer": "https://search.example/", "title": "Pricing" },
///   "device": { "language": "en-US", "timezone": "Europe/Berlin", "screen_width": 1920, "screen_height": 1080,
///               "viewport_width": 1280, "viewport_height": 720, "pixel_ratio": 2.0 },
///   "visitor_id": "5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
///   "consent": "analytics",
///   "utm": { "source": "newsletter", "medium": "email", "campaign": "spring" },
///   "fingerprint": { "id": "3f1c…64 hex…", "confidence": 82, "sources": 14, "ms": 38 },
///   "bot": ["webdriver"]
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionStart {
    /// Random v4 UUID chosen by the SDK. Example: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`.
    pub session_id: SessionId,
    /// The site's public key from the script tag. Example: `"demo"`.
    pub site_key: SiteKey,
    /// When the session started (client clock, ms). It picks the R2 date prefix, so every later
    /// batch repeats it and ingest needs no database read. Example: `1764097200000`.
    pub started_at: UnixMillis,
    /// The landing page.
    pub page: PageContext,
    /// What the browser reports about itself; every field is optional.
    #[serde(default)]
    pub device: Device,
    /// The persistent visitor id; absent in cookieless counting (tier `count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<VisitorId>,
    /// The consent tier the session runs under; absent means `count`.
    #[serde(default, skip_serializing_if = "is_count")]
    pub consent: ConsentTier,
    /// UTM parameters of the landing URL, when it had any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utm: Option<Utm>,
    /// The browser fingerprint; only under a tier that allows it (`analytics` or above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<Fingerprint>,
    /// Automation signals the SDK saw, at most [`limits::MAX_BOT_SIGNALS`]. Example: `["webdriver"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bot: Vec<BotSignal>,
}

fn is_count(tier: &ConsentTier) -> bool {
    *tier == ConsentTier::Count
}

/// The landing URL's `utm_*` parameters, each cut to [`limits::MAX_TEXT_LEN`] bytes.
///
/// ```json
/// { "source": "newsletter", "medium": "email", "campaign": "spring", "term": "solar", "content": "hero" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Utm {
    /// `utm_source`. Example: `"newsletter"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `utm_medium`. Example: `"email"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    /// `utm_campaign`. Example: `"spring"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// `utm_term`. Example: `"solar"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// `utm_content`. Example: `"hero"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

impl Utm {
    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.source.is_none()
            && self.medium.is_none()
            && self.campaign.is_none()
            && self.term.is_none()
            && self.content.is_none()
    }
}

/// The kind of device, from the SDK's view of the screen and input.
///
/// JSON: `"mobile"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceClass {
    /// A pointer and a large screen.
    Desktop,
    /// A touch screen narrower than 768 CSS pixels.
    Mobile,
    /// A touch screen of 768 CSS pixels or more.
    Tablet,
}

impl DeviceClass {
    /// The class as it appears on the wire, e.g. `"mobile"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::Mobile => "mobile",
            Self::Tablet => "tablet",
        }
    }
}

/// The page an event happened on.
///
/// ```json
/// { "url": "https://shop.example/pricing?plan=pro", "referrer": "https://search.example/", "title": "Pricing" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageContext {
    /// `location.href`. Example: `"https://shop.example/pricing?plan=pro"`.
    pub url: String,
    /// `document.referrer`, absent when empty or not `http(s)`. Example: `"https://search.example/"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// `document.title`, absent when empty. Example: `"Pricing"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Browser and screen facts sent once per session.
///
/// ```json
/// { "language": "en-US", "timezone": "Europe/Berlin", "screen_width": 1920, "screen_height": 1080,
///   "viewport_width": 1280, "viewport_height": 720, "pixel_ratio": 2.0,
///   "languages": ["en-US", "de"], "device_class": "desktop" }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// `navigator.language`. Example: `"en-US"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// IANA time zone from `Intl`. Example: `"Europe/Berlin"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `screen.width` in CSS pixels. Example: `1920`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<u32>,
    /// `screen.height` in CSS pixels. Example: `1080`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<u32>,
    /// `innerWidth`. Example: `1280`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewport_width: Option<u32>,
    /// `innerHeight`. Example: `720`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewport_height: Option<u32>,
    /// `devicePixelRatio`. Example: `2.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixel_ratio: Option<f64>,
    /// `navigator.languages`, at most [`limits::MAX_LANGUAGES`]. Example: `["en-US", "de"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// Desktop, mobile or tablet. Example: `"desktop"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_class: Option<DeviceClass>,
}

/// `POST /track/session/end`: the tab closed or the session went idle.
///
/// ```json
/// { "session_id": "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c", "session_started_at": 1764097200000,
///   "ended_at": 1764097500000, "engaged_ms": 183000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionEnd {
    /// The session being closed.
    pub session_id: SessionId,
    /// Repeated from [`SessionStart::started_at`] so no read is needed to find the session.
    pub session_started_at: UnixMillis,
    /// When the session ended (client clock, ms). Example: `1764097500000`.
    pub ended_at: UnixMillis,
    /// Time the page was visible and focused, in ms. Example: `183000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engaged_ms: Option<u64>,
}

impl Validate for PageContext {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        url(prefix, "url", &self.url)?;
        opt_url(prefix, "referrer", self.referrer.as_ref())?;
        opt_len(prefix, "title", self.title.as_ref(), limits::MAX_TITLE_LEN)
    }
}

impl Validate for Device {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        opt_len(prefix, "language", self.language.as_ref(), limits::MAX_SHORT_LEN)?;
        opt_len(prefix, "timezone", self.timezone.as_ref(), limits::MAX_SHORT_LEN)?;
        if let Some(r) = self.pixel_ratio
            && !(r.is_finite() && r > 0.0 && r <= 16.0)
        {
            return Err(invalid(prefix, "pixel_ratio", "must be between 0 and 16"));
        }
        if self.languages.len() > limits::MAX_LANGUAGES {
            return Err(invalid(
                prefix,
                "languages",
                format!("must have at most {} entries", limits::MAX_LANGUAGES),
            ));
        }
        for (i, language) in self.languages.iter().enumerate() {
            max_len(prefix, &format!("languages[{i}]"), language, limits::MAX_SHORT_LEN)?;
        }
        Ok(())
    }
}

impl Validate for Utm {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        for (field, value) in [
            ("source", &self.source),
            ("medium", &self.medium),
            ("campaign", &self.campaign),
            ("term", &self.term),
            ("content", &self.content),
        ] {
            opt_len(prefix, field, value.as_ref(), limits::MAX_TEXT_LEN)?;
        }
        Ok(())
    }
}

impl Validate for SessionStart {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        max_len(prefix, "site_key", self.site_key.as_str(), limits::MAX_SITE_KEY_LEN)?;
        self.page.validate_at(&path(prefix, "page"))?;
        self.device.validate_at(&path(prefix, "device"))?;
        if let Some(utm) = &self.utm {
            utm.validate_at(&path(prefix, "utm"))?;
        }
        if let Some(fingerprint) = &self.fingerprint {
            if !self.consent.allows_identity() {
                return Err(invalid(
                    prefix,
                    "fingerprint",
                    "must be absent under the consent tier \"count\"",
                ));
            }
            fingerprint.validate_at(&path(prefix, "fingerprint"))?;
        }
        if self.visitor_id.is_some() && !self.consent.allows_identity() {
            return Err(invalid(
                prefix,
                "visitor_id",
                "must be absent under the consent tier \"count\"",
            ));
        }
        if self.bot.len() > limits::MAX_BOT_SIGNALS {
            return Err(invalid(
                prefix,
                "bot",
                format!("must have at most {} entries", limits::MAX_BOT_SIGNALS),
            ));
        }
        Ok(())
    }
}

impl Validate for SessionEnd {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if self.ended_at < self.session_started_at {
            return Err(invalid(prefix, "ended_at", "must not be before session_started_at"));
        }
        if self.engaged_ms.is_some_and(|ms| ms > limits::MAX_ENGAGED_MS) {
            return Err(invalid(
                prefix,
                "engaged_ms",
                format!("must be at most {} (one day)", limits::MAX_ENGAGED_MS),
            ));
        }
        Ok(())
    }
}
