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
//!
//! Size is a feature (the chunk is downloaded for every recorded session; `cargo xtask size`
//! holds its budget), so, as the tracker, the crate is `no_std` in the browser: no panic machinery
//! and no `core::fmt` in the wasm. The recorder has no global: `replay_start` hands the page a
//! control function that owns it, and its listeners, hooks and timers reach it through a weak
//! reference.

#![cfg_attr(all(target_family = "wasm", not(test)), no_std)]

extern crate alloc;

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

use alloc::rc::{Rc, Weak};
use core::cell::RefCell;

use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;

use recorder::{Recorder, Settings, Sink};

/// The running recorder, as its listeners, hooks and timers hold it: they must not keep it alive
/// once the control function stopped it.
pub(crate) type Handle = Weak<RefCell<Option<Recorder>>>;

/// Runs `f` on the recorder behind `me`, if it still runs; does nothing when re-entered (a
/// handler that fires while another runs).
pub(crate) fn with_recorder(me: &Handle, f: impl FnOnce(&mut Recorder)) {
    if let Some(cell) = me.upgrade()
        && let Ok(mut recorder) = cell.try_borrow_mut()
        && let Some(recorder) = recorder.as_mut()
    {
        f(recorder);
    }
}

/// Default longest snapshot slice, ms.
const SLICE_MS: f64 = 8.0;
/// Default checkout interval, ms.
const CHECKOUT_MS: u32 = 3 * 60 * 1000;

/// What the control function does with its argument.
const FLUSH: u32 = 0;
const CHECKOUT: u32 = 1;
const STOP: u32 = 2;

/// Starts recording this page: `replay_start(sink, sliceMs, checkoutMs)`, `sink` the object
/// with `write(text, endOfEvent)`, the two times in ms (`undefined`, 0 or less: the defaults).
/// Separate arguments, not an options object: no property reads and no names in the wasm.
///
/// Returns the recorder's control function, `control(op)`: 0 sends everything pending to the sink
/// now (the uploader calls it before the page hides), 1 takes a new full snapshot (a new session
/// began, or the uploader lost events), 2 stops: pending events are written, then every listener,
/// hook, observer and timer is removed. Returns `false` instead when `sink` is not an object and
/// `null` where there is no document: it does not record. Never throws. (Constants the glue's
/// table holds already, not numbers, each of which needs a conversion import.)
#[wasm_bindgen]
pub fn replay_start(sink: JsValue, slice_ms: f64, checkout_ms: f64) -> JsValue {
    if !sink.is_object() {
        return JsValue::FALSE;
    }
    let Some(doc) = dom::document() else { return JsValue::NULL };
    // `undefined` arrives as NaN, which is not above 0 either.
    let or = |n: f64, default: f64| if n > 0.0 { n } else { default };
    let settings = Settings {
        slice_ms: or(slice_ms, SLICE_MS),
        checkout_ms: or(checkout_ms, f64::from(CHECKOUT_MS)) as u32,
    };
    let sink = wasm_bindgen::JsCast::unchecked_into::<Sink>(sink);
    let cell = Rc::new_cyclic(|me| RefCell::new(Some(Recorder::new(me, doc, sink, settings))));
    let me = Rc::downgrade(&cell);
    with_recorder(&me, Recorder::take_snapshot);
    // Of the listeners' closure type (`listener.rs`): the chunk's one closure type.
    let control = move |op: u32, _: JsValue, _: JsValue, _: JsValue| match op {
        FLUSH => with_recorder(&me, Recorder::flush_all),
        CHECKOUT => with_recorder(&me, Recorder::take_snapshot),
        STOP => {
            with_recorder(&me, Recorder::flush_all);
            // Taken out before it is dropped: removing a hook may call back into the recorder.
            let recorder = cell.try_borrow_mut().ok().and_then(|mut r| r.take());
            drop(recorder);
        }
        _ => {}
    };
    // Never freed (see `Listeners::callback`): after a stop it holds the emptied cell.
    Closure::<dyn Fn(u32, JsValue, JsValue, JsValue)>::own_aborting(control).into_js_value()
}

// A small free-list allocator instead of std's dlmalloc, as in the tracker's wasm.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// No panic machinery in the shipped wasm: the code avoids panicking paths, and whatever remains
/// (allocation failure) stops at a trap, which the chunk's JS catches.
#[cfg(all(target_family = "wasm", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Browser tests of the recorder (serializer, masking, mutation buffer), run in headless Chromium
/// by `cargo test --target wasm32-unknown-unknown`; they build inside this crate, which has no
/// rlib to link them against.
#[cfg(all(test, target_family = "wasm"))]
#[path = "../tests/web.rs"]
mod web;
