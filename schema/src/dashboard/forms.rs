//! Lead forms: the field schema the admin API stores and `/forms/config` + the form builder render.

use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lead::locale::{canonical_case, is_language_tag};
use crate::validate::{Invalid, Validate, invalid, max_len, name, path};
use crate::{SiteKey, UnixMillis};

/// Most visible fields on one form.
pub(crate) const MAX_FORM_FIELDS: usize = 50;
/// Most hidden fields on one form.
pub(crate) const MAX_HIDDEN_FIELDS: usize = 20;
/// Most options of a select or radio field.
pub(crate) const MAX_FIELD_OPTIONS: usize = 100;
/// Longest label, placeholder, submit text or option label, in bytes.
pub(crate) const MAX_LABEL_LEN: usize = 256;
/// Longest success message, in bytes.
pub(crate) const MAX_MESSAGE_LEN: usize = 1024;
/// Longest validation pattern, in bytes.
pub(crate) const MAX_PATTERN_LEN: usize = 512;
/// Longest form id or field name, in bytes.
pub(crate) const MAX_FORM_NAME_LEN: usize = 64;
/// Most translations of one form (besides its default locale).
pub(crate) const MAX_TRANSLATIONS: usize = 30;

/// A form definition: what `POST /analytics/forms` and `PUT /analytics/forms/{form_id}` take.
///
/// ```json
/// {
///   "form_id": "contact",
///   "site_key": "demo",
///   "name": "Contact us",
///   "fields": [
///     { "name": "email", "label": "Email", "type": "email", "required": true },
///     { "name": "phone", "label": "Phone", "type": "tel", "pattern": "^\\+?[0-9 \\-]{7,20}$" },
///     { "name": "roof", "label": "Roof type", "type": "select", "options": [ { "value": "flat", "label": "Flat" }, { "value": "pitched", "label": "Pitched" } ] }
///   ],
///   "submit_text": "Get my quote",
///   "success_message": "Thanks! We will call you within a day.",
///   "hidden_fields": [ { "name": "utm_source", "source": "utm_source" }, { "name": "campaign", "source": "constant", "value": "spring" } ]
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    /// Lower-case letters, digits, `-` and `_`, 1 to 64 bytes; unique. Example: `"contact"`.
    pub form_id: String,
    /// The site the form runs on (it must be registered). Example: `"demo"`.
    pub site_key: SiteKey,
    /// Shown in the dashboard. Example: `"Contact us"`.
    pub name: String,
    /// The visible fields, in order (1 to 50).
    pub fields: Vec<FormField>,
    /// The submit button's text. Example: `"Get my quote"`.
    #[serde(default = "default_submit_text")]
    pub submit_text: String,
    /// Shown after a successful submit. Example: `"Thanks! We will call you within a day."`.
    #[serde(default = "default_success_message")]
    pub success_message: String,
    /// Values sent along without being shown (UTM parameters, referrer, constants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_fields: Vec<HiddenField>,
    /// Shown when the submission could not be sent or the server failed (the visitor's values
    /// stay); without it, the built-in message of the form's language.
    /// Example: `"Sorry, that did not work. Please call us on 030 1234567."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    /// The BCP 47 language tag of the texts above (labels, placeholders, help, options, submit,
    /// success and failure messages), used when none of the visitor's languages has a
    /// translation. Example: `"en"`.
    #[serde(default = "default_locale")]
    pub default_locale: String,
    /// The texts in other languages, by BCP 47 tag; a text a translation leaves out is the
    /// default locale's. Example: `{"de": {"submit_text": "Angebot anfordern"}}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, FormTexts>,
}

/// A form's texts in one language (a translation; every text optional).
///
/// ```json
/// { "submit_text": "Angebot anfordern", "success_message": "Danke! Wir rufen Sie innerhalb eines Tages an.",
///   "failure_message": "Das hat nicht geklappt. Bitte versuchen Sie es erneut.",
///   "fields": { "email": { "label": "E-Mail", "placeholder": "sie@example.com", "help": "Nur für Ihr Angebot." },
///               "roof": { "label": "Dachform", "options": { "flat": "Flachdach" } } } }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormTexts {
    /// Example: `"Angebot anfordern"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_text: Option<String>,
    /// Example: `"Danke! Wir rufen Sie innerhalb eines Tages an."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_message: Option<String>,
    /// Example: `"Das hat nicht geklappt. Bitte versuchen Sie es erneut."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    /// By field name (each must be one of the form's fields).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldTexts>,
}

/// One field's texts in one language.
///
/// ```json
/// { "label": "Dachform", "placeholder": "…", "help": "Wie auf dem Foto.", "options": { "flat": "Flachdach" } }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldTexts {
    /// Example: `"Dachform"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Example: `"sie@example.com"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Example: `"Nur für Ihr Angebot."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Option labels by option value (each must be one of the field's). Example: `{"flat": "Flachdach"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

fn default_locale() -> String {
    "en".to_owned()
}

fn default_submit_text() -> String {
    "Submit".to_owned()
}

fn default_success_message() -> String {
    "Thank you! We will be in touch.".to_owned()
}

/// One visible field.
///
/// ```json
/// { "name": "email", "label": "Email", "type": "email", "required": true, "placeholder": "you@example.com", "max_length": 254 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// The key in the submitted payload: a letter, then letters, digits, `_` or `-`.
    /// Example: `"email"`.
    pub name: String,
    /// Example: `"Email"`.
    pub label: String,
    /// Example: `"email"`.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Example: `true`.
    #[serde(default)]
    pub required: bool,
    /// A JavaScript regular expression the value must match (the HTML `pattern`, checked again
    /// by the server). Example: `"^\\+?[0-9 \\-]{7,20}$"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Choices of a `select` or `radio` field (required for those, refused for others).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FieldOption>,
    /// Example: `"you@example.com"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// A hint shown under the field (linked by `aria-describedby`). Example: `"We only use it for your quote."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Longest accepted value, in characters. Example: `254`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
}

/// The kind of input a field renders as.
///
/// JSON: `"email"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// An email address.
    Email,
    /// A phone number.
    Tel,
    /// Several lines of text.
    Textarea,
    /// One choice from a drop-down.
    Select,
    /// One choice from radio buttons.
    Radio,
    /// A yes/no box (consent, newsletter).
    Checkbox,
    /// A number.
    Number,
    /// A web address.
    Url,
    /// A calendar date.
    Date,
}

impl FieldType {
    /// Whether the field needs `options`.
    pub fn has_options(self) -> bool {
        matches!(self, Self::Select | Self::Radio)
    }
}

/// A choice of a `select` or `radio` field.
///
/// ```json
/// { "value": "flat", "label": "Flat roof" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOption {
    /// Sent in the payload. Example: `"flat"`.
    pub value: String,
    /// Shown. Example: `"Flat roof"`.
    pub label: String,
}

/// A value submitted with the form but not shown.
///
/// ```json
/// { "name": "campaign", "source": "constant", "value": "spring" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HiddenField {
    /// The key in the payload. Example: `"utm_source"`.
    pub name: String,
    /// Where the value comes from. Example: `"utm_source"`.
    pub source: HiddenSource,
    /// The value of a `constant` (required for it, refused for other sources). Example: `"spring"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Where a hidden field's value comes from, read in the visitor's browser.
///
/// JSON: `"utm_campaign"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HiddenSource {
    /// `utm_source` of the landing URL.
    UtmSource,
    /// `utm_medium`.
    UtmMedium,
    /// `utm_campaign`.
    UtmCampaign,
    /// `utm_term`.
    UtmTerm,
    /// `utm_content`.
    UtmContent,
    /// The session's referrer.
    Referrer,
    /// The session's landing page URL.
    LandingPage,
    /// The URL of the page the form is on.
    PageUrl,
    /// The fixed `value`.
    Constant,
}

/// A stored form: its definition plus timestamps (`GET /analytics/forms/{form_id}`).
///
/// ```json
/// { "form_id": "contact", "site_key": "demo", "name": "Contact us", "fields": [ { "name": "email", "label": "Email", "type": "email", "required": true } ],
///   "submit_text": "Submit", "success_message": "Thank you! We will be in touch.", "created_at": 1764097200000, "updated_at": 1764097200000 }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The definition as saved.
    #[serde(flatten)]
    pub definition: FormDefinition,
    /// Server ms. Example: `1764097200000`.
    pub created_at: UnixMillis,
    /// Server ms. Example: `1764097200000`.
    pub updated_at: UnixMillis,
}

/// `GET /analytics/forms[?site=demo]`.
///
/// ```json
/// { "forms": [] }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormList {
    /// By form id.
    pub forms: Vec<Form>,
}

/// `contact`, `quote-2025`: lower-case letters, digits, `-`, `_`.
pub fn is_form_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_FORM_NAME_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn is_field_name(name: &str) -> bool {
    name.len() <= MAX_FORM_NAME_LEN
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl Validate for FormField {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if !is_field_name(&self.name) {
            return Err(invalid(
                prefix,
                "name",
                "must start with a letter and hold only letters, digits, '_' or '-' (at most 64)",
            ));
        }
        name(prefix, "label", self.label.trim(), MAX_LABEL_LEN)?;
        if let Some(pattern) = &self.pattern {
            name(prefix, "pattern", pattern, MAX_PATTERN_LEN)?;
        }
        if let Some(placeholder) = &self.placeholder {
            max_len(prefix, "placeholder", placeholder, MAX_LABEL_LEN)?;
        }
        if let Some(help) = &self.help {
            name(prefix, "help", help.trim(), MAX_MESSAGE_LEN)?;
        }
        if self.max_length == Some(0) {
            return Err(invalid(prefix, "max_length", "must be at least 1"));
        }
        match (self.field_type.has_options(), self.options.is_empty()) {
            (true, true) => return Err(invalid(prefix, "options", "are required for this type")),
            (false, false) => {
                return Err(invalid(
                    prefix,
                    "options",
                    "only select and radio fields have options",
                ));
            }
            _ => {}
        }
        if self.options.len() > MAX_FIELD_OPTIONS {
            return Err(invalid(
                prefix,
                "options",
                format!("must have at most {MAX_FIELD_OPTIONS} entries"),
            ));
        }
        for (i, option) in self.options.iter().enumerate() {
            let at = path(prefix, &format!("options[{i}]"));
            name(&at, "value", &option.value, MAX_LABEL_LEN)?;
            name(&at, "label", option.label.trim(), MAX_LABEL_LEN)?;
            if self.options[..i].iter().any(|o| o.value == option.value) {
                return Err(invalid(&at, "value", "is listed twice"));
            }
        }
        Ok(())
    }
}

impl Validate for HiddenField {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if !is_field_name(&self.name) {
            return Err(invalid(
                prefix,
                "name",
                "must start with a letter and hold only letters, digits, '_' or '-'",
            ));
        }
        match (self.source, &self.value) {
            (HiddenSource::Constant, None) => {
                Err(invalid(prefix, "value", "is required for a constant"))
            }
            (HiddenSource::Constant, Some(v)) => max_len(prefix, "value", v, MAX_LABEL_LEN),
            (_, Some(_)) => Err(invalid(prefix, "value", "is only for the constant source")),
            (_, None) => Ok(()),
        }
    }
}

impl Validate for FormDefinition {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        if !is_form_id(&self.form_id) {
            return Err(invalid(prefix, "form_id", "must be 1 to 64 of a-z, 0-9, '-' or '_'"));
        }
        name(prefix, "name", self.name.trim(), MAX_LABEL_LEN)?;
        if self.fields.is_empty() || self.fields.len() > MAX_FORM_FIELDS {
            return Err(invalid(
                prefix,
                "fields",
                format!("must have 1 to {MAX_FORM_FIELDS} entries"),
            ));
        }
        name(prefix, "submit_text", self.submit_text.trim(), MAX_LABEL_LEN)?;
        name(prefix, "success_message", self.success_message.trim(), MAX_MESSAGE_LEN)?;
        if let Some(failure) = &self.failure_message {
            name(prefix, "failure_message", failure.trim(), MAX_MESSAGE_LEN)?;
        }
        if self.hidden_fields.len() > MAX_HIDDEN_FIELDS {
            return Err(invalid(
                prefix,
                "hidden_fields",
                format!("must have at most {MAX_HIDDEN_FIELDS} entries"),
            ));
        }
        let mut names: Vec<&str> = Vec::new();
        for (i, field) in self.fields.iter().enumerate() {
            let at = path(prefix, &format!("fields[{i}]"));
            field.validate_at(&at)?;
            if names.contains(&field.name.as_str()) {
                return Err(invalid(&at, "name", "is used twice"));
            }
            names.push(&field.name);
        }
        for (i, hidden) in self.hidden_fields.iter().enumerate() {
            let at = path(prefix, &format!("hidden_fields[{i}]"));
            hidden.validate_at(&at)?;
            if names.contains(&hidden.name.as_str()) {
                return Err(invalid(&at, "name", "is used twice"));
            }
            names.push(&hidden.name);
        }
        self.validate_locales(prefix)
    }
}

impl FormDefinition {
    /// The default locale and every translation: well-formed BCP 47 tags, none twice (in any
    /// case), texts within the limits of the texts they translate, naming only the form's own
    /// fields and options.
    fn validate_locales(&self, prefix: &str) -> Result<(), Invalid> {
        if !is_language_tag(&self.default_locale) {
            return Err(invalid(
                prefix,
                "default_locale",
                "must be a BCP 47 language tag, like en, de or pt-BR",
            ));
        }
        if self.translations.len() > MAX_TRANSLATIONS {
            return Err(invalid(
                prefix,
                "translations",
                format!("must have at most {MAX_TRANSLATIONS} entries"),
            ));
        }
        let mut seen = vec![canonical_case(&self.default_locale)];
        for (tag, texts) in &self.translations {
            let at = path(prefix, &format!("translations.{tag}"));
            if !is_language_tag(tag) {
                return Err(invalid(
                    &path(prefix, "translations"),
                    tag,
                    "is not a BCP 47 language tag, like de or pt-BR",
                ));
            }
            let canonical = canonical_case(tag);
            if seen.contains(&canonical) {
                return Err(invalid(
                    &path(prefix, "translations"),
                    tag,
                    "is listed twice (or is the default locale)",
                ));
            }
            seen.push(canonical);
            texts.validate_for(&at, self)?;
        }
        Ok(())
    }

    /// The texts for `locale` (one of the form's; the default locale's texts for any other):
    /// the translation's, each missing one taken from the default.
    pub fn localized(&self, locale: &str) -> FormDefinition {
        let mut out = self.clone();
        let Some(t) = self
            .translations
            .iter()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(locale))
            .map(|(_, t)| t)
        else {
            return out;
        };
        let take = |to: &mut String, from: &Option<String>| {
            if let Some(v) = from {
                v.clone_into(to);
            }
        };
        take(&mut out.submit_text, &t.submit_text);
        take(&mut out.success_message, &t.success_message);
        if t.failure_message.is_some() {
            out.failure_message.clone_from(&t.failure_message);
        }
        for field in &mut out.fields {
            let Some(ft) = t.fields.get(&field.name) else { continue };
            take(&mut field.label, &ft.label);
            if ft.placeholder.is_some() {
                field.placeholder.clone_from(&ft.placeholder);
            }
            if ft.help.is_some() {
                field.help.clone_from(&ft.help);
            }
            for option in &mut field.options {
                if let Some(label) = ft.options.get(&option.value) {
                    label.clone_into(&mut option.label);
                }
            }
        }
        out
    }

    /// The form's locales: the default first, then the translations.
    pub fn locales(&self) -> Vec<&str> {
        let mut all = vec![self.default_locale.as_str()];
        all.extend(self.translations.keys().map(String::as_str));
        all
    }
}

impl FormTexts {
    fn validate_for(&self, prefix: &str, form: &FormDefinition) -> Result<(), Invalid> {
        if let Some(v) = &self.submit_text {
            name(prefix, "submit_text", v.trim(), MAX_LABEL_LEN)?;
        }
        if let Some(v) = &self.success_message {
            name(prefix, "success_message", v.trim(), MAX_MESSAGE_LEN)?;
        }
        if let Some(v) = &self.failure_message {
            name(prefix, "failure_message", v.trim(), MAX_MESSAGE_LEN)?;
        }
        for (field_name, texts) in &self.fields {
            let at = path(prefix, &format!("fields.{field_name}"));
            let Some(field) = form.fields.iter().find(|f| &f.name == field_name) else {
                return Err(invalid(
                    &path(prefix, "fields"),
                    field_name,
                    "is not one of the form's fields",
                ));
            };
            if let Some(v) = &texts.label {
                name(&at, "label", v.trim(), MAX_LABEL_LEN)?;
            }
            if let Some(v) = &texts.placeholder {
                max_len(&at, "placeholder", v, MAX_LABEL_LEN)?;
            }
            if let Some(v) = &texts.help {
                name(&at, "help", v.trim(), MAX_MESSAGE_LEN)?;
            }
            for (value, label) in &texts.options {
                if !field.options.iter().any(|o| &o.value == value) {
                    return Err(invalid(
                        &path(&at, "options"),
                        value,
                        "is not one of the field's options",
                    ));
                }
                name(&path(&at, "options"), value, label.trim(), MAX_LABEL_LEN)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTACT: &str = r#"{"form_id":"contact","site_key":"demo","name":"Contact","fields":[
        {"name":"email","label":"Email","type":"email","required":true},
        {"name":"roof","label":"Roof","type":"select","options":[{"value":"flat","label":"Flat"}]}],
        "hidden_fields":[{"name":"utm_source","source":"utm_source"},{"name":"campaign","source":"constant","value":"spring"}]}"#;

    fn contact() -> FormDefinition {
        serde_json::from_str(CONTACT).unwrap()
    }

    #[test]
    fn a_form_reads_with_defaults() {
        let form = contact();
        assert_eq!(form.validate(), Ok(()));
        assert_eq!(form.submit_text, "Submit");
        assert_eq!(form.fields[0].field_type, FieldType::Email);
    }

    #[test]
    fn rules_name_their_field() {
        let mut f = contact();
        f.form_id = "Contact Us".into();
        assert_eq!(f.validate().unwrap_err().field, "form_id");

        let mut f = contact();
        f.fields.clear();
        assert_eq!(f.validate().unwrap_err().field, "fields");

        let mut f = contact();
        f.fields[1].options.clear();
        assert_eq!(f.validate().unwrap_err().field, "fields[1].options");

        let mut f = contact();
        f.fields[0].options = f.fields[1].options.clone();
        assert_eq!(f.validate().unwrap_err().field, "fields[0].options");

        let mut f = contact();
        f.fields[1].name = "email".into();
        assert_eq!(f.validate().unwrap_err().field, "fields[1].name");

        let mut f = contact();
        f.hidden_fields[0].name = "email".into();
        assert_eq!(f.validate().unwrap_err().field, "hidden_fields[0].name");

        let mut f = contact();
        f.hidden_fields[1].value = None;
        assert_eq!(f.validate().unwrap_err().field, "hidden_fields[1].value");

        let mut f = contact();
        f.fields[0].name = "1email".into();
        assert_eq!(f.validate().unwrap_err().field, "fields[0].name");

        let mut f = contact();
        f.fields[0].pattern = Some("x".repeat(MAX_PATTERN_LEN + 1));
        assert_eq!(f.validate().unwrap_err().field, "fields[0].pattern");
    }

    #[test]
    fn unknown_types_and_fields_are_refused() {
        assert!(
            serde_json::from_str::<FormDefinition>(&CONTACT.replace("\"select\"", "\"slider\""))
                .is_err()
        );
        assert!(
            serde_json::from_str::<FormDefinition>(
                &CONTACT.replace("\"required\":true", "\"mandatory\":true")
            )
            .is_err()
        );
    }
}
