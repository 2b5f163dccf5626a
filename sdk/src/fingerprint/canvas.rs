//! 2D canvas rendering: text (with an emoji) and blended shapes, drawn twice on fresh canvases.
//! Anti-aliasing, font rasterisation and GPU compositing differ between systems; a browser or
//! extension that randomises readback makes the two drawings differ, and the source is then
//! reported unstable instead of poisoning the id. The value is the PNG data URL.
//!
//! Each drawing takes three steps, so that no slice holds more than one costly call on a slow
//! CPU: the canvas with its first text (loading the fonts, the emoji's among them, the first
//! time), then the second text and the shapes, then the PNG encoding.

use core::f64::consts::PI;

use super::{Probe, Reading, Work};
use crate::js::{call, call_num, call_str, call0, num, object, set, set_str, str};

const TEXT: &str = "Cwm fjordbank gly \u{1F603}";

/// `work.held`: the canvas, its context, and the first drawing's URL once there is one.
pub(super) fn collect(probe: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    let [canvas, ctx, first] = &work.held;
    // The second drawing's steps are cheap: its fonts are loaded.
    let next = if work.step < 3 { Reading::Later } else { Reading::More };
    let style = |key: &str, value: &str| set_str(ctx, key, value);
    let text = |font: &str, x: f64, y: f64| {
        style("font", font);
        call(ctx, "fillText", &[&str(TEXT), &num(x), &num(y)]);
    };
    match work.step % 3 {
        0 => {
            let canvas = probe.element("canvas")?;
            // Small: the PNG encoding of `toDataURL` is most of the cost, and grows with the area.
            set(&canvas, "width", &num(220.0));
            set(&canvas, "height", &num(60.0));
            let ctx = object(call_str(&canvas, "getContext", "2d"))?;
            set_str(&ctx, "textBaseline", "alphabetic");
            set_str(&ctx, "fillStyle", "#f60");
            call_num(&ctx, "fillRect", &[100.0, 1.0, 62.0, 20.0]);
            set_str(&ctx, "fillStyle", "#069");
            set_str(&ctx, "font", "11pt \"Times New Roman\"");
            call(&ctx, "fillText", &[&str(TEXT), &num(2.0), &num(15.0)]);
            work.held[0] = canvas;
            work.held[1] = ctx;
            Some(next)
        }
        1 => {
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
                call0(ctx, "beginPath");
                call_num(ctx, "arc", &[x, y, r, 0.0, 2.0 * PI]);
                call_num(ctx, "arc", &[x, y, r / 3.0, 0.0, 2.0 * PI]);
                call_str(ctx, "fill", "evenodd");
            }
            Some(next)
        }
        _ => {
            let url = call0(canvas, "toDataURL");
            if !url.is_string() {
                return None;
            }
            if !first.is_string() {
                // The first drawing: draw again, and compare.
                work.held[2] = url;
                return Some(Reading::More);
            }
            // Compared as JS strings (`===`), copied into the wasm only once.
            if *first != url {
                return Some(Reading::Unstable);
            }
            url.as_string().map(Reading::Value)
        }
    }
}
