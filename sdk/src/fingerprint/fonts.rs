//! Installed fonts, by width probing: a text set in `'<font>', <generic>` takes another width
//! than in the generic family alone when the font is installed. Measured with a 2D canvas's
//! `measureText`, which lays out nothing on the page (no DOM change, no layout of the host page,
//! no inline style a strict Content-Security-Policy would refuse) and costs microseconds each.
//!
//! The value is the list of fonts found, e.g. `Arial Black,Calibri,Consolas,…`.

use alloc::string::String;

use super::{Probe, Reading};
use crate::js::{call_str, number, object, set_str};

/// The generic families every candidate is compared against: two whose default faces differ in
/// width everywhere, so a candidate metrically equal to one still differs from the other.
const GENERICS: [&str; 2] = ["monospace", "serif"];

/// Candidates common on Windows, macOS, iOS, Android and Linux, chosen so that together they
/// tell systems and their versions apart.
const FONTS: &[&str] = &[
    "Arial Black",
    "Arial Narrow",
    "Avenir",
    "Bahnschrift",
    "Calibri",
    "Cambria",
    "Candara",
    "Cantarell",
    "Century Gothic",
    "Comic Sans MS",
    "Consolas",
    "Constantia",
    "Corbel",
    "Courier New",
    "DejaVu Sans",
    "Droid Sans",
    "Franklin Gothic",
    "Futura",
    "Garamond",
    "Geneva",
    "Georgia",
    "Gill Sans",
    "Helvetica",
    "Helvetica Neue",
    "Impact",
    "Liberation Sans",
    "Lucida Console",
    "Lucida Grande",
    "Menlo",
    "Monaco",
    "MS Gothic",
    "MS Mincho",
    "Noto Sans",
    "Optima",
    "Palatino",
    "Roboto",
    "Segoe UI",
    "SimSun",
    "Tahoma",
    "Trebuchet MS",
    "Ubuntu",
    "Verdana",
];

/// Wide and narrow glyphs, so width differences show.
const SAMPLE: &str = "mmMwWLliI0fiflO&1";

pub(super) fn collect(probe: &Probe<'_>) -> Option<Reading> {
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
    for font in FONTS {
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
