//! Consent tiers: how much the visitor has allowed, from anonymous counting up to lead enrichment.

use serde::{Deserialize, Serialize};

/// What the visitor (or the site, on their behalf) has allowed. Tiers are ordered: each allows
/// everything the one below it does.
///
/// | tier | what it allows |
/// |---|---|
/// | `count` | cookieless counting only: no persistent id, no fingerprint, no replay |
/// | `analytics` | persistent visitor id, fingerprint, session replay |
/// | `marketing` | all of `analytics`, plus enriching leads with the visitor's history |
///
/// JSON: `"analytics"`. A session start without a tier is treated as `count`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ConsentTier {
    /// Anonymous counting: nothing is stored in the browser and nothing identifies it.
    #[default]
    Count,
    /// Persistent ids, fingerprinting and replay.
    Analytics,
    /// Analytics plus lead enrichment.
    Marketing,
}

impl ConsentTier {
    /// Every tier, lowest first.
    pub const ALL: [Self; 3] = [Self::Count, Self::Analytics, Self::Marketing];

    /// The tier as it appears on the wire, e.g. `"analytics"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Analytics => "analytics",
            Self::Marketing => "marketing",
        }
    }

    /// Whether this tier allows persistent identifiers and fingerprinting.
    pub fn allows_identity(self) -> bool {
        self >= Self::Analytics
    }
}

#[cfg(test)]
mod tests {
    use super::ConsentTier;

    #[test]
    fn tiers_are_ordered_and_named() {
        assert!(ConsentTier::Count < ConsentTier::Analytics);
        assert!(ConsentTier::Analytics < ConsentTier::Marketing);
        assert!(!ConsentTier::Count.allows_identity());
        assert!(ConsentTier::Marketing.allows_identity());
        for tier in ConsentTier::ALL {
            assert_eq!(serde_json::to_value(tier).unwrap(), tier.as_str());
        }
    }
}
