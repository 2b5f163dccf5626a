//! `cargo xtask bench sdk`: what a page downloads for the tracker (gzip -9) against
//! `@rrweb/record` and FingerprintJS, then the fingerprint in headless Chromium against
//! FingerprintJS 5.2.0's `load().get()` on the same page: time to the id (median, unthrottled and
//! at 4× CPU throttling), main-thread time per source, the longest task, and the same id over 20
//! reloads (`tests/bench/sdk.mjs` drives Chromium through playwright-core and CDP).
//!
//! `RUNS` (default 15) and `RELOADS` (default 20) set the repetitions.

use crate::cmd::{self, step};
use crate::{Result, install, paths, sdk, size, worker};

/// Builds what is measured, prints the size table, runs the browser bench.
pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    install::ensure_browser()?;
    sdk::build()?;
    worker::build()?;
    size::report()?;
    step(
        "fingerprint: PulseGate vs FingerprintJS in headless Chromium",
        cmd::tool("node")
            .arg(paths::root().join("tests/bench/sdk.mjs"))
            .env("CHROMIUM", paths::chromium()),
    )
}
