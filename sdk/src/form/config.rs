//! The form's config as `GET /forms/config` answers it (`pulsegate_schema::lead::FormConfig`),
//! read from the parsed JSON into the schema's own field type, so that the rules run on exactly
//! what the server runs them on.
//!
//! Read property by property rather than deserialized: a serde deserializer over JS values (or a
//! JSON parser) would cost more wasm than the whole form builder. An unknown field type makes the
//! config unusable rather than guessed at.

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::{FieldOption, FieldType, FormField};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::js::{flag, get, number, text, whole};

#[wasm_bindgen(module = "/js/form-view.js")]
extern "C" {
    /// `array[i]`.
    pub(crate) fn item(array: &JsValue, i: u32) -> JsValue;
}

/// The visible fields of the config in `json` (the parsed body), in order, as the rules need them
/// (their texts are the view's: not read); `None` when it is not a config. The rest of the answer
/// (texts, messages, hidden fields, language) is `js/form-view.js`'s, but a config without its
/// success message, its messages (`pulsegate_schema::lead::FormMessages`, the worker's catalogue
/// in the form's language) or its language is not one.
pub(crate) fn read(json: &JsValue) -> Option<Vec<FormField>> {
    let fields =
        items(&get(json, "fields")).into_iter().map(|f| field(&f)).collect::<Option<Vec<_>>>()?;
    text(json, "success_message")?;
    text(json, "lang")?;
    crate::js::object(get(json, "messages"))?;
    (!fields.is_empty()).then_some(fields)
}

/// The elements of a JS array (none for anything else).
pub(crate) fn items(array: &JsValue) -> Vec<JsValue> {
    let len = whole(number(array, "length")).unwrap_or(0).min(1_000);
    (0..len as u32).map(|i| item(array, i)).collect()
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

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::format;

    use pulsegate_schema::HiddenSource;

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
        // The hidden fields the browser fills are mapped by name in `js/form-view.js` (`body`).
        let view = include_str!("../../js/form-view.js");
        for source in [
            HiddenSource::UtmSource,
            HiddenSource::UtmMedium,
            HiddenSource::UtmCampaign,
            HiddenSource::UtmTerm,
            HiddenSource::UtmContent,
            HiddenSource::PageUrl,
            HiddenSource::Referrer,
        ] {
            let name = to_string(&source).unwrap();
            assert!(view.contains(&name), "js/form-view.js maps {name}");
        }
        assert_eq!(field_type("password"), None);
    }
}
