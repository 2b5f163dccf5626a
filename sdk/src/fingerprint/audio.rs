//! Audio processing: a triangle wave through a dynamics compressor, rendered offline (never
//! played). The floating-point result differs with the browser's audio stack, CPU and system;
//! the value is the bit pattern of the summed magnitude of the last 500 samples.
//! Asynchronous: rendering resolves a promise, and `finish` reads the buffer.

use alloc::string::String;

use wasm_bindgen::JsValue;

use super::{Probe, Reading, Work, bits};
use crate::js::{call, call_num, call0, get, make, num, number, object, set};
use crate::text::u64_text;

/// Rendered frames, and the first one summed.
const FRAMES: f64 = 5000.0;
const FROM: u64 = 4500;

pub(super) fn collect(probe: &Probe<'_>, _: &mut Work) -> Option<Reading> {
    let constructor = ["OfflineAudioContext", "webkitOfflineAudioContext"]
        .iter()
        .map(|name| get(probe.window, name))
        .find(JsValue::is_function);
    let Some(constructor) = constructor else {
        return Some(Reading::Value(String::from("none")));
    };
    let context = object(make(&constructor, &[1.0, FRAMES, 44_100.0]))?;
    let oscillator = object(call0(&context, "createOscillator"))?;
    set(&oscillator, "type", &JsValue::from_str("triangle"));
    set(&get(&oscillator, "frequency"), "value", &num(10_000.0));
    let compressor = object(call0(&context, "createDynamicsCompressor"))?;
    for (param, value) in
        [("threshold", -50.0), ("knee", 40.0), ("ratio", 12.0), ("attack", 0.0), ("release", 0.25)]
    {
        set(&get(&compressor, param), "value", &num(value));
    }
    call(&oscillator, "connect", &[&compressor]);
    call(&compressor, "connect", &[&get(&context, "destination")]);
    call_num(&oscillator, "start", &[0.0]);
    object(call0(&context, "startRendering")).map(Reading::Pending)
}

/// The rendered `AudioBuffer` → the value.
pub(super) fn finish(buffer: &JsValue) -> Option<String> {
    let samples = object(call_num(buffer, "getChannelData", &[0.0]))?;
    let length = number(&samples, "length")? as u64;
    let mut sum = 0.0f64;
    for i in FROM..length {
        sum += number(&samples, &u64_text(i)).unwrap_or(0.0).abs();
    }
    let mut value = String::new();
    bits(&mut value, sum);
    Some(value)
}
