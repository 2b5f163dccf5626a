//! Which networks are not an ordinary visitor's own connection: the curated ASN list in
//! `worker/data/network-asns.txt` (each entry with its public source), the deployment's own
//! additions from the `NETWORK_ASNS` var, and AS-organisation keywords for networks no list names.

use std::sync::OnceLock;

use crate::config::ExtraAsns;

/// What kind of network an ASN is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind {
    /// Datacenters, clouds and server hosting: scripts and headless browsers live here.
    Hosting,
    /// Commercial VPN egress.
    Vpn,
    /// Tor exit operators.
    Tor,
    /// Privacy relays (iCloud Private Relay, WARP): a privacy choice, not fraud.
    Relay,
    /// An ordinary ISP: only used in `NETWORK_ASNS` to take a wrongly listed ASN off the list.
    Eyeball,
}

impl Kind {
    /// The name in the data file, the var and `sessions.network_kind`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Hosting => "hosting",
            Self::Vpn => "vpn",
            Self::Tor => "tor",
            Self::Relay => "relay",
            Self::Eyeball => "eyeball",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        [Self::Hosting, Self::Vpn, Self::Tor, Self::Relay, Self::Eyeball]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// The curated list, as committed.
const DATA: &str = include_str!("../../data/network-asns.txt");

/// One line of the data file: `<kind> <asn> <source> <name…>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    pub(crate) asn: u32,
    pub(crate) source: String,
    pub(crate) name: String,
}

/// Parses the data file; `Err` names the first bad line (a unit test keeps the file valid).
pub(crate) fn parse(data: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for (i, line) in data.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split_whitespace();
        let bad = || format!("line {}: {line:?}", i + 1);
        let kind = fields.next().and_then(Kind::from_name).ok_or_else(bad)?;
        let asn = fields.next().and_then(|a| a.parse().ok()).ok_or_else(bad)?;
        let source = fields.next().ok_or_else(bad)?.to_owned();
        let name = fields.collect::<Vec<_>>().join(" ");
        if name.is_empty() || kind == Kind::Eyeball {
            return Err(bad());
        }
        entries.push(Entry { kind, asn, source, name });
    }
    Ok(entries)
}

/// The committed list as `(asn, kind)`, sorted by ASN, parsed once per isolate.
fn table() -> &'static [(u32, Kind)] {
    static TABLE: OnceLock<Vec<(u32, Kind)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<(u32, Kind)> =
            parse(DATA).unwrap_or_default().into_iter().map(|e| (e.asn, e.kind)).collect();
        table.sort_unstable();
        table.dedup_by_key(|(asn, _)| *asn);
        table
    })
}

/// The kind of network `asn` (with AS organisation `as_org`) is, or `None` for an ordinary one.
///
/// The deployment's `NETWORK_ASNS` entries win, then the committed list, then keywords in the AS
/// organisation name ("hosting", "data center", "vps", "vpn" …) for networks no list names.
pub(crate) fn classify(asn: Option<u32>, as_org: Option<&str>, extra: &ExtraAsns) -> Option<Kind> {
    if let Some(asn) = asn {
        if let Some((kind, _)) = extra.entries.iter().rev().find(|(_, a)| *a == asn) {
            return (*kind != Kind::Eyeball).then_some(*kind);
        }
        let table = table();
        if let Ok(i) = table.binary_search_by_key(&asn, |(a, _)| *a) {
            return Some(table[i].1);
        }
    }
    as_org.and_then(by_org_name)
}

/// Keywords that give a network away by its AS organisation name.
fn by_org_name(org: &str) -> Option<Kind> {
    let org = org.to_ascii_lowercase();
    let words: Vec<&str> = org.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let has_word = |w: &str| words.contains(&w);
    if has_word("vpn") {
        Some(Kind::Vpn)
    } else if has_word("tor") && (org.contains("exit") || org.contains("tor project")) {
        Some(Kind::Tor)
    } else if ["hosting", "datacenter", "datacentre", "vps", "colocation", "dedicated"]
        .iter()
        .any(|w| has_word(w))
        || org.contains("data center")
        || org.contains("data centre")
        || org.contains("server hosting")
    {
        Some(Kind::Hosting)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_list_parses_and_names_a_known_source_for_every_entry() {
        let entries = parse(DATA).expect("worker/data/network-asns.txt is valid");
        assert!(entries.len() > 50, "{} entries", entries.len());
        for e in &entries {
            assert!(
                ["x4b-datacenter", "x4b-vpn", "private-relay"].contains(&e.source.as_str()),
                "{e:?}: every source is defined in the file header"
            );
            assert!(DATA.contains(&format!("#     {}", e.source)), "{}", e.source);
        }
        let mut asns: Vec<u32> = entries.iter().map(|e| e.asn).collect();
        asns.sort_unstable();
        let before = asns.len();
        asns.dedup();
        assert_eq!(asns.len(), before, "an ASN is listed once");
    }

    #[test]
    fn bad_lines_are_reported() {
        assert!(parse("hosting 1 src Name\n").is_ok());
        for bad in ["cloud 1 src Name", "hosting x src Name", "hosting 1 src", "eyeball 1 src N"] {
            assert!(parse(bad).unwrap_err().contains("line 1"), "{bad}");
        }
    }

    #[test]
    fn every_kind_is_recognised() {
        let none = ExtraAsns::default();
        assert_eq!(classify(Some(16509), None, &none), Some(Kind::Hosting));
        assert_eq!(classify(Some(9009), None, &none), Some(Kind::Vpn));
        assert_eq!(classify(Some(60729), None, &none), Some(Kind::Tor));
        assert_eq!(classify(Some(36183), None, &none), Some(Kind::Relay));
        assert_eq!(classify(Some(13335), Some("Cloudflare, Inc."), &none), Some(Kind::Relay));
        // An ordinary ISP (Deutsche Telekom) and the local placeholder are not listed.
        assert_eq!(classify(Some(3320), Some("Deutsche Telekom AG"), &none), None);
        assert_eq!(classify(Some(395747), Some(""), &none), None);
        assert_eq!(classify(None, None, &none), None);
    }

    #[test]
    fn organisation_names_catch_unlisted_networks() {
        let none = ExtraAsns::default();
        let org = |name: &str| classify(Some(64_999), Some(name), &none);
        assert_eq!(org("Example VPN Ltd"), Some(Kind::Vpn));
        assert_eq!(org("Acme Hosting GmbH"), Some(Kind::Hosting));
        assert_eq!(org("Big Data Center LLC"), Some(Kind::Hosting));
        assert_eq!(org("Cheap-VPS s.r.o."), Some(Kind::Hosting));
        assert_eq!(org("Tor Exit Relays e.V."), Some(Kind::Tor));
        assert_eq!(org("Comcast Cable Communications"), None);
        assert_eq!(org("Vpnet Telecom"), None, "whole words only");
        assert_eq!(org("Hostingen Broadband"), None);
    }

    #[test]
    fn the_deployment_can_add_and_remove_asns() {
        let extra = ExtraAsns::parse("hosting=64500;vpn=16509;eyeball=24940").unwrap();
        assert_eq!(classify(Some(64500), None, &extra), Some(Kind::Hosting));
        assert_eq!(classify(Some(16509), None, &extra), Some(Kind::Vpn));
        assert_eq!(classify(Some(24940), Some("Hetzner Online GmbH"), &extra), None);
    }
}
