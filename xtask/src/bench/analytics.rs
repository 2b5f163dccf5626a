//! `cargo xtask bench analytics`: builds, then runs `scripts/bench-analytics.mjs`, which seeds
//! 100,000 sessions into a fresh local D1 and times every `/analytics/*` report through a real
//! `wrangler dev` (p50 of 20), with D1's query plans. A report: it fails only if a report fails.

use crate::cmd::{self, step};
use crate::{Result, install, sdk, worker};

pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    sdk::build()?;
    worker::build()?;
    step("analytics benchmark", cmd::tool("node").arg("scripts/bench-analytics.mjs"))
}
