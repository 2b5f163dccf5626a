//! Reading a form for `/forms/config` and `/lead.capture`: its definition, its site's domains and
//! (for a capture) the linked session, in one D1 batch.

use pulsegate_schema::{DomainPattern, FormDefinition, Utm};

use crate::db::{self, Db};
use crate::error::ApiError;
use crate::lead::values::SessionFacts;
use crate::store::leads::{self, FormRow, Scores, SessionRow};

/// A stored form with where it may run.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    pub(crate) form: FormDefinition,
    pub(crate) domains: Vec<DomainPattern>,
    /// The linked session, if asked for and it exists on the form's site.
    pub(crate) session: Option<SessionRow>,
}

/// The form `form_id` (`404` when there is none) and, when `session_id` is given, its session.
pub(crate) async fn load(
    db: &Db,
    form_id: &str,
    session_id: Option<&str>,
) -> Result<Loaded, ApiError> {
    let results = db.batch("load form", &leads::form_and_session(form_id, session_id)).await?;
    let row: FormRow = db::rows::<FormRow>("Forms", &results[0])?
        .into_iter()
        .next()
        .ok_or(ApiError::NoSuch { what: "form" })?;
    let form: FormDefinition = serde_json::from_str(&row.schema_json)
        .map_err(|e| ApiError::storage("decode Forms.SchemaJson", e))?;
    let names: Vec<String> = serde_json::from_str(&row.domains)
        .map_err(|e| ApiError::storage("decode SiteDomains", e))?;
    let domains = names
        .iter()
        .map(|d| DomainPattern::parse(d).map_err(|e| ApiError::storage("decode SiteDomains", e)))
        .collect::<Result<Vec<_>, _>>()?;
    let session = match results.get(1) {
        Some(r) => db::rows::<SessionRow>("sessions", r)?.into_iter().next(),
        None => None,
    };
    Ok(Loaded { form, domains, session })
}

impl SessionRow {
    /// What the session tells the hidden fields.
    pub(crate) fn facts(&self) -> SessionFacts {
        SessionFacts {
            utm: Utm {
                source: self.utm_source.clone(),
                medium: self.utm_medium.clone(),
                campaign: self.utm_campaign.clone(),
                term: self.utm_term.clone(),
                content: self.utm_content.clone(),
            },
            landing_url: self.landing_url.clone(),
            referrer: self.referrer.clone(),
            visitor_id: self.visitor_id.clone(),
        }
    }

    /// Its scores, copied onto the lead.
    pub(crate) fn scores(&self) -> Scores {
        Scores {
            engagement: self.engagement_score,
            engagement_reasons: self.engagement_reasons.clone().unwrap_or_else(|| "[]".to_owned()),
            suspicion: self.suspicion_score,
            suspicion_reasons: self.suspicion_reasons.clone().unwrap_or_else(|| "[]".to_owned()),
        }
    }
}
