//! `cargo xtask size`: gzip bytes of what a browser downloads for the first pageview, against the
//! budget and against peers measured in the same run; and the worker's upload, against its own.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::{Result, install, paths, sdk, worker};

/// Loader + wasm needed for the first pageview, gzip -9 bytes.
const FIRST_PAGEVIEW_BUDGET: usize = 14_000;

/// What the tracker replaces on a page: rrweb's recorder plus FingerprintJS (npm dev-dependencies).
const PEERS: &[(&str, &str)] = &[
    ("@rrweb/record record.min.js", "node_modules/@rrweb/record/umd/record.min.js"),
    (
        "@fingerprintjs/fingerprintjs fp.min.js",
        "node_modules/@fingerprintjs/fingerprintjs/dist/fp.min.js",
    ),
];

/// The worker's upload (`build/index_bg.wasm` + `build/index.js`), gzip -9 bytes.
///
/// Tracking ingest took the foundation's worker from 234 KB to about 337 KB (+44 %, measured
/// here; wrangler reported 231 KiB before and reports its own figure in `cargo xtask test`). The
/// growth is the ingest backend itself: four routes behind a D1 rate limiter with IP lists, a
/// sanitizer, batch summaries in R2 metadata, exact throttled aggregates and rollups, the
/// identity network, network signals, both scores and bounded retention of six stores. About
/// 45 KB of the gzip is the wasm name section worker-build keeps for readable panics; most of
/// the rest is serde code for the new wire and storage types.
///
/// The dashboard API took it to about 547 KB (+62 % on ingest): 35 authenticated routes with
/// typed request bodies (each one its own path-tracking deserializer, so that a bad field is
/// named), 13 reports with their SQL, zone math, JSON and CSV shaping, session detail from R2,
/// settings, keys, sites, forms, the site registry and the PII masker. Measured by function in
/// the wasm: its routes, analytics and router modules are 300 KB raw, serde code for its types
/// most of the rest. It is 18 % of the Free plan's 3 MB compressed limit (the upload limit is now
/// 64 MiB on every plan). A growth past this budget needs its own reason.
///
/// Lead capture took it to about 697 KB (+27 % on the dashboard API's 549 KB, measured here):
/// `/forms/config`, `/lead.capture` (two auth modes, the shared rule set, bot traps, one-batch
/// idempotent capture), three callbacks, the deprecated routes, the lead list and detail, the
/// webhook outbox (Standard Webhooks signing with hmac + base64, leases, backoff, dead letters,
/// payloads built from D1), the drought alert, IP lists and testing rules: 22 routes and 9
/// tables. By function in the wasm, the new handlers and jobs are about 250 KB raw, mostly serde
/// code for their ~30 body and row types (each D1 row type has its own deserializer). It is 23 %
/// of the old 3 MB limit.
const WORKER_BUDGET: usize = 720_000;
/// The worker on `main` before tracking ingest (d9248cd), measured by [`check_worker`].
const WORKER_FOUNDATION: usize = 234_361;

/// Builds the bundle and the worker, prints both tables, fails over either budget.
pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    sdk::build()?;
    check()?;
    worker::build()?;
    check_worker()
}

/// Prints the worker's size (already built); fails over its budget.
pub(crate) fn check_worker() -> Result {
    let dir = paths::root().join("worker/build");
    let mut total = (0, 0);
    println!(
        "
{:<44} {:>10} {:>10}",
        "worker upload", "raw B", "gzip -9 B"
    );
    for name in ["index_bg.wasm", "index.js"] {
        let (raw, gz) = sizes(&dir.join(name))?;
        println!("{name:<44} {raw:>10} {gz:>10}");
        total = (total.0 + raw, total.1 + gz);
    }
    let growth = (total.1 as f64 / WORKER_FOUNDATION as f64 - 1.0) * 100.0;
    println!("{:<44} {:>10} {:>10}", "total", total.0, total.1);
    println!(
        "{:<44} {:>10} {:>10}  ({growth:+.0}% on the foundation's {WORKER_FOUNDATION} B)",
        "budget", "", WORKER_BUDGET
    );
    if total.1 > WORKER_BUDGET {
        return Err(format!("the worker is {} B gzip, over its {WORKER_BUDGET} B budget", total.1));
    }
    Ok(())
}

/// Prints the table for the bundle already built; fails over budget.
pub(crate) fn check() -> Result {
    let report = measure()?;
    print!("{report}");
    if report.total_gzip > FIRST_PAGEVIEW_BUDGET {
        return Err(format!(
            "the tracker is {} B gzip, over its {FIRST_PAGEVIEW_BUDGET} B budget",
            report.total_gzip
        ));
    }
    Ok(())
}

struct Report {
    rows: Vec<(String, usize, usize)>,
    total_raw: usize,
    total_gzip: usize,
    peers: Vec<(String, usize, usize)>,
}

fn measure() -> Result<Report> {
    let dist = paths::sdk_dist();
    let mut files: Vec<PathBuf> = fs::read_dir(&dist)
        .map_err(|e| format!("cannot read {}: {e}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        // The first pageview needs the tracker loader and the wasm it fetches.
        if name == "tracker.js" || name.ends_with(".wasm") {
            let (raw, gz) = sizes(file)?;
            rows.push((name.into_owned(), raw, gz));
        }
    }
    let total_raw = rows.iter().map(|r| r.1).sum();
    let total_gzip = rows.iter().map(|r| r.2).sum();
    let root = paths::root();
    let mut peers = Vec::new();
    for (name, path) in PEERS {
        let path = root.join(path);
        if path.exists() {
            let (raw, gz) = sizes(&path)?;
            peers.push(((*name).to_owned(), raw, gz));
        }
    }
    Ok(Report { rows, total_raw, total_gzip, peers })
}

fn sizes(path: &Path) -> Result<(usize, usize)> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((bytes.len(), gzip_len(&bytes)))
}

/// Length of `bytes` compressed at gzip's level 9.
fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    let _ = enc.write_all(bytes);
    enc.finish().map_or(0, |v| v.len())
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "\n{:<44} {:>10} {:>10}", "file (first pageview)", "raw B", "gzip -9 B")?;
        for (name, raw, gz) in &self.rows {
            writeln!(f, "{name:<44} {raw:>10} {gz:>10}")?;
        }
        let pct = self.total_gzip * 100 / FIRST_PAGEVIEW_BUDGET;
        writeln!(f, "{:<44} {:>10} {:>10}", "total", self.total_raw, self.total_gzip)?;
        writeln!(f, "{:<44} {:>10} {:>10}  ({pct}% used)", "budget", "", FIRST_PAGEVIEW_BUDGET)?;
        if !self.peers.is_empty() {
            writeln!(f, "\npeers, measured now:")?;
            for (name, raw, gz) in &self.peers {
                writeln!(f, "{name:<44} {raw:>10} {gz:>10}")?;
            }
            let peer_gz: usize = self.peers.iter().map(|p| p.2).sum();
            writeln!(
                f,
                "PulseGate / peers (gzip)                     {:>21.2}x",
                self.total_gzip as f64 / peer_gz as f64
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn gzip_shrinks_repetitive_input() {
        let data = vec![b'a'; 10_000];
        let gz = super::gzip_len(&data);
        assert!(gz > 18 && gz < 200, "{gz}");
    }
}
