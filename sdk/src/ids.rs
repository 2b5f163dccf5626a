//! Random session and batch ids from `crypto.getRandomValues` (no getrandom crate), and reading a
//! stored session id back.

use pulsegate_schema::{BatchId, SessionId};
use web_sys::Crypto;

use crate::js::{object, property, window};

/// 16 bytes from `crypto.getRandomValues`; `None` without a window or Web Crypto.
pub(crate) fn random_bytes() -> Option<[u8; 16]> {
    let window = window()?;
    let crypto: Crypto = object(property(&window, "crypto"))?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// A fresh random (v4) session id.
pub(crate) fn session_id() -> Option<SessionId> {
    random_bytes().map(SessionId::from_random_bytes)
}

/// A fresh random (v4) batch id.
pub(crate) fn batch_id() -> Option<BatchId> {
    random_bytes().map(BatchId::from_random_bytes)
}

/// Parses a hyphenated UUID as the SDK stores it (`"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`, any
/// case) back into a session id; `None` for any other shape.
///
/// Hand-written instead of uuid's parser, whose detailed errors cost more wasm than this whole
/// module. No indexing, so no panic paths.
pub(crate) fn parse_session_id(text: &str) -> Option<SessionId> {
    let hyphens_ok = [8, 13, 18, 23].iter().all(|&i| text.as_bytes().get(i) == Some(&b'-'));
    if text.len() != 36 || !hyphens_ok {
        return None;
    }
    // Exactly 32 hex digits remain when no other character is a hyphen.
    let mut nibbles = text.bytes().filter(|&c| c != b'-').map(|c| char::from(c).to_digit(16));
    let mut bytes = [0u8; 16];
    for byte in &mut bytes {
        let high = nibbles.next()??;
        let low = nibbles.next()??;
        *byte = (high << 4 | low) as u8;
    }
    Some(SessionId::from_bytes(bytes))
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn session_ids_round_trip_through_their_text() {
        for seed in [0u8, 0x5a, 0xff] {
            let id = SessionId::from_random_bytes([seed; 16]);
            assert_eq!(parse_session_id(&id.to_string()), Some(id));
            assert_eq!(parse_session_id(&id.to_string().to_uppercase()), Some(id));
        }
        // The stored bytes come back as they are, version bits included.
        let nil = SessionId::from_bytes([0; 16]);
        assert_eq!(parse_session_id("00000000-0000-0000-0000-000000000000"), Some(nil));
    }

    #[test]
    fn malformed_ids_are_rejected() {
        let good = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
        assert!(parse_session_id(good).is_some());
        assert_eq!(parse_session_id(""), None);
        assert_eq!(parse_session_id(&good[1..]), None);
        assert_eq!(parse_session_id("0b5a3c9e08f1d-4e2a-9c7b-2d4e6f8a0b1c"), None);
        assert_eq!(parse_session_id("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1g"), None);
        assert_eq!(parse_session_id("+b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"), None);
        assert_eq!(parse_session_id("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0-1c"), None);
        assert_eq!(parse_session_id("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0bé"), None);
    }
}
