//! The language `/lead.capture` tells a refused field in: the form's locale chosen as
//! `/forms/config` chooses it, so the visitor reads the texts the form itself shows.

use pulsegate_schema::FormDefinition;
use pulsegate_schema::lead::locale::{messages, wanted_languages};
use pulsegate_schema::lead::{FormMessages, locale_for};

/// The field messages for a submission to `form`: a page's by the submission's `lang` (the
/// locale the form was shown in), else its `Accept-Language`, else the form's default locale;
/// a server's (integration key) by its `Accept-Language`, else English, whatever the body's
/// `lang` says: a server did not read the form, its developer reads the answer.
pub(crate) fn for_submission(
    form: &FormDefinition,
    from_page: bool,
    lang: Option<&str>,
    accept_language: Option<&str>,
) -> FormMessages {
    let wanted = match (from_page, lang, accept_language) {
        (true, Some(lang), _) => wanted_languages(lang),
        (_, _, Some(header)) => wanted_languages(header),
        (true, None, None) => Vec::new(),
        (false, _, None) => return messages("en"),
    };
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    messages(locale_for(form, &wanted))
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

    fn required(m: &FormMessages) -> &str {
        &m.required
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
}
