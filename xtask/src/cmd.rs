//! Running commands: one place that prints what runs, sets the tool environment and checks status.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{Result, paths};

/// A command with PulseGate's tool environment: node tools first on PATH, worker-build pointed at
/// local wasm-bindgen and wasm-opt (it would otherwise download them), wrangler kept offline.
pub(crate) fn tool(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    let root = paths::root();
    let node_bin = root.join("node_modules/.bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![node_bin.clone(), cargo_bin()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).unwrap_or(path));
    if let Some(wasm_bindgen) = which("wasm-bindgen") {
        cmd.env("WASM_BINDGEN_BIN", wasm_bindgen);
    }
    cmd.env("WASM_OPT_BIN", node_bin.join("wasm-opt"));
    let esbuild = root.join("node_modules/@esbuild/linux-x64/bin/esbuild");
    if esbuild.exists() {
        cmd.env("ESBUILD_BIN", esbuild);
    }
    cmd.env("WRANGLER_SEND_METRICS", "false");
    cmd.env("CLOUDFLARE_CF_FETCH_ENABLED", "false");
    cmd.current_dir(&root);
    cmd
}

/// `~/.cargo/bin`, where `cargo install` puts tools.
pub(crate) fn cargo_bin() -> std::path::PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

/// Finds a program on PATH or in `~/.cargo/bin`.
pub(crate) fn which(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([cargo_bin()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `cargo` as the one running xtask (the CARGO variable), with the tool environment.
pub(crate) fn cargo() -> Command {
    tool(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs to completion with inherited output; a non-zero exit is an error naming the step.
pub(crate) fn step(name: &str, cmd: &mut Command) -> Result {
    println!("\n==> {name}");
    let started = Instant::now();
    let status =
        cmd.status().map_err(|e| format!("{name}: cannot start {:?}: {e}", cmd.get_program()))?;
    if !status.success() {
        return Err(format!("{name} failed ({status})"));
    }
    println!("    {name}: done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs quietly and returns stdout, or None when the program is missing or fails.
pub(crate) fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
