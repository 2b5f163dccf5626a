//! Installed fonts, by width probing: a text set in `'<font>', <generic>` takes another width
//! than in the generic family alone when the font is installed. Measured with a 2D canvas's
//! `measureText`, which lays out nothing on the page (no DOM change, no layout of the host page,
//! no inline style a strict Content-Security-Policy would refuse) and costs microseconds each.
//!
//! Each font lookup costs the browser a fraction of a millisecond (more on a slow CPU), so the
//! candidates are four sources, each read in its own slice: Windows fonts, Microsoft's core and
//! Office fonts, Apple fonts, and the rest. Each value is the list of that group's fonts found, e.g. `Arial Black,Calibri,…`.

use alloc::string::String;

use super::{Probe, Reading};
use crate::js::{call_str, number, object, set_str};

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
pub(super) fn windows(probe: &Probe<'_>) -> Option<Reading> {
    collect(probe, WINDOWS)
}

/// The Microsoft core and Office candidates found.
pub(super) fn microsoft(probe: &Probe<'_>) -> Option<Reading> {
    collect(probe, MICROSOFT)
}

/// The macOS and iOS candidates found.
pub(super) fn apple(probe: &Probe<'_>) -> Option<Reading> {
    collect(probe, APPLE)
}

/// The other candidates found.
pub(super) fn other(probe: &Probe<'_>) -> Option<Reading> {
    collect(probe, OTHER)
}

fn collect(probe: &Probe<'_>, fonts: &[&str]) -> Option<Reading> {
    let canvas = probe.element("canvas")?;
    let ctx = object(call_str(&canvas, "getContext", "2d"))?;
    let mut width = |family: &str| {
        let mut font = String::from("48px ");
        font.push_str(family);
        set_str(&ctx, "font", &font);
        number(&call_str(&ctx, "measureText", SAMPLE), "width")
    };
    let base: [Option<f64>; 2] = GENERICS.map(&mut width);
    let mut found = String::new();
    for font in fonts {
        let installed = GENERICS.iter().zip(&base).any(|(generic, base)| {
            let mut family = String::from("'");
            family.push_str(font);
            family.push_str("',");
            family.push_str(generic);
            width(&family) != *base
        });
        if installed {
            if !found.is_empty() {
                found.push(',');
            }
            found.push_str(font);
        }
    }
    Some(Reading::Value(found))
}
