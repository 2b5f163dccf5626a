//! `GET /forms/config?site=…&form=…`: the form as the form builder renders it.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::locale::{self, FormMessages};
use crate::SiteKey;
use crate::dashboard::forms::{FormDefinition, FormField, HiddenField};

/// Submits faster than this after the form appeared raise the lead's suspicion (ms), by how the
/// form was filled (`lead::fill`).
pub const MIN_FILL_MS: u32 = 2_000;

/// Names the trap field may take: the first one the form does not use. Bots fill fields with
/// names like these; people never see the field.
const HONEYPOT_NAMES: [&str; 4] = ["website", "company_url", "homepage", "fax_number"];

/// What the form builder renders: the form's fields with their rules, the texts in the
/// visitor's language (the form's locale that best serves `?lang=`, else the `Accept-Language`
/// header, else the form's default locale) with the built-in messages in that language, the
/// hidden fields it fills in the browser, and the two bot traps (a hidden field that must stay
/// empty and a minimum fill time). Cached briefly (`Cache-Control`, `ETag`).
///
/// ```json
/// {
///   "form_id": "contact",
///   "site_key": "demo",
///   "lang": "en",
///   "fields": [ { "name": "email", "label": "Email", "type": "email", "required": true } ],
///   "submit_text": "Get my quote",
///   "success_message": "Thanks! We will call you within a day.",
///   "messages": { "required": "Please fill in this field.", "…": "…" },
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
    /// The language of every text here (the form's locale, as the form names it); the form
    /// sets it as its `lang` attribute. Example: `"en"`.
    pub lang: String,
    /// The visible fields, in order, with their rules.
    pub fields: Vec<FormField>,
    /// Example: `"Get my quote"`.
    pub submit_text: String,
    /// Example: `"Thanks! We will call you within a day."`.
    pub success_message: String,
    /// The form builder's own messages in [`lang`](Self::lang) (its `failure` is the form's
    /// `failure_message` when it has one).
    pub messages: FormMessages,
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

/// The form's locale that best serves `wanted` (the visitor's languages, best first; see
/// [`locale::lookup`]), else its default locale: the language of [`FormConfig::of`], and of the
/// field messages `/lead.capture` answers a refused submission with.
pub fn locale_for<'a>(form: &'a FormDefinition, wanted: &[&str]) -> &'a str {
    locale::lookup(wanted, &form.locales()).unwrap_or(&form.default_locale)
}

impl FormConfig {
    /// The public view of a stored form (its dashboard name stays private) in the form's locale
    /// that best serves `wanted` (the visitor's languages, best first; see [`locale::lookup`]),
    /// else in its default locale.
    pub fn of(form: &FormDefinition, wanted: &[&str]) -> Self {
        let lang = locale_for(form, wanted).to_owned();
        let form = &form.localized(&lang);
        let mut messages = locale::messages(&lang);
        if let Some(failure) = &form.failure_message {
            failure.clone_into(&mut messages.failure);
        }
        let used = |n: &str| {
            form.fields.iter().any(|f| f.name == n)
                || form.hidden_fields.iter().any(|h| h.name == n)
        };
        let honeypot = HONEYPOT_NAMES.iter().find(|n| !used(n)).copied().unwrap_or("pg_hp");
        Self {
            form_id: form.form_id.clone(),
            site_key: form.site_key.clone(),
            lang,
            fields: form.fields.clone(),
            submit_text: form.submit_text.clone(),
            success_message: form.success_message.clone(),
            messages,
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
        let config = FormConfig::of(&form, &[]);
        assert_eq!(config.honeypot, "company_url");
        assert_eq!(config.min_fill_ms, MIN_FILL_MS);
        assert!(!serde_json::to_string(&config).unwrap().contains("Internal name"));
        form.fields[0].name = "email".into();
        assert_eq!(FormConfig::of(&form, &[]).honeypot, "website");
    }

    fn translated() -> FormDefinition {
        serde_json::from_str(
            r#"{"form_id":"quote","site_key":"demo","name":"Quote","default_locale":"en",
            "failure_message":"That did not work.",
            "fields":[{"name":"email","label":"Email","type":"email","required":true,"help":"Only for your quote."},
              {"name":"roof","label":"Roof","type":"select","options":[{"value":"flat","label":"Flat"},{"value":"pitched","label":"Pitched"}]}],
            "submit_text":"Send","translations":{
              "de":{"submit_text":"Senden","fields":{"email":{"label":"E-Mail","help":"Nur für Ihr Angebot."},
                "roof":{"options":{"flat":"Flachdach"}}}},
              "pt-BR":{"submit_text":"Enviar","failure_message":"Não deu certo."}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_visitors_language_picks_the_texts_and_messages() {
        use crate::validate::Validate;
        let form = translated();
        assert_eq!(form.validate(), Ok(()));
        let de = FormConfig::of(&form, &["de-AT", "en"]);
        assert_eq!(de.lang, "de");
        assert_eq!(de.submit_text, "Senden");
        assert_eq!(de.fields[0].label, "E-Mail");
        assert_eq!(de.fields[0].help.as_deref(), Some("Nur für Ihr Angebot."));
        assert_eq!(de.fields[1].label, "Roof", "untranslated: the default's");
        assert_eq!(de.fields[1].options[0].label, "Flachdach");
        assert_eq!(de.fields[1].options[1].label, "Pitched");
        assert_eq!(de.messages.required, "Bitte füllen Sie dieses Feld aus.");
        assert_eq!(de.messages.failure, "That did not work.", "the form's own, untranslated");
        let pt = FormConfig::of(&form, &["pt-BR"]);
        assert_eq!((pt.lang.as_str(), pt.submit_text.as_str()), ("pt-BR", "Enviar"));
        assert_eq!(pt.messages.failure, "Não deu certo.");
        assert_eq!(pt.messages.required, "Preencha este campo.", "pt-BR → pt");
        let other = FormConfig::of(&form, &["ja", "pt"]);
        assert_eq!(other.lang, "en", "pt is not pt-BR: the default");
        assert_eq!(other.messages.required, "Please fill in this field.");
        assert_eq!(FormConfig::of(&form, &[]).submit_text, "Send");
    }

    #[test]
    fn translations_are_checked_like_the_texts_they_translate() {
        use crate::validate::Validate;
        let broken = |edit: &dyn Fn(&mut FormDefinition)| {
            let mut form = translated();
            edit(&mut form);
            form.validate().unwrap_err().field
        };
        assert_eq!(broken(&|f| f.default_locale = "en_US".into()), "default_locale");
        assert_eq!(
            broken(&|f| {
                let t = f.translations.remove("de").unwrap();
                f.translations.insert("de_DE".into(), t);
            }),
            "translations.de_DE"
        );
        assert_eq!(
            broken(&|f| {
                f.translations.insert("EN".into(), Default::default());
            }),
            "translations.EN",
            "the default locale again"
        );
        assert_eq!(
            broken(&|f| {
                f.translations
                    .get_mut("de")
                    .unwrap()
                    .fields
                    .insert("phone".into(), Default::default());
            }),
            "translations.de.fields.phone"
        );
        assert_eq!(
            broken(&|f| {
                let roof = f.translations.get_mut("de").unwrap().fields.get_mut("roof").unwrap();
                roof.options.insert("tiled".into(), "Ziegel".into());
            }),
            "translations.de.fields.roof.options.tiled"
        );
        assert_eq!(
            broken(&|f| f.translations.get_mut("de").unwrap().submit_text = Some("x".repeat(257))),
            "translations.de.submit_text"
        );
        assert_eq!(
            broken(&|f| f.translations.get_mut("de").unwrap().submit_text = Some("  ".into())),
            "translations.de.submit_text"
        );
        assert_eq!(broken(&|f| f.fields[0].help = Some(" ".into())), "fields[0].help");
    }
}
