//! PulseGate's front door (the cargo-xtask pattern): set-up, build, run and test in one binary.
//!
//! ```text
//! cargo xtask dev     install what is missing, build, migrate, run wrangler dev + the example site
//! cargo xtask test    the same set-up, then fmt, clippy, unit, browser and end-to-end tests
//! cargo xtask size    bytes the browser downloads for the tracker (against the budget and peers),
//!                     and the worker's upload (`size sdk`: the SDK bundles only)
//! cargo xtask build   build the SDK bundles, the npm package and the worker only
//! cargo xtask data    print the sessions and R2 objects `cargo xtask dev` has stored
//! cargo xtask bench   reports against peers and baselines (`bench sdk`, `ingest`, `analytics`, `leads`,
//!                     `replay`)
//! cargo xtask fuzz    the parser property tests, for as long as asked (`fuzz 600`)
//! ```

mod bench;
mod browser_proxy;
mod cmd;
mod dev;
mod fuzz;
mod install;
mod minify;
mod npm;
mod paths;
mod sdk;
mod size;
mod test;
mod unexported;
mod unsaid;
mod unthrow;
mod unwake;
mod worker;

use std::process::ExitCode;

fn main() -> ExitCode {
    cmd::install_signal_handler();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(),
        Some("test") => test::run(),
        Some("size") => size::run(&args[1..]),
        Some("build") => build(),
        Some("data") => dev::show_data(),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => {
            eprintln!("{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: {err}");
            ExitCode::FAILURE
        }
    }
}

const HELP: &str = "usage: cargo xtask <dev|test|size|build|data|bench|fuzz>
  dev    install what is missing, build, migrate local D1, run wrangler dev and the example site
  test   the same set-up, then fmt, clippy (native + wasm32), unit, SDK browser and end-to-end tests
  size   gzip bytes of the tracker bundle and of the worker, checked against their budgets
         (`size sdk`: the SDK bundles only, without building the worker)
  build  build the SDK bundles, the npm package (target/npm/*.tgz) and the worker
  data   print the sessions and R2 objects that `cargo xtask dev` has stored
  bench  `bench sdk`: the SDK's bytes and fingerprint time against FingerprintJS and rrweb;
         `bench ingest [--seconds N] [--clients N]`: ingest throughput, latency and D1 work;
         `--crossings`: JS<->wasm calls per request; `--floor [--runs N]`: the batch against
         routes doing only its mandated storage work (a bench-floor build), interleaved
         `bench analytics`: every /analytics/* report on 100,000 seeded sessions
         `bench leads`: lead capture and webhook timings, D1 writes per capture
  fuzz   `fuzz [SECONDS]`: parser property tests in rounds until the time is up (default 60)";

/// The result every task returns; errors are plain messages for a person.
pub(crate) type Result<T = ()> = std::result::Result<T, String>;

fn build() -> Result {
    install::ensure_build_tools()?;
    sdk::build()?;
    npm::build()?;
    worker::build()
}
