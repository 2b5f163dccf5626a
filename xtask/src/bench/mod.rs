//! `cargo xtask bench <what>`: performance reports against peers measured in the same run, on
//! this machine. They print numbers for the notes and assert nothing: machines are noisy, so no
//! test depends on a timing.
//!
//! ```text
//! cargo xtask bench sdk    the SDK's bytes and fingerprint time against FingerprintJS (and rrweb)
//! ```

mod sdk;

use crate::Result;

const USAGE: &str = "usage: cargo xtask bench sdk";

/// Runs the bench named by `args[0]`.
pub(crate) fn run(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("sdk") => sdk::run(),
        _ => Err(USAGE.to_owned()),
    }
}
