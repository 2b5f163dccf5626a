//! What the CRM side posts back: the CRM's id for a lead (`/lead.capture/crm-callback`), the Make
//! execution that handled a webhook (`/lead.capture/make-callback`), and CRM events about a lead
//! (`/webhooks/crm/lead`). Each is authenticated with its shared secret (`Authorization: Bearer`
//! or `X-API-Key`).

use crate::prelude::*;

use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, Validate, invalid, max_len, name, opt_len, url};
use crate::{UnixMillis, limits};

/// Longest CRM id or CRM event name, in bytes.
pub const MAX_CRM_ID_LEN: usize = 128;
/// Largest callback body, in bytes.
pub const MAX_CALLBACK_BODY_BYTES: usize = 32 * 1024;

/// Whether `id` has the shape of a lead's public id: `ld_` + 32 lower-case hex digits.
pub fn is_lead_id(id: &str) -> bool {
    id.strip_prefix("ld_").is_some_and(|hex| {
        hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

fn lead_id(prefix: &str, field: &str, id: &str) -> Result<(), Invalid> {
    if is_lead_id(id) {
        Ok(())
    } else {
        Err(invalid(prefix, field, "must be a lead id (ld_ and 32 hex digits)"))
    }
}

/// `POST /lead.capture/crm-callback` (secret `CRM_CALLBACK_SECRET`): the CRM created (or merged)
/// the lead under `crm_lead_id`. Sending it again with the same id changes nothing; another id
/// replaces it.
///
/// ```json
/// { "lead_id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "crm_lead_id": "00Q5e00000AbCdE" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmCallback {
    /// Example: `"ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"`.
    pub lead_id: String,
    /// The CRM's id for the lead. Example: `"00Q5e00000AbCdE"`.
    pub crm_lead_id: String,
}

impl Validate for CrmCallback {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        lead_id(prefix, "lead_id", &self.lead_id)?;
        name(prefix, "crm_lead_id", self.crm_lead_id.trim(), MAX_CRM_ID_LEN)
    }
}

/// `POST /lead.capture/make-callback` (secret `CRM_CALLBACK_SECRET`): the Make execution that
/// handled a lead's webhook. It is stored on that delivery (the one named by `webhook_id`, else
/// the lead's latest).
///
/// ```json
/// { "lead_id": "ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d", "execution_url": "https://eu1.make.com/123/scenarios/456/logs/789", "webhook_id": "msg_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a" }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MakeCallback {
    /// Example: `"ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"`.
    pub lead_id: String,
    /// `http(s)` only. Example: `"https://eu1.make.com/123/scenarios/456/logs/789"`.
    pub execution_url: String,
    /// The `webhook-id` of the delivery. Example: `"msg_9c0d2b1e8f7a6c5d4e3f2a1b0c9d4f3a"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
}

impl Validate for MakeCallback {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        lead_id(prefix, "lead_id", &self.lead_id)?;
        url(prefix, "execution_url", &self.execution_url)?;
        opt_len(prefix, "webhook_id", self.webhook_id.as_ref(), 64)
    }
}

/// `POST /webhooks/crm/lead` (secret `CRM_WEBHOOK_SECRET`, else `CRM_CALLBACK_SECRET`): something
/// happened to a lead in the CRM. The lead is named by its PulseGate id or by the CRM's id; the
/// event is appended to the lead's CRM activity (an `event_id` sent twice is stored once).
///
/// ```json
/// { "crm_lead_id": "00Q5e00000AbCdE", "event": "status_changed", "status": "qualified", "event_id": "evt_81", "occurred_at": 1764097500000, "data": { "owner": "sam" } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmActivityEvent {
    /// Example: `"ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<String>,
    /// Example: `"00Q5e00000AbCdE"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_lead_id: Option<String>,
    /// What happened. Example: `"status_changed"`.
    pub event: String,
    /// The lead's status in the CRM after it. Example: `"qualified"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The CRM's id for this event, to store a retried delivery once. Example: `"evt_81"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// When it happened in the CRM (ms). Example: `1764097500000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<UnixMillis>,
    /// Anything else the CRM sends, kept as it is. Example: `{ "owner": "sam" }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<crate::Props>,
}

impl Validate for CrmActivityEvent {
    fn validate_at(&self, prefix: &str) -> Result<(), Invalid> {
        match (&self.lead_id, &self.crm_lead_id) {
            (None, None) => return Err(invalid(prefix, "lead_id", "or crm_lead_id is required")),
            (Some(id), _) => lead_id(prefix, "lead_id", id)?,
            (None, Some(crm)) => name(prefix, "crm_lead_id", crm.trim(), MAX_CRM_ID_LEN)?,
        }
        name(prefix, "event", self.event.trim(), MAX_CRM_ID_LEN)?;
        opt_len(prefix, "status", self.status.as_ref(), MAX_CRM_ID_LEN)?;
        opt_len(prefix, "event_id", self.event_id.as_ref(), MAX_CRM_ID_LEN)?;
        if let Some(data) = &self.data {
            if data.len() > limits::MAX_PROPS {
                return Err(invalid(
                    prefix,
                    "data",
                    format!("must have at most {} keys", limits::MAX_PROPS),
                ));
            }
            for (key, value) in data {
                max_len(prefix, "data", key, limits::MAX_NAME_LEN)?;
                if let crate::PropValue::String(s) = value {
                    max_len(prefix, "data", s, limits::MAX_VALUE_LEN)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_ids() {
        assert!(is_lead_id("ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"));
        assert!(!is_lead_id("ld_4F3A9C0D2B1E8F7A6C5D4E3F2A1B0C9D"));
        assert!(!is_lead_id("4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d"));
        assert!(!is_lead_id("ld_../../etc"));
    }

    #[test]
    fn callbacks_name_the_broken_field() {
        let cb: CrmCallback =
            serde_json::from_str(r#"{"lead_id":"ld_x","crm_lead_id":"1"}"#).unwrap();
        assert_eq!(cb.validate().unwrap_err().field, "lead_id");
        let mc: MakeCallback = serde_json::from_str(
            r#"{"lead_id":"ld_4f3a9c0d2b1e8f7a6c5d4e3f2a1b0c9d","execution_url":"javascript:x"}"#,
        )
        .unwrap();
        assert_eq!(mc.validate().unwrap_err().field, "execution_url");
        let ev: CrmActivityEvent = serde_json::from_str(r#"{"event":"x"}"#).unwrap();
        assert_eq!(ev.validate().unwrap_err().field, "lead_id");
        let ev: CrmActivityEvent =
            serde_json::from_str(r#"{"crm_lead_id":"7","event":"won","data":{"amount":3}}"#)
                .unwrap();
        assert_eq!(ev.validate(), Ok(()));
        assert!(
            serde_json::from_str::<CrmActivityEvent>(
                r#"{"crm_lead_id":"7","event":"won","data":{"a":{"b":1}}}"#
            )
            .is_err()
        );
    }
}
