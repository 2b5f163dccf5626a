//! Network signals of a session (spec `vpnDetectionService`): what kind of network the request
//! came from (hosting, VPN, Tor, privacy relay) and whether the browser's time zone disagrees with
//! the edge's. Signals are scored (`scoring.rs`), never blocked.

use crate::config::ExtraAsns;
use crate::edge::EdgeFacts;
use crate::net::asn::{self, Kind};

/// The network kind of the request, `None` for an ordinary (eyeball) network.
pub(crate) fn kind(edge: &EdgeFacts, extra: &ExtraAsns) -> Option<Kind> {
    asn::classify(edge.asn, edge.as_org.as_deref(), extra)
}

/// Whether the browser's IANA time zone and the edge's lie in different regions (`Europe/Berlin`
/// vs `America/Chicago`). Zones of one region (`Europe/Berlin`, `Europe/Lisbon`) are not a
/// mismatch: the edge's zone is a guess from the IP. `UTC` and `Etc/*` count as region `Etc`,
/// which real browsers seldom report and servers and headless browsers often do.
pub(crate) fn timezone_mismatch(browser: Option<&str>, edge: Option<&str>) -> bool {
    match (browser.and_then(region), edge.and_then(region)) {
        (Some(b), Some(e)) => b != e,
        _ => false,
    }
}

/// The region of a zone name: `America/Argentina/Salta` → `America`, `UTC` → `Etc`.
fn region(zone: &str) -> Option<String> {
    let zone = zone.trim();
    if zone.is_empty() {
        return None;
    }
    if matches!(zone, "UTC" | "GMT" | "Etc" | "Universal" | "Zulu" | "UCT") {
        return Some("Etc".to_owned());
    }
    let region = zone.split('/').next()?;
    // Old aliases such as US/Eastern or Canada/Pacific name countries of the Americas.
    Some(match region {
        "US" | "Canada" | "Mexico" | "Brazil" | "Chile" => "America".to_owned(),
        other => other.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(asn: u32, org: &str) -> EdgeFacts {
        EdgeFacts { asn: Some(asn), as_org: Some(org.to_owned()), ..EdgeFacts::default() }
    }

    #[test]
    fn kinds_come_from_the_list_and_names() {
        let none = ExtraAsns::default();
        assert_eq!(kind(&edge(14061, "DigitalOcean, LLC"), &none), Some(Kind::Hosting));
        assert_eq!(kind(&edge(209854, "Surfshark Ltd."), &none), Some(Kind::Vpn));
        assert_eq!(kind(&edge(60729, "Stiftung Erneuerbare Freiheit"), &none), Some(Kind::Tor));
        assert_eq!(kind(&edge(36183, "Akamai Technologies, Inc."), &none), Some(Kind::Relay));
        assert_eq!(kind(&edge(3320, "Deutsche Telekom AG"), &none), None);
        assert_eq!(kind(&EdgeFacts::default(), &none), None);
    }

    #[test]
    fn timezones_disagree_only_across_regions() {
        assert!(!timezone_mismatch(Some("Europe/Berlin"), Some("Europe/Lisbon")));
        assert!(timezone_mismatch(Some("Europe/Berlin"), Some("America/Chicago")));
        assert!(!timezone_mismatch(Some("US/Eastern"), Some("America/New_York")));
        assert!(timezone_mismatch(Some("UTC"), Some("America/Chicago")));
        assert!(timezone_mismatch(Some("Etc/GMT+5"), Some("Asia/Tokyo")));
        assert!(!timezone_mismatch(Some("UTC"), Some("Etc/UTC")));
        assert!(!timezone_mismatch(None, Some("Europe/Berlin")));
        assert!(!timezone_mismatch(Some("Europe/Berlin"), None));
        assert!(!timezone_mismatch(Some(" "), Some("Europe/Berlin")));
    }
}
