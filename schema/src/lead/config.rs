//! `GET /forms/config?site=…&form=…`: the form as the form builder renders it.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use crate::SiteKey;
use crate::dashboard::forms::{FormDefinition, FormField, HiddenField};

/// Submits faster than this after the form appeared raise the lead's suspicion (ms), by how the
/// form was filled (`lead::fill`).
pub const MIN_FILL_MS: u32 = 2_000;

/// Names the trap field may take: the first one the form does not use. Bots fill fields with
/// names like these; people never see the field.
const HONEYPOT_NAMES: [&str; 4] = ["website", "company_url", "homepage", "fax_number"];

/// What the form builder renders: the form's fields with their rules, the texts, the hidden
/// fields it fills in the browser, and the two bot traps (a hidden field that must stay empty and
/// a minimum fill time). Cached briefly (`Cache-Control`, `ETag`).
///
/// ```json
/// {
///   "form_id": "contact",
///   "site_key": "demo",
///   "fields": [ { "name": "email", "label": "Email", "type": "email", "required": true } ],
///   "submit_text": "Get my quote",
///   "success_message": "Thanks! We will call you within a day.",
///   "hidden_fields": [ { "name": "utm_source", "source": "utm_source" } ],
///   "honeypot": "website",
///   "min_fill_ms": 2000
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormConfig {
    /// Example: `"contact"`.
    pub form_id: String,
    /// Example: `"demo"`.
    pub site_key: SiteKey,
    /// The visible fields, in order, with their rules.
    pub fields: Vec<FormField>,
    /// Example: `"Get my quote"`.
    pub submit_text: String,
    /// Example: `"Thanks! We will call you within a day."`.
    pub success_message: String,
    /// Values the form fills in the browser and sends along.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_fields: Vec<HiddenField>,
    /// The name of the trap input (visually hidden, skipped by keyboard and screen readers); its
    /// value travels as the submission's `honeypot`. Example: `"website"`.
    pub honeypot: String,
    /// A submit sooner than this many ms after the form appeared raises the lead's suspicion.
    /// Example: `2000`.
    pub min_fill_ms: u32,
}

impl FormConfig {
    /// The public view of a stored form (its dashboard name stays private).
    pub fn of(form: &FormDefinition) -> Self {
        let used = |n: &str| {
            form.fields.iter().any(|f| f.name == n)
                || form.hidden_fields.iter().any(|h| h.name == n)
        };
        let honeypot = HONEYPOT_NAMES.iter().find(|n| !used(n)).copied().unwrap_or("pg_hp");
        Self {
            form_id: form.form_id.clone(),
            site_key: form.site_key.clone(),
            fields: form.fields.clone(),
            submit_text: form.submit_text.clone(),
            success_message: form.success_message.clone(),
            hidden_fields: form.hidden_fields.clone(),
            honeypot: honeypot.to_owned(),
            min_fill_ms: MIN_FILL_MS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trap_never_takes_a_real_fields_name() {
        let mut form: FormDefinition = serde_json::from_str(
            r#"{"form_id":"contact","site_key":"demo","name":"Internal name","fields":[
            {"name":"website","label":"Your website","type":"url"}]}"#,
        )
        .unwrap();
        let config = FormConfig::of(&form);
        assert_eq!(config.honeypot, "company_url");
        assert_eq!(config.min_fill_ms, MIN_FILL_MS);
        assert!(!serde_json::to_string(&config).unwrap().contains("Internal name"));
        form.fields[0].name = "email".into();
        assert_eq!(FormConfig::of(&form).honeypot, "website");
    }
}
