//! Makes validated input inert before it is stored, because the dashboard, the replay viewer and
//! lead e-mails will render it as HTML: a renderer that forgets to escape must still not run
//! anything a visitor's browser sent.
//!
//! - Text (titles, labels, names, property keys and values, error messages, UTM values): control
//!   characters are removed (tab and line breaks become spaces), as are bidirectional overrides
//!   and isolates (U+202A–U+202E, U+2066–U+2069, "Trojan Source") and U+FEFF; `<` and `>` become
//!   the full-width `＜` and `＞`, so no tag can open.
//! - CSS selectors: the same, except that `>` (the child combinator) is kept; without `<` no tag
//!   can open.
//! - URLs (already `http(s)` only, without whitespace or controls): `<`, `>`, `"`, `'` and `` ` ``
//!   are percent-encoded, which keeps the URL equivalent and unable to break out of an attribute.
//!
//! - Admin names (sites, forms, marketing and integration keys), like IP-list and testing-rule
//!   reasons: as text. A form's own texts (labels, placeholders, help, options, submit, success
//!   and failure messages, translations, hidden constants) lose their control and invisible characters only: the
//!   form view builds its markup without parsing HTML, and `<` in "Budget < 10k" stays as written.
//!
//! Sanitizing runs after validation, so limits are checked on what the client sent; a
//! neutralised character takes 3 bytes instead of 1. Admin bodies are validated again after it
//! ([`crate::body::read_admin`]), so a name of nothing but control characters is refused.

use pulsegate_schema::{
    Event, EventBatch, FormDefinition, MarketingKeyUpdate, NewIntegration, NewMarketingKey,
    NewSite, PropValue, Props, SessionStart, SiteUpdate,
};

/// Rewrites `self` in place so that none of its strings can inject markup.
pub(crate) trait Sanitize {
    /// Whether anything was rewritten (`false`: the value is exactly as received, so its
    /// received encoding can be stored as it is).
    fn sanitize(&mut self) -> bool;
}

/// Neutralises free text; whether it changed.
pub(crate) fn text(s: &mut String) -> bool {
    rewrite(s, |c, out| match c {
        '<' => out.push('＜'),
        '>' => out.push('＞'),
        c => out.push(c),
    })
}

/// Neutralises a CSS selector (keeps `>`); whether it changed.
pub(crate) fn selector(s: &mut String) -> bool {
    rewrite(s, |c, out| match c {
        '<' => out.push('＜'),
        c => out.push(c),
    })
}

/// Drops control and invisible characters (tab and line breaks become spaces), keeping every
/// other character as written; whether it changed.
pub(crate) fn plain(s: &mut String) -> bool {
    rewrite(s, |c, out| out.push(c))
}

/// Percent-encodes the characters of a URL that could end an HTML attribute or open a tag;
/// whether it changed.
pub(crate) fn url(s: &mut String) -> bool {
    if !s.contains(['<', '>', '"', '\'', '`']) {
        return false;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            '`' => out.push_str("%60"),
            c => out.push(c),
        }
    }
    *s = out;
    true
}

/// Drops invisible and control characters, then lets `map` write each remaining one; whether
/// the text changed.
fn rewrite(s: &mut String, map: impl Fn(char, &mut String)) -> bool {
    if !dirty(s) {
        return false;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match removed(c) {
            Some(Some(replacement)) => out.push(replacement),
            Some(None) => {}
            None => map(c, &mut out),
        }
    }
    let changed = out != *s;
    *s = out;
    changed
}

/// Whether `s` holds a character that [`text`] rewrites (the selector's `>` included).
fn dirty(s: &str) -> bool {
    s.chars().any(|c| c == '<' || c == '>' || removed(c).is_some())
}

/// `Some(replacement)` for characters that do not survive: whitespace controls become a space,
/// other controls, bidi overrides and isolates, and the BOM disappear.
fn removed(c: char) -> Option<Option<char>> {
    match c {
        '\t' | '\n' | '\r' => Some(Some(' ')),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' => Some(None),
        c if c.is_control() => Some(None),
        _ => None,
    }
}

fn opt_text(s: &mut Option<String>) -> bool {
    s.as_mut().is_some_and(text)
}

fn opt_plain(s: &mut Option<String>) -> bool {
    s.as_mut().is_some_and(plain)
}

fn opt_url(s: &mut Option<String>) -> bool {
    s.as_mut().is_some_and(url)
}

/// Values in place; the map is rebuilt only when a key changes.
fn props(props: &mut Props) -> bool {
    let mut changed = false;
    for value in props.values_mut() {
        if let PropValue::String(s) = value {
            changed |= text(s);
        }
    }
    if props.keys().any(|key| dirty(key)) {
        let taken = core::mem::take(props);
        for (mut key, value) in taken {
            text(&mut key);
            props.insert(key, value);
        }
        changed = true;
    }
    changed
}

impl Sanitize for SessionStart {
    fn sanitize(&mut self) -> bool {
        let mut changed = url(&mut self.page.url);
        changed |= opt_url(&mut self.page.referrer);
        changed |= opt_text(&mut self.page.title);
        changed |= opt_text(&mut self.device.language);
        changed |= opt_text(&mut self.device.timezone);
        for language in &mut self.device.languages {
            changed |= text(language);
        }
        if let Some(utm) = &mut self.utm {
            for value in [
                &mut utm.source,
                &mut utm.medium,
                &mut utm.campaign,
                &mut utm.term,
                &mut utm.content,
            ] {
                changed |= opt_text(value);
            }
        }
        changed
    }
}

impl Sanitize for Event {
    fn sanitize(&mut self) -> bool {
        match self {
            Self::Pageview(e) => {
                url(&mut e.url) | opt_url(&mut e.referrer) | opt_text(&mut e.title)
            }
            Self::Click(e) => {
                selector(&mut e.selector) | opt_text(&mut e.text) | opt_url(&mut e.href)
            }
            Self::RageClick(e) => selector(&mut e.selector),
            Self::Scroll(_) | Self::Engagement(_) => false,
            Self::FormInteraction(e) => text(&mut e.form_id) | opt_text(&mut e.field),
            Self::Custom(e) => text(&mut e.name) | props(&mut e.props),
            Self::Identify(e) => text(&mut e.user_id) | props(&mut e.traits),
            Self::Error(e) => text(&mut e.message) | opt_url(&mut e.source),
        }
    }
}

impl Sanitize for EventBatch {
    fn sanitize(&mut self) -> bool {
        let mut changed = false;
        for event in &mut self.events {
            changed |= event.sanitize();
        }
        changed
    }
}

impl Sanitize for NewSite {
    fn sanitize(&mut self) -> bool {
        text(&mut self.name)
    }
}

impl Sanitize for SiteUpdate {
    fn sanitize(&mut self) -> bool {
        text(&mut self.name)
    }
}

impl Sanitize for NewMarketingKey {
    fn sanitize(&mut self) -> bool {
        text(&mut self.name)
    }
}

impl Sanitize for MarketingKeyUpdate {
    fn sanitize(&mut self) -> bool {
        opt_text(&mut self.name)
    }
}

impl Sanitize for NewIntegration {
    fn sanitize(&mut self) -> bool {
        text(&mut self.name)
    }
}

impl Sanitize for FormDefinition {
    fn sanitize(&mut self) -> bool {
        let mut changed = text(&mut self.name)
            | plain(&mut self.submit_text)
            | plain(&mut self.success_message)
            | opt_plain(&mut self.failure_message);
        for field in &mut self.fields {
            changed |= plain(&mut field.label)
                | opt_plain(&mut field.placeholder)
                | opt_plain(&mut field.help);
            for option in &mut field.options {
                changed |= plain(&mut option.label);
            }
        }
        for hidden in &mut self.hidden_fields {
            changed |= opt_plain(&mut hidden.value);
        }
        for texts in self.translations.values_mut() {
            changed |= opt_plain(&mut texts.submit_text)
                | opt_plain(&mut texts.success_message)
                | opt_plain(&mut texts.failure_message);
            for field in texts.fields.values_mut() {
                changed |= opt_plain(&mut field.label)
                    | opt_plain(&mut field.placeholder)
                    | opt_plain(&mut field.help);
                for label in field.options.values_mut() {
                    changed |= plain(label);
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use pulsegate_schema::{Click, Custom, ErrorEvent, Pageview};

    use super::*;

    fn t(s: &str) -> String {
        let mut s = s.to_owned();
        text(&mut s);
        s
    }

    #[test]
    fn markup_in_text_is_inert() {
        assert_eq!(t("<script>alert(1)</script>Pricing"), "＜script＞alert(1)＜/script＞Pricing");
        assert_eq!(t("<img src=x onerror=alert(1)>"), "＜img src=x onerror=alert(1)＞");
        assert_eq!(t("Plain title — é 漢 😀"), "Plain title — é 漢 😀");
        assert_eq!(t("a\tb\nc\r"), "a b c ");
        assert_eq!(t("x\u{0}\u{7}\u{7f}\u{85}y"), "xy");
        assert_eq!(t("admin\u{202E}gnp.exe\u{2066}"), "admingnp.exe");
        assert_eq!(t("\u{FEFF}bom"), "bom");
        // Emoji sequences keep their joiners.
        assert_eq!(t("👩\u{200D}💻"), "👩\u{200D}💻");
    }

    #[test]
    fn selectors_keep_child_combinators() {
        let mut s = "main > a.cta<svg onload=x>".to_owned();
        selector(&mut s);
        assert_eq!(s, "main > a.cta＜svg onload=x>");
    }

    #[test]
    fn urls_stay_equivalent_and_cannot_break_out() {
        let mut u = "https://a.example/p?q=\"><script>alert('x')</script>`".to_owned();
        url(&mut u);
        assert_eq!(u, "https://a.example/p?q=%22%3E%3Cscript%3Ealert(%27x%27)%3C/script%3E%60");
        let mut plain = "https://a.example/p?q=1#top".to_owned();
        url(&mut plain);
        assert_eq!(plain, "https://a.example/p?q=1#top");
    }

    #[test]
    fn every_event_kind_is_covered() {
        let mut batch_events = vec![
            Event::Pageview(Pageview {
                ts: 1,
                url: "https://a.example/<x>".into(),
                referrer: Some("https://b.example/\"".into()),
                title: Some("<b>".into()),
            }),
            Event::Click(Click {
                selector: "a<b".into(),
                text: Some("<i>".into()),
                href: Some("https://c.example/'".into()),
                ..Click::default()
            }),
            Event::Custom(Custom {
                ts: 1,
                name: "<n>".into(),
                props: [("<k>".to_owned(), PropValue::String("<v>".into()))].into(),
            }),
            Event::Error(ErrorEvent {
                message: "<m>".into(),
                source: Some("https://d.example/`".into()),
                ..ErrorEvent::default()
            }),
        ];
        for e in &mut batch_events {
            assert!(e.sanitize(), "{e:?}");
        }
        let json = serde_json::to_string(&batch_events).unwrap();
        for bad in ["<", "\\\"", "'", "`"] {
            assert!(!json.contains(bad), "{bad} in {json}");
        }
    }

    #[test]
    fn clean_input_reports_no_change() {
        let mut events = vec![
            Event::Pageview(Pageview {
                ts: 1,
                url: "https://a.example/p?q=1".into(),
                referrer: None,
                title: Some("Pricing — é 漢".into()),
            }),
            Event::Click(Click { selector: "main > a.cta".into(), ..Click::default() }),
            Event::Custom(Custom {
                ts: 1,
                name: "cta".into(),
                props: [("plan".to_owned(), PropValue::String("pro".into()))].into(),
            }),
        ];
        let before = events.clone();
        for e in &mut events {
            assert!(!e.sanitize(), "{e:?}");
        }
        assert_eq!(events, before);
        // A key alone that needs it is a change too, and the map keeps its value.
        let mut custom = Event::Custom(Custom {
            ts: 1,
            name: "n".into(),
            props: [("a\tb".to_owned(), PropValue::Bool(true))].into(),
        });
        assert!(custom.sanitize());
        let Event::Custom(c) = custom else { unreachable!() };
        assert_eq!(c.props.get("a b"), Some(&PropValue::Bool(true)));
    }

    proptest! {
        #[test]
        fn sanitized_text_never_holds_markup_or_controls(s in any::<String>()) {
            let mut changed = s.clone();
            prop_assert_eq!(text(&mut changed), changed != s, "the change is reported");
            let out = t(&s);
            prop_assert!(!out.contains('<') && !out.contains('>'));
            let invisible = |c: char| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c);
            prop_assert!(!out.chars().any(invisible), "{:?}", out);
            // Idempotent: sanitizing twice changes nothing more.
            prop_assert_eq!(t(&out), out);
        }

        #[test]
        fn sanitized_urls_never_hold_quotes_or_brackets(s in "https://[a-z<>\"'`%/?=&]{1,40}") {
            let mut u = s.clone();
            url(&mut u);
            prop_assert!(!u.contains(['<', '>', '"', '\'', '`']));
            prop_assert!(u.len() >= s.len());
        }
    }
}
