//! Lead capture outside its handlers (spec `lead.ts`, `forms.ts`): who is submitting ([`caller`]), what
//! the submission holds once checked, filled and sanitized ([`values`]), and the ids it gets
//! ([`ids`]), the late link of a lead to a session that started after it ([`claim`]), and the
//! language a refused field is told in ([`messages`]). The handlers are in `routes/lead/`, the SQL in `store/leads.rs`.

pub(crate) mod caller;
pub(crate) mod claim;
pub(crate) mod ids;
pub(crate) mod messages;
pub(crate) mod values;
