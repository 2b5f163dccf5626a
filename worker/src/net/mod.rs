//! Facts about the visitor's network: addresses and CIDR ranges, and which ASNs are hosting,
//! VPN, Tor or privacy-relay networks.

pub(crate) mod asn;
pub(crate) mod ip;
