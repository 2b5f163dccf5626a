//! `cargo xtask bench <name>`: benchmarks that print a report (never a timed test: the machines
//! are noisy, so numbers are compared with a peer measured in the same run).
//!
//! ```text
//! cargo xtask bench replay    the replay recorder against @rrweb/record 2.1.6 in Chromium
//! ```

mod replay;

use crate::Result;

/// Runs the benchmark named by the first argument.
pub(crate) fn run(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("replay") => replay::run(),
        other => Err(format!("unknown benchmark {other:?}; try `cargo xtask bench replay`")),
    }
}
