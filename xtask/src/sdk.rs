//! Builds the browser bundles: cargo (wasm32) → wasm-bindgen → wasm-opt -Oz → loader + glue →
//! esbuild. Two bundles come out of the one SDK crate: the tracker (`tracker.js` + its wasm, every
//! page) and the session-replay chunk (`replay-<hash>.js` + `replay-<hash>.wasm`, built with
//! `--no-default-features --features replay` and loaded by the tracker only for recorded sessions).

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::cmd::{self, step};
use crate::{Result, paths};

/// Builds `target/sdk-dist/{tracker.js, pulsegate-<hash>.wasm, replay-<hash>.js, replay-<hash>.wasm}`.
pub(crate) fn build() -> Result {
    let root = paths::root();
    let replay = bundle(&Bundle {
        name: "replay",
        features: &["--no-default-features", "--features", "replay"],
        // Its own target directory: the same crate with other features would otherwise rebuild
        // the tracker's wasm (and the other way round) on every run.
        target_dir: Some(paths::target().join("replay-chunk")),
        template: "sdk/js/replay.js",
        extra: &[("/*__PULSEGATE_HOOKS__*/", "sdk/js/replay-hooks.js")],
        replay_path: None,
    })?;
    let tracker = bundle(&Bundle {
        name: "pulsegate",
        features: &[],
        target_dir: None,
        template: "sdk/js/loader.js",
        extra: &[],
        replay_path: Some(format!("/sdk/{}", replay[1].0)),
    })?;

    // Files are rewritten only when they change: the worker embeds them, and an unchanged bundle
    // must not make cargo rebuild it.
    let dist = paths::sdk_dist();
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
    let files: Vec<(String, Vec<u8>)> = tracker.into_iter().chain(replay).collect();
    for entry in fs::read_dir(&dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !files.iter().any(|(name, _)| path.file_name() == Some(name.as_ref())) {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    for (name, bytes) in &files {
        let path = dist.join(name);
        if fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            write(&path, bytes)?;
        }
    }
    let _ = root;
    println!("    SDK bundles: {}", dist.display());
    Ok(())
}

/// One wasm bundle of the SDK crate.
struct Bundle<'a> {
    /// `pulsegate` (tracker) or `replay`: the wasm is `<name>-<hash>.wasm`.
    name: &'a str,
    /// Extra cargo feature flags.
    features: &'a [&'a str],
    target_dir: Option<std::path::PathBuf>,
    /// The JS template the glue is spliced into.
    template: &'a str,
    /// Further files spliced into the template at a marker.
    extra: &'a [(&'a str, &'a str)],
    /// For the tracker: the replay chunk's script path, spliced into the loader.
    replay_path: Option<String>,
}

/// Builds one bundle; returns `[(wasm name, bytes), (script name, bytes)]`. The tracker's script
/// is `tracker.js`; the chunk's is `<name>-<hash>.js` (hash of the wasm and the script).
fn bundle(b: &Bundle<'_>) -> Result<[(String, Vec<u8>); 2]> {
    let root = paths::root();
    let target = b.target_dir.clone().unwrap_or_else(paths::target);
    let mut cargo = cmd::cargo();
    cargo.args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "pulsegate-sdk"]);
    cargo.args(b.features).arg("--target-dir").arg(&target);
    step(&format!("build SDK {} (wasm32, release)", b.name), &mut cargo)?;
    let stage = paths::target().join(format!("sdk-build-{}", b.name));
    let _ = fs::remove_dir_all(&stage);
    let raw = target.join("wasm32-unknown-unknown/release/pulsegate_sdk.wasm");
    step(
        &format!("wasm-bindgen {} (no-modules glue)", b.name),
        cmd::tool("wasm-bindgen")
            .args(["--target", "no-modules", "--no-typescript", "--out-dir"])
            .arg(&stage)
            .arg(&raw),
    )?;
    let optimized = stage.join("pulsegate_sdk.opt.wasm");
    step(
        &format!("wasm-opt -Oz {} (binaryen 132)", b.name),
        cmd::tool(paths::node_bin("wasm-opt"))
            .args(["-Oz", "--strip-debug", "--strip-producers"])
            .arg(stage.join("pulsegate_sdk_bg.wasm"))
            .arg("-o")
            .arg(&optimized),
    )?;
    let wasm = read(&optimized)?;
    let wasm_name = format!("{}-{}.wasm", b.name, &hex(&Sha256::digest(&wasm))[..8]);

    let glue = text(&stage.join("pulsegate_sdk.js"))?;
    let mut template = text(&root.join(b.template))?;
    for (marker, file) in b.extra {
        if !template.contains(marker) {
            return Err(format!("{} must contain {marker}", b.template));
        }
        template = template.replacen(marker, &text(&root.join(file))?, 1);
    }
    if let Some(replay) = &b.replay_path {
        template = template.replace(REPLAY, replay);
    }
    let script = splice(&template, &glue, &format!("/sdk/{wasm_name}"))?;
    let unminified = stage.join("script.js");
    write(&unminified, script.as_bytes())?;
    let minified = stage.join("script.min.js");
    step(
        &format!("esbuild --minify {}", b.name),
        cmd::tool(paths::node_bin("esbuild"))
            .arg(&unminified)
            .args(["--minify", "--target=es2020", "--log-level=warning"])
            .arg(format!("--outfile={}", minified.display())),
    )?;
    let script = read(&minified)?;
    let script_name = if b.replay_path.is_some() {
        "tracker.js".to_owned()
    } else {
        format!("{}-{}.js", b.name, &hex(&Sha256::digest(&script))[..8])
    };
    Ok([(wasm_name, wasm), (script_name, script)])
}

/// Where the loader names the replay chunk's script.
const REPLAY: &str = "__PULSEGATE_REPLAY_PATH__";

fn text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?).map_err(|_| format!("{} is not UTF-8", path.display()))
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
