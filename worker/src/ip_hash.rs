//! Salted visitor-IP hashes: `hex(sha256(salt ++ ":" ++ ip))`. The raw IP is never stored.

use sha2::{Digest, Sha256};

/// The hash of `ip` under `salt`, or `None` when either is missing or empty (then nothing is stored).
pub(crate) fn ip_hash(salt: Option<&str>, ip: Option<&str>) -> Option<String> {
    let salt = salt.filter(|s| !s.is_empty())?;
    let ip = ip.map(str::trim).filter(|s| !s.is_empty())?;
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(b":");
    hasher.update(ip.as_bytes());
    Some(hex(&hasher.finalize()))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // printf 'salt:203.0.113.7' | sha256sum
        assert_eq!(
            ip_hash(Some("salt"), Some("203.0.113.7")).unwrap(),
            "7808d0823604dd7ab5a86eea64fd291071e734891f5fc6c474ece5098e049776"
        );
    }

    #[test]
    fn missing_inputs_store_nothing() {
        assert_eq!(ip_hash(None, Some("203.0.113.7")), None);
        assert_eq!(ip_hash(Some(""), Some("203.0.113.7")), None);
        assert_eq!(ip_hash(Some("salt"), None), None);
        assert_eq!(ip_hash(Some("salt"), Some("  ")), None);
    }

    #[test]
    fn salt_changes_the_hash_and_the_ip_is_not_in_it() {
        let a = ip_hash(Some("a"), Some("203.0.113.7")).unwrap();
        let b = ip_hash(Some("b"), Some("203.0.113.7")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(!a.contains("203"));
    }

    #[test]
    fn hex_digits() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
