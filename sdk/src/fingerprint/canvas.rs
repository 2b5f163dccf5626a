//! 2D canvas rendering: text (with an emoji) and blended shapes, drawn twice on fresh canvases.
//! Anti-aliasing, font rasterisation and GPU compositing differ between systems; a browser or
//! extension that randomises readback makes the two drawings differ, and the source is then
//! reported unstable instead of poisoning the id. The value is the PNG data URL.
//!
//! Each drawing takes three steps, so that no slice holds more than one costly call on a slow
//! CPU: the canvas with its first text (loading the fonts, the emoji's among them, the first
//! time), then the second text and the shapes, then the PNG encoding.
//!
//! Read by `read("canvas", step)` in `js/fingerprint.js`.

use super::{Probe, Reading, Work, host};

pub(super) fn collect(_: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    host("canvas", work)
}
