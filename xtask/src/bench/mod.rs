//! `cargo xtask bench <name>`: benchmarks that print a report (never a timed test: the machines
//! are noisy, so numbers are compared with a baseline or a peer measured in the same run).
//!
//! ```text
//! cargo xtask bench sdk                                  the SDK's bytes and fingerprint time
//!                                                        against FingerprintJS (and rrweb)
//! cargo xtask bench ingest [--seconds N] [--clients N]   ingest throughput, latency, D1 work
//! cargo xtask bench analytics                             every /analytics/* report on 100,000 sessions
//! cargo xtask bench leads                                 lead capture latency, D1 work, webhook timing
//! cargo xtask bench replay                                the replay recorder against @rrweb/record 2.1.6
//! ```

mod analytics;
mod ingest;
mod leads;
mod replay;
mod sdk;

use crate::Result;

/// Runs the benchmark named by the first argument.
pub(crate) fn run(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("sdk") => sdk::run(),
        Some("ingest") => ingest::run(&args[1..]),
        Some("analytics") => analytics::run(),
        Some("leads") => leads::run(),
        Some("replay") => replay::run(),
        other => Err(format!(
            "unknown benchmark {other:?}; try `cargo xtask bench sdk`, `ingest`, `analytics`, `leads` or `replay`"
        )),
    }
}

/// The value after `--name` in `args`, parsed, or `default`.
pub(crate) fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} needs a number")),
        None => Ok(default),
    }
}

/// The `p`-th percentile (0–100) of sorted `values`, nearest rank.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn flags_parse_or_default() {
        let args = ["--seconds".to_owned(), "5".to_owned()];
        assert_eq!(flag(&args, "--seconds", 10u64), Ok(5));
        assert_eq!(flag(&args, "--clients", 8u32), Ok(8));
        assert!(flag(&["--seconds".to_owned()], "--seconds", 1u64).is_err());
    }
}
