//! `cargo xtask test`: every check CI runs, in the order that fails fastest.

use crate::cmd::{self, step};
use crate::{Result, browser_proxy, install, npm, paths, sdk, size, worker};

/// fmt, the size budget, the npm package and its lints, clippy (native + wasm32), unit tests, SDK
/// tests in Chromium, end-to-end tests.
pub(crate) fn run() -> Result {
    install::ensure_build_tools()?;
    install::ensure_browser()?;
    step("cargo fmt --check", cmd::cargo().args(["fmt", "--all", "--check"]))?;
    // The worker embeds the SDK bundle, so build it before anything compiles the worker.
    sdk::build()?;
    size::check()?;
    let tarball = npm::build()?;
    npm::lint(&tarball)?;
    clippy("clippy (native)", &["--workspace", "--all-targets"])?;
    // Libraries only: the schema's native test dependencies (proptest) do not target wasm32.
    clippy("clippy (wasm32)", &[WASM, "-p", "pulsegate-schema", "-p", "pulsegate-worker"])?;
    // The SDK's library is `no_std` with its own panic handler; its browser tests link std
    // (through their dev-dependencies), so the two are checked in separate runs.
    clippy("clippy (wasm32, SDK)", &[WASM, "-p", "pulsegate-sdk"])?;
    clippy("clippy (wasm32, SDK browser tests)", &[WASM, "-p", "pulsegate-sdk", "--tests"])?;
    // The replay chunk likewise: a `no_std` library, browser tests with std.
    clippy("clippy (wasm32, replay chunk)", &[WASM, "-p", "pulsegate-replay"])?;
    clippy("clippy (wasm32, replay browser tests)", &[WASM, "-p", "pulsegate-replay", "--tests"])?;
    step("unit tests (native)", cmd::cargo().args(["test", "--workspace", "--locked"]))?;
    // Chromium reaches the test runner's page server through a proxy (see `browser_proxy` for the hang it avoids).
    let proxy = browser_proxy::start()
        .map_err(|e| format!("cannot start the browser tests' proxy: {e}"))?;
    step(
        "SDK tests in headless Chromium",
        cmd::cargo()
            .args(["test", "-p", "pulsegate-sdk", "--target", "wasm32-unknown-unknown", "--locked"])
            .current_dir(paths::root().join("sdk"))
            .env("CHROMEDRIVER", paths::chromedriver())
            .env(WEBDRIVER_JSON, webdriver_json("sdk", proxy)?)
            // The whole binary's limit (default 20 s): its 72 tests take about 17 s on a shared
            // 2-core machine, and each test's own waits give up after 30 s with a message.
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )?;
    step(
        "replay recorder tests in headless Chromium",
        cmd::cargo()
            .args([
                "test",
                "-p",
                "pulsegate-replay",
                "--target",
                "wasm32-unknown-unknown",
                "--locked",
            ])
            .current_dir(paths::root().join("replay"))
            .env("CHROMEDRIVER", paths::chromedriver())
            .env(WEBDRIVER_JSON, webdriver_json("replay", proxy)?)
            // The whole binary's limit (default 20 s): the debug-build recorder snapshots pages
            // of thousands of nodes, which on a shared 2-core machine can take longer.
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )?;
    worker::build()?;
    size::check_worker()?;
    worker::deploy_dry_run()?;
    step(
        "end-to-end tests (wrangler dev + Chromium)",
        cmd::tool("node")
            .args(["--test", "--test-concurrency=1"])
            .args(e2e_files()?)
            .env(npm::TARBALL_VAR, &tarball),
    )?;
    println!("\nAll checks passed.");
    Ok(())
}

const WASM: &str = "--target=wasm32-unknown-unknown";

/// Where `wasm-bindgen-test-runner` reads ChromeDriver's capabilities from.
const WEBDRIVER_JSON: &str = "WASM_BINDGEN_TEST_WEBDRIVER_JSON";

/// The crate's `webdriver.json` with the proxy's arguments, written under `target/`.
fn webdriver_json(krate: &str, proxy: std::net::SocketAddr) -> Result<std::path::PathBuf> {
    let root = paths::root();
    browser_proxy::capabilities(
        &root.join(krate).join("webdriver.json"),
        proxy,
        &root.join("target/browser-tests").join(format!("{krate}-webdriver.json")),
    )
}

/// `cargo clippy <args> --locked -- -D warnings`: every lint is an error.
fn clippy(name: &str, args: &[&str]) -> Result {
    step(name, cmd::cargo().arg("clippy").args(args).args(["--locked", "--", "-D", "warnings"]))
}

/// The end-to-end suites, `tests/e2e/*.test.mjs`, in name order.
fn e2e_files() -> Result<Vec<std::path::PathBuf>> {
    let dir = paths::root().join("tests/e2e");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err("no end-to-end tests found in tests/e2e".to_owned());
    }
    Ok(files)
}
