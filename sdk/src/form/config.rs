//! The form's config as `GET /forms/config` answers it (`pulsegate_schema::lead::FormConfig`),
//! read from the parsed JSON into the schema's own field type, so that the rules run on exactly
//! what the server runs them on.
//!
//! Read property by property rather than deserialized: a serde deserializer over JS values (or a
//! JSON parser) would cost more wasm than the whole form builder. An unknown field type makes the
//! config unusable rather than guessed at.

use alloc::string::String;
use alloc::vec::Vec;
use core::mem::ManuallyDrop;

use pulsegate_schema::{FieldOption, FieldType, FormField};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::view::FieldView;
use crate::js::{flag, get, host_num, text};

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// `array[i]`: `js/host.js`'s `get` with a number for a key (the property read the rest of
    /// the SDK makes by name), so the chunk carries one such function.
    #[wasm_bindgen(js_name = get)]
    pub(crate) fn item(array: &JsValue, i: i32) -> JsValue;
}

#[wasm_bindgen(module = "/js/form-view.js")]
extern "C" {
    /// The index of field `f`'s `type` in [`TYPES`]' names (the schema's), `-1` for any other.
    fn kind(f: &JsValue) -> i32;
}

/// The field types by the index `kind` answers: `js/form-view.js`'s `TYPES` names them in this
/// order (a name compared in JS costs a few bytes; ten `str` comparisons in the wasm, a few
/// hundred).
const TYPES: [FieldType; 10] = [
    FieldType::Text,
    FieldType::Email,
    FieldType::Tel,
    FieldType::Textarea,
    FieldType::Select,
    FieldType::Radio,
    FieldType::Checkbox,
    FieldType::Number,
    FieldType::Url,
    FieldType::Date,
];

/// The visible fields of the config in `json` (the parsed body), in order, as the rules need them
/// (their texts are the view's: not read), each as the view's field; `None` when it is not a
/// config. The rest of the answer (texts, messages, hidden fields, language) is
/// `js/form-view.js`'s, and so is refusing a config without its success message, its messages
/// (`pulsegate_schema::lead::FormMessages`, the worker's catalogue in the form's language) or its
/// language: `render` then builds nothing.
pub(crate) fn read(json: &JsValue) -> Option<Vec<FieldView>> {
    let list = get(json, "fields");
    // Never dropped: the fields of a config that is not one stay allocated (once per form, as
    // long as the page), so no drop of a field, its texts and its options is linked.
    let mut fields = ManuallyDrop::new(Vec::new());
    for i in 0..count(&list) {
        // Straight into the view's fields: no second vector to move them into.
        fields.push(FieldView::new(field(&item(&list, i))?));
    }
    (!fields.is_empty()).then(|| ManuallyDrop::into_inner(fields))
}

/// How many elements a JS array has (at most 1,000; none for anything else), each read by index
/// with [`item`]: no `Vec` of them in between.
pub(crate) fn count(array: &JsValue) -> i32 {
    // `as` truncates the fraction and saturates: a negative length (or none, `NaN`) is 0 or less.
    (host_num(array, "length") as i32).min(1_000)
}

fn field(f: &JsValue) -> Option<FormField> {
    let list = get(f, "options");
    // Not dropped either when the field is not one (see `read`).
    let mut options = ManuallyDrop::new(Vec::new());
    for i in 0..count(&list) {
        options.push(FieldOption { value: text(&item(&list, i), "value")?, label: String::new() });
    }
    let name = text(f, "name")?;
    Some(FormField {
        name,
        label: String::new(),
        field_type: *TYPES.get(kind(f) as usize)?,
        required: flag(f, "required"),
        pattern: text(f, "pattern"),
        options: ManuallyDrop::into_inner(options),
        placeholder: None,
        help: None,
        // `as` truncates the fraction and saturates above `u32::MAX` (JSON has no infinity).
        // Not `>= 0` for anything but a number (`NaN`).
        max_length: Some(host_num(f, "max_length")).filter(|n| *n >= 0.0).map(|n| n as u32),
    })
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::format;

    use pulsegate_schema::HiddenSource;

    use super::*;
    use crate::json::to_string;

    /// `js/form-view.js`'s `TYPES` names [`TYPES`] in order, with the schema's own (serde's) names.
    #[test]
    fn names_are_the_schemas() {
        let view = include_str!("../../js/form-view.js");
        let names: Vec<String> = TYPES.iter().map(|t| to_string(t).unwrap()).collect();
        let list = format!("const TYPES = [{}];", names.join(", "));
        assert!(view.contains(&list), "js/form-view.js has {list}");
        // The hidden fields the browser fills are mapped by name in `js/form-view.js` (`body`).
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
    }
}
