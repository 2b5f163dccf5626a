//! `cargo xtask bench <what>`: performance reports, each against a peer measured in the same run.
//! Reports, not tests: timings on a shared 2-core machine move too much to assert on.

mod replay;

use crate::Result;

/// Runs the named benchmark.
pub(crate) fn run(what: Option<&str>) -> Result {
    match what {
        Some("replay") => replay::run(),
        _ => Err("usage: cargo xtask bench replay".to_owned()),
    }
}
