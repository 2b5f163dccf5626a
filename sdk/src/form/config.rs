//! The form's config as `GET /forms/config` answers it (`pulsegate_schema::lead::FormConfig`),
//! read from the parsed JSON into the schema's own field type, so that the rules run on exactly
//! what the server runs them on.
//!
//! Read property by property rather than deserialized: a serde deserializer over JS values (or a
//! JSON parser) would cost more wasm than the whole form builder. Unknown types and sources make
//! the config unusable rather than guessed at.

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::{FieldOption, FieldType, FormField, HiddenSource};
use wasm_bindgen::JsValue;

use crate::js::{flag, get, number, text, whole};
use crate::text::u64_text;

/// What the form checks and sends (`js/form-view.js` renders the rest of the answer).
#[derive(Debug)]
pub(crate) struct Config {
    /// The visible fields, in order, as the rules need them (their texts are the view's: not
    /// read); they move into the view when it renders.
    pub(crate) fields: Vec<FormField>,
    /// Hidden fields the browser fills (UTM parameters, the page, the referrer); constants and
    /// the landing page are the server's.
    pub(crate) hidden: Vec<(String, HiddenSource)>,
    /// The language of the texts (the form's `lang` attribute).
    pub(crate) lang: String,
}

/// The config in `json` (the parsed body), or `None` when it is not one.
pub(crate) fn read(json: &JsValue) -> Option<Config> {
    let fields =
        items(&get(json, "fields")).into_iter().map(|f| field(&f)).collect::<Option<Vec<_>>>()?;
    let hidden = items(&get(json, "hidden_fields"))
        .into_iter()
        .filter_map(|h| Some((text(&h, "name")?, source(&text(&h, "source")?)?)))
        .collect();
    // The texts are the view's (`js/form-view.js` reads them), but a config without its success
    // message or its messages (`pulsegate_schema::lead::FormMessages`, the worker's catalogue in
    // the form's language) is not one.
    text(json, "success_message")?;
    crate::js::object(get(json, "messages"))?;
    (!fields.is_empty()).then_some(())?;
    Some(Config { fields, hidden, lang: text(json, "lang")? })
}

/// The elements of a JS array (none for anything else).
pub(crate) fn items(array: &JsValue) -> Vec<JsValue> {
    let len = whole(number(array, "length")).unwrap_or(0).min(1_000);
    (0..len).map(|i| get(array, &u64_text(i))).collect()
}

fn field(f: &JsValue) -> Option<FormField> {
    let options = items(&get(f, "options"))
        .into_iter()
        .map(|o| Some(FieldOption { value: text(&o, "value")?, label: String::new() }))
        .collect::<Option<Vec<_>>>()?;
    Some(FormField {
        name: text(f, "name")?,
        label: String::new(),
        field_type: field_type(&text(f, "type")?)?,
        required: flag(f, "required"),
        pattern: text(f, "pattern"),
        options,
        placeholder: None,
        help: None,
        max_length: whole(number(f, "max_length")).map(|n| n.min(u64::from(u32::MAX)) as u32),
    })
}

/// The schema's `FieldType` from its JSON name.
pub(crate) fn field_type(name: &str) -> Option<FieldType> {
    Some(match name {
        "text" => FieldType::Text,
        "email" => FieldType::Email,
        "tel" => FieldType::Tel,
        "textarea" => FieldType::Textarea,
        "select" => FieldType::Select,
        "radio" => FieldType::Radio,
        "checkbox" => FieldType::Checkbox,
        "number" => FieldType::Number,
        "url" => FieldType::Url,
        "date" => FieldType::Date,
        _ => return None,
    })
}

/// The schema's `HiddenSource` from its JSON name.
pub(crate) fn source(name: &str) -> Option<HiddenSource> {
    Some(match name {
        "utm_source" => HiddenSource::UtmSource,
        "utm_medium" => HiddenSource::UtmMedium,
        "utm_campaign" => HiddenSource::UtmCampaign,
        "utm_term" => HiddenSource::UtmTerm,
        "utm_content" => HiddenSource::UtmContent,
        "referrer" => HiddenSource::Referrer,
        "landing_page" => HiddenSource::LandingPage,
        "page_url" => HiddenSource::PageUrl,
        "constant" => HiddenSource::Constant,
        _ => return None,
    })
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::format;

    use super::*;
    use crate::json::to_string;

    /// Every name the reader knows is the schema's own (serde's) name for that variant.
    #[test]
    fn names_are_the_schemas() {
        for name in [
            "text", "email", "tel", "textarea", "select", "radio", "checkbox", "number", "url",
            "date",
        ] {
            assert_eq!(to_string(&field_type(name).unwrap()).unwrap(), format!("\"{name}\""));
        }
        for name in [
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "referrer",
            "landing_page",
            "page_url",
            "constant",
        ] {
            assert_eq!(to_string(&source(name).unwrap()).unwrap(), format!("\"{name}\""));
        }
        assert_eq!(field_type("password"), None);
        assert_eq!(source("cookie"), None);
    }
}
