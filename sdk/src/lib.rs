//! PulseGate browser SDK: the `#[wasm_bindgen]` facade `sdk/js/loader.js` calls; everything else is
//! internal.
//!
//! The loader reads the script tag and, once the module is instantiated, calls
//!
//! ```js
//! const off = wasm_bindgen.start({ siteKey: "demo", endpoint: "https://pulsegate.example" });
//! ```
//!
//! Module map: `tracker` runs the show; `config`, `privacy`, `session`, `context`, `queue` and
//! `transport` each do one step; `json`, `js`, `ids` and `listener` are the small tools they share.
//!
//! Size matters (every visitor downloads this; the budget for tracker.js plus the wasm is 14,000
//! bytes gzip), so some choices favour fewer bytes over the obvious API: the module docs of
//! `json`, `js`, `queue` and `config` and the comments in `Cargo.toml` give the measured reasons.

#[cfg(feature = "tracker")]
mod config;
#[cfg(feature = "tracker")]
mod context;
#[cfg(feature = "tracker")]
mod ids;
#[cfg(feature = "tracker")]
mod js;
#[cfg(feature = "tracker")]
mod json;
#[cfg(feature = "tracker")]
mod listener;
#[cfg(feature = "tracker")]
mod privacy;
#[cfg(feature = "tracker")]
mod queue;
#[cfg(feature = "tracker")]
mod session;
#[cfg(feature = "tracker")]
mod tracker;
#[cfg(feature = "tracker")]
mod transport;

/// The session-replay recorder: its own wasm chunk, built with `--no-default-features --features
/// replay` (see `xtask/src/sdk.rs`), loaded only for sessions that are recorded.
#[cfg(feature = "replay")]
pub mod replay;

#[cfg(feature = "tracker")]
use wasm_bindgen::JsValue;
#[cfg(feature = "tracker")]
use wasm_bindgen::prelude::wasm_bindgen;

/// Starts tracking with `{ siteKey, endpoint }`.
///
/// Never throws: a bad config, an opt-out (Global Privacy Control, Do Not Track) or a browser
/// without the needed APIs leaves the tracker off. Calling it again does nothing.
///
/// Returns 0 when the tracker runs (or already ran), else why it is off, for the loader to log
/// under `data-debug`: 1 no valid site key or endpoint, 2 no window or document, 3 Global Privacy
/// Control or Do Not Track is on.
#[cfg(feature = "tracker")]
#[wasm_bindgen]
pub fn start(config: &JsValue) -> u32 {
    tracker::start(config)
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Browser tests, run in headless Chromium by `cargo test --target wasm32-unknown-unknown`. They
/// live in `tests/web.rs` but build inside this crate, which has no rlib to link them against.
#[cfg(all(test, target_family = "wasm", feature = "tracker"))]
#[path = "../tests/web.rs"]
mod web;

/// Browser tests of the replay recorder (serializer, masking, mutation buffer).
#[cfg(all(test, target_family = "wasm", feature = "replay"))]
#[path = "../tests/replay_web.rs"]
mod replay_web;
