//! PulseGate browser SDK: the tracker behind `<script src=".../tracker.js" data-site-key="…">`
//! and `window.PulseGate`, and the lead form builder behind `form.js`, compiled to WebAssembly.
//!
//! The facade is two exports, one per cargo feature, so that a bundle carries what it names:
//!
//! - [`start`] (feature `tracker`), which `sdk/js/boot.js` calls with the config the loader
//!   (`sdk/js/loader.js`) read from the script tag; it returns the function behind every
//!   `PulseGate.*` method (`tracker::api`);
//! - [`mount`] (feature `form`), which `sdk/js/form-boot.js` calls once per form element the
//!   form loader (`sdk/js/form-loader.js`) found; it renders that form (`form`).
//!
//! Everything else is internal:
//!
//! - `form` (cargo feature `form`): the lead form (config, rendering, validation with the
//!   schema's rules, submission);
//! - `tracker`: the running tracker (state, session starts, consent, delivery, the API);
//! - `capture`: automatic capture (pageviews and SPA navigation, clicks, rage clicks, scroll,
//!   engagement, forms, errors);
//! - `fingerprint` (cargo feature `fingerprint`): one file per entropy source plus a registry;
//! - `bot`: automation signals; `privacy`: GPC, DNT and opt-out;
//! - `transport`, `persist`, `queue`, `session`, `storage`, `config`, `context`, `url`: the rules,
//!   most of them pure and unit-tested natively;
//! - `js`, `callback`, `text`, `ids`: the small tools they share (`json`, a serde serializer, only
//!   in the tests).
//!
//! Size is a feature (every visitor downloads this; `cargo xtask size` holds the budget), so the
//! crate is `no_std` in the browser (no panic machinery or formatting), talks to the browser
//! through a few generic imports (`js.rs`), shares one closure type (`callback.rs`) and writes
//! its JSON bodies member by member (`wire.rs`, `form/submit.rs`). It never throws into the page: every browser call is
//! caught, and every callback is guarded.

#![cfg_attr(all(target_family = "wasm", not(test)), no_std)]
// A bundle built with only some features leaves some of the shared tools (`js`, `text`, `ids`)
// unused; clippy and the tests see every feature (the defaults).
#![cfg_attr(not(all(feature = "tracker", feature = "form")), allow(dead_code))]

extern crate alloc;

#[cfg(feature = "tracker")]
mod bot;
mod callback;
#[cfg(feature = "tracker")]
mod capture;
#[cfg(feature = "tracker")]
mod config;
#[cfg(feature = "tracker")]
mod context;
#[cfg(feature = "fingerprint")]
mod fingerprint;
#[cfg(feature = "form")]
mod form;
mod ids;
mod js;
#[cfg(test)]
mod json;
#[cfg(feature = "tracker")]
mod persist;
#[cfg(feature = "tracker")]
mod privacy;
#[cfg(feature = "tracker")]
mod queue;
#[cfg(feature = "tracker")]
mod session;
#[cfg(feature = "tracker")]
mod storage;
mod text;
#[cfg(feature = "tracker")]
mod tracker;
#[cfg(feature = "tracker")]
mod transport;
mod url;
#[cfg(feature = "tracker")]
mod wire;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

/// Starts tracking with the loader's config object (`{siteKey, endpoint, autoTrack, consent, …}`,
/// see `sdk/js/loader.js`).
///
/// Returns the API function (`api(op, a, b)`, see `tracker::api`), or a number saying why the
/// tracker stays off: 1 no valid site key or endpoint, 2 not an `http(s)` page, 3 Global Privacy
/// Control or Do Not Track, 4 the visitor opted out, 5 the host is not in `data-domains`.
/// Never throws.
#[cfg(feature = "tracker")]
#[wasm_bindgen]
pub fn start(config: &JsValue) -> JsValue {
    tracker::start(config)
}

/// Renders a lead form into `target.el` (`{el, siteKey, formId, endpoint}`, see
/// `sdk/js/form-loader.js`): fetches its config from `GET /forms/config`, renders it in a shadow
/// root, checks values with the server's own rules and submits to `POST /lead.capture`.
///
/// Returns `false` (and renders nothing) when the target is unusable: no element, a bad site key
/// or form id, an endpoint that is not an `http(s)` URL with a host (the schema's `is_web_url`),
/// or an element that has a shadow root already.
/// Everything after that (the config request, a refused origin, the submission) happens later
/// and quietly. Never throws.
#[cfg(feature = "form")]
#[wasm_bindgen]
pub fn mount(target: &JsValue) -> bool {
    form::mount(target)
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// No panic machinery in the shipped wasm: the code avoids panicking paths, and whatever remains
/// (allocation failure) stops at a trap that the JS guards catch.
#[cfg(all(target_family = "wasm", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// Browser tests, run in headless Chromium by `cargo test --target wasm32-unknown-unknown`. They
/// live in `tests/web.rs` but build inside this crate, which has no rlib to link them against.
#[cfg(all(test, target_family = "wasm"))]
#[path = "../tests/web.rs"]
mod web;
