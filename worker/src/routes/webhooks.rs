//! `/analytics/webhooks/*` (page `settings`, admin): the outbox and the dead letters with their
//! attempt logs, and re-sending a dead letter (same id and body, a fresh set of attempts, the
//! first one right away).

use pulsegate_schema::WebhookList;

use super::Call;
use crate::db;
use crate::error::ApiError;
use crate::http::{check_params, query_pairs};
use crate::lead::ids;
use crate::reply::Reply;
use crate::store::outbox::{self, AttemptRow, Listing, MessageRow};

fn limit(call: &Call<'_>) -> Result<u32, ApiError> {
    let pairs = query_pairs(&call.req);
    check_params(&pairs, &["limit", "format"])?;
    match pairs.iter().find(|(k, _)| k == "limit") {
        None => Ok(100),
        Some((_, v)) => v.parse::<u32>().ok().filter(|n| (1..=500).contains(n)).ok_or_else(|| {
            ApiError::InvalidField {
                field: "limit".to_owned(),
                message: "must be 1 to 500".to_owned(),
            }
        }),
    }
}

async fn listing(call: &mut Call<'_>, which: Listing) -> Result<Reply, ApiError> {
    let limit = limit(call)?;
    let messages: Vec<MessageRow> =
        call.db.all("list webhooks", &outbox::list(which, limit)).await?;
    let ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
    let ids_json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".to_owned());
    let attempts: Vec<AttemptRow> =
        call.db.all("webhook attempts", &outbox::attempts_of(&ids_json)).await?;
    Reply::json(200, &WebhookList { messages: super::leads::deliveries(messages, attempts) })
}

pub(crate) async fn list_outbox(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    listing(call, Listing::Outbox).await
}

pub(crate) async fn list_dead_letters(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    listing(call, Listing::DeadLetters).await
}

/// `POST /analytics/webhooks/dead-letters/{id}/resend`: `202` with the message back in the outbox;
/// the first attempt runs after the response (then the `*/10` cron, as for any message).
pub(crate) async fn resend(call: &mut Call<'_>) -> Result<Reply, ApiError> {
    let id = call.param().to_owned();
    if !ids::is_message_id(&id) {
        return Err(ApiError::NoSuch { what: "dead letter" });
    }
    let results = call.db.batch("resend dead letter", &outbox::resend(&id, call.now)).await?;
    if db::changes(&results[0]) == 0 {
        return Err(ApiError::NoSuch { what: "dead letter" });
    }
    let back: Vec<MessageRow> = call.db.all("pending webhook", &outbox::pending(&id)).await?;
    call.ctx.wait_until(crate::jobs::outbox::deliver_now(call.env.clone(), id, call.now));
    Reply::json(202, &WebhookList { messages: super::leads::deliveries(back, Vec::new()) })
}
