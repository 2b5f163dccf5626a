//! The browser fingerprint (the spec's `fingerprintService`, client side): entropy sources read
//! one per task, so no task blocks the page for long; each timed and fault-isolated (a source
//! whose browser calls throw is recorded as failed and the others still count); sources a browser
//! randomises skipped there; the id a SHA-256 over the canonical components.
//!
//! No request goes anywhere: only the id, a confidence, the number of sources and the time spent
//! leave the browser, on the session start, and only under a consent tier that allows it.
//!
//! Each source has its own file and one entry in [`registry::SOURCES`]. The canonical stream the
//! id hashes is, for every source in registry order, one line:
//!
//! ```text
//! <name>=<value length>:<value>    the source's value
//! <name>!                          it failed (its calls threw, or it timed out)
//! <name>~                          skipped: randomised by this browser, or unstable (canvas)
//! ```
//!
//! Failures and skips are part of the stream, so a browser that consistently lacks a source still
//! gets a consistent id.

mod browser;
pub(crate) mod registry;

mod audio;
mod canvas;
mod color;
mod concurrency;
mod fonts;
mod intl;
mod languages;
mod math;
mod media;
mod memory;
mod platform;
mod screen;
mod timezone;
mod touch;
mod vendor;
mod webgl;

use alloc::string::String;

use pulsegate_schema::{Fingerprint, FingerprintId};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsValue;

pub(crate) use self::browser::Browser;
use self::registry::{SOURCES, Source};
use crate::js::{call0, get};
use crate::text::push_u64;

/// What a source read.
#[derive(Debug)]
pub(crate) enum Reading {
    /// Its canonical value.
    Value(String),
    /// It gave different results for the same input (a randomising browser or extension).
    Unstable,
    /// It finishes asynchronously: the promise settles with what its `finish` turns into a value.
    Pending(JsValue),
}

/// What a source sees of the page.
#[derive(Debug)]
pub(crate) struct Probe<'a> {
    pub(crate) window: &'a JsValue,
    pub(crate) document: JsValue,
    pub(crate) navigator: JsValue,
}

impl Probe<'_> {
    /// `document.createElement(tag)`
    pub(crate) fn element(&self, tag: &str) -> Option<JsValue> {
        crate::js::object(crate::js::call_str(&self.document, "createElement", tag))
    }
}

/// What the runner asks its caller to do next.
#[derive(Debug)]
pub(crate) enum Step {
    /// Call `step` again in a new task.
    Yield,
    /// Wait for the promise (at most this many ms), then call `resume` with what it settled with
    /// (`undefined` on the deadline).
    Wait(JsValue, u64),
    /// The fingerprint, and the wall time it took in ms.
    Done(Fingerprint, u32),
}

/// Computes one fingerprint, a source at a time.
#[derive(Debug)]
pub(crate) struct Runner {
    hasher: Sha256,
    browser: Browser,
    /// The next source to read.
    next: usize,
    /// The asynchronous source being waited for.
    waiting: Option<&'static Source>,
    /// Sources that gave a value.
    ok: u8,
    /// Confidence points lost to sources that failed or were unstable.
    lost: u8,
    /// Main-thread time spent in sources, in ms.
    busy_ms: f64,
    /// `performance.now()` when the runner started, for the wall time.
    started: f64,
}

/// How long an asynchronous source (audio rendering) may take before it counts as failed.
pub(crate) const ASYNC_DEADLINE_MS: u64 = 1_000;

impl Runner {
    /// A runner for the browser `window` belongs to.
    pub(crate) fn new(window: &JsValue) -> Self {
        Self {
            hasher: Sha256::new(),
            browser: Browser::detect(window),
            next: 0,
            waiting: None,
            ok: 0,
            lost: 0,
            busy_ms: 0.0,
            started: now(window),
        }
    }

    /// Whether an asynchronous source is pending.
    pub(crate) fn waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Reads the next source that has work to do (sources skipped on this browser cost nothing
    /// and do not end the step).
    pub(crate) fn step(&mut self, window: &JsValue) -> Step {
        let began = now(window);
        while let Some(source) = SOURCES.get(self.next) {
            self.next += 1;
            if (source.randomized)(&self.browser) {
                self.record(source, Outcome::Skipped);
                continue;
            }
            let probe = Probe {
                window,
                document: get(window, "document"),
                navigator: get(window, "navigator"),
            };
            let reading = (source.collect)(&probe);
            self.busy_ms += now(window) - began;
            match reading {
                Some(Reading::Value(value)) => self.record(source, Outcome::Value(&value)),
                Some(Reading::Unstable) => self.record(source, Outcome::Skipped),
                Some(Reading::Pending(promise)) => {
                    self.waiting = Some(source);
                    return Step::Wait(promise, ASYNC_DEADLINE_MS);
                }
                None => self.record(source, Outcome::Failed),
            }
            return Step::Yield;
        }
        let (fingerprint, wall_ms) = self.finish(window);
        Step::Done(fingerprint, wall_ms)
    }

    /// The pending asynchronous source settled with `result` (`undefined`: it timed out).
    pub(crate) fn resume(&mut self, result: &JsValue, window: &JsValue) {
        let Some(source) = self.waiting.take() else { return };
        let began = now(window);
        let value = source
            .finish
            .and_then(|finish| if result.is_undefined() { None } else { finish(result) });
        self.busy_ms += now(window) - began;
        match value {
            Some(value) => self.record(source, Outcome::Value(&value)),
            None => self.record(source, Outcome::Failed),
        }
    }

    /// Adds one source's line to the canonical stream.
    fn record(&mut self, source: &Source, outcome: Outcome<'_>) {
        self.hasher.update(source.name.as_bytes());
        match outcome {
            Outcome::Value(value) => {
                let mut head = String::from("=");
                push_u64(&mut head, value.len() as u64);
                head.push(':');
                self.hasher.update(head.as_bytes());
                self.hasher.update(value.as_bytes());
                self.ok = self.ok.saturating_add(1);
            }
            Outcome::Failed => {
                self.hasher.update(b"!");
                self.lost = self.lost.saturating_add(source.weight);
            }
            Outcome::Skipped => self.hasher.update(b"~"),
        }
        self.hasher.update(b"\n");
    }

    /// The id, confidence and main-thread time; and the wall time since the start, in ms.
    fn finish(&mut self, window: &JsValue) -> (Fingerprint, u32) {
        let digest = core::mem::take(&mut self.hasher).finalize();
        let fingerprint = Fingerprint {
            id: FingerprintId::from_sha256(digest.into()),
            confidence: confidence(self.browser.base_confidence(), self.lost),
            sources: self.ok,
            ms: self.busy_ms.max(0.0) as u32,
        };
        (fingerprint, (now(window) - self.started).max(0.0) as u32)
    }
}

/// How one source ended.
#[derive(Clone, Copy, Debug)]
enum Outcome<'a> {
    Value(&'a str),
    Failed,
    Skipped,
}

/// The platform's base confidence minus the points lost to failed sources, never below 5.
pub(crate) fn confidence(base: u8, lost: u8) -> u8 {
    base.saturating_sub(lost).max(5)
}

/// A JS value as text: strings as they are, `null` and `undefined` as `null`, anything else
/// through its own `toString()` (a typed array prints as `1,2`).
pub(crate) fn text_of(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return text;
    }
    if value.is_null() || value.is_undefined() {
        return String::from("null");
    }
    call0(value, "toString").as_string().unwrap_or_default()
}

/// Appends the bit pattern of `n` in hex and a comma: exact, and no float printing needed.
pub(crate) fn bits(out: &mut String, n: f64) {
    let bits = n.to_bits();
    for shift in (0..16).rev() {
        out.push_str(crate::text::HEX_DIGITS[((bits >> (shift * 4)) & 0xf) as usize]);
    }
    out.push(',');
}

/// `performance.now()` (0 where a page broke it).
pub(crate) fn now(window: &JsValue) -> f64 {
    call0(&get(window, "performance"), "now").as_f64().unwrap_or(0.0)
}
