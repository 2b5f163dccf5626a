//! `cargo xtask fuzz [seconds]`: the parser property tests (`fuzz_*` in `worker/src/fuzz.rs`:
//! arbitrary bytes, arbitrary JSON and mutated valid bodies for every ingest type, arbitrary text
//! for every text parser) in rounds of fresh random cases until the time is up. CI runs the same
//! properties with 2,000 cases each as part of the unit tests.

use std::time::{Duration, Instant};

use crate::Result;
use crate::cmd::{self, step};

/// Cases per property per round.
const CASES_PER_ROUND: u32 = 20_000;

pub(crate) fn run(args: &[String]) -> Result {
    let seconds: u64 = match args.first() {
        Some(s) => s.parse().map_err(|_| format!("fuzz takes a number of seconds, not {s:?}"))?,
        None => 60,
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rounds = 0u32;
    loop {
        rounds += 1;
        step(
            &format!("fuzz round {rounds} ({CASES_PER_ROUND} cases per property)"),
            cmd::cargo()
                .args([
                    "test",
                    "-p",
                    "pulsegate-worker",
                    "--lib",
                    "--locked",
                    "fuzz_",
                    "--",
                    "--quiet",
                ])
                .env("PROPTEST_CASES", CASES_PER_ROUND.to_string()),
        )?;
        if Instant::now() >= deadline {
            break;
        }
    }
    println!(
        "\nfuzz: {rounds} round(s), {} cases per property, no failure",
        u64::from(rounds) * u64::from(CASES_PER_ROUND)
    );
    Ok(())
}
