//! `cargo xtask dev`: everything a newcomer needs to click around and watch data arrive.

use std::process::Command;

use crate::cmd::{self, step};
use crate::{Result, install, paths, sdk, worker};

/// Set up, build, migrate, then serve the worker and the example site until Ctrl-C (or SIGTERM):
/// both run in process groups of their own that end with xtask, however it ends.
pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    sdk::build()?;
    worker::build()?;
    worker::ensure_dev_vars()?;
    let state = paths::dev_state();
    worker::migrate(&state)?;

    let port = std::env::var("PULSEGATE_PORT").unwrap_or_else(|_| "8787".to_owned());
    let site_port = std::env::var("PULSEGATE_SITE_PORT").unwrap_or_else(|_| "8080".to_owned());
    let api = format!("http://127.0.0.1:{port}");
    let site = cmd::spawn(
        "example site",
        cmd::tool("node").arg("examples/serve.mjs").args(["--port", &site_port, "--worker", &api]),
    )?;
    println!(
        "
PulseGate is starting.
  example site   http://127.0.0.1:{site_port}/      (a customer's page carrying the script tag)
  worker         {api}/health
  tracker        {api}/tracker.js
  see the data   cargo xtask data       (sessions in D1 and event objects in R2, from {state})
  run a cron     curl '{api}/__scheduled?cron=0+3+*+*+*'
  dashboard API  curl -H \"Authorization: Bearer $(grep ^ANALYTICS_API_KEY worker/.dev.vars | cut -d= -f2)\" {api}/analytics/overview
Press Ctrl-C to stop.
",
        state = state.display()
    );
    let wrangler = cmd::spawn(
        "wrangler dev",
        worker::wrangler()
            .args(["dev", "--ip", "127.0.0.1", "--port", &port, "--test-scheduled"])
            .args(["--show-interactive-dev-session=false", "--persist-to"])
            .arg(&state),
    )?;
    // Unregistered site keys are refused at session start: register the example's, so that a
    // newcomer sees data arrive (through the admin API, with the key in worker/.dev.vars).
    let registered = step(
        "register the example site (site key demo)",
        cmd::tool("node").arg("scripts/register-example-site.mjs").args([
            "--api",
            &api,
            "--site",
            &format!("http://127.0.0.1:{site_port}"),
        ]),
    );
    let result = registered.and_then(|()| {
        let status = wrangler.wait()?;
        if status.success() { Ok(()) } else { Err(format!("wrangler dev failed ({status})")) }
    });
    drop(site);
    result
}

/// `cargo xtask data`: prints what the local dev state holds.
pub(crate) fn show_data() -> Result {
    step(
        "local data",
        Command::new("node")
            .current_dir(paths::root())
            .arg("scripts/show-data.mjs")
            .arg(paths::dev_state()),
    )
}
