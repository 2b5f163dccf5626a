//! 2D canvas rendering: text (with an emoji) and blended shapes, drawn twice on fresh canvases.
//! Anti-aliasing, font rasterisation and GPU compositing differ between systems; a browser or
//! extension that randomises readback makes the two drawings differ, and the source is then
//! reported unstable instead of poisoning the id. The value is the PNG data URL.

use core::f64::consts::PI;

use wasm_bindgen::JsValue;

use super::{Probe, Reading};
use crate::js::{call, call_num, call_str, call0, num, object, set, set_str, str};

const TEXT: &str = "Cwm fjordbank gly \u{1F603}";

pub(super) fn collect(probe: &Probe<'_>) -> Option<Reading> {
    let first = draw(probe)?;
    let second = draw(probe)?;
    // Compared as JS strings (`===`), copied into the wasm only once.
    if first != second {
        return Some(Reading::Unstable);
    }
    first.as_string().map(Reading::Value)
}

/// Renders the picture on a new canvas; its `toDataURL()`.
fn draw(probe: &Probe<'_>) -> Option<JsValue> {
    let canvas = probe.element("canvas")?;
    // Small: the PNG encoding of `toDataURL` is most of the cost, and grows with the area.
    set(&canvas, "width", &num(220.0));
    set(&canvas, "height", &num(60.0));
    let ctx = object(call_str(&canvas, "getContext", "2d"))?;
    let style = |key: &str, value: &str| set_str(&ctx, key, value);
    let text = |font: &str, x: f64, y: f64| {
        style("font", font);
        call(&ctx, "fillText", &[&str(TEXT), &num(x), &num(y)]);
    };
    style("textBaseline", "alphabetic");
    style("fillStyle", "#f60");
    call_num(&ctx, "fillRect", &[100.0, 1.0, 62.0, 20.0]);
    style("fillStyle", "#069");
    text("11pt \"Times New Roman\"", 2.0, 15.0);
    style("fillStyle", "rgba(102, 204, 0, 0.2)");
    text("18pt Arial", 4.0, 45.0);
    // Overlapping circles blended with `multiply`, and an even-odd filled ring.
    style("globalCompositeOperation", "multiply");
    for (color, x, y, r) in [
        ("#f2f", 150.0, 25.0, 20.0),
        ("#2ff", 175.0, 25.0, 20.0),
        ("#ff2", 162.0, 42.0, 20.0),
        ("#f9c", 200.0, 30.0, 18.0),
    ] {
        style("fillStyle", color);
        call0(&ctx, "beginPath");
        call_num(&ctx, "arc", &[x, y, r, 0.0, 2.0 * PI]);
        call_num(&ctx, "arc", &[x, y, r / 3.0, 0.0, 2.0 * PI]);
        call_str(&ctx, "fill", "evenodd");
    }
    let url = call0(&canvas, "toDataURL");
    url.is_string().then_some(url)
}
