//! Installed fonts, by width probing: a text set in `'<font>', <generic>` takes another size than
//! in the generic family alone when the font is installed. All probes are laid out at once (one
//! layout pass) in a hidden element, styled through the CSSOM (no inline `style` attribute, which
//! a strict Content-Security-Policy would refuse), and removed again.
//!
//! The value is the list of fonts found, e.g. `Arial Black,Calibri,Consolas,…`.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Probe, Reading};
use crate::js::{call, call0, get, number, set_str};

/// The generic families every candidate is compared against.
const GENERICS: [&str; 3] = ["monospace", "sans-serif", "serif"];

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

pub(super) fn collect(probe: &Probe<'_>) -> Option<Reading> {
    let container = probe.element("div")?;
    set_str(
        &get(&container, "style"),
        "cssText",
        "position:absolute;left:-9999px;top:0;visibility:hidden;font:normal 48px serif;letter-spacing:normal;white-space:nowrap",
    );
    // The generic families alone, then every candidate with each of them as fallback.
    let mut spans = Vec::with_capacity(3 + FONTS.len() * 3);
    for font in [""].iter().chain(FONTS) {
        for generic in GENERICS {
            let mut family = String::new();
            if !font.is_empty() {
                family.push('\'');
                family.push_str(font);
                family.push_str("',");
            }
            family.push_str(generic);
            let span = probe.element("span")?;
            set_str(&get(&span, "style"), "fontFamily", &family);
            set_str(&span, "textContent", "mmMwWLliI0fiflO&1");
            call(&container, "appendChild", &[&span]);
            spans.push(span);
        }
    }
    call(&get(&probe.document, "body"), "appendChild", &[&container]);
    // One layout for all of them.
    let size =
        |i: usize| spans.get(i).map(|s| (number(s, "offsetWidth"), number(s, "offsetHeight")));
    let mut found = String::new();
    for (n, font) in FONTS.iter().enumerate() {
        if (0..3).any(|g| size(3 + n * 3 + g) != size(g)) {
            if !found.is_empty() {
                found.push(',');
            }
            found.push_str(font);
        }
    }
    call0(&container, "remove");
    Some(Reading::Value(found))
}
