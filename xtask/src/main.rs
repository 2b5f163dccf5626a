//! PulseGate's front door (the cargo-xtask pattern): set-up, build, run and test in one binary.
//!
//! ```text
//! cargo xtask dev     install what is missing, build, migrate, run wrangler dev + the example site
//! cargo xtask test    the same set-up, then fmt, clippy, unit, browser and end-to-end tests
//! cargo xtask size    bytes the browser downloads for the tracker, against the budget and peers
//! cargo xtask bench   performance reports against peers (`bench replay`)
//! cargo xtask build   build the SDK bundle and the worker only
//! cargo xtask data    print the sessions and R2 objects `cargo xtask dev` has stored
//! ```

mod bench;
mod cmd;
mod dev;
mod install;
mod paths;
mod sdk;
mod size;
mod test;
mod worker;

use std::process::ExitCode;

fn main() -> ExitCode {
    cmd::install_signal_handler();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(),
        Some("test") => test::run(),
        Some("size") => size::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("build") => build(),
        Some("data") => dev::show_data(),
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

const HELP: &str = "usage: cargo xtask <dev|test|size|build>
  dev    install what is missing, build, migrate local D1, run wrangler dev and the example site
  test   the same set-up, then fmt, clippy (native + wasm32), unit, SDK browser and end-to-end tests
  size   gzip bytes of the tracker bundle, checked against the budget and against peers
  bench  performance reports against peers measured in the same run: `bench replay`
  build  build the SDK bundle and the worker
  data   print the sessions and R2 objects that `cargo xtask dev` has stored";

/// The result every task returns; errors are plain messages for a person.
pub(crate) type Result<T = ()> = std::result::Result<T, String>;

fn build() -> Result {
    install::ensure_build_tools()?;
    sdk::build()?;
    worker::build()
}
