//! Lead capture's pure logic (spec `lead.ts`, `forms.ts`): who is submitting ([`caller`]), what
//! the submission holds once checked, filled and sanitized ([`values`]), and the ids it gets
//! ([`ids`]). The handlers are in `routes/lead/`, the SQL in `store/leads.rs`.

pub(crate) mod caller;
pub(crate) mod ids;
pub(crate) mod values;
