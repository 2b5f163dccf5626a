//! `cargo xtask bench replay`: the replay chunk against `@rrweb/record` 2.1.6 (npm), in the same
//! headless Chromium in the same run. The browser work is `replay.mjs` beside this file (CDP CPU
//! throttling, a `longtask` observer, medians of 7 runs at 1× and 5 at 4×, the mutation runs of
//! no recorder, rrweb and PulseGate taken in turn); this prints the table, the ratios the replay
//! issue sets as goals and the machine's load average before and after.

use std::process::Stdio;

use crate::cmd;
use crate::{Result, install, paths, sdk};

/// Builds the chunk, runs the harness, prints the report.
pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    install::ensure_browser()?;
    sdk::build()?;
    println!(
        "\n==> replay benchmark (Chromium, 7 runs at 1x and 5 at 4x; several minutes; load average {})",
        load_average()
    );
    let out = cmd::tool("node")
        .arg(paths::root().join("xtask/src/bench/replay.mjs"))
        .env("CHROMIUM", paths::chromium())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!("the replay benchmark failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    let report: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("unreadable benchmark output: {e}"))?;
    print!("{}", format(&report));
    println!(
        "  machine load average after the run: {} (other work on the machine skews every row; the ratios less)",
        load_average()
    );
    Ok(())
}

/// The 1-minute load average, as `/proc/loadavg` has it ("n/a" elsewhere).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "n/a".to_owned())
}

fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    path.iter().fold(v, |v, k| &v[*k]).as_f64().unwrap_or(f64::NAN)
}

/// The report as a table with the goal ratios.
fn format(r: &serde_json::Value) -> String {
    let mut s = String::new();
    let rows = num(r, &["rows"]);
    s.push_str(&format!(
        "\nFull snapshot on a {rows}-row page ({} elements), medians\n",
        rows as u64 * 3 + 7
    ));
    s.push_str(&format!(
        "{:<16} {:>14} {:>12} {:>14} {:>12} {:>12} {:>10}\n",
        "recorder", "longest task", "(probe)", "to snapshot", "JSON B", "gzip B", "heap KB"
    ));
    for rate in ["1x", "4x"] {
        for who in ["rrweb", "pulsegate"] {
            let k = format!("{who}@{rate}");
            let longest = num(r, &["snapshot", &k, "longest_ms"]);
            let shown =
                if longest == 0.0 { "< 50 ms".to_owned() } else { format!("{longest:.0} ms") };
            s.push_str(&format!(
                "{:<16} {:>14} {:>9.0} ms {:>11.0} ms {:>12.0} {:>12.0} {:>10.0}\n",
                k,
                shown,
                num(r, &["snapshot", &k, "longest_gap_ms"]),
                num(r, &["snapshot", &k, "total_ms"]),
                num(r, &["snapshot", &k, "json_bytes"]),
                num(r, &["snapshot", &k, "gzip_bytes"]),
                num(r, &["snapshot", &k, "heap_kb"]),
            ));
        }
    }
    s.push_str("\nUploading the snapshot: compressed in the browser (CompressionStream) or on the server\n");
    for rate in ["1x", "4x"] {
        let k = format!("pulsegate@{rate}");
        s.push_str(&format!(
            "  {rate}: JSON {:.0} B -> CompressionStream gzip {:.0} B in {:.0} ms (longest main-thread gap {:.0} ms); server gzip level 1: {:.0} B\n",
            num(r, &["snapshot", &k, "json_bytes"]),
            num(r, &["snapshot", &k, "client_gzip_bytes"]),
            num(r, &["snapshot", &k, "client_gzip_ms"]),
            num(r, &["snapshot", &k, "client_gzip_gap_ms"]),
            num(r, &["snapshot", &k, "server_gzip_bytes"]),
        ));
    }
    s.push_str(&format!(
        "\n10,000 node additions + 10,000 attribute changes on a {}-row page, medians\n",
        num(r, &["mutation_rows"])
    ));
    s.push_str(&format!(
        "{:<16} {:>12} {:>12} {:>12} {:>12}\n",
        "recorder", "workload", "added", "JSON B", "gzip B"
    ));
    for rate in ["1x", "4x"] {
        let base = num(r, &["mutations", &format!("none@{rate}"), "workload_ms"]);
        for who in ["none", "rrweb", "pulsegate"] {
            let k = format!("{who}@{rate}");
            let w = num(r, &["mutations", &k, "workload_ms"]);
            s.push_str(&format!(
                "{:<16} {:>9.0} ms {:>9.0} ms {:>12.0} {:>12.0}\n",
                k,
                w,
                w - base,
                num(r, &["mutations", &k, "json_bytes"]),
                num(r, &["mutations", &k, "gzip_bytes"]),
            ));
        }
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    s.push_str("\nGoals (PulseGate / @rrweb/record 2.1.6, same run)\n");
    for rate in ["1x", "4x"] {
        let pg = num(r, &["snapshot", &format!("pulsegate@{rate}"), "longest_ms"]);
        let rr = num(r, &["snapshot", &format!("rrweb@{rate}"), "longest_ms"]);
        let (pg_gap, rr_gap) = (
            num(r, &["snapshot", &format!("pulsegate@{rate}"), "longest_gap_ms"]),
            num(r, &["snapshot", &format!("rrweb@{rate}"), "longest_gap_ms"]),
        );
        s.push_str(&format!(
            "  longest main-thread gap (message-loop probe), {rate}: {pg_gap:.0} vs {rr_gap:.0} ms = {:.3}x (goal <= 0.1x)\n",
            ratio(pg_gap, rr_gap)
        ));
        // A recorder with no long task has its longest task under the observer's 50 ms floor.
        let (pg_shown, pg_val) =
            if pg == 0.0 { ("< 50 ms".to_owned(), 50.0) } else { (format!("{pg:.0} ms"), pg) };
        let bound = if pg == 0.0 { "<" } else { "" };
        s.push_str(&format!(
            "  longest task starting the recorder, {rate}: {pg_shown} vs {rr:.0} ms = {bound}{:.3}x (goal <= 0.1x)\n",
            ratio(pg_val, rr)
        ));
        let base = num(r, &["mutations", &format!("none@{rate}"), "workload_ms"]);
        let added =
            |who: &str| num(r, &["mutations", &format!("{who}@{rate}"), "workload_ms"]) - base;
        s.push_str(&format!(
            "  added main-thread time, mutations, {rate}: {:.0} vs {:.0} ms = {:.2}x (goal <= 0.5x)\n",
            added("pulsegate"),
            added("rrweb"),
            ratio(added("pulsegate"), added("rrweb"))
        ));
    }
    let gz = |who: &str| num(r, &["mutations", &format!("{who}@1x"), "gzip_bytes"]);
    s.push_str(&format!(
        "  gzip bytes emitted, mutations: {:.0} vs {:.0} B = {:.2}x (goal <= 0.5x)\n",
        gz("pulsegate"),
        gz("rrweb"),
        ratio(gz("pulsegate"), gz("rrweb"))
    ));
    let (pg, rr) = (num(r, &["size", "pulsegate_gzip"]), num(r, &["size", "rrweb_gzip"]));
    s.push_str(&format!(
        "  recorder chunk, gzip -9: {pg:.0} vs {rr:.0} B = {:.2}x (goal <= 0.5x)\n",
        ratio(pg, rr)
    ));
    s
}
