//! Consent tiers on a running page: what each tier may keep, what changes when the visitor
//! chooses (`PulseGate.consent(...)`), and opting out and back in.
//!
//! | tier | stored in the browser | fingerprint | sent |
//! |---|---|---|---|
//! | `count` | nothing (a session per page, in memory) | no | events, no visitor id |
//! | `analytics` | visitor id, shared session, unsent queue | yes | everything |
//! | `marketing` | as `analytics` | yes | everything; the server may enrich leads |
//!
//! A session start carries the tier it ran under, so a change of tier after it was sent closes
//! the session and starts a new one (with a pageview of the current page).

use pulsegate_schema::ConsentTier;
use wasm_bindgen::JsValue;

use super::Tracker;
use crate::ids;
use crate::js::{flag, get, is_false};
use crate::persist::KEY_PREFIX;
use crate::storage::{CONSENT_KEY, OPT_OUT_KEY, REPLAY_RATE_KEY, SESSION_KEY, VISITOR_KEY};
use crate::text::uuid_text;

/// A tier from its wire name (`"count"`, `"analytics"`, `"marketing"`; ASCII white space around
/// it is ignored).
pub(crate) fn parse_tier(name: &str) -> Option<ConsentTier> {
    Some(match name.trim_ascii() {
        "count" => ConsentTier::Count,
        "analytics" => ConsentTier::Analytics,
        "marketing" => ConsentTier::Marketing,
        _ => return None,
    })
}

/// The tier a `PulseGate.consent(choice)` argument asks for: a tier name, or an object of
/// booleans (`{analytics: true, marketing: false}`: the highest one granted, else `count`).
pub(crate) fn chosen_tier(choice: &JsValue) -> Option<ConsentTier> {
    if let Some(name) = choice.as_string() {
        return parse_tier(&name);
    }
    if !choice.is_object() {
        return None;
    }
    Some(if flag(choice, "marketing") {
        ConsentTier::Marketing
    } else if flag(choice, "analytics") {
        ConsentTier::Analytics
    } else {
        ConsentTier::Count
    })
}

impl Tracker {
    /// Reads the stored visitor id, or makes and stores a new one (tiers that allow identity).
    pub(crate) fn load_identity(&mut self) {
        let stored = ids::parse_uuid(&self.store.text(VISITOR_KEY));
        self.visitor = match stored {
            Some(bytes) => Some(pulsegate_schema::VisitorId::from_bytes(bytes)),
            None => {
                let id = ids::visitor_id();
                if let Some(id) = &id {
                    self.store.set(VISITOR_KEY, &uuid_text(id.0.as_bytes()), true);
                }
                id
            }
        };
    }

    /// Removes everything the tracker keeps in storage (not the consent choice or opt-out).
    pub(crate) fn forget_storage(&mut self) {
        for &key in &[VISITOR_KEY, SESSION_KEY, REPLAY_RATE_KEY] {
            self.store.remove(key);
        }
        for key in crate::text::fields(&self.store.key_list(KEY_PREFIX), b'\n') {
            if !key.is_empty() {
                self.store.remove(key);
            }
        }
        self.visitor = None;
    }

    /// `PulseGate.consent(choice)`: remembers the choice and runs under the new tier.
    pub(crate) fn set_tier(&mut self, tier: ConsentTier) {
        self.undecided = false;
        // Remembering the choice itself is what honouring it takes, whatever the tier.
        self.store.set(CONSENT_KEY, tier.as_str(), true);
        if tier == self.tier {
            return;
        }
        let sent = self.starting.is_none() && self.session.is_some();
        if sent {
            // The server knows the session under the old tier: close it.
            if let Some(session) = self.session.take() {
                self.end_session(session);
            }
        }
        let was_persistent = self.persistent();
        self.tier = tier;
        if self.persistent() && !was_persistent {
            self.load_identity();
            if let Some(starting) = &mut self.starting {
                starting.allow_fingerprint(&self.window);
            }
        } else if !self.persistent() {
            self.forget_storage();
            if let Some(starting) = &mut self.starting {
                starting.forbid_fingerprint();
            }
        }
        if let Some(session) = self.session {
            self.set_session(Some(session));
        }
        self.save();
        if sent && self.config.auto_track {
            self.pageview(None, true);
        }
        self.flush();
    }

    /// `PulseGate.optOut()`: the session ends, everything stored goes, nothing more is recorded
    /// (here or, through the stored opt-out, on any later page).
    pub(crate) fn opt_out(&mut self) {
        if self.opted_out {
            return;
        }
        if self.starting.take().is_some() {
            // Nothing of this session reached the server: drop it whole.
            self.queue.events.clear();
        } else if let Some(session) = self.session {
            self.end_session(session);
        }
        self.session = None;
        self.capture_stop();
        self.forget_storage();
        self.store.remove(CONSENT_KEY);
        self.store.set(OPT_OUT_KEY, "1", true);
        self.opted_out = true;
        self.pump();
    }

    /// `PulseGate.optIn()`: forgets the opt-out and tracks again from this page on.
    pub(crate) fn opt_in(&mut self) {
        self.store.remove(OPT_OUT_KEY);
        if !self.opted_out {
            return;
        }
        self.opted_out = false;
        if self.persistent() {
            self.load_identity();
        }
        if self.config.auto_track {
            self.capture_start();
        }
    }

    /// The value of `PulseGate.getVisitorId()`: the id as text, or `null` (count tier, opt-out).
    pub(crate) fn visitor_text(&self) -> JsValue {
        match (&self.visitor, self.persistent()) {
            (Some(id), true) => JsValue::from_str(&uuid_text(id.0.as_bytes())),
            _ => JsValue::NULL,
        }
    }

    /// The value of `PulseGate.getSessionId()`.
    pub(crate) fn session_text(&self) -> JsValue {
        match &self.session {
            Some(s) if !self.opted_out => JsValue::from_str(&uuid_text(s.id.0.as_bytes())),
            _ => JsValue::NULL,
        }
    }

    /// Whether `navigator.onLine` says the browser is offline.
    pub(crate) fn offline(&self) -> bool {
        is_false(&get(&self.window, "navigator"), "onLine")
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use pulsegate_schema::ConsentTier;

    use super::parse_tier;

    #[test]
    fn tiers_are_read_by_their_wire_names() {
        for tier in ConsentTier::ALL {
            assert_eq!(parse_tier(tier.as_str()), Some(tier));
            assert_eq!(parse_tier(&alloc::format!(" {}\n", tier.as_str())), Some(tier));
        }
        for bad in ["", " ", "Count", "analytic", "marketing!", "count analytics", "none"] {
            assert_eq!(parse_tier(bad), None, "{bad}");
        }
    }
}
