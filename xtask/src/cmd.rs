//! Running commands: one place that prints what runs, sets the tool environment, checks status and
//! makes sure no child outlives xtask (each step runs in its own process group, killed on
//! Ctrl-C, SIGTERM or SIGHUP).

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use crate::{Result, paths};

/// Process groups of the children running now; the signal handler terminates them.
static GROUPS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// A command with PulseGate's tool environment: the pinned wasm-bindgen and the node tools first
/// on PATH, worker-build pointed at them (it would otherwise download its own), the SDK bundle's
/// one location, wrangler kept offline.
pub(crate) fn tool(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    let root = paths::root();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![paths::cargo_bin(), paths::node_bin_dir()];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).unwrap_or(path));
    cmd.env("WASM_BINDGEN_BIN", paths::wasm_bindgen());
    cmd.env("WASM_OPT_BIN", paths::node_bin("wasm-opt"));
    cmd.env(paths::SDK_DIST_VAR, paths::sdk_dist());
    let esbuild = root.join("node_modules/@esbuild/linux-x64/bin/esbuild");
    if esbuild.exists() {
        cmd.env("ESBUILD_BIN", esbuild);
    }
    cmd.env("WRANGLER_SEND_METRICS", "false");
    cmd.env("CLOUDFLARE_CF_FETCH_ENABLED", "false");
    cmd.current_dir(&root);
    cmd
}

/// `cargo` as the one running xtask (the CARGO variable), with the tool environment.
pub(crate) fn cargo() -> Command {
    tool(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs to completion with inherited output; a non-zero exit is an error naming the step.
pub(crate) fn step(name: &str, cmd: &mut Command) -> Result {
    println!("\n==> {name}");
    let started = Instant::now();
    let child = spawn(name, cmd)?;
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("{name} failed ({status})"));
    }
    println!("    {name}: done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Finds a program on PATH.
pub(crate) fn which(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// Runs quietly and returns stdout, or None when the program is missing or fails.
pub(crate) fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A child in its own process group, terminated with its whole group when dropped or when xtask
/// gets a signal.
#[derive(Debug)]
pub(crate) struct Group {
    name: String,
    child: Child,
}

/// Starts `cmd` as the leader of a new process group and registers the group for cleanup.
pub(crate) fn spawn(name: &str, cmd: &mut Command) -> Result<Group> {
    // Not in the terminal's foreground group, so it must not read the terminal (SIGTTIN would
    // stop it): nothing PulseGate runs needs stdin.
    let child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("{name}: cannot start {:?}: {e}", cmd.get_program()))?;
    lock().insert(child.id());
    Ok(Group { name: name.to_owned(), child })
}

impl Group {
    /// Waits for the leader to exit, then terminates whatever else is left in its group.
    pub(crate) fn wait(mut self) -> Result<ExitStatus> {
        let status = self.child.wait().map_err(|e| format!("{}: {e}", self.name))?;
        Ok(status)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let pid = self.child.id();
        terminate_group(pid);
        let _ = self.child.wait();
        lock().remove(&pid);
    }
}

fn lock() -> std::sync::MutexGuard<'static, BTreeSet<u32>> {
    GROUPS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends SIGTERM to every process in group `pgid` (no-op when it is gone).
fn terminate_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// On SIGINT, SIGTERM or SIGHUP: terminate every running child group, then exit 130.
pub(crate) fn install_signal_handler() {
    let handled = ctrlc::set_handler(|| {
        let groups: Vec<u32> = lock().iter().copied().collect();
        for pgid in groups {
            terminate_group(pgid);
        }
        eprintln!("\nxtask: interrupted; stopped {} child process group(s)", lock().len());
        std::process::exit(130);
    });
    if let Err(e) = handled {
        eprintln!("xtask: cannot install the signal handler ({e}); children may outlive Ctrl-C");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_sees_the_same_sdk_bundle_and_wasm_bindgen() {
        let cmd = tool("true");
        let env = |name: &str| {
            cmd.get_envs().find(|(k, _)| *k == name).and_then(|(_, v)| v).map(ToOwned::to_owned)
        };
        assert_eq!(env(paths::SDK_DIST_VAR), Some(paths::sdk_dist().into_os_string()));
        assert_eq!(env("WASM_BINDGEN_BIN"), Some(paths::wasm_bindgen().into_os_string()));
        let path = env("PATH").unwrap();
        let first = std::env::split_paths(&path).next().unwrap();
        assert_eq!(first, paths::cargo_bin(), "the pinned wasm-bindgen comes first on PATH");
    }

    #[test]
    fn a_dropped_group_takes_its_children_with_it() {
        // `sh` starts a grandchild in the same group; dropping the group must end both.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & echo $!; wait"]).stdout(Stdio::piped());
        let mut group = spawn("sleeper", &mut cmd).unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(group.child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let grandchild = line.trim().to_owned();
        drop(group);
        // `kill -0` fails once the grandchild is gone (it may linger as a zombie of init briefly).
        let alive = || {
            Command::new("sh")
                .args(["-c", &format!("ps -o stat= -p {grandchild} | grep -qv Z")])
                .status()
                .is_ok_and(|s| s.success())
        };
        for _ in 0..50 {
            if !alive() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the grandchild {grandchild} outlived its group");
    }
}
