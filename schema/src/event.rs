//! Tracker events: one enum, tagged by `"type"`, each variant carrying its own `ts`.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::UnixMillis;
use crate::limits;
use crate::validate::{Invalid, Validate, invalid, max_len, name, opt_len, opt_url, path, url};

/// One thing a visitor did. New kinds are added as new variants; unknown `"type"`s are rejected.
///
/// ```json
/// { "type": "pageview", "ts": 1764097200012, "url": "https://shop.example/pricing", "title": "Pricing" }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A page was shown (first load, or an SPA route change).
    Pageview(Pageview),
    /// An element was clicked.
    Click(Click),
    /// Three or more clicks within a second, close together: a frustrated visitor.
    RageClick(RageClick),
    /// The deepest scroll position on the current page grew.
    Scroll(Scroll),
    /// Time the visitor spent engaged on the current page.
    Engagement(EngagementTime),
    /// A visitor focused, changed or submitted a form.
    FormInteraction(FormInteraction),
    /// An event named by the site (`PulseGate.track("signup", {...})`).
    Custom(Custom),
    /// The site told us who the visitor is.
    Identify(Identify),
    /// An uncaught error on the page.
    Error(ErrorEvent),
}

impl Event {
    /// When the event happened (client clock, ms).
    pub fn ts(&self) -> UnixMillis {
        match self {
            Self::Pageview(e) => e.ts,
            Self::Click(e) => e.ts,
            Self::RageClick(e) => e.ts,
            Self::Scroll(e) => e.ts,
            Self::Engagement(e) => e.ts,
            Self::FormInteraction(e) => e.ts,
            Self::Custom(e) => e.ts,
            Self::Identify(e) => e.ts,
            Self::Error(e) => e.ts,
        }
    }

    /// Every `"type"` tag, in declaration order.
    pub const KINDS: &'static [&'static str] = &[
        "pageview",
        "click",
        "rage_click",
        "scroll",
        "engagement",
        "form_interaction",
        "custom",
        "identify",
        "error",
    ];

    /// Reads the variant named `kind` (the `"type"` tag) from the event's other fields.
    ///
    /// The derived, tag-buffering `Deserialize` loses track of where inside an event a field is
    /// wrong; this reads straight from `d`, so a path-tracking deserializer can name the field.
    pub fn deserialize_variant<'de, D: Deserializer<'de>>(
        kind: &str,
        d: D,
    ) -> Result<Self, D::Error> {
        Ok(match kind {
            "pageview" => Self::Pageview(Pageview::deserialize(d)?),
            "click" => Self::Click(Click::deserialize(d)?),
            "rage_click" => Self::RageClick(RageClick::deserialize(d)?),
            "scroll" => Self::Scroll(Scroll::deserialize(d)?),
            "engagement" => Self::Engagement(EngagementTime::deserialize(d)?),
            "form_interaction" => Self::FormInteraction(FormInteraction::deserialize(d)?),
            "custom" => Self::Custom(Custom::deserialize(d)?),
            "identify" => Self::Identify(Identify::deserialize(d)?),
            "error" => Self::Error(ErrorEvent::deserialize(d)?),
            other => return Err(de::Error::unknown_variant(other, Self::KINDS)),
        })
    }

    /// The `"type"` tag, e.g. `"pageview"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Pageview(_) => "pageview",
            Self::Click(_) => "click",
            Self::RageClick(_) => "rage_click",
            Self::Scroll(_) => "scroll",
            Self::Engagement(_) => "engagement",
            Self::FormInteraction(_) => "form_interaction",
            Self::Custom(_) => "custom",
            Self::Identify(_) => "identify",
            Self::Error(_) => "error",
        }
    }
}

/// `{"type":"pageview","ts":1764097200012,"url":"https://shop.example/pricing","referrer":"https://search.example/","title":"Pricing"}`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pageview {
    /// Client time, ms. Example: `1764097200012`.
    pub ts: UnixMillis,
    /// `location.href`. Example: `"https://shop.example/pricing"`.
    pub url: String,
    /// The previous page (or `document.referrer` on first load); `http(s)` only. Example:
    /// `"https://search.example/"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// `document.title`. Example: `"Pricing"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `{"type":"click","ts":1764097201000,"selector":"main > a.cta","text":"Start trial","x":640,"y":412,"href":"https://shop.example/signup"}`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Click {
    /// Client time, ms.
    pub ts: UnixMillis,
    /// A short CSS path to the element. Example: `"main > a.cta"`.
    pub selector: String,
    /// The element's visible text, trimmed. Example: `"Start trial"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Page x coordinate in CSS pixels. Example: `640`.
    pub x: i32,
    /// Page y coordinate in CSS pixels. Example: `412`.
    pub y: i32,
    /// Link target, when a link was clicked; `http(s)` only (the SDK leaves `mailto:`, `tel:` and
    /// other schemes out). Example: `"https://shop.example/signup"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// The link leads to another site (another host than the page's). Example: `true`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub outbound: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// `{"type":"rage_click","ts":1764097201500,"selector":"main > button.buy","x":640,"y":412,"clicks":4}`
///
/// Three or more clicks within 1 s, each within 30 px of the first (PostHog's rule). Sent once
/// the burst is over, in addition to the plain clicks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RageClick {
    /// Client time of the first click of the burst, ms.
    pub ts: UnixMillis,
    /// A short CSS path to the element. Example: `"main > button.buy"`.
    pub selector: String,
    /// Page x coordinate of the first click, CSS pixels. Example: `640`.
    pub x: i32,
    /// Page y coordinate of the first click, CSS pixels. Example: `412`.
    pub y: i32,
    /// Clicks in the burst (3 or more). Example: `4`.
    pub clicks: u16,
}

/// `{"type":"scroll","ts":1764097202000,"percent":75}`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scroll {
    /// Client time, ms.
    pub ts: UnixMillis,
    /// Deepest point seen, in percent of the page height (0–100). Example: `75`.
    pub percent: u8,
}

/// `{"type":"engagement","ts":1764097260000,"engaged_ms":42000}`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementTime {
    /// Client time, ms.
    pub ts: UnixMillis,
    /// Visible-and-focused time on the page since the last engagement event. Example: `42000`.
    pub engaged_ms: u64,
}

/// What happened to a form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormAction {
    /// A field received focus.
    #[default]
    Focus,
    /// A field's value changed (the value itself is never sent).
    Change,
    /// The form was submitted.
    Submit,
    /// The visitor left the page with a started, unsubmitted form.
    Abandon,
}

/// `{"type":"form_interaction","ts":1764097203000,"form_id":"contact","field":"email","action":"change"}`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormInteraction {
    /// Client time, ms.
    pub ts: UnixMillis,
    /// The form's id or name attribute, or a PulseGate form id. Example: `"contact"`.
    pub form_id: String,
    /// The field's name, when the action concerns one field. Example: `"email"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What happened. Example: `"change"`.
    pub action: FormAction,
    /// Fields holding a value at this moment (never the values themselves), for `submit` and
    /// `abandon`. Example: `3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled: Option<u16>,
    /// Fields the form has, for `submit` and `abandon`. Example: `5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<u16>,
}

/// `{"type":"custom","ts":1764097204000,"name":"signup","props":{"plan":"pro","seats":3}}`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custom {
    /// Client time, ms.
    pub ts: UnixMillis,
    /// Event name chosen by the site. Example: `"signup"`.
    pub name: String,
    /// Flat properties. Example: `{"plan":"pro","seats":3}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub props: Props,
}

/// `{"type":"identify","ts":1764097205000,"user_id":"crm-4411","traits":{"email":"ada@example.com"}}`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identify {
    /// Client time, ms.
    pub ts: UnixMillis,
    /// The site's own id for this visitor. Example: `"crm-4411"`.
    pub user_id: String,
    /// Flat traits. Example: `{"email":"ada@example.com"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub traits: Props,
}

/// `{"type":"error","ts":1764097206000,"message":"TypeError: x is undefined","source":"https://shop.example/app.js","line":12,"column":7}`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEvent {
    /// Client time, ms.
    pub ts: UnixMillis,
    /// The error message. Example: `"TypeError: x is undefined"`.
    pub message: String,
    /// Script URL; `http(s)` only (the SDK leaves `blob:`, extension and other URLs out).
    /// Example: `"https://shop.example/app.js"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// 1-based line. Example: `12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column. Example: `7`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// An unhandled promise rejection rather than a thrown error. Example: `true`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rejection: bool,
}

/// Flat key → scalar properties, at most [`limits::MAX_PROPS`] of them.
pub type Props = BTreeMap<String, PropValue>;

/// A property value: a string, a finite number, a boolean or null. Nested values are rejected.
#[derive(Clone, Debug, PartialEq)]
pub enum PropValue {
    /// `"pro"`
    String(String),
    /// `3` or `2.5`
    Number(f64),
    /// `true`
    Bool(bool),
    /// `null`
    Null,
}

impl Serialize for PropValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::String(v) => s.serialize_str(v),
            // Whole numbers print as `3`, not `3.0`, as JSON.stringify does.
            Self::Number(v) if v.abs() < 9_007_199_254_740_992.0 && (*v as i64) as f64 == *v => {
                s.serialize_i64(*v as i64)
            }
            Self::Number(v) => s.serialize_f64(*v),
            Self::Bool(v) => s.serialize_bool(*v),
            Self::Null => s.serialize_unit(),
        }
    }
}

impl<'de> Deserialize<'de> for PropValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PropValue;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a string, number, boolean or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PropValue, E> {
                Ok(PropValue::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<PropValue, E> {
                Ok(PropValue::String(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<PropValue, E> {
                Ok(PropValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PropValue, E> {
                Ok(PropValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PropValue, E> {
                Ok(PropValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PropValue, E> {
                Ok(PropValue::Number(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<PropValue, E> {
                Ok(PropValue::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<PropValue, E> {
                Ok(PropValue::Null)
            }
        }
        d.deserialize_any(V)
    }
}

fn validate_props(prefix: &str, field: &str, props: &Props) -> Result<(), Invalid> {
    if props.len() > limits::MAX_PROPS {
        return Err(invalid(
            prefix,
            field,
            format!("must have at most {} keys", limits::MAX_PROPS),
        ));
    }
    let at = path(prefix, field);
    for (key, value) in props {
        name(&at, key, key, limits::MAX_NAME_LEN)?;
        match value {
            PropValue::String(s) => max_len(&at, key, s, limits::MAX_VALUE_LEN)?,
            PropValue::Number(n) if !n.is_finite() => {
                return Err(invalid(&at, key, "must be a finite number"));
            }
            _ => {}
        }
    }
    Ok(())
}

impl Validate for Event {
    fn validate_at(&self, p: &str) -> Result<(), Invalid> {
        match self {
            Self::Pageview(e) => {
                url(p, "url", &e.url)?;
                opt_url(p, "referrer", e.referrer.as_ref())?;
                opt_len(p, "title", e.title.as_ref(), limits::MAX_TITLE_LEN)
            }
            Self::Click(e) => {
                max_len(p, "selector", &e.selector, limits::MAX_SELECTOR_LEN)?;
                opt_len(p, "text", e.text.as_ref(), limits::MAX_TEXT_LEN)?;
                opt_url(p, "href", e.href.as_ref())
            }
            Self::RageClick(e) => {
                max_len(p, "selector", &e.selector, limits::MAX_SELECTOR_LEN)?;
                if e.clicks < 3 {
                    return Err(invalid(p, "clicks", "must be at least 3"));
                }
                Ok(())
            }
            Self::Scroll(e) if e.percent > 100 => Err(invalid(p, "percent", "must be 0 to 100")),
            Self::Engagement(e) if e.engaged_ms > limits::MAX_ENGAGED_MS => Err(invalid(
                p,
                "engaged_ms",
                format!("must be at most {} (one day)", limits::MAX_ENGAGED_MS),
            )),
            Self::Scroll(_) | Self::Engagement(_) => Ok(()),
            Self::FormInteraction(e) => {
                name(p, "form_id", &e.form_id, limits::MAX_NAME_LEN)?;
                opt_len(p, "field", e.field.as_ref(), limits::MAX_NAME_LEN)
            }
            Self::Custom(e) => {
                name(p, "name", &e.name, limits::MAX_NAME_LEN)?;
                validate_props(p, "props", &e.props)
            }
            Self::Identify(e) => {
                name(p, "user_id", &e.user_id, limits::MAX_NAME_LEN)?;
                validate_props(p, "traits", &e.traits)
            }
            Self::Error(e) => {
                max_len(p, "message", &e.message, limits::MAX_VALUE_LEN)?;
                opt_url(p, "source", e.source.as_ref())
            }
        }
    }
}
