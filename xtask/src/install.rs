//! Installs what a fresh machine lacks, checking versions first so a second run skips it all.

use std::path::Path;
use std::process::Command;

use crate::cmd::{self, output, step};
use crate::{Result, paths};

/// worker-build version that matches the `worker` crate.
const WORKER_BUILD_VERSION: &str = "0.8.7";
/// wasm-pack version that builds the npm package.
const WASM_PACK_VERSION: &str = "0.15.1";
/// The manifest (and lockfile) the wasm-bindgen CLI is installed from.
const WASM_BINDGEN_TOOL: &str = "tools/wasm-bindgen";
/// Its package name, as `cargo install --list` shows it.
const WASM_BINDGEN_PACKAGE: &str = "pulsegate-wasm-bindgen";

/// Rust target, worker-build, wasm-bindgen (same version as the lockfile), node packages.
pub(crate) fn ensure_build_tools() -> Result {
    ensure_wasm_target()?;
    ensure_worker_build()?;
    ensure_wasm_bindgen()?;
    ensure_node_packages()
}

/// Debian's Chromium and ChromeDriver, for the SDK browser tests and the end-to-end suite.
pub(crate) fn ensure_browser() -> Result {
    if Path::new(&paths::chromium()).exists() && Path::new(&paths::chromedriver()).exists() {
        return Ok(());
    }
    if !Path::new("/etc/debian_version").exists() || cmd::which("apt-get").is_none() {
        return Err(format!(
            "the browser tests need Chromium and ChromeDriver of the same version, and this is \
             not a Debian-like system where xtask can install them with apt. Install them with \
             your package manager (e.g. `dnf install chromium chromedriver`, `pacman -S chromium`, \
             `brew install --cask chromium chromedriver`), then point xtask at them: \
             CHROMIUM=/path/to/chromium CHROMEDRIVER=/path/to/chromedriver cargo xtask test \
             (looked for {} and {})",
            paths::chromium(),
            paths::chromedriver()
        ));
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

/// worker-build from crates.io with its own lockfile (`--locked`).
fn ensure_worker_build() -> Result {
    let bin = paths::cargo_bin().join("worker-build");
    let have = output(Command::new(&bin).arg("--version"));
    // worker-build prints a bare `0.8.7`.
    if have.as_deref().and_then(|v| v.split_whitespace().last()) == Some(WORKER_BUILD_VERSION) {
        return Ok(());
    }
    announce("worker-build", WORKER_BUILD_VERSION, have.as_deref());
    step(
        &format!("cargo install worker-build {WORKER_BUILD_VERSION}"),
        cmd::cargo().args([
            "install",
            "worker-build",
            "--version",
            WORKER_BUILD_VERSION,
            "--locked",
        ]),
    )
}

/// wasm-bindgen and wasm-bindgen-test-runner from `tools/wasm-bindgen` and its committed lockfile
/// (`--locked`), at the version Cargo.lock pins for the wasm-bindgen library. An install from
/// anywhere else (an unlocked `cargo install wasm-bindgen-cli`) is replaced.
fn ensure_wasm_bindgen() -> Result {
    let version = locked_version("wasm-bindgen")?;
    let tool_version = tool_manifest_version()?;
    if tool_version != version {
        return Err(format!(
            "{WASM_BINDGEN_TOOL}/Cargo.toml is at {tool_version} but Cargo.lock pins wasm-bindgen \
             {version}: update the tool's version, its wasm-bindgen-cli dependency and its lockfile"
        ));
    }
    let have = output(Command::new(paths::wasm_bindgen()).arg("--version"));
    let listed = output(cmd::cargo().args(["install", "--list"])).unwrap_or_default();
    if have.as_deref().map(str::trim) == Some(&format!("wasm-bindgen {version}"))
        && installed_from_tools(&listed, &version)
    {
        return Ok(());
    }
    announce("wasm-bindgen", &version, have.as_deref());
    let tool = paths::root().join(WASM_BINDGEN_TOOL);
    step(
        &format!("cargo install wasm-bindgen {version} (locked, from {WASM_BINDGEN_TOOL})"),
        cmd::cargo()
            .args(["install", "--locked", "--force", "--path"])
            .arg(&tool)
            .arg("--target-dir")
            .arg(paths::target().join("tools")),
    )
}

/// wasm-pack, which builds the npm package (`cargo install --locked`, once per machine).
pub(crate) fn ensure_wasm_pack() -> Result {
    let have = output(Command::new(paths::wasm_pack()).arg("--version"));
    // wasm-pack prints `wasm-pack 0.15.1`.
    if have.as_deref().and_then(|v| v.split_whitespace().last()) == Some(WASM_PACK_VERSION) {
        return Ok(());
    }
    announce("wasm-pack", WASM_PACK_VERSION, have.as_deref());
    step(
        &format!("cargo install wasm-pack {WASM_PACK_VERSION}"),
        cmd::cargo()
            .args(["install", "wasm-pack", "--locked", "--version", WASM_PACK_VERSION])
            .arg("--target-dir")
            .arg(paths::target().join("tools")),
    )
}

/// Whether `cargo install --list` shows the CLI installed from `tools/wasm-bindgen` at `version`:
/// a line `pulsegate-wasm-bindgen v0.2.130 (/path/to/tools/wasm-bindgen):`.
fn installed_from_tools(list: &str, version: &str) -> bool {
    let prefix = format!("{WASM_BINDGEN_PACKAGE} v{version} (");
    list.lines().any(|line| line.starts_with(&prefix))
}

fn announce(bin: &str, version: &str, have: Option<&str>) {
    println!(
        "{bin} {version} is missing (found: {}): compiling it with cargo install, which takes 5 to \
         12 minutes once per machine.",
        have.map_or("none", str::trim)
    );
}

/// The version of `package` recorded in Cargo.lock.
fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(paths::root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    quoted_after(&lock, &format!("name = \"{package}\"\nversion = \""))
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))
}

/// The `version` of `tools/wasm-bindgen/Cargo.toml` (the first `version = "…"` line).
fn tool_manifest_version() -> Result<String> {
    let path = paths::root().join(WASM_BINDGEN_TOOL).join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    quoted_after(&manifest, "\nversion = \"")
        .ok_or_else(|| format!("no version in {}", path.display()))
}

/// The text between `needle` and the next `"`.
fn quoted_after(text: &str, needle: &str) -> Option<String> {
    let start = text.find(needle)? + needle.len();
    let end = text[start..].find('"')? + start;
    Some(text[start..end].to_owned())
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
    step("npm ci (node tools)", cmd::tool("npm").args(["ci", "--no-audit", "--no-fund"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_locked_wasm_bindgen_version() {
        let v = locked_version("wasm-bindgen").unwrap();
        assert_eq!(v, "0.2.130", "Cargo.toml pins wasm-bindgen =0.2.130");
    }

    #[test]
    fn the_tool_manifest_pins_the_same_cli_as_the_library() {
        let version = locked_version("wasm-bindgen").unwrap();
        assert_eq!(tool_manifest_version().unwrap(), version);
        let manifest =
            std::fs::read_to_string(paths::root().join(WASM_BINDGEN_TOOL).join("Cargo.toml"))
                .unwrap();
        assert!(manifest.contains(&format!("wasm-bindgen-cli = {{ version = \"={version}\"")));
        let tool_lock =
            std::fs::read_to_string(paths::root().join(WASM_BINDGEN_TOOL).join("Cargo.lock"))
                .unwrap();
        assert_eq!(
            quoted_after(&tool_lock, "name = \"wasm-bindgen-cli\"\nversion = \"").as_deref(),
            Some(version.as_str())
        );
    }

    #[test]
    fn only_an_install_from_the_tools_manifest_counts() {
        let ours = "pulsegate-wasm-bindgen v0.2.130 (/src/pulsegate/tools/wasm-bindgen):\n    wasm-bindgen\n";
        let theirs = "wasm-bindgen-cli v0.2.130:\n    wasm-bindgen\n";
        assert!(installed_from_tools(ours, "0.2.130"));
        assert!(!installed_from_tools(theirs, "0.2.130"));
        assert!(!installed_from_tools(ours, "0.2.131"));
    }
}
