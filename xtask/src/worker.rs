//! The worker: building it with worker-build and driving wrangler (migrations, dev server).

use std::path::Path;
use std::process::Command;

use crate::cmd::{self, step};
use crate::{Result, paths};

/// Builds `worker/build/` (skipped by the script when its inputs are unchanged).
pub(crate) fn build() -> Result {
    step(
        "build worker (worker-build --release)",
        cmd::tool("bash").arg(paths::root().join("scripts/build-worker.sh")),
    )
}

/// `wrangler <args>` run from `worker/`, where wrangler.toml lives.
pub(crate) fn wrangler() -> Command {
    let mut cmd = cmd::tool(paths::node_bin("wrangler"));
    cmd.current_dir(paths::root().join("worker"));
    cmd
}

/// Applies `migrations/*.sql` to the local D1 database kept in `state`.
pub(crate) fn migrate(state: &Path) -> Result {
    step(
        "apply D1 migrations (local)",
        wrangler()
            .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
            .arg(state)
            // Without a TTY wrangler asks nothing when CI is set.
            .env("CI", "1"),
    )
}

/// `wrangler deploy --dry-run`: proves the production bundle builds and prints its upload size
/// ("Total Upload: … / gzip: …"). Nothing is uploaded; the output goes to a temporary directory.
pub(crate) fn deploy_dry_run() -> Result {
    let out = paths::target().join("deploy-dry-run");
    let _ = std::fs::remove_dir_all(&out);
    step(
        "wrangler deploy --dry-run (production bundle)",
        wrangler().args(["deploy", "--dry-run", "--outdir"]).arg(&out).env("CI", "1"),
    )
}

/// Copies `.dev.vars.example` to `.dev.vars` (local secrets) when there is none.
pub(crate) fn ensure_dev_vars() -> Result {
    let dir = paths::root().join("worker");
    let vars = dir.join(".dev.vars");
    if !vars.exists() {
        std::fs::copy(dir.join(".dev.vars.example"), &vars)
            .map_err(|e| format!("cannot create worker/.dev.vars: {e}"))?;
        println!("    created worker/.dev.vars from .dev.vars.example (local secrets)");
    }
    Ok(())
}
