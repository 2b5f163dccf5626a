//! Builds `@pulsegate/sdk`, the npm package for single-page apps, from the same SDK crate and
//! features as `tracker.js`, and packs it:
//!
//! ```text
//! wasm-pack build sdk --target web --no-opt   cargo (wasm32, release) + the pinned wasm-bindgen
//!   → wasm-opt -Oz (binaryen 132) → minify.rs (short import/export names)
//!   → wasm.js (the wasm as base64) + glue.js (import table and init step)
//!   → esbuild: npm/src/sdk.js + glue + wasm.js   npm/dist/sdk.js   (ESM; loaded on init())
//!   npm/src/index.js, index.d.ts                 npm/dist/         (the entry point and types)
//!   → npm pack                                   <target>/npm/pulsegate-sdk-<version>.tgz
//!                                                (and pulsegate-sdk.tgz, for examples/spa)
//! ```
//!
//! The wasm is inlined rather than fetched from `new URL(…, import.meta.url)` so that no bundler
//! needs a plugin or config (esbuild would leave the file behind); `npm/README.md` has the
//! measurement. `npm/dist/` is build output (ignored by git).

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::cmd::{self, step};
use crate::{Result, install, minify, paths, sdk};

/// The SDK features the package is built with: the tracker's.
const FEATURES: &str = "tracker,fingerprint,form";

/// The variable that names the packed tarball for the end-to-end tests.
pub(crate) const TARBALL_VAR: &str = "PULSEGATE_NPM_TARBALL";

/// `npm/`, the package's sources.
pub(crate) fn dir() -> PathBuf {
    paths::root().join("npm")
}

/// Where `npm pack` puts the tarball.
pub(crate) fn pack_dir() -> PathBuf {
    paths::target().join("npm")
}

/// Builds `npm/dist/` and packs it; returns the tarball.
pub(crate) fn build() -> Result<PathBuf> {
    install::ensure_wasm_pack()?;
    let version = workspace_version()?;
    let manifest = read_text(&dir().join("package.json"))?;
    let declared = package_version(&manifest).ok_or("npm/package.json has no version")?;
    if declared != version {
        return Err(format!(
            "npm/package.json is at {declared} but the workspace is at {version}: keep them equal"
        ));
    }
    let stage = paths::target().join("npm-build");
    let _ = fs::remove_dir_all(&stage);
    step(
        &format!("wasm-pack build (web target, features: {FEATURES})"),
        cmd::tool(paths::wasm_pack())
            .args(["build", "sdk", "--target", "web", "--release", "--no-opt", "--no-pack"])
            .args(["--no-typescript", "--out-name", "pulsegate_sdk", "--out-dir"])
            .arg(stage.join("pkg"))
            .args(["--", "--no-default-features", "--features", FEATURES])
            // wasm-pack writes nothing but where it is told; it must not try to download a
            // wasm-bindgen of its own (it finds the pinned one first on PATH).
            .env("WASM_PACK_CACHE", paths::target().join("wasm-pack-cache")),
    )?;
    let optimized = stage.join("pulsegate_sdk.opt.wasm");
    step(
        "wasm-opt -Oz (binaryen 132, npm package)",
        cmd::tool(paths::node_bin("wasm-opt"))
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .arg(stage.join("pkg/pulsegate_sdk_bg.wasm"))
            .arg("-o")
            .arg(&optimized),
    )?;
    let glue = read_text(&stage.join("pkg/pulsegate_sdk.js"))?;
    let (wasm, glue) = minify::minify(&sdk::read(&optimized)?, &glue)?;
    // The glue's snippet imports are relative to it: it stays next to them.
    sdk::write(&stage.join("pkg/glue.js"), sdk::expose_internals(&glue)?.as_bytes())?;
    let base64 = base64::engine::general_purpose::STANDARD.encode(&wasm);
    sdk::write(
        &stage.join("pkg/wasm.js"),
        format!("// The SDK's wasm, {} bytes.\nexport const WASM = \"{base64}\";\n", wasm.len())
            .as_bytes(),
    )?;
    fs::copy(dir().join("src/sdk.js"), stage.join("pkg/sdk.js"))
        .map_err(|e| format!("cannot copy npm/src/sdk.js: {e}"))?;
    let dist = dir().join("dist");
    let _ = fs::remove_dir_all(&dist);
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
    sdk::esbuild(
        "esbuild: npm/dist/sdk.js (glue + inline wasm)",
        &stage.join("pkg/sdk.js"),
        &dist.join("sdk.js"),
        &["--bundle", "--format=esm", &format!("--target={}", sdk::CHUNK_TARGETS)],
    )?;
    for file in ["index.js", "index.d.ts"] {
        fs::copy(dir().join("src").join(file), dist.join(file))
            .map_err(|e| format!("cannot copy npm/src/{file}: {e}"))?;
    }
    pack(&version)
}

/// `npm pack` of `npm/` into [`pack_dir`]; returns the tarball.
fn pack(version: &str) -> Result<PathBuf> {
    let out = pack_dir();
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let tarball = out.join(format!("pulsegate-sdk-{version}.tgz"));
    let _ = fs::remove_file(&tarball);
    step(
        "npm pack (@pulsegate/sdk)",
        cmd::tool("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&out)
            .current_dir(dir()),
    )?;
    if !tarball.exists() {
        return Err(format!("npm pack did not write {}", tarball.display()));
    }
    let bytes = sdk::read(&tarball)?;
    // The same file under a name without the version, for examples/spa/package.json.
    sdk::write(&out.join("pulsegate-sdk.tgz"), &bytes)?;
    println!("    @pulsegate/sdk {version}: {} ({} B)", tarball.display(), bytes.len());
    Ok(tarball)
}

/// The package lints on the packed tarball: publint and Are The Types Wrong (ESM only: the
/// package has no CommonJS entry, so `node10` and `node16-cjs` resolution are not its targets).
pub(crate) fn lint(tarball: &Path) -> Result {
    step(
        "publint --strict (@pulsegate/sdk)",
        cmd::tool(paths::node_bin("publint")).arg("--strict").arg(tarball),
    )?;
    step(
        "are the types wrong (@pulsegate/sdk)",
        cmd::tool(paths::node_bin("attw")).arg(tarball).args(["--profile", "esm-only"]),
    )
}

/// The workspace version (`[workspace.package] version` in the root Cargo.toml).
fn workspace_version() -> Result<String> {
    let manifest = read_text(&paths::root().join("Cargo.toml"))?;
    let section = manifest
        .split("[workspace.package]")
        .nth(1)
        .ok_or("Cargo.toml has no [workspace.package]")?;
    quoted_value(section, "\nversion = \"").ok_or_else(|| "no workspace version".to_owned())
}

/// The `"version"` of a package.json.
fn package_version(manifest: &str) -> Option<String> {
    quoted_value(manifest, "\"version\": \"")
}

fn quoted_value(text: &str, needle: &str) -> Option<String> {
    let start = text.find(needle)? + needle.len();
    let end = text[start..].find('"')? + start;
    Some(text[start..end].to_owned())
}

fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(sdk::read(path)?).map_err(|_| format!("{} is not UTF-8", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_version_is_the_workspace_version() {
        let manifest = read_text(&dir().join("package.json")).unwrap();
        assert_eq!(package_version(&manifest), Some(workspace_version().unwrap()));
    }

    /// The package's entry point calls the wasm by operation number, as the script tag's loader
    /// does: both name the methods in the same order.
    #[test]
    fn the_package_and_the_loader_number_the_methods_alike() {
        let methods = |path: &str| {
            let text = read_text(&paths::root().join(path)).unwrap();
            let start = text.find("METHODS = [").unwrap() + "METHODS = [".len();
            let end = text[start..].find(']').unwrap() + start;
            text[start..end]
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        };
        let package = methods("npm/src/index.js");
        let loader = methods("sdk/js/loader.js");
        assert!(package.len() >= 9, "{package:?}");
        assert_eq!(package, loader[..package.len()]);
    }

    #[test]
    fn every_public_function_is_declared() {
        let js = read_text(&dir().join("src/index.js")).unwrap();
        let dts = read_text(&dir().join("src/index.d.ts")).unwrap();
        let names: Vec<&str> = js
            .lines()
            .filter_map(|l| l.strip_prefix("export function "))
            .map(|l| l.split('(').next().unwrap())
            .collect();
        assert!(names.contains(&"init") && names.contains(&"getSessionId"), "{names:?}");
        for name in names {
            assert!(dts.contains(&format!("export function {name}(")), "{name} has no type");
        }
    }
}
