//! Builds the browser bundle: cargo (wasm32) → wasm-bindgen → wasm-opt -Oz → loader + glue → esbuild.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::cmd::{self, step};
use crate::{Result, paths};

/// Builds `target/sdk-dist/{tracker.js, pulsegate-<hash>.wasm}`.
pub(crate) fn build() -> Result {
    let root = paths::root();
    let target = paths::target();
    step(
        "build SDK (wasm32, release)",
        cmd::cargo().args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "pulsegate-sdk",
        ]),
    )?;
    let stage = target.join("sdk-build");
    let _ = fs::remove_dir_all(&stage);
    let raw = target.join("wasm32-unknown-unknown/release/pulsegate_sdk.wasm");
    step(
        "wasm-bindgen (no-modules glue)",
        cmd::tool("wasm-bindgen")
            .args(["--target", "no-modules", "--no-typescript", "--out-dir"])
            .arg(&stage)
            .arg(&raw),
    )?;
    let optimized = stage.join("pulsegate_sdk.opt.wasm");
    step(
        "wasm-opt -Oz (binaryen 132)",
        cmd::tool(paths::node_bin("wasm-opt"))
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .arg(stage.join("pulsegate_sdk_bg.wasm"))
            .arg("-o")
            .arg(&optimized),
    )?;
    let wasm = read(&optimized)?;
    let wasm_name = format!("pulsegate-{}.wasm", &hex(&Sha256::digest(&wasm))[..8]);

    let glue = String::from_utf8(read(&stage.join("pulsegate_sdk.js"))?)
        .map_err(|_| "wasm-bindgen glue is not UTF-8")?;
    let loader = String::from_utf8(read(&root.join("sdk/js/loader.js"))?)
        .map_err(|_| "sdk/js/loader.js is not UTF-8")?;
    let tracker = splice(&loader, &glue, &format!("/sdk/{wasm_name}"))?;
    let unminified = stage.join("tracker.js");
    write(&unminified, tracker.as_bytes())?;

    let minified = stage.join("tracker.min.js");
    step(
        "esbuild --minify tracker.js",
        cmd::tool(paths::node_bin("esbuild"))
            .arg(&unminified)
            .args(["--minify", "--target=es2020", "--log-level=warning"])
            .arg(format!("--outfile={}", minified.display())),
    )?;

    // Files are rewritten only when they change: the worker embeds them, and an unchanged bundle
    // must not make cargo rebuild it.
    let dist = paths::sdk_dist();
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
    let bundle = [(wasm_name, wasm), ("tracker.js".to_owned(), read(&minified)?)];
    for entry in fs::read_dir(&dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !bundle.iter().any(|(name, _)| path.file_name() == Some(name.as_ref())) {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    for (name, bytes) in &bundle {
        let path = dist.join(name);
        if fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            write(&path, bytes)?;
        }
    }
    println!("    SDK bundle: {}", dist.display());
    Ok(())
}

/// Puts the wasm-bindgen glue and the wasm's path into the loader template.
fn splice(loader: &str, glue: &str, wasm_path: &str) -> Result<String> {
    const GLUE: &str = "/*__PULSEGATE_GLUE__*/";
    const WASM: &str = "__PULSEGATE_WASM_PATH__";
    if !loader.contains(GLUE) || !loader.contains(WASM) {
        return Err(format!("sdk/js/loader.js must contain {GLUE} and {WASM}"));
    }
    Ok(loader.replacen(GLUE, glue, 1).replace(WASM, wasm_path))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn splice_inserts_glue_and_path() {
        let out = splice(
            "(function(){/*__PULSEGATE_GLUE__*/ load('__PULSEGATE_WASM_PATH__')})()",
            "let wasm_bindgen;",
            "/sdk/a.wasm",
        )
        .unwrap();
        assert_eq!(out, "(function(){let wasm_bindgen; load('/sdk/a.wasm')})()");
    }

    #[test]
    fn splice_refuses_a_loader_without_markers() {
        assert!(splice("(function(){})()", "glue", "/x.wasm").is_err());
    }
}
