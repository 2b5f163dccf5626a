//! Identifier newtypes: session, visitor and batch ids (UUIDs) and the public site key.

use crate::prelude::*;
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The id whose 16 bytes are `bytes`, as they are (no version bits are set).
            pub const fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }

            /// Builds an id from 16 random bytes (a version-4 UUID), e.g. from `crypto.getRandomValues`.
            pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
                Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }
    };
}

uuid_id! {
    /// One visit: created by the SDK when a tab starts (or resumes after 30 idle minutes) a session.
    ///
    /// JSON: `"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c"`
    SessionId
}

uuid_id! {
    /// A dashboard-generated API key (marketing key or integration key); the key's public handle,
    /// never the secret itself.
    ///
    /// JSON: `"9f0e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"`
    KeyId
}

uuid_id! {
    /// One browser over time: kept in first-party storage (localStorage, cookie fallback) once the
    /// visitor's consent tier allows persistent ids; absent in cookieless counting.
    ///
    /// JSON: `"5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"`
    VisitorId
}

uuid_id! {
    /// One delivery of events; unique, so a retried batch overwrites rather than duplicates.
    ///
    /// JSON: `"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"`
    BatchId
}

/// The public key a site embeds in its script tag (`data-site-key`): 1–64 of `[A-Za-z0-9_-]`.
///
/// JSON: `"demo"`
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SiteKey(String);

/// Why a string is not a [`SiteKey`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidSiteKey;

impl fmt::Display for InvalidSiteKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("site key must be 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'")
    }
}

impl SiteKey {
    /// Checks the shape of a site key.
    pub fn parse(s: &str) -> Result<Self, InvalidSiteKey> {
        if Self::is_valid(s) { Ok(Self(s.to_owned())) } else { Err(InvalidSiteKey) }
    }

    /// Whether `s` has a site key's shape, without a copy of it.
    pub fn is_valid(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= crate::limits::MAX_SITE_KEY_LEN
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SiteKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn site_key_shape() {
        assert!(SiteKey::parse("demo").is_ok());
        assert!(SiteKey::parse("Site_01-a").is_ok());
        assert_eq!(SiteKey::parse(""), Err(InvalidSiteKey));
        assert_eq!(SiteKey::parse("has space"), Err(InvalidSiteKey));
        assert_eq!(SiteKey::parse("<script>"), Err(InvalidSiteKey));
        assert_eq!(SiteKey::parse(&"k".repeat(65)), Err(InvalidSiteKey));
        assert!(SiteKey::parse(&"k".repeat(64)).is_ok());
    }

    #[test]
    fn site_key_rejected_while_parsing_json() {
        let err = serde_json::from_str::<SiteKey>("\"a b\"").unwrap_err();
        assert!(err.to_string().contains("site key must be"), "{err}");
    }

    #[test]
    fn uuid_ids_are_v4_and_hyphenated() {
        let id = SessionId::from_random_bytes([0xAB; 16]);
        assert_eq!(id.0.get_version_num(), 4);
        assert_eq!(id.to_string(), "abababab-abab-4bab-abab-abababababab");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abababab-abab-4bab-abab-abababababab\"");
    }
}
