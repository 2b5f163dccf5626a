//! Installed fonts, by width probing: a text set in `'<font>', <generic>` takes another width
//! than in the generic family alone when the font is installed. Measured with a 2D canvas's
//! `measureText`, which lays out nothing on the page (no DOM change, no layout of the host page,
//! no inline style a strict Content-Security-Policy would refuse) and costs microseconds each.
//!
//! Each font lookup costs the browser a fraction of a millisecond (several on a slow CPU, the
//! first use of a generic family more), so the candidates are four sources (Windows fonts,
//! Microsoft's core and Office fonts, Apple fonts, and the rest), each read in steps: the generic
//! families' widths in the first, then one candidate per step, as many per slice as its time
//! allows. Each value is the list of that group's fonts found, e.g. `Arial Black,Calibri,…`.
//!
//! Read by `read("fonts<group>", step)` in `js/fingerprint.js` (the candidates are listed there).

use super::{Probe, Reading, Work, host};

/// The `fontswindows` group.
pub(super) fn windows(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("fontswindows", work)
}

/// The `fontsmicrosoft` group.
pub(super) fn microsoft(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("fontsmicrosoft", work)
}

/// The `fontsapple` group.
pub(super) fn apple(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("fontsapple", work)
}

/// The `fontsother` group.
pub(super) fn other(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("fontsother", work)
}
