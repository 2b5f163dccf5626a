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

use alloc::string::String;

use super::{Probe, Reading, Work};
use crate::js::{call_str, number, object, set_str};
use wasm_bindgen::JsValue;

/// The generic families every candidate is compared against: two whose default faces differ in
/// width everywhere, so a candidate metrically equal to one still differs from the other.
const GENERICS: [&str; 2] = ["monospace", "serif"];

/// Candidates typical of Windows itself (its UI and ClearType families, East Asian fonts).
#[rustfmt::skip]
const WINDOWS: &[&str] = &[
    "Bahnschrift", "Calibri", "Cambria", "Candara", "Consolas", "Constantia", "Corbel",
    "MS Gothic", "MS Mincho", "Segoe UI", "SimSun",
];

/// Microsoft's core and Office fonts, on Windows and on many Macs.
#[rustfmt::skip]
const MICROSOFT: &[&str] = &[
    "Arial Black", "Arial Narrow", "Century Gothic", "Comic Sans MS", "Franklin Gothic", "Impact",
    "Lucida Console", "Tahoma", "Trebuchet MS",
];

/// Candidates typical of macOS and iOS.
#[rustfmt::skip]
const APPLE: &[&str] = &[
    "Avenir", "Futura", "Geneva", "Gill Sans", "Helvetica", "Helvetica Neue", "Lucida Grande",
    "Menlo", "Monaco", "Optima", "Palatino",
];

/// Candidates typical of Linux and Android, and ones found on several systems.
#[rustfmt::skip]
const OTHER: &[&str] = &[
    "Cantarell", "Courier New", "DejaVu Sans", "Droid Sans", "Garamond", "Georgia",
    "Liberation Sans", "Noto Sans", "Roboto", "Ubuntu", "Verdana",
];

/// Wide and narrow glyphs, so width differences show.
const SAMPLE: &str = "mmMwWLliI0fiflO&1";

/// The Windows candidates found.
pub(super) fn windows(probe: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    collect(probe, work, WINDOWS)
}

/// The Microsoft core and Office candidates found.
pub(super) fn microsoft(probe: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    collect(probe, work, MICROSOFT)
}

/// The macOS and iOS candidates found.
pub(super) fn apple(probe: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    collect(probe, work, APPLE)
}

/// The other candidates found.
pub(super) fn other(probe: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    collect(probe, work, OTHER)
}

/// Step 0 measures the generic families on a new canvas; step `n` probes candidate `n - 1`.
fn collect(probe: &Probe<'_>, work: &mut Work, fonts: &[&str]) -> Option<Reading> {
    if work.step == 0 {
        let canvas = probe.element("canvas")?;
        let ctx = object(call_str(&canvas, "getContext", "2d"))?;
        for (generic, base) in GENERICS.iter().zip(&mut work.numbers) {
            *base = width(&ctx, generic)?;
        }
        work.held[0] = ctx;
        return Some(Reading::More);
    }
    let ctx = &work.held[0];
    let font = fonts.get(work.step - 1)?;
    let mut installed = false;
    for (generic, base) in GENERICS.iter().zip(&work.numbers) {
        let mut family = String::from("'");
        family.push_str(font);
        family.push_str("',");
        family.push_str(generic);
        if width(ctx, &family)? != *base {
            installed = true;
            break;
        }
    }
    if installed {
        if !work.value.is_empty() {
            work.value.push(',');
        }
        work.value.push_str(font);
    }
    if work.step < fonts.len() {
        return Some(Reading::More);
    }
    Some(Reading::Value(core::mem::take(&mut work.value)))
}

/// The width of [`SAMPLE`] in 48px `family`.
fn width(ctx: &JsValue, family: &str) -> Option<f64> {
    let mut font = String::from("48px ");
    font.push_str(family);
    set_str(ctx, "font", &font);
    number(&call_str(ctx, "measureText", SAMPLE), "width")
}
