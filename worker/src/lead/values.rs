//! A checked submission made ready to store: hidden values filled in (constants always by the
//! server, UTM, referrer and landing page from the linked session when the browser did not send
//! them), text made inert, and what the lead is known by (its email, else its phone) extracted.

use pulsegate_schema::lead::{FieldValue, LeadSubmission};
use pulsegate_schema::{FieldType, FormDefinition, HiddenSource, Utm};
use sha2::{Digest, Sha256};

use crate::ip_hash::hex;
use crate::sanitize;

/// What the linked session (if it exists on the form's site) tells about the visit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SessionFacts {
    pub(crate) utm: Utm,
    pub(crate) landing_url: Option<String>,
    pub(crate) referrer: Option<String>,
    pub(crate) visitor_id: Option<String>,
}

/// The contact details a lead is listed and found by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Contact {
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) name: Option<String>,
}

impl Contact {
    /// What makes two submissions the same lead on a site: the email (case-insensitive), else the
    /// phone's digits, else nothing (each submission is its own lead).
    pub(crate) fn identity(&self) -> Option<String> {
        if let Some(email) = &self.email {
            return Some(format!("email:{}", email.to_lowercase()));
        }
        let digits: String = self.phone.as_deref()?.chars().filter(char::is_ascii_digit).collect();
        (!digits.is_empty()).then(|| format!("phone:{digits}"))
    }

    /// The email's domain, lower-case (for testing rules by domain).
    pub(crate) fn email_domain(&self) -> Option<String> {
        let email = self.email.as_deref()?;
        email.rsplit_once('@').map(|(_, d)| d.to_lowercase())
    }
}

/// Fills hidden fields, trims visible text and neutralises markup, in place.
pub(crate) fn prepare(form: &FormDefinition, s: &mut LeadSubmission, session: &SessionFacts) {
    // The hidden values, first: constants are the server's, the rest falls back to the session.
    let utm = merged_utm(s.utm.as_ref(), &session.utm);
    for hidden in &form.hidden_fields {
        let sent =
            s.fields.get(&hidden.name).and_then(FieldValue::as_text).filter(|v| !v.is_empty());
        let value = match hidden.source {
            HiddenSource::Constant => hidden.value.clone(),
            _ if sent.is_some() => sent.map(str::to_owned),
            HiddenSource::UtmSource => utm.source.clone(),
            HiddenSource::UtmMedium => utm.medium.clone(),
            HiddenSource::UtmCampaign => utm.campaign.clone(),
            HiddenSource::UtmTerm => utm.term.clone(),
            HiddenSource::UtmContent => utm.content.clone(),
            HiddenSource::Referrer => session.referrer.clone().or_else(|| s.referrer.clone()),
            HiddenSource::LandingPage => session.landing_url.clone(),
            HiddenSource::PageUrl => s.page_url.clone(),
        };
        match value {
            Some(v) => s.fields.insert(hidden.name.clone(), FieldValue::Text(v)),
            None => s.fields.remove(&hidden.name),
        };
    }
    if !utm.is_empty() {
        s.utm = Some(utm);
    }
    if s.visitor_id.is_none() {
        s.visitor_id = session
            .visitor_id
            .as_deref()
            .and_then(|v| v.parse().ok())
            .map(pulsegate_schema::VisitorId);
    }
    sanitize_submission(form, s);
}

/// The body's UTM parameters, each missing one taken from the session.
fn merged_utm(sent: Option<&Utm>, session: &Utm) -> Utm {
    let sent = sent.cloned().unwrap_or_default();
    Utm {
        source: sent.source.or_else(|| session.source.clone()),
        medium: sent.medium.or_else(|| session.medium.clone()),
        campaign: sent.campaign.or_else(|| session.campaign.clone()),
        term: sent.term.or_else(|| session.term.clone()),
        content: sent.content.or_else(|| session.content.clone()),
    }
}

/// URLs are percent-encoded where they could break out of an attribute; other text loses markup
/// and control characters (`crate::sanitize`), after the limits were checked on what was sent.
fn sanitize_submission(form: &FormDefinition, s: &mut LeadSubmission) {
    let is_url = |name: &str| {
        form.fields.iter().any(|f| f.name == name && f.field_type == FieldType::Url)
            || form.hidden_fields.iter().any(|h| {
                h.name == name
                    && matches!(
                        h.source,
                        HiddenSource::PageUrl | HiddenSource::LandingPage | HiddenSource::Referrer
                    )
            })
    };
    let visible = |name: &str| form.fields.iter().any(|f| f.name == name);
    for (name, value) in &mut s.fields {
        if let FieldValue::Text(text) = value {
            if visible(name) {
                *text = text.trim().to_owned();
            }
            if is_url(name) {
                sanitize::url(text);
            } else {
                sanitize::text(text);
            }
        }
    }
    for url in [&mut s.page_url, &mut s.referrer].into_iter().flatten() {
        sanitize::url(url);
    }
    if let Some(utm) = &mut s.utm {
        for value in
            [&mut utm.source, &mut utm.medium, &mut utm.campaign, &mut utm.term, &mut utm.content]
                .into_iter()
                .flatten()
        {
            sanitize::text(value);
        }
    }
    if let Some(honeypot) = &mut s.honeypot {
        sanitize::text(honeypot);
    }
}

/// The contact details of a prepared submission: the first email field, the first phone field,
/// and a name field (`name`, `full_name`, `fullname`, `your_name`, else first + last name).
pub(crate) fn contact(form: &FormDefinition, s: &LeadSubmission) -> Contact {
    let text = |name: &str| {
        s.fields.get(name).and_then(FieldValue::as_text).map(str::trim).filter(|v| !v.is_empty())
    };
    let first_of = |kind: FieldType| {
        form.fields
            .iter()
            .filter(|f| f.field_type == kind)
            .find_map(|f| text(&f.name))
            .map(str::to_owned)
    };
    let named = |names: &[&str]| {
        form.fields
            .iter()
            .filter(|f| names.iter().any(|n| f.name.eq_ignore_ascii_case(n)))
            .find_map(|f| text(&f.name))
    };
    let name =
        named(&["name", "full_name", "fullname", "your_name"]).map(str::to_owned).or_else(|| {
            let first = named(&["first_name", "firstname", "given_name"]);
            let last = named(&["last_name", "lastname", "family_name", "surname"]);
            match (first, last) {
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                (f, l) => f.or(l).map(str::to_owned),
            }
        });
    Contact { email: first_of(FieldType::Email), phone: first_of(FieldType::Tel), name }
}

/// The key that makes a repeated submission one: the `Idempotency-Key` header, else the form's
/// `submission_id`, else the body itself (the same values sent twice are one submission).
pub(crate) fn idempotency_key(header: Option<&str>, s: &LeadSubmission) -> String {
    if let Some(key) = header {
        return format!("key:{key}");
    }
    if let Some(id) = s.submission_id {
        return format!("submission:{id}");
    }
    let mut same = s.clone();
    same.fill_ms = None;
    same.fill = None;
    let canonical = serde_json::to_vec(&same).unwrap_or_default();
    format!("body:{}", hex(&Sha256::digest(&canonical)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> FormDefinition {
        serde_json::from_str(
            r#"{"form_id":"quote","site_key":"demo","name":"Quote","fields":[
            {"name":"first_name","label":"First name","type":"text"},
            {"name":"last_name","label":"Last name","type":"text"},
            {"name":"email","label":"Email","type":"email"},
            {"name":"phone","label":"Phone","type":"tel"},
            {"name":"site","label":"Your site","type":"url"},
            {"name":"notes","label":"Notes","type":"textarea"}],
            "hidden_fields":[{"name":"utm_source","source":"utm_source"},{"name":"utm_medium","source":"utm_medium"},
            {"name":"campaign","source":"constant","value":"spring"},{"name":"landing","source":"landing_page"},
            {"name":"page","source":"page_url"},{"name":"ref","source":"referrer"}]}"#,
        )
        .unwrap()
    }

    fn submission(json: &str) -> LeadSubmission {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn hidden_values_come_from_the_server_the_body_then_the_session() {
        let mut s = submission(
            r#"{"form_id":"quote","fields":{"email":"a@b.co","campaign":"hacked","utm_source":"sent"},
            "utm":{"medium":"body-medium"},"page_url":"https://shop.example/quote"}"#,
        );
        let session = SessionFacts {
            utm: Utm {
                source: Some("session-source".into()),
                medium: Some("session-medium".into()),
                campaign: Some("c".into()),
                ..Utm::default()
            },
            landing_url: Some("https://shop.example/?utm_source=session-source".into()),
            referrer: Some("https://search.example/".into()),
            visitor_id: Some("5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d".into()),
        };
        prepare(&form(), &mut s, &session);
        let text = |k: &str| s.fields.get(k).and_then(FieldValue::as_text).map(str::to_owned);
        assert_eq!(text("campaign").as_deref(), Some("spring"), "constants are the server's");
        assert_eq!(text("utm_source").as_deref(), Some("sent"), "what the form sent stands");
        assert_eq!(text("utm_medium").as_deref(), Some("body-medium"), "then the body's utm");
        assert_eq!(
            text("landing").as_deref(),
            Some("https://shop.example/?utm_source=session-source")
        );
        assert_eq!(text("page").as_deref(), Some("https://shop.example/quote"));
        assert_eq!(text("ref").as_deref(), Some("https://search.example/"));
        let utm = s.utm.clone().unwrap();
        assert_eq!(
            (utm.source.as_deref(), utm.medium.as_deref(), utm.campaign.as_deref()),
            (Some("session-source"), Some("body-medium"), Some("c"))
        );
        assert_eq!(
            s.visitor_id.map(|v| v.to_string()).as_deref(),
            Some("5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d")
        );
    }

    #[test]
    fn stored_text_is_inert_and_urls_stay_urls() {
        let mut s = submission(
            r#"{"form_id":"quote","fields":{"first_name":"  <b>Jane</b>\u202e ","notes":"line1\nline2",
            "site":"https://jane.example/?q=\"><script>"},"utm":{"source":"<x>"},"honeypot":"<i>"}"#,
        );
        prepare(&form(), &mut s, &SessionFacts::default());
        let text = |k: &str| s.fields.get(k).and_then(FieldValue::as_text).unwrap().to_owned();
        assert_eq!(text("first_name"), "＜b＞Jane＜/b＞");
        assert_eq!(text("notes"), "line1 line2");
        assert_eq!(text("site"), "https://jane.example/?q=%22%3E%3Cscript%3E");
        assert_eq!(s.utm.unwrap().source.as_deref(), Some("＜x＞"));
        assert_eq!(s.honeypot.as_deref(), Some("＜i＞"));
    }

    #[test]
    fn contact_and_identity() {
        let f = form();
        let s = submission(
            r#"{"form_id":"quote","fields":{"first_name":"Jane","last_name":"Doe","email":" Jane@Example.COM ","phone":"+49 30 1234567"}}"#,
        );
        let c = contact(&f, &s);
        assert_eq!(c.name.as_deref(), Some("Jane Doe"));
        assert_eq!(c.email.as_deref(), Some("Jane@Example.COM"));
        assert_eq!(c.identity().as_deref(), Some("email:jane@example.com"));
        assert_eq!(c.email_domain().as_deref(), Some("example.com"));
        let phone_only = contact(
            &f,
            &submission(r#"{"form_id":"quote","fields":{"phone":"+49 (30) 123-4567"}}"#),
        );
        assert_eq!(phone_only.identity().as_deref(), Some("phone:49301234567"));
        assert_eq!(
            contact(&f, &submission(r#"{"form_id":"quote","fields":{"notes":"hi"}}"#)).identity(),
            None
        );
    }

    #[test]
    fn idempotency_keys_prefer_the_header_then_the_submission_id_then_the_body() {
        let mut s = submission(r#"{"form_id":"quote","fields":{"email":"a@b.co"},"fill_ms":5000}"#);
        assert_eq!(idempotency_key(Some("abc"), &s), "key:abc");
        let body = idempotency_key(None, &s);
        assert!(body.starts_with("body:") && body.len() == 5 + 64);
        s.fill_ms = Some(9000);
        assert_eq!(
            idempotency_key(None, &s),
            body,
            "the fill time does not make it another submission"
        );
        s.fields.insert("email".into(), FieldValue::Text("c@d.co".into()));
        assert_ne!(idempotency_key(None, &s), body);
        s.submission_id = Some("2f4b6d8e-1a3c-4e5f-9a7b-0c1d2e3f4a5b".parse().unwrap());
        assert_eq!(idempotency_key(None, &s), "submission:2f4b6d8e-1a3c-4e5f-9a7b-0c1d2e3f4a5b");
    }
}
