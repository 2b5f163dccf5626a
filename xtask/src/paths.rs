//! Where things are: the workspace root, build outputs and node tools.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Cargo's target directory.
pub(crate) fn target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// The finished SDK bundle the worker embeds (`tracker.js` + hashed wasm).
pub(crate) fn sdk_dist() -> PathBuf {
    target().join("sdk-dist")
}

/// A binary installed by `npm ci` into `node_modules/.bin`.
pub(crate) fn node_bin(name: &str) -> PathBuf {
    root().join("node_modules/.bin").join(name)
}

/// Local wrangler state for `cargo xtask dev` (ignored by git).
pub(crate) fn dev_state() -> PathBuf {
    root().join(".state/dev")
}
