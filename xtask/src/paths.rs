//! Where things are: the workspace root, build outputs, the SDK bundle and the tools.

use std::path::{Path, PathBuf};

/// The variable that names the SDK bundle directory for every consumer: `worker/build.rs`,
/// `scripts/build-worker.sh`, the size check and the tests. xtask always sets it.
pub(crate) const SDK_DIST_VAR: &str = "PULSEGATE_SDK_DIST";

/// The workspace root (the parent of this crate).
///
/// `cargo run` (which `cargo xtask` is) sets `CARGO_MANIFEST_DIR` for the program it runs, so the
/// root is that of the checkout the command was typed in. The path compiled in is only the
/// fallback: Cargo's build hashes do not depend on where a workspace lives, so a `target/` moved
/// or copied from another checkout can hold an xtask binary whose compiled-in path names that
/// other checkout.
pub(crate) fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir.parent().map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf)
}

/// Cargo's target directory.
pub(crate) fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The finished SDK bundle the worker embeds (`tracker.js` + hashed wasm): `$PULSEGATE_SDK_DIST`
/// when set, else `<target>/sdk-dist`.
pub(crate) fn sdk_dist() -> PathBuf {
    std::env::var_os(SDK_DIST_VAR).map_or_else(|| target().join("sdk-dist"), PathBuf::from)
}

/// `node_modules/.bin`.
pub(crate) fn node_bin_dir() -> PathBuf {
    root().join("node_modules/.bin")
}

/// A binary installed by `npm ci` into `node_modules/.bin`.
pub(crate) fn node_bin(name: &str) -> PathBuf {
    node_bin_dir().join(name)
}

/// `~/.cargo/bin` (or `$CARGO_HOME/bin`), where `cargo install` puts tools.
pub(crate) fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

/// The one wasm-bindgen every step uses: the version check, the SDK build, worker-build
/// (`WASM_BINDGEN_BIN`) and the test runner (first on PATH).
pub(crate) fn wasm_bindgen() -> PathBuf {
    cargo_bin().join("wasm-bindgen")
}

/// `wasm-pack`, installed by xtask with `cargo install` (`~/.cargo/bin`).
pub(crate) fn wasm_pack() -> PathBuf {
    cargo_bin().join("wasm-pack")
}

/// Local wrangler state for `cargo xtask dev` (ignored by git); `PULSEGATE_STATE` moves it.
pub(crate) fn dev_state() -> PathBuf {
    std::env::var_os("PULSEGATE_STATE").map_or_else(|| root().join(".state/dev"), PathBuf::from)
}

/// The Chromium the browser tests drive: `$CHROMIUM`, else Debian's.
pub(crate) fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// The ChromeDriver matching it: `$CHROMEDRIVER`, else Debian's.
pub(crate) fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned())
}
