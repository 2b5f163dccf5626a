//! The browser fingerprint (the spec's `fingerprintService`, client side): entropy sources read
//! in short slices, a costly source in several steps across slices (fonts one candidate at a time,
//! a canvas or WebGL context made in one step and read in the next), so no task blocks the page
//! for long; each timed and fault-isolated (a source
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
use wasm_bindgen::prelude::wasm_bindgen;

pub(crate) use self::browser::Browser;
use self::registry::SOURCES;
use crate::js::{call0, get, object};
use crate::text::push_u64;

#[wasm_bindgen(module = "/js/fingerprint.js")]
extern "C" {
    /// Step `step` of the source `name` (see `js/fingerprint.js`).
    #[wasm_bindgen(js_name = read)]
    fn host_read(name: &str, step: i32) -> JsValue;
    /// The audio source's value from its rendered buffer.
    #[wasm_bindgen(js_name = sum)]
    fn host_sum(buffer: &JsValue) -> JsValue;
}

/// What a source read.
#[derive(Debug)]
pub(crate) enum Reading {
    /// Its canonical value.
    Value(String),
    /// It gave different results for the same input (a randomising browser or extension).
    Unstable,
    /// It finishes asynchronously: the promise settles with what its `finish` turns into a value.
    Pending(JsValue),
    /// Not done: call `collect` again with the same [`Work`], in this slice if time is left.
    More,
    /// Not done, and its next step is costly (a context to create, the first text in a font):
    /// call `collect` again at the start of the next slice.
    Later,
}

/// A source's state between the steps of one reading (what earlier steps made stays in
/// `js/fingerprint.js`, which reads one source at a time).
#[derive(Debug, Default)]
pub(crate) struct Work {
    /// The steps done so far (the runner counts them).
    pub(crate) step: usize,
}

/// What a source sees of the page.
#[derive(Debug)]
pub(crate) struct Probe<'a> {
    pub(crate) window: &'a JsValue,
    pub(crate) navigator: JsValue,
}

/// What the runner asks its caller to do next.
#[derive(Debug)]
pub(crate) enum Step {
    /// Call `step` again in a new task.
    Yield,
    /// Only the asynchronous source is left: wait for its promise (see [`Runner::promise`]) at
    /// most this many ms, then call `resume`.
    Wait(u64),
    /// The fingerprint, and the wall time it took in ms.
    Done(Fingerprint, u32),
}

/// Computes one fingerprint: the asynchronous source (audio rendering, which runs off the main
/// thread) is started first, then the synchronous ones run a few steps per task, each task ending
/// once it has used [`SLICE_MS`] (a costly step only at the start of a task). Outcomes are hashed
/// in registry order at the end, whatever order they arrived in.
#[derive(Debug)]
pub(crate) struct Runner {
    browser: Browser,
    /// The next source to read (synchronous ones; the asynchronous one, the last, is started
    /// first).
    next: usize,
    /// The asynchronous source: its index while it runs, and its promise until the caller took it.
    waiting: Option<usize>,
    promise: Option<JsValue>,
    /// The state of the source being read over several steps.
    work: Work,
    /// Each source's outcome, by registry index (failed until it is read or settles).
    outcomes: [Outcome; SOURCES.len()],
    /// Each source's main-thread ms, and the longest slice (task) it ran in, by registry index.
    spent: [(f64, f64); SOURCES.len()],
    /// `performance.now()` when the runner started, for the wall time.
    started: f64,
}

/// The asynchronous source (audio rendering): the registry's last.
const ASYNC: usize = SOURCES.len() - 1;

/// How long the asynchronous source (audio rendering) may take before it counts as failed.
pub(crate) const ASYNC_DEADLINE_MS: u64 = 1_000;
/// Sources keep running in one task until it has taken this long (well under the 50 ms that make
/// a long task).
pub(crate) const SLICE_MS: f64 = 8.0;

impl Runner {
    /// A runner for the browser `window` belongs to.
    pub(crate) fn new(window: &JsValue) -> Self {
        Self {
            browser: Browser::detect(window),
            next: 0,
            waiting: None,
            promise: None,
            work: Work::default(),
            outcomes: [const { Outcome::Failed }; SOURCES.len()],
            spent: [(0.0, 0.0); SOURCES.len()],
            started: now(window),
        }
    }

    /// Whether the asynchronous source is still pending.
    pub(crate) fn waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Whether every synchronous source has been read (so a pending asynchronous one is all that
    /// is left).
    pub(crate) fn read_all(&self) -> bool {
        self.next >= ASYNC
    }

    /// The source the next step reads (a registry index) and its step.
    #[cfg(all(test, target_family = "wasm"))]
    pub(crate) fn position(&self) -> (usize, usize) {
        (self.next, self.work.step)
    }

    /// The asynchronous source's promise, once, for the caller to call `resume` when it settles.
    pub(crate) fn promise(&mut self) -> Option<JsValue> {
        self.promise.take()
    }

    /// Reads sources for up to [`SLICE_MS`]; the first step of a heavy source, and a step its
    /// source marked costly, only at the start of a slice.
    pub(crate) fn step(&mut self, window: &JsValue) -> Step {
        let began = now(window);
        let probe = Probe { window, navigator: get(window, "navigator") };
        let from = self.next;
        let opening = self.next == 0 && self.work.step == 0;
        if opening {
            // The asynchronous source first, so that it renders while the others run.
            self.read(ASYNC, &probe, window);
        }
        let mut first = true;
        let mut costly = false;
        while let Some(source) = SOURCES.get(self.next).filter(|_| self.next < ASYNC) {
            let fresh = self.work.step == 0;
            if !first && (costly || (fresh && source.heavy && !(source.randomized)(&self.browser)))
            {
                break;
            }
            first = false;
            costly = self.read(self.next, &probe, window);
            if now(window) - began >= SLICE_MS {
                break;
            }
        }
        // This slice was the task of the sources that ran in it: those finished, the one still
        // in progress, and the asynchronous one if it started here.
        let slice = now(window) - began;
        let to = self.next + usize::from(self.work.step > 0);
        for (index, (_, longest)) in self.spent.iter_mut().enumerate() {
            if (from..to).contains(&index) || (opening && index == ASYNC) {
                *longest = longest.max(slice);
            }
        }
        if self.next < ASYNC {
            return Step::Yield;
        }
        if self.waiting.is_some() {
            return Step::Wait(ASYNC_DEADLINE_MS);
        }
        let (fingerprint, wall_ms) = self.finish(window);
        Step::Done(fingerprint, wall_ms)
    }

    /// Runs one step of source `index`, timed; moves on to the next source once it is done.
    /// `true` when the source's next step is costly.
    fn read(&mut self, index: usize, probe: &Probe<'_>, window: &JsValue) -> bool {
        let Some(source) = SOURCES.get(index) else { return false };
        let began = now(window);
        let reading = if (source.randomized)(&self.browser) {
            Some(Reading::Unstable)
        } else {
            (source.collect)(probe, &mut self.work)
        };
        let spent = now(window) - began;
        if let Some((total, _)) = self.spent.get_mut(index) {
            *total += spent;
        }
        let outcome = match reading {
            Some(Reading::More) => {
                self.work.step += 1;
                return false;
            }
            Some(Reading::Later) => {
                self.work.step += 1;
                return true;
            }
            Some(Reading::Pending(promise)) => {
                self.waiting = Some(index);
                self.promise = Some(promise);
                // Until it settles (or never does).
                Outcome::Failed
            }
            Some(Reading::Value(value)) => Outcome::Value(value),
            Some(Reading::Unstable) => Outcome::Skipped,
            None => Outcome::Failed,
        };
        self.work = Work::default();
        if let Some(slot) = self.outcomes.get_mut(index) {
            *slot = outcome;
        }
        if index == self.next {
            self.next += 1;
        }
        false
    }

    /// The asynchronous source settled with `result` (`undefined`: it timed out).
    pub(crate) fn resume(&mut self, result: &JsValue, window: &JsValue) {
        let Some(index) = self.waiting.take() else { return };
        self.promise = None;
        let began = now(window);
        let finish = SOURCES.get(index).and_then(|s| s.finish);
        // (`finish` reads nothing from `undefined`: a timeout fails the source.)
        let value = finish.and_then(|finish| finish(result));
        let spent = now(window) - began;
        if let Some((total, longest)) = self.spent.get_mut(index) {
            *total += spent;
            *longest = longest.max(spent);
        }
        if let Some(slot) = self.outcomes.get_mut(index) {
            *slot = value.map_or(Outcome::Failed, Outcome::Value);
        }
    }

    /// Each source's name, main-thread ms and longest task (the longest slice it ran in), for
    /// reports (`PulseGate._state()`).
    pub(crate) fn timings(&self) -> impl Iterator<Item = (&'static str, f64, f64)> + '_ {
        SOURCES.iter().zip(&self.spent).map(|(source, (ms, task_ms))| (source.name, *ms, *task_ms))
    }

    /// Hashes the canonical stream; the id, confidence and main-thread time, and the wall time
    /// since the start, in ms.
    fn finish(&mut self, window: &JsValue) -> (Fingerprint, u32) {
        let mut hasher = Sha256::new();
        let (mut ok, mut lost) = (0u8, 0u8);
        for (source, outcome) in SOURCES.iter().zip(&self.outcomes) {
            hasher.update(source.name.as_bytes());
            match outcome {
                Outcome::Value(value) => {
                    let mut head = String::from("=");
                    push_u64(&mut head, value.len() as u64);
                    head.push(':');
                    hasher.update(head.as_bytes());
                    hasher.update(value.as_bytes());
                    ok = ok.saturating_add(1);
                }
                Outcome::Skipped => hasher.update(b"~"),
                // Failed, or never read or settled.
                Outcome::Failed => {
                    hasher.update(b"!");
                    lost = lost.saturating_add(source.weight);
                }
            }
            hasher.update(b"\n");
        }
        let fingerprint = Fingerprint {
            id: FingerprintId::from_sha256(hasher.finalize().into()),
            confidence: confidence(self.browser.base_confidence(), lost),
            sources: ok,
            ms: self.spent.iter().map(|(ms, _)| ms).sum::<f64>().max(0.0) as u32,
        };
        (fingerprint, (now(window) - self.started).max(0.0) as u32)
    }
}

/// How one source ended.
#[derive(Clone, Debug)]
enum Outcome {
    Value(String),
    Failed,
    Skipped,
}

/// The platform's base confidence minus the points lost to failed sources, never below 5.
pub(crate) fn confidence(base: u8, lost: u8) -> u8 {
    base.saturating_sub(lost).max(5)
}

/// Step `work.step` of the source `name`, read in `js/fingerprint.js`: its value (a string), a
/// step marker (`1` more, `2` later, `0` unstable), a promise, or `undefined` when it failed.
fn host(name: &str, work: &Work) -> Option<Reading> {
    let answer = host_read(name, work.step as i32);
    if let Some(value) = answer.as_string() {
        return Some(Reading::Value(value));
    }
    // `as` saturates; the markers are small whole numbers.
    Some(match crate::js::float(&answer).map(|n| n as u8) {
        Some(1) => Reading::More,
        Some(2) => Reading::Later,
        Some(_) => Reading::Unstable,
        None => Reading::Pending(object(answer)?),
    })
}

/// `performance.now()` (0 where a page broke it).
pub(crate) fn now(window: &JsValue) -> f64 {
    crate::js::float(&call0(&get(window, "performance"), "now")).unwrap_or(0.0)
}
