//! API key material: generating keys (`pgm_`/`pgi_` + 160 random bits in hex), hashing them for
//! storage (SHA-256, the key itself is never stored), and comparing secrets in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::error::ApiError;
use crate::ip_hash::hex;

/// Marketing keys: dashboard access with a marketing role.
pub(crate) const MARKETING_PREFIX: &str = "pgm_";
/// Integration keys: server-to-server `X-API-Key` for `/lead.capture`.
pub(crate) const INTEGRATION_PREFIX: &str = "pgi_";
/// Random bytes in a generated key (160 bits).
pub(crate) const KEY_RANDOM_BYTES: usize = 20;
/// How much of a key is kept in clear to recognise it: the prefix and 8 hex digits.
pub(crate) const SHOWN_PREFIX_LEN: usize = 12;

#[wasm_bindgen]
extern "C" {
    /// The runtime's CSPRNG (`crypto.getRandomValues`).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// `N` bytes from the platform's cryptographic random source.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut buf = [0u8; N];
    get_random_values(&mut buf)
        .map_err(|e| ApiError::Internal(format!("crypto.getRandomValues failed: {e:?}")))?;
    Ok(buf)
}

/// `pgm_` + 40 lower-case hex digits.
pub(crate) fn format_key(prefix: &str, random: &[u8; KEY_RANDOM_BYTES]) -> String {
    format!("{prefix}{}", hex(random))
}

/// A new key with `prefix`.
pub(crate) fn generate_key(prefix: &str) -> Result<String, ApiError> {
    Ok(format_key(prefix, &random_bytes::<KEY_RANDOM_BYTES>()?))
}

/// Whether `key` has the shape of a generated key with `prefix` (checked before any lookup).
pub(crate) fn is_well_formed(prefix: &str, key: &str) -> bool {
    key.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == KEY_RANDOM_BYTES * 2
            && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// What is stored: hex SHA-256 of the key.
pub(crate) fn hash_key(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

/// The part of a key shown in lists: `pgm_3f9a1c2b`.
pub(crate) fn shown_prefix(key: &str) -> String {
    key.chars().take(SHOWN_PREFIX_LEN).collect()
}

/// Compares two secrets in time that depends on neither their contents nor their lengths: both
/// are hashed first, then the digests are compared with `subtle`.
pub(crate) fn secrets_equal(presented: &str, expected: &str) -> bool {
    let a = Sha256::digest(presented.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.ct_eq(&b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_a_prefix_and_160_bits() {
        let key = format_key(MARKETING_PREFIX, &[0xab; KEY_RANDOM_BYTES]);
        assert_eq!(key, format!("pgm_{}", "ab".repeat(20)));
        assert!(is_well_formed(MARKETING_PREFIX, &key));
        assert!(!is_well_formed(INTEGRATION_PREFIX, &key));
        assert!(!is_well_formed(MARKETING_PREFIX, &key[..key.len() - 1]));
        assert!(!is_well_formed(MARKETING_PREFIX, &key.to_uppercase()));
        assert!(!is_well_formed(MARKETING_PREFIX, &format!("{key}0")));
        assert_eq!(shown_prefix(&key), "pgm_abababab");
    }

    #[test]
    fn only_the_hash_is_kept() {
        // printf 'pgm_x' | sha256sum
        assert_eq!(
            hash_key("pgm_x"),
            "c67ce6c0e9658c1bb0095e3bc3588eb2cd2885cf675b169c8bdd1c47900bc8f6"
        );
        let h = hash_key("pgm_secret");
        assert_eq!(h.len(), 64);
        assert!(!h.contains("secret"));
        assert_ne!(h, hash_key("pgm_secreT"));
    }

    #[test]
    fn secrets_compare_by_value_only() {
        assert!(secrets_equal("dev-admin-key", "dev-admin-key"));
        assert!(!secrets_equal("dev-admin-key", "dev-admin-kez"));
        assert!(!secrets_equal("", "dev-admin-key"));
        assert!(!secrets_equal("dev-admin-key-and-more", "dev-admin-key"));
    }
}
