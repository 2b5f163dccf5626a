//! The languages a lead form speaks: BCP 47 language tags (checked for well-formedness), the
//! choice of a form's locale for a visitor (RFC 4647 "lookup": `pt-BR` → `pt` → the form's
//! default), and the built-in validation and status messages in a few languages, which
//! `/forms/config` answers resolved so the form builder carries none of them.

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use super::rules::Problem;
use crate::dashboard::forms::FieldType;

/// Longest language tag accepted, in bytes (RFC 5646 §4.4.1 asks for at least 35).
pub const MAX_LANGUAGE_TAG_LEN: usize = 35;

/// Whether `tag` is a well-formed BCP 47 language tag as forms use them: a primary language of
/// 2–3 (or 5–8) letters, then subtags of 1–8 letters or digits (script, region, variants,
/// extensions), each extension singleton followed by a subtag; at most
/// [`MAX_LANGUAGE_TAG_LEN`] bytes. `de`, `pt-BR`, `zh-Hant-TW`, `sl-rozaj`, `en-US-u-ca-gregory`.
pub fn is_language_tag(tag: &str) -> bool {
    if tag.is_empty() || tag.len() > MAX_LANGUAGE_TAG_LEN {
        return false;
    }
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    if !matches!(primary.len(), 2 | 3 | 5..=8) || !primary.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return false;
    }
    let mut after_singleton = false;
    for sub in subtags {
        if sub.is_empty() || sub.len() > 8 || !sub.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
        if sub.len() == 1 {
            // A private-use `x` or an extension singleton needs a subtag after it.
            if after_singleton {
                return false;
            }
            after_singleton = true;
        } else {
            after_singleton = false;
        }
    }
    !after_singleton
}

/// `tag` in its conventional case: language lower, script title (`Hant`), region upper (`BR`).
pub fn canonical_case(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    for (i, sub) in tag.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        match sub.len() {
            2 if i > 0 => out.push_str(&sub.to_ascii_uppercase()),
            4 if i > 0 && sub.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let lower = sub.to_ascii_lowercase();
                out.push_str(&lower[..1].to_ascii_uppercase());
                out.push_str(&lower[1..]);
            }
            _ => out.push_str(&sub.to_ascii_lowercase()),
        }
    }
    out
}

/// RFC 4647 §3.4 lookup: the first of `wanted` (the visitor's languages, best first) that one of
/// `available` serves, each tried whole and then shortened a subtag at a time (`de-CH-1996` →
/// `de-CH` → `de`, a singleton dropped with the subtag after it); `None` when none is served.
/// Case-insensitive; answers the `available` entry as written.
pub fn lookup<'a>(wanted: &[&str], available: &[&'a str]) -> Option<&'a str> {
    for range in wanted {
        let range = range.trim();
        if range == "*" || range.is_empty() {
            continue;
        }
        let mut candidate = range;
        loop {
            if let Some(hit) = available.iter().find(|a| a.eq_ignore_ascii_case(candidate)) {
                return Some(hit);
            }
            let Some(cut) = candidate.rfind('-') else { break };
            candidate = &candidate[..cut];
            // `en-a-bbb` → `en`: never end on a singleton.
            if let Some(cut) = candidate.rfind('-')
                && candidate.len() - cut == 2
            {
                candidate = &candidate[..cut];
            }
        }
    }
    None
}

/// The visitor's languages from a `lang` parameter (`de-CH,de,en`) or an `Accept-Language`
/// header (`de-CH;q=0.9, en;q=0.8`): well-formed tags only, best first (by `q`, then order), at
/// most 10. Malformed entries are skipped, never an error: the form still renders.
pub fn wanted_languages(list: &str) -> Vec<String> {
    let mut ranked: Vec<(u16, usize, String)> = Vec::new();
    for (i, item) in list.split(',').take(32).enumerate() {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1000), |q| quality(q.trim()));
        if let Some(q) = q.filter(|q| *q > 0)
            && is_language_tag(tag)
        {
            ranked.push((q, i, tag.to_owned()));
        }
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().take(10).map(|(_, _, tag)| tag).collect()
}

/// A `q` value in thousandths (`0.8` → 800), `None` when malformed.
fn quality(q: &str) -> Option<u16> {
    let (whole, frac) = q.split_once('.').unwrap_or((q, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    for (i, d) in frac.bytes().enumerate() {
        let scale = [100, 10, 1][i];
        thousandths += u16::from(d - b'0') * scale;
    }
    (thousandths <= 1000).then_some(thousandths)
}

/// The languages [`messages`] has built in.
pub const MESSAGE_LANGUAGES: [&str; 6] = ["en", "de", "fr", "es", "pt", "nl"];

/// The form builder's own texts in one language: what it says about a field's value (the rules'
/// problems) and about the submission. `/forms/config` answers them for the form's locale.
/// `too_long` holds `{max}` where the limit goes.
///
/// ```json
/// { "required": "Please fill in this field.", "required_checkbox": "Please tick this box.",
///   "required_choice": "Please choose an option.", "too_long": "Please use at most {max} characters.",
///   "email": "Please enter an email address, like name@example.com.",
///   "tel": "Please enter a phone number, like +1 415 555 0112.",
///   "url": "Please enter a web address starting with https://.", "number": "Please enter a number.",
///   "date": "Please enter a date as YYYY-MM-DD.", "choice": "Please choose one of the options.",
///   "pattern": "Please match the requested format.", "fix_fields": "Please correct the marked fields.",
///   "failure": "We could not send your message. Please check your connection and try again.",
///   "too_many": "Too many tries in a row. Please wait a minute and try again.", "choose": "Choose…",
///   "leave_empty": "Leave this field empty" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormMessages {
    /// An empty required field. Example: `"Please fill in this field."`.
    pub required: String,
    /// An unticked required checkbox. Example: `"Please tick this box."`.
    pub required_checkbox: String,
    /// A required select or radio field with nothing chosen. Example: `"Please choose an option."`.
    pub required_choice: String,
    /// Too long; `{max}` is the limit. Example: `"Please use at most {max} characters."`.
    pub too_long: String,
    /// Example: `"Please enter an email address, like name@example.com."`.
    pub email: String,
    /// Example: `"Please enter a phone number, like +1 415 555 0112."`.
    pub tel: String,
    /// Example: `"Please enter a web address starting with https://."`.
    pub url: String,
    /// Example: `"Please enter a number."`.
    pub number: String,
    /// Example: `"Please enter a date as YYYY-MM-DD."`.
    pub date: String,
    /// A value that is none of the options. Example: `"Please choose one of the options."`.
    pub choice: String,
    /// A value that does not match the field's pattern. Example: `"Please match the requested format."`.
    pub pattern: String,
    /// Above the button when fields are invalid. Example: `"Please correct the marked fields."`.
    pub fix_fields: String,
    /// The submission did not reach the server, or the server failed (the form's own
    /// `failure_message` when it has one). Example: `"We could not send your message. Please check your connection and try again."`.
    pub failure: String,
    /// The server said `429`. Example: `"Too many tries in a row. Please wait a minute and try again."`.
    pub too_many: String,
    /// A select's empty first option. Example: `"Choose…"`.
    pub choose: String,
    /// The bot trap's label: out of sight and hidden from assistive technology, read only by
    /// the bots and password managers that look at labels. Example: `"Leave this field empty"`.
    pub leave_empty: String,
}

impl FormMessages {
    /// The message for `problem` on a field of `field_type`, in parts: the text, and for
    /// [`Problem::TooLong`] the limit and the text after it (`{max}` split out).
    pub fn parts(&self, problem: Problem, field_type: FieldType) -> (&str, Option<(u32, &str)>) {
        let text = match problem {
            Problem::Required if field_type == FieldType::Checkbox => &self.required_checkbox,
            Problem::Required if field_type.has_options() => &self.required_choice,
            Problem::Required => &self.required,
            Problem::TooLong { max } => {
                return match self.too_long.split_once("{max}") {
                    Some((before, after)) => (before, Some((max, after))),
                    None => (&self.too_long, None),
                };
            }
            Problem::Email => &self.email,
            Problem::Tel => &self.tel,
            Problem::Url => &self.url,
            Problem::Number | Problem::NotBoolean | Problem::NotText => &self.number,
            Problem::Date => &self.date,
            Problem::Choice => &self.choice,
            Problem::Pattern => &self.pattern,
        };
        (text, None)
    }

    /// The whole message for `problem` on a field of `field_type` (the limit written in), as the
    /// form shows it. The problems only a script causes ([`Problem::NotBoolean`],
    /// [`Problem::NotText`]) are told in English, for the developer.
    pub fn message(&self, problem: Problem, field_type: FieldType) -> String {
        if matches!(problem, Problem::NotBoolean | Problem::NotText) {
            return problem.message(field_type).to_string();
        }
        let (text, rest) = self.parts(problem, field_type);
        match rest {
            Some((max, after)) => format!("{text}{max}{after}"),
            None => text.to_owned(),
        }
    }
}

/// One language's messages, in [`FormMessages`] field order.
type Catalogue = [&'static str; 16];

const EN: Catalogue = [
    "Please fill in this field.",
    "Please tick this box.",
    "Please choose an option.",
    "Please use at most {max} characters.",
    "Please enter an email address, like name@example.com.",
    "Please enter a phone number, like +1 415 555 0112.",
    "Please enter a web address starting with https://.",
    "Please enter a number.",
    "Please enter a date as YYYY-MM-DD.",
    "Please choose one of the options.",
    "Please match the requested format.",
    "Please correct the marked fields.",
    "We could not send your message. Please check your connection and try again.",
    "Too many tries in a row. Please wait a minute and try again.",
    "Choose…",
    "Leave this field empty",
];

const DE: Catalogue = [
    "Bitte füllen Sie dieses Feld aus.",
    "Bitte setzen Sie hier ein Häkchen.",
    "Bitte wählen Sie eine Option.",
    "Bitte verwenden Sie höchstens {max} Zeichen.",
    "Bitte geben Sie eine E-Mail-Adresse ein, z. B. name@example.com.",
    "Bitte geben Sie eine Telefonnummer ein, z. B. +49 30 1234567.",
    "Bitte geben Sie eine Webadresse ein, die mit https:// beginnt.",
    "Bitte geben Sie eine Zahl ein.",
    "Bitte geben Sie ein Datum im Format JJJJ-MM-TT ein.",
    "Bitte wählen Sie eine der Optionen.",
    "Bitte halten Sie sich an das verlangte Format.",
    "Bitte korrigieren Sie die markierten Felder.",
    "Ihre Nachricht konnte nicht gesendet werden. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    "Zu viele Versuche hintereinander. Bitte warten Sie eine Minute und versuchen Sie es erneut.",
    "Bitte wählen…",
    "Dieses Feld bitte leer lassen",
];

const FR: Catalogue = [
    "Veuillez remplir ce champ.",
    "Veuillez cocher cette case.",
    "Veuillez choisir une option.",
    "Veuillez utiliser au plus {max} caractères.",
    "Veuillez saisir une adresse e-mail, par exemple nom@example.com.",
    "Veuillez saisir un numéro de téléphone, par exemple +33 1 23 45 67 89.",
    "Veuillez saisir une adresse web commençant par https://.",
    "Veuillez saisir un nombre.",
    "Veuillez saisir une date au format AAAA-MM-JJ.",
    "Veuillez choisir l’une des options.",
    "Veuillez respecter le format demandé.",
    "Veuillez corriger les champs signalés.",
    "Votre message n’a pas pu être envoyé. Vérifiez votre connexion et réessayez.",
    "Trop de tentatives d’affilée. Veuillez patienter une minute et réessayer.",
    "Choisir…",
    "Laissez ce champ vide",
];

const ES: Catalogue = [
    "Rellene este campo.",
    "Marque esta casilla.",
    "Elija una opción.",
    "Use como máximo {max} caracteres.",
    "Introduzca una dirección de correo electrónico, como nombre@example.com.",
    "Introduzca un número de teléfono, como +34 912 345 678.",
    "Introduzca una dirección web que empiece por https://.",
    "Introduzca un número.",
    "Introduzca una fecha con el formato AAAA-MM-DD.",
    "Elija una de las opciones.",
    "Respete el formato solicitado.",
    "Corrija los campos marcados.",
    "No hemos podido enviar su mensaje. Compruebe su conexión e inténtelo de nuevo.",
    "Demasiados intentos seguidos. Espere un minuto e inténtelo de nuevo.",
    "Elegir…",
    "Deje este campo vacío",
];

const PT: Catalogue = [
    "Preencha este campo.",
    "Marque esta caixa.",
    "Escolha uma opção.",
    "Use no máximo {max} caracteres.",
    "Introduza um endereço de e-mail, como nome@example.com.",
    "Introduza um número de telefone, como +351 912 345 678.",
    "Introduza um endereço web que comece por https://.",
    "Introduza um número.",
    "Introduza uma data no formato AAAA-MM-DD.",
    "Escolha uma das opções.",
    "Respeite o formato pedido.",
    "Corrija os campos assinalados.",
    "Não foi possível enviar a sua mensagem. Verifique a sua ligação e tente novamente.",
    "Demasiadas tentativas seguidas. Aguarde um minuto e tente novamente.",
    "Escolher…",
    "Deixe este campo vazio",
];

const NL: Catalogue = [
    "Vul dit veld in.",
    "Vink dit vakje aan.",
    "Kies een optie.",
    "Gebruik maximaal {max} tekens.",
    "Vul een e-mailadres in, zoals naam@example.com.",
    "Vul een telefoonnummer in, zoals +31 20 123 4567.",
    "Vul een webadres in dat begint met https://.",
    "Vul een getal in.",
    "Vul een datum in als JJJJ-MM-DD.",
    "Kies een van de opties.",
    "Volg de gevraagde notatie.",
    "Verbeter de gemarkeerde velden.",
    "Uw bericht kon niet worden verzonden. Controleer uw verbinding en probeer het opnieuw.",
    "Te veel pogingen achter elkaar. Wacht een minuut en probeer het opnieuw.",
    "Kies…",
    "Laat dit veld leeg",
];

/// The built-in messages for `tag` (looked up as [`lookup`] does: `pt-BR` → `pt`), English
/// when none of [`MESSAGE_LANGUAGES`] serves it.
pub fn messages(tag: &str) -> FormMessages {
    let c = match lookup(&[tag], &MESSAGE_LANGUAGES) {
        Some("de") => &DE,
        Some("fr") => &FR,
        Some("es") => &ES,
        Some("pt") => &PT,
        Some("nl") => &NL,
        _ => &EN,
    };
    let s = |i: usize| c[i].to_owned();
    FormMessages {
        required: s(0),
        required_checkbox: s(1),
        required_choice: s(2),
        too_long: s(3),
        email: s(4),
        tel: s(5),
        url: s(6),
        number: s(7),
        date: s(8),
        choice: s(9),
        pattern: s(10),
        fix_fields: s(11),
        failure: s(12),
        too_many: s(13),
        choose: s(14),
        leave_empty: s(15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_tags_pass_and_others_do_not() {
        for ok in ["de", "pt-BR", "zh-Hant-TW", "sl-rozaj", "en-US-u-ca-gregory", "es-419", "gsw"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "d",
            "deutsch-x",
            "de_DE",
            "de-",
            "-de",
            "de--CH",
            "en-a",
            "en-a-b",
            "1de",
            "de-CH-toolongsubtag",
            "de CH",
            "<script>",
            "x-klingon",
            "abcdefghijklmnopqrstuvwxyzabcdefghij",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        assert_eq!(canonical_case("PT-br"), "pt-BR");
        assert_eq!(canonical_case("zh-hant-tw"), "zh-Hant-TW");
        assert_eq!(canonical_case("es-419"), "es-419");
    }

    #[test]
    fn lookup_falls_back_a_subtag_at_a_time() {
        let forms = ["en", "de", "pt", "fr-CA"];
        assert_eq!(lookup(&["pt-BR"], &forms), Some("pt"));
        assert_eq!(lookup(&["DE-ch-1996"], &forms), Some("de"));
        assert_eq!(lookup(&["fr-CA"], &forms), Some("fr-CA"));
        assert_eq!(lookup(&["fr"], &forms), None, "a region is never widened to another");
        assert_eq!(lookup(&["it", "fr-FR", "de"], &forms), Some("de"), "the first one served");
        assert_eq!(lookup(&["en-a-bbb-x-yz"], &forms), Some("en"));
        assert_eq!(lookup(&["*", "ja"], &forms), None);
    }

    #[test]
    fn wanted_languages_rank_by_quality_and_skip_junk() {
        assert_eq!(wanted_languages("de-CH,de;q=0.9,en;q=0.8"), ["de-CH", "de", "en"]);
        assert_eq!(wanted_languages("en;q=0.5, fr"), ["fr", "en"]);
        assert_eq!(wanted_languages("nl;q=0,es;q=1.5,<b>,pt-BR"), ["pt-BR"]);
        assert!(wanted_languages("").is_empty());
    }

    #[test]
    fn every_language_has_every_message_and_the_limit_slot() {
        for lang in MESSAGE_LANGUAGES {
            let m = messages(lang);
            let (before, rest) = m.parts(Problem::TooLong { max: 80 }, FieldType::Text);
            assert!(!before.is_empty() && rest.is_some_and(|(n, _)| n == 80), "{lang}");
            let json = serde_json::to_value(&m).unwrap();
            assert!(json.as_object().unwrap().values().all(|v| !v.as_str().unwrap().is_empty()));
        }
        // The form builder reads a problem's text by its key: the same text.
        let german = messages("de");
        let de = serde_json::to_value(&german).unwrap();
        for (p, t) in [
            (Problem::Required, FieldType::Text),
            (Problem::Required, FieldType::Checkbox),
            (Problem::Required, FieldType::Select),
            (Problem::TooLong { max: 3 }, FieldType::Text),
            (Problem::Email, FieldType::Email),
            (Problem::Tel, FieldType::Tel),
            (Problem::Url, FieldType::Url),
            (Problem::Number, FieldType::Number),
            (Problem::Date, FieldType::Date),
            (Problem::Choice, FieldType::Radio),
            (Problem::Pattern, FieldType::Text),
        ] {
            let by_key = de[p.key(t)].as_str().unwrap();
            let (text, rest) = german.parts(p, t);
            assert!(by_key.starts_with(text), "{p:?}");
            assert_eq!(rest.is_some(), by_key.contains("{max}"), "{p:?}");
        }
        assert_eq!(messages("pt-BR"), messages("pt"));
        assert_eq!(messages("ja"), messages("en"));
        assert_eq!(
            messages("de").parts(Problem::Required, FieldType::Checkbox).0,
            "Bitte setzen Sie hier ein Häkchen."
        );
    }

    #[test]
    fn english_is_what_the_rules_say() {
        let en = messages("en");
        for (p, t) in [
            (Problem::Required, FieldType::Text),
            (Problem::Required, FieldType::Checkbox),
            (Problem::Required, FieldType::Radio),
            (Problem::Email, FieldType::Email),
            (Problem::Tel, FieldType::Tel),
            (Problem::Url, FieldType::Url),
            (Problem::Number, FieldType::Number),
            (Problem::Date, FieldType::Date),
            (Problem::Choice, FieldType::Select),
            (Problem::Pattern, FieldType::Text),
        ] {
            assert_eq!(en.parts(p, t).0, p.parts(t).0, "{p:?}");
        }
    }
}
