//! The language `/lead.capture` tells a refused field in: the form's locale chosen as
//! `/forms/config` chooses it, so the visitor reads the texts the form itself shows.

use pulsegate_schema::FormDefinition;
use pulsegate_schema::lead::locale::{messages, wanted_languages};
use pulsegate_schema::lead::{FormMessages, locale_for};

/// The field messages a refusal is told in, and how they were chosen.
#[derive(Debug)]
pub(crate) struct FieldTexts {
    /// The messages, in [`lang`](Self::lang).
    pub(crate) messages: FormMessages,
    /// The form's locale they belong to: the answer's `Content-Language`.
    pub(crate) lang: String,
    /// Whether `Accept-Language` chose them (present or absent): the answer then carries
    /// `Vary: Accept-Language`.
    pub(crate) by_header: bool,
}

impl FieldTexts {
    /// The headers of a refusal in these texts.
    pub(crate) fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![("Content-Language", self.lang.clone())];
        if self.by_header {
            headers.push(("Vary", "Accept-Language".to_owned()));
        }
        headers
    }
}

/// The field messages for a submission to `form`: a page's by the submission's `lang` (the
/// locale the form was shown in), else its `Accept-Language`, else the form's default locale;
/// a server's (integration key) by its `Accept-Language`, else English, whatever the body's
/// `lang` says: a server did not read the form, its developer reads the answer.
pub(crate) fn for_submission(
    form: &FormDefinition,
    from_page: bool,
    lang: Option<&str>,
    accept_language: Option<&str>,
) -> FieldTexts {
    let by_header = !(from_page && lang.is_some());
    let wanted = match (from_page, lang, accept_language) {
        (true, Some(lang), _) => wanted_languages(lang),
        (_, _, Some(header)) => wanted_languages(header),
        (true, None, None) => Vec::new(),
        (false, _, None) => {
            return FieldTexts { messages: messages("en"), lang: "en".to_owned(), by_header };
        }
    };
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let lang = locale_for(form, &wanted);
    FieldTexts { messages: messages(lang), lang: lang.to_owned(), by_header }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(default: &str, translated: &[&str]) -> FormDefinition {
        let mut form: FormDefinition = serde_json::from_value(serde_json::json!({
            "form_id": "quote", "site_key": "demo", "name": "Quote", "default_locale": default,
            "fields": [ { "name": "email", "label": "Email", "type": "email", "required": true } ]
        }))
        .unwrap();
        for lang in translated {
            form.translations.insert(
                (*lang).to_owned(),
                serde_json::from_value(serde_json::json!({ "submit_text": "x" })).unwrap(),
            );
        }
        form
    }

    fn required(m: &FieldTexts) -> &str {
        &m.messages.required
    }

    #[test]
    fn a_page_is_answered_in_the_language_its_form_was_shown_in() {
        let f = form("en", &["de", "fr"]);
        let de = for_submission(&f, true, Some("de"), Some("fr-FR,fr;q=0.9"));
        assert_eq!(required(&de), "Bitte füllen Sie dieses Feld aus.", "lang beats the header");
        let fr = for_submission(&f, true, None, Some("fr-CH, fr;q=0.9, en;q=0.8"));
        assert_eq!(required(&fr), "Veuillez remplir ce champ.", "then Accept-Language");
        let en = for_submission(&f, true, None, None);
        assert_eq!(required(&en), "Please fill in this field.", "then the form's default");
        // A language the form is not translated into is answered in the form's default, as the
        // form was shown: the same lookup as /forms/config.
        let nl = for_submission(&f, true, Some("nl"), None);
        assert_eq!(required(&nl), "Please fill in this field.");
        let german_form = form("de", &[]);
        assert_eq!(
            required(&for_submission(&german_form, true, None, None)),
            "Bitte füllen Sie dieses Feld aus."
        );
        assert_eq!(
            required(&for_submission(&f, true, Some("de-AT"), None)),
            "Bitte füllen Sie dieses Feld aus.",
            "de-AT → de"
        );
    }

    #[test]
    fn a_server_reads_english_unless_it_asks() {
        let german_form = form("de", &["en", "fr"]);
        let plain = for_submission(&german_form, false, Some("de"), None);
        assert_eq!(required(&plain), "Please fill in this field.", "body lang is the form's");
        let asked = for_submission(&german_form, false, Some("de"), Some("fr"));
        assert_eq!(required(&asked), "Veuillez remplir ce champ.");
        let junk = for_submission(&german_form, false, None, Some("<b>;q=x"));
        assert_eq!(required(&junk), "Bitte füllen Sie dieses Feld aus.", "the form's default");
    }

    #[test]
    fn a_refusal_names_its_language_and_varies_by_the_header_it_read() {
        let f = form("en", &["de", "fr"]);
        let headers = |t: FieldTexts| t.headers();
        let by_lang = for_submission(&f, true, Some("de-AT"), Some("fr"));
        assert_eq!(headers(by_lang), [("Content-Language", "de".to_owned())], "lang alone chose");
        let vary = ("Vary", "Accept-Language".to_owned());
        assert_eq!(
            headers(for_submission(&f, true, None, Some("fr-CH"))),
            [("Content-Language", "fr".to_owned()), vary.clone()]
        );
        assert_eq!(
            headers(for_submission(&f, true, None, None)),
            [("Content-Language", "en".to_owned()), vary.clone()],
            "no header is an answer of the header too"
        );
        assert_eq!(
            headers(for_submission(&f, false, Some("de"), None)),
            [("Content-Language", "en".to_owned()), vary.clone()]
        );
        assert_eq!(
            headers(for_submission(&form("de", &["fr"]), false, None, Some("fr"))),
            [("Content-Language", "fr".to_owned()), vary]
        );
        // The locale as the form names it, which is the form's texts' language too.
        let mut regional = form("en", &[]);
        regional.translations.insert(
            "pt-BR".to_owned(),
            serde_json::from_value(serde_json::json!({ "submit_text": "x" })).unwrap(),
        );
        let pt = for_submission(&regional, true, Some("pt-br"), None);
        assert_eq!(pt.lang, "pt-BR");
        assert_eq!(pt.messages.required, "Preencha este campo.");
    }
}
