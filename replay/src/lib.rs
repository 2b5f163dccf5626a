//! PulseGate's session-replay recorder: writes rrweb's event format (`@rrweb/types` 2.x, described
//! by `pulsegate_schema::replay`), built as the tracker's lazily loaded replay chunk
//! (`sdk/replay-<hash>.js` + its wasm; see `xtask/src/sdk.rs`).
//!
//! ```text
//! start        → observers on (mutation, mouse, scroll, resize, input, media, style rules)
//!              → Meta, then a FullSnapshot written in slices of a few ms (snapshot.rs)
//! each change  → one incremental event (mutation.rs batches a microtask's records)
//! every 3 min  → a new Meta + FullSnapshot (checkout), so long sessions seek fast
//! ```
//!
//! Events leave as JSON text through the sink the chunk's JS passes in (`replay/js/replay.js`), which
//! batches, compresses and uploads them. Masking (mask.rs) happens before any text is written:
//! what is masked never leaves the browser.

mod dom;
mod json;
mod listener;
mod mask;
mod mirror;
mod mutation;
mod observers;
mod recorder;
mod serialize;
mod snapshot;

use core::cell::RefCell;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use recorder::{Recorder, Settings, Sink};

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Runs `f` on the recorder, if one runs; does nothing when re-entered (a handler that fires
/// while another runs).
pub(crate) fn with_recorder(f: impl FnOnce(&mut Recorder)) {
    let _ = RECORDER.try_with(|cell| {
        if let Ok(mut recorder) = cell.try_borrow_mut()
            && let Some(recorder) = recorder.as_mut()
        {
            f(recorder);
        }
    });
}

/// Default longest snapshot slice, ms.
const SLICE_MS: f64 = 8.0;
/// Default checkout interval, ms.
const CHECKOUT_MS: u32 = 3 * 60 * 1000;

/// Starts recording this page: `{ sink: { write(text, endOfEvent) }, sliceMs?, checkoutMs? }`.
///
/// Returns 0 when recording (or already recording), 1 for options without a sink, 2 where there
/// is no document. Never throws.
#[wasm_bindgen]
pub fn replay_start(options: &JsValue) -> u32 {
    let sink = dom::prop(options, "sink");
    if !sink.is_object() {
        return 1;
    }
    let Some(doc) = dom::document() else { return 2 };
    let number = |name: &str, default: f64| {
        dom::prop(options, name).as_f64().filter(|n| *n > 0.0).unwrap_or(default)
    };
    let settings = Settings {
        slice_ms: number("sliceMs", SLICE_MS),
        checkout_ms: number("checkoutMs", f64::from(CHECKOUT_MS)) as u32,
    };
    let started = RECORDER.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else { return false };
        if slot.is_some() {
            return false;
        }
        *slot =
            Some(Recorder::new(doc, wasm_bindgen::JsCast::unchecked_into::<Sink>(sink), settings));
        true
    });
    if started {
        with_recorder(Recorder::take_snapshot);
    }
    0
}

/// Sends everything pending to the sink now (the uploader calls it before the page hides).
#[wasm_bindgen]
pub fn replay_flush() {
    with_recorder(Recorder::flush_all);
}

/// Takes a new full snapshot (a new session began, or the uploader lost events).
#[wasm_bindgen]
pub fn replay_checkout() {
    with_recorder(Recorder::take_snapshot);
}

/// Stops recording: pending events are written, then every listener, hook, observer and timer is
/// removed.
#[wasm_bindgen]
pub fn replay_stop() {
    with_recorder(Recorder::flush_all);
    let recorder = RECORDER.with(|cell| cell.try_borrow_mut().ok().and_then(|mut r| r.take()));
    drop(recorder);
}

// A small free-list allocator instead of std's dlmalloc, as in the tracker's wasm.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Browser tests of the recorder (serializer, masking, mutation buffer), run in headless Chromium
/// by `cargo test --target wasm32-unknown-unknown`; they build inside this crate, which has no
/// rlib to link them against.
#[cfg(all(test, target_family = "wasm"))]
#[path = "../tests/web.rs"]
mod web;
