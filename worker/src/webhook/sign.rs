//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): `webhook-signature` is
//! `v1,` + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")), where the key is
//! the base64 part of the `whsec_` secret. Every Standard Webhooks library (the `standardwebhooks`
//! npm package, Svix's) verifies it; the receiver must also check the timestamp is recent.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac as _};
use pulsegate_schema::WEBHOOK_SECRET_PREFIX;
use sha2::Sha256;

/// The three headers of a signed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Signed {
    /// `webhook-id`: the message id, the same on every retry.
    pub(crate) id: String,
    /// `webhook-timestamp`: unix seconds of this attempt.
    pub(crate) timestamp: String,
    /// `webhook-signature`: `v1,<base64>`.
    pub(crate) signature: String,
}

impl Signed {
    /// As `(name, value)` pairs.
    pub(crate) fn headers(&self) -> [(&'static str, &str); 3] {
        [
            ("webhook-id", self.id.as_str()),
            ("webhook-timestamp", self.timestamp.as_str()),
            ("webhook-signature", self.signature.as_str()),
        ]
    }
}

/// The HMAC key of a `whsec_` secret; `None` when it is not one (the settings API refuses those).
pub(crate) fn key_of(secret: &str) -> Option<Vec<u8>> {
    let b64 = secret.strip_prefix(WEBHOOK_SECRET_PREFIX)?;
    STANDARD.decode(b64).ok().filter(|k| !k.is_empty())
}

/// Signs `body` as message `id` sent at `unix_seconds`.
pub(crate) fn sign(key: &[u8], id: &str, unix_seconds: u64, body: &[u8]) -> Signed {
    let timestamp = unix_seconds.to_string();
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let signature = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    Signed { id: id.to_owned(), timestamp, signature }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector of the Standard Webhooks specification.
    #[test]
    fn the_specifications_vector() {
        let key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signed =
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#);
        assert_eq!(signed.signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(signed.timestamp, "1614265330");
        assert_eq!(signed.headers()[0], ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"));
    }

    #[test]
    fn anything_changed_changes_the_signature() {
        let key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let base = sign(&key, "msg_1", 1, b"{}").signature;
        assert_ne!(sign(&key, "msg_2", 1, b"{}").signature, base);
        assert_ne!(sign(&key, "msg_1", 2, b"{}").signature, base);
        assert_ne!(sign(&key, "msg_1", 1, b"{ }").signature, base);
        let other = key_of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD5sbqeNbzWe0=").unwrap();
        assert_ne!(sign(&other, "msg_1", 1, b"{}").signature, base);
    }

    #[test]
    fn only_whsec_secrets_have_a_key() {
        assert_eq!(key_of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), None);
        assert_eq!(key_of("whsec_%%%"), None);
        assert_eq!(key_of("whsec_").map(|k| k.len()), None);
        assert_eq!(key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").map(|k| k.len()), Some(24));
    }
}
