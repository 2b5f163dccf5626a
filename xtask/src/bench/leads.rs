//! `cargo xtask bench leads`: builds, then runs `scripts/bench-leads.mjs`: `/forms/config` and
//! `/lead.capture` latency next to `/health` on the same worker, capture throughput, D1 writes per
//! capture, the time to the signed webhook, and one cron run draining a webhook backlog.

use crate::cmd::{self, step};
use crate::{Result, install, sdk, worker};

pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    sdk::build()?;
    worker::build()?;
    step("lead capture benchmark", cmd::tool("node").arg("scripts/bench-leads.mjs"))
}
