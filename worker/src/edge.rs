//! What Cloudflare's edge knows about the client: `request.cf` (ASN, AS organisation, country,
//! time zone, EU membership) and `CF-Connecting-IP`. Read defensively (workers-rs' `Cf` getters
//! unwrap), and injectable in tests: `wrangler dev` serves one placeholder `cf` object to every
//! request, so under `PULSEGATE_TEST_CLOCK=1` the header `x-pulsegate-test-cf` (a JSON object in
//! `request.cf`'s own field names) replaces it.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::Request;
use worker::js_sys::Reflect;

use crate::http::header;

/// Header that stands in for `request.cf` under the test harness.
pub(crate) const TEST_CF_HEADER: &str = "x-pulsegate-test-cf";

/// The edge's facts about one request. Empty strings read as absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EdgeFacts {
    /// `CF-Connecting-IP`: hashed before anything is stored, never stored itself.
    #[serde(skip)]
    pub(crate) ip: Option<String>,
    pub(crate) asn: Option<u32>,
    #[serde(rename = "asOrganization")]
    pub(crate) as_org: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) timezone: Option<String>,
    /// `"1"` in EU countries; absent elsewhere.
    #[serde(rename = "isEUCountry")]
    pub(crate) is_eu_country: Option<String>,
}

impl EdgeFacts {
    /// The facts of `req`: the test header when `test_mode` allows it, else `request.cf`.
    pub(crate) fn of(req: &Request, test_mode: bool) -> Self {
        let injected = test_mode
            .then(|| header(req, TEST_CF_HEADER))
            .flatten()
            .and_then(|json| serde_json::from_str::<Self>(&json).ok());
        let mut facts = injected.unwrap_or_else(|| from_cf(req));
        facts.ip = Self::ip_of(req);
        facts.normalise()
    }

    /// `CF-Connecting-IP` alone (blank reads as absent).
    pub(crate) fn ip_of(req: &Request) -> Option<String> {
        header(req, "cf-connecting-ip").filter(|ip| !ip.trim().is_empty())
    }

    /// Blank strings become `None`; text is cut to a sane length (the edge never sends more).
    pub(crate) fn normalise(mut self) -> Self {
        for field in
            [&mut self.as_org, &mut self.country, &mut self.timezone, &mut self.is_eu_country]
        {
            if let Some(value) = field.as_mut() {
                pulsegate_schema::limits::truncate(value, 128);
            }
            if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *field = None;
            }
        }
        self
    }

    /// Whether the edge says the client is in the EU (`None` when it says nothing).
    pub(crate) fn is_eu(&self) -> Option<bool> {
        match self.is_eu_country.as_deref() {
            Some("1") => Some(true),
            Some(_) => Some(false),
            None if self.country.is_some() => Some(false),
            None => None,
        }
    }
}

/// Reads `request.cf` field by field; anything missing or of the wrong type is `None`.
fn from_cf(req: &Request) -> EdgeFacts {
    let Ok(cf) = Reflect::get(req.inner(), &JsValue::from_str("cf")) else {
        return EdgeFacts::default();
    };
    if !cf.is_object() {
        return EdgeFacts::default();
    }
    let text = |name: &str| Reflect::get(&cf, &JsValue::from_str(name)).ok()?.as_string();
    let asn = Reflect::get(&cf, &JsValue::from_str("asn"))
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
        .map(|n| n as u32);
    EdgeFacts {
        ip: None,
        asn,
        as_org: text("asOrganization"),
        country: text("country"),
        timezone: text("timezone"),
        is_eu_country: text("isEUCountry"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_header_uses_request_cf_field_names() {
        let facts: EdgeFacts = serde_json::from_str(
            r#"{"asn":9009,"asOrganization":"M247 Europe SRL","country":"DE","timezone":"Europe/Berlin","isEUCountry":"1","colo":"FRA"}"#,
        )
        .unwrap();
        assert_eq!(facts.asn, Some(9009));
        assert_eq!(facts.as_org.as_deref(), Some("M247 Europe SRL"));
        assert_eq!(facts.is_eu(), Some(true));
    }

    #[test]
    fn blanks_are_absent_and_eu_is_derived() {
        let facts = EdgeFacts {
            as_org: Some(" ".into()),
            country: Some("US".into()),
            ..EdgeFacts::default()
        }
        .normalise();
        assert_eq!(facts.as_org, None);
        assert_eq!(facts.is_eu(), Some(false));
        assert_eq!(EdgeFacts::default().is_eu(), None);
        let long = EdgeFacts { as_org: Some("x".repeat(500)), ..EdgeFacts::default() }.normalise();
        assert_eq!(long.as_org.map(|o| o.len()), Some(128));
    }
}
