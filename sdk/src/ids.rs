//! Random ids from `crypto.getRandomValues` (no getrandom crate), and reading a stored id back.

use pulsegate_schema::{BatchId, SessionId, VisitorId};

use crate::js::random_bytes;

/// A fresh random (v4) session id.
pub(crate) fn session_id() -> Option<SessionId> {
    random_bytes().map(SessionId::from_random_bytes)
}

/// A fresh random (v4) batch id.
pub(crate) fn batch_id() -> Option<BatchId> {
    random_bytes().map(BatchId::from_random_bytes)
}

/// A fresh random (v4) visitor id.
pub(crate) fn visitor_id() -> Option<VisitorId> {
    random_bytes().map(VisitorId::from_random_bytes)
}

/// Parses a hyphenated UUID as the SDK stores it (`"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`, any
/// case) back into its 16 bytes; `None` for any other shape.
///
/// Hand-written instead of uuid's parser, whose detailed errors cost more wasm than this whole
/// module. No indexing, so no panic paths.
pub(crate) fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    // One pass over the bytes: the hyphens where they belong, hex digits everywhere else, and
    // exactly 32 of them.
    let mut bytes = [0u8; 16];
    let mut nibbles = 0;
    for (at, b) in text.bytes().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return None;
            }
            continue;
        }
        let nibble = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        let byte = bytes.get_mut(nibbles / 2)?;
        *byte = *byte << 4 | nibble;
        nibbles += 1;
    }
    (nibbles == 32).then_some(bytes)
}

/// Whether `text` is a UUID [`parse_uuid`] reads, without reading it (the lead form only checks
/// the tracker's ids): 36 bytes, hyphens at 8, 13, 18 and 23, hex digits (any case) elsewhere.
pub(crate) fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() }
        })
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn ids_round_trip_through_their_text() {
        for seed in [0u8, 0x5a, 0xff] {
            let id = SessionId::from_random_bytes([seed; 16]);
            assert_eq!(parse_uuid(&id.to_string()).map(SessionId::from_bytes), Some(id));
            let upper = id.to_string().to_uppercase();
            assert_eq!(parse_uuid(&upper).map(SessionId::from_bytes), Some(id));
        }
        // The stored bytes come back as they are, version bits included.
        assert_eq!(parse_uuid("00000000-0000-0000-0000-000000000000"), Some([0; 16]));
    }

    #[test]
    fn malformed_ids_are_rejected() {
        let good = "0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c";
        assert!(parse_uuid(good).is_some());
        assert_eq!(parse_uuid(""), None);
        assert_eq!(parse_uuid(&good[1..]), None);
        assert_eq!(parse_uuid(&alloc::format!("{good}0")), None);
        assert_eq!(parse_uuid(&alloc::format!("{good}-")), None);
        assert_eq!(parse_uuid(&good.replace('-', "")), None);
        assert_eq!(parse_uuid("0b5a3c9e08f1d-4e2a-9c7b-2d4e6f8a0b1c"), None);
        assert_eq!(parse_uuid("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1g"), None);
        assert_eq!(parse_uuid("+b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"), None);
        assert_eq!(parse_uuid("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0-1c"), None);
        assert_eq!(parse_uuid("0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0bé"), None);
    }

    /// The reader as it was before `is_uuid` (char by char, `to_digit`), to hold both to.
    fn reference(text: &str) -> Option<[u8; 16]> {
        let hyphens_ok = [8, 13, 18, 23].iter().all(|&i| text.as_bytes().get(i) == Some(&b'-'));
        if text.len() != 36 || !hyphens_ok {
            return None;
        }
        let mut nibbles = text.bytes().filter(|&c| c != b'-').map(|c| char::from(c).to_digit(16));
        let mut bytes = [0u8; 16];
        for byte in &mut bytes {
            *byte = (nibbles.next()?? << 4 | nibbles.next()??) as u8;
        }
        Some(bytes)
    }

    /// `is_uuid` and `parse_uuid` answer what the reference does: for a good id with any one
    /// character of the first 256 (or one of two multi-byte ones) in any place or put in, for
    /// every shorter one, and for every byte value of every digit.
    #[test]
    fn is_uuid_and_parse_uuid_are_the_reference() {
        let good = "0b5a3c9e-8F1D-4e2a-9c7b-2d4e6f8a0b1c";
        let chars = (0..=255u8).map(char::from).chain(['é', '€']);
        for c in chars {
            for at in 0..good.len() {
                let mut text: String = good[..at].into();
                text.push(c);
                text.push_str(&good[at + 1..]);
                assert_eq!(parse_uuid(&text), reference(&text), "{text}");
                assert_eq!(is_uuid(&text), reference(&text).is_some(), "{text}");
                text.insert(at, c);
                assert_eq!(parse_uuid(&text), reference(&text), "{text}");
                assert_eq!(is_uuid(&text), reference(&text).is_some(), "{text}");
            }
        }
        for n in 0..good.len() {
            assert_eq!(parse_uuid(&good[..n]), None);
        }
        assert!(is_uuid(good));
        assert_eq!(parse_uuid(good), reference(good));
        assert!(parse_uuid(good).is_some());
    }
}
