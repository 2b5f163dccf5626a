//! Tracking services, pure and natively tested: attribution, user-agent families, network
//! signals, per-batch summaries and session totals, and the two scores.

pub(crate) mod attribution;
pub(crate) mod network;
pub(crate) mod scoring;
pub(crate) mod summary;
pub(crate) mod useragent;
