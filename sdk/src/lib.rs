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

mod config;
mod context;
mod ids;
mod js;
mod json;
mod listener;
mod privacy;
mod queue;
mod session;
mod tracker;
mod transport;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

/// Starts tracking with `{ siteKey, endpoint }`.
///
/// Never throws: a bad config, an opt-out (Global Privacy Control, Do Not Track) or a browser
/// without the needed APIs leaves the tracker off. Calling it again does nothing.
///
/// Returns 0 when the tracker runs (or already ran), else why it is off, for the loader to log
/// under `data-debug`: 1 no valid site key or endpoint, 2 no window or document, 3 Global Privacy
/// Control or Do Not Track is on.
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
#[cfg(all(test, target_family = "wasm"))]
#[path = "../tests/web.rs"]
mod web;
