//! Installs what a fresh machine lacks, checking versions first so a second run skips it all.

use std::path::Path;
use std::process::Command;

use crate::cmd::{self, output, step, which};
use crate::{Result, paths};

/// worker-build version that matches the `worker` crate.
const WORKER_BUILD_VERSION: &str = "0.8.7";

/// Rust target, worker-build, wasm-bindgen-cli (same version as the lockfile), node packages.
pub(crate) fn ensure_build_tools() -> Result {
    ensure_wasm_target()?;
    ensure_cargo_tool("worker-build", "worker-build", WORKER_BUILD_VERSION, true)?;
    let bindgen = locked_version("wasm-bindgen")?;
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &bindgen, false)?;
    ensure_node_packages()
}

/// Debian's Chromium and ChromeDriver, for the SDK browser tests and the end-to-end suite.
pub(crate) fn ensure_browser() -> Result {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    println!(
        "Chromium is missing: installing Debian's chromium and chromium-driver (about 2 minutes)."
    );
    let sudo = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() != "0");
    let apt = |args: &[&str]| {
        let mut c = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    step("apt-get update", &mut apt(&["update"]))?;
    step("install chromium", &mut apt(&["install", "-y", "chromium", "chromium-driver"]))
}

fn ensure_wasm_target() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    step(
        "rustup target add wasm32-unknown-unknown",
        Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
    )
}

/// Installs `krate` at `version` unless `bin --version` already reports it.
fn ensure_cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result {
    let have = which(bin).and_then(|path| output(Command::new(path).arg("--version")));
    // `wasm-bindgen 0.2.130`, but plain `0.8.7` from worker-build.
    if have.as_deref().and_then(|v| v.split_whitespace().last()) == Some(version) {
        return Ok(());
    }
    println!(
        "{bin} {version} is missing (found: {}): compiling it with cargo install, \
         which takes 5 to 12 minutes once per machine.",
        have.as_deref().map_or("none", str::trim)
    );
    let mut install = cmd::cargo();
    install.args(["install", krate, "--version", version]);
    // wasm-bindgen-cli's lockfile pins a yanked webpki-roots, so it must resolve afresh.
    if locked {
        install.arg("--locked");
    }
    step(&format!("cargo install {krate} {version}"), &mut install)
}

/// The version of `package` recorded in Cargo.lock.
fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(paths::root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start =
        lock.find(&needle).ok_or_else(|| format!("{package} is not in Cargo.lock"))? + needle.len();
    let end = lock[start..].find('"').ok_or("Cargo.lock is malformed")? + start;
    Ok(lock[start..end].to_owned())
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn ensure_node_packages() -> Result {
    let root = paths::root();
    let node = output(Command::new("node").arg("--version"))
        .ok_or("Node.js is required (version 20 or newer): install it with your package manager")?;
    let major: u32 =
        node.trim().trim_start_matches('v').split('.').next().unwrap_or("0").parse().unwrap_or(0);
    if major < 20 {
        return Err(format!("Node.js 20 or newer is required, found {}", node.trim()));
    }
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(&root.join("node_modules/.package-lock.json"));
    let wanted = modified(&root.join("package-lock.json"));
    if installed.is_some() && installed >= wanted && paths::node_bin("wrangler").exists() {
        return Ok(());
    }
    step(
        "npm ci (wrangler, binaryen, playwright-core)",
        cmd::tool("npm").args(["ci", "--no-audit", "--no-fund"]),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_locked_wasm_bindgen_version() {
        let v = super::locked_version("wasm-bindgen").unwrap();
        assert_eq!(v, "0.2.130", "Cargo.toml pins wasm-bindgen =0.2.130");
    }
}
