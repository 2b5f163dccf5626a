//! Public ids: `ld_` (a lead), `sub_` (a submission), `msg_` (a webhook message), each followed by
//! 32 hex digits of fresh randomness, so they can be shown in URLs and answers without telling
//! anything about how many leads exist.

use crate::error::ApiError;
use crate::ip_hash::hex;
use crate::secrets::random_bytes;

/// A lead: `ld_…`.
pub(crate) const LEAD: &str = "ld_";
/// A submission: `sub_…`.
pub(crate) const SUBMISSION: &str = "sub_";
/// A webhook message (the `webhook-id` header): `msg_…`.
pub(crate) const MESSAGE: &str = "msg_";

/// `prefix` + 32 hex digits of `random`.
pub(crate) fn format(prefix: &str, random: &[u8; 16]) -> String {
    format!("{prefix}{}", hex(random))
}

/// A new id with `prefix`, from the platform's CSPRNG.
pub(crate) fn new(prefix: &str) -> Result<String, ApiError> {
    Ok(format(prefix, &random_bytes::<16>()?))
}

/// Whether `id` is a well-formed message id.
pub(crate) fn is_message_id(id: &str) -> bool {
    id.strip_prefix(MESSAGE)
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_prefix_and_128_bits() {
        let id = format(LEAD, &[0xab; 16]);
        assert_eq!(id, format!("ld_{}", "ab".repeat(16)));
        assert!(pulsegate_schema::lead::is_lead_id(&id));
        assert!(is_message_id(&format(MESSAGE, &[1; 16])));
        assert!(!is_message_id("msg_1"));
        assert!(!is_message_id(&format(LEAD, &[1; 16])));
    }
}
