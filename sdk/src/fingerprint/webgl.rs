//! WebGL: the (unmasked) vendor and renderer, version strings, limits, supported extensions and
//! shader precisions, read from a throwaway context that is lost again at once. No pixels are read
//! back. A browser without WebGL gives `none`, a consistent fact.
//!
//! Three steps, each costly on a slow CPU, so each starts a slice: the context is made, then
//! read, then lost.
//!
//! Read by `read("webgl", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("webgl", work)
}
