//! `cargo xtask size`: gzip bytes of what a browser downloads for the first pageview, against the
//! budget and against peers measured in the same run.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::{Result, install, paths, sdk};

/// Loader + wasm needed for the first pageview, gzip -9 bytes.
const FIRST_PAGEVIEW_BUDGET: usize = 14_000;

/// The session-replay chunk (its script + wasm), gzip -9 bytes: a ceiling so it cannot grow
/// unnoticed. It sits above [`REPLAY_CHUNK_GOAL`], which the chunk does not meet yet.
const REPLAY_CHUNK_BUDGET: usize = 31_000;

/// The replay issue's goal for the chunk: half of `@rrweb/record`'s `record.min.js` (23,736 B
/// gzip). Printed with the ratio, not enforced.
const REPLAY_CHUNK_GOAL: usize = 11_868;

/// What the tracker replaces on a page: rrweb's recorder plus FingerprintJS (npm dev-dependencies).
const PEERS: &[(&str, &str)] = &[
    ("@rrweb/record record.min.js", "node_modules/@rrweb/record/umd/record.min.js"),
    (
        "@fingerprintjs/fingerprintjs fp.min.js",
        "node_modules/@fingerprintjs/fingerprintjs/dist/fp.min.js",
    ),
];

/// Builds the bundle, prints the table, fails over budget.
pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    sdk::build()?;
    check()
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
    let replay: usize = report.replay.iter().map(|r| r.2).sum();
    if replay > REPLAY_CHUNK_BUDGET {
        return Err(format!(
            "the replay chunk is {replay} B gzip, over its {REPLAY_CHUNK_BUDGET} B budget"
        ));
    }
    Ok(())
}

struct Report {
    rows: Vec<(String, usize, usize)>,
    /// The replay chunk's files, fetched only for recorded sessions.
    replay: Vec<(String, usize, usize)>,
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
    let mut replay = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        // The first pageview needs the tracker loader and the wasm it fetches; the replay chunk
        // comes later, and only for recorded sessions.
        if name.starts_with("replay-") {
            let (raw, gz) = sizes(file)?;
            replay.push((name.into_owned(), raw, gz));
        } else if name == "tracker.js" || name.ends_with(".wasm") {
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
    Ok(Report { rows, replay, total_raw, total_gzip, peers })
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
        if !self.replay.is_empty() {
            writeln!(
                f,
                "\n{:<44} {:>10} {:>10}",
                "replay chunk (recorded sessions only)", "raw B", "gzip -9 B"
            )?;
            for (name, raw, gz) in &self.replay {
                writeln!(f, "{name:<44} {raw:>10} {gz:>10}")?;
            }
            let raw: usize = self.replay.iter().map(|r| r.1).sum();
            let gz: usize = self.replay.iter().map(|r| r.2).sum();
            writeln!(f, "{:<44} {raw:>10} {gz:>10}", "total")?;
            writeln!(f, "{:<44} {:>10} {REPLAY_CHUNK_BUDGET:>10}", "budget (ceiling)", "")?;
            writeln!(f, "{:<44} {:>10} {REPLAY_CHUNK_GOAL:>10}", "goal (0.5x @rrweb/record)", "")?;
            if let Some(rrweb) = self.peers.iter().find(|p| p.0.starts_with("@rrweb/record")) {
                writeln!(
                    f,
                    "replay chunk / @rrweb/record (gzip) {:>30.2}x",
                    gz as f64 / rrweb.2 as f64
                )?;
            }
        }
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
