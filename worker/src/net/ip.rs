//! IP addresses as 128-bit numbers (IPv4 mapped to `::ffff:a.b.c.d`) and CIDR ranges as their
//! first and last address, so an IP list in D1 matches a range with two string comparisons on
//! fixed-width hex (`BlockedIPs.RangeStart <= ip AND RangeEnd >= ip`).

use core::net::{IpAddr, Ipv6Addr};

/// `ip` as 32 lower-case hex digits of its IPv6 form, or `None` when it is not an address.
///
/// ```text
/// 203.0.113.7  → 00000000000000000000ffffcb007107
/// 2001:db8::1  → 20010db8000000000000000000000001
/// ```
pub(crate) fn to_hex(ip: &str) -> Option<String> {
    parse(ip).map(hex)
}

/// The first and last address of `cidr` (`203.0.113.0/24`, `2001:db8::/32`, or one address),
/// as 32 hex digits each; `None` when it is not a CIDR range.
pub(crate) fn cidr_range(cidr: &str) -> Option<(String, String)> {
    let cidr = cidr.trim();
    let (addr, bits) = match cidr.split_once('/') {
        Some((addr, bits)) => (addr, Some(bits)),
        None => (cidr, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits: u32 = match bits {
        Some(b) if !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()) => b.parse().ok()?,
        Some(_) => return None,
        None => max,
    };
    if bits > max {
        return None;
    }
    let prefix = bits + (128 - max);
    let value = to_u128(ip);
    let host_mask = if prefix == 128 { 0 } else { u128::MAX >> prefix };
    Some((hex(value & !host_mask), hex(value | host_mask)))
}

fn parse(ip: &str) -> Option<u128> {
    ip.trim().parse::<IpAddr>().ok().map(to_u128)
}

fn to_u128(ip: IpAddr) -> u128 {
    let v6: Ipv6Addr = match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    };
    u128::from(v6)
}

fn hex(value: u128) -> String {
    format!("{value:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_map_to_fixed_width_hex() {
        assert_eq!(to_hex("203.0.113.7").unwrap(), "00000000000000000000ffffcb007107");
        assert_eq!(to_hex("::ffff:203.0.113.7").unwrap(), "00000000000000000000ffffcb007107");
        assert_eq!(to_hex(" 2001:db8::1 ").unwrap(), "20010db8000000000000000000000001");
        assert_eq!(to_hex("::1").unwrap(), "00000000000000000000000000000001");
        for bad in ["", "localhost", "203.0.113", "203.0.113.256", "1.2.3.4/8", "::g"] {
            assert_eq!(to_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidr_ranges_cover_exactly_their_addresses() {
        let (start, end) = cidr_range("203.0.113.0/24").unwrap();
        assert_eq!(start, to_hex("203.0.113.0").unwrap());
        assert_eq!(end, to_hex("203.0.113.255").unwrap());
        let inside = to_hex("203.0.113.77").unwrap();
        let outside = to_hex("203.0.114.0").unwrap();
        assert!(start <= inside && inside <= end);
        assert!(!(start <= outside && outside <= end));

        let (start, end) = cidr_range("2001:db8::/32").unwrap();
        assert_eq!(start, "20010db8000000000000000000000000");
        assert_eq!(end, "20010db8ffffffffffffffffffffffff");

        assert_eq!(
            cidr_range("198.51.100.7").unwrap(),
            (to_hex("198.51.100.7").unwrap(), to_hex("198.51.100.7").unwrap())
        );
        let (all_start, all_end) = cidr_range("0.0.0.0/0").unwrap();
        assert_eq!(all_start, "00000000000000000000ffff00000000");
        assert_eq!(all_end, "00000000000000000000ffffffffffff");
        assert_eq!(cidr_range("::/0").unwrap().1, "f".repeat(32));
        // A host address with bits below the prefix still names the whole network.
        assert_eq!(cidr_range("203.0.113.9/24"), cidr_range("203.0.113.0/24"));
        for bad in [
            "203.0.113.0/33",
            "2001:db8::/129",
            "x/8",
            "203.0.113.0/",
            "203.0.113.0/-1",
            "1.2.3.4/+8",
        ] {
            assert_eq!(cidr_range(bad), None, "{bad}");
        }
    }
}
