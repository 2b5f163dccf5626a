//! WebGL: the (unmasked) vendor and renderer, version strings, limits, supported extensions and
//! shader precisions, read from a throwaway context that is lost again at once. No pixels are read
//! back. A browser without WebGL gives `none`, a consistent fact.
//!
//! Three steps, each costly on a slow CPU, so each starts a slice: the context is made, then
//! read, then lost.

use alloc::string::String;

use wasm_bindgen::JsValue;

use super::{Probe, Reading, Work, text_of};
use crate::js::{call_num, call_str, call0, get, object};

/// `getParameter` enums: vendor, renderer, versions, then limits and bit depths; then
/// `WEBGL_debug_renderer_info`'s unmasked vendor and renderer.
const PARAMETERS: &[u32] = &[
    0x1F00, 0x1F01, 0x1F02, 0x8B8C, // VENDOR, RENDERER, VERSION, SHADING_LANGUAGE_VERSION
    0x0D33, 0x0D3A, 0x84E8,
    0x851C, // MAX_TEXTURE_SIZE, MAX_VIEWPORT_DIMS, MAX_RENDERBUFFER_SIZE, MAX_CUBE_MAP_TEXTURE_SIZE
    0x8869, 0x8DFB, 0x8DFD,
    0x8DFC, // MAX_VERTEX_ATTRIBS, MAX_VERTEX/FRAGMENT_UNIFORM_VECTORS, MAX_VARYING_VECTORS
    0x8872, 0x8B4C,
    0x8B4D, // MAX_TEXTURE_IMAGE_UNITS, MAX_VERTEX_/COMBINED_TEXTURE_IMAGE_UNITS
    0x846E, 0x846D, // ALIASED_LINE_WIDTH_RANGE, ALIASED_POINT_SIZE_RANGE
    0x0D52, 0x0D53, 0x0D54, 0x0D55, 0x0D56, 0x0D57,
    0x0D50, // RED..ALPHA, DEPTH, STENCIL, SUBPIXEL_BITS
    0x9245, 0x9246, // UNMASKED_VENDOR_WEBGL, UNMASKED_RENDERER_WEBGL
];

pub(super) fn collect(probe: &Probe<'_>, work: &mut Work) -> Option<Reading> {
    match work.step {
        0 => {
            let canvas = probe.element("canvas")?;
            let Some(gl) = object(call_str(&canvas, "getContext", "webgl")) else {
                return Some(Reading::Value(String::from("none")));
            };
            work.held[0] = gl;
            Some(Reading::Later)
        }
        1 => {
            work.value = read(&work.held[0]);
            Some(Reading::Later)
        }
        _ => {
            // Give the context back now rather than when it is collected (pages get only a few).
            call0(&call_str(&work.held[0], "getExtension", "WEBGL_lose_context"), "loseContext");
            Some(Reading::Value(core::mem::take(&mut work.value)))
        }
    }
}

/// The parameters, extensions and precisions of `gl`.
fn read(gl: &JsValue) -> String {
    // The unmasked names answer only once the extension is enabled.
    call_str(gl, "getExtension", "WEBGL_debug_renderer_info");
    let mut value = String::new();
    let mut add = |item: JsValue| {
        value.push_str(&text_of(&item));
        value.push(';');
    };
    for code in PARAMETERS {
        add(call_num(gl, "getParameter", &[f64::from(*code)]));
    }
    add(call_str(&call0(gl, "getSupportedExtensions"), "join", ","));
    // VERTEX_SHADER, FRAGMENT_SHADER × LOW_FLOAT, MEDIUM_FLOAT, HIGH_FLOAT, HIGH_INT.
    for shader in [0x8B31, 0x8B30] {
        for precision in [0x8DF0, 0x8DF1, 0x8DF2, 0x8DF5] {
            let format = call_num(
                gl,
                "getShaderPrecisionFormat",
                &[f64::from(shader), f64::from(precision)],
            );
            for key in ["rangeMin", "rangeMax", "precision"] {
                add(get(&format, key));
            }
        }
    }
    value
}
