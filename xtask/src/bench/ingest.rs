//! `cargo xtask bench ingest`: the ingest path against a local `wrangler dev` (real workerd with
//! local D1, KV and R2), reported next to a route of the same worker that does no storage work.
//!
//! 1. **D1 work per 1,000 events**, counted (not estimated): every request and background job
//!    logs its `d1_writes`, and the bench sums them. Sessions send 50-event batches 10 s apart on
//!    the worker's injected clock (a visitor clicking through pages), then end; the `*/10` cron
//!    finalises them.
//! 2. **Throughput and latency**: `GET /health` (no storage) and `POST /track/events/batch`
//!    (50 events, limiter + R2 + throttled aggregates) under the same concurrency, each for
//!    `--seconds`; requests/s, p50, p99, and the ratio. Workerd's CPU time per request comes from
//!    `/proc` (it includes the local D1/R2/KV emulation, so it is an upper bound). The machine's
//!    load average is printed before and after: other work skews both routes. Locally the run
//!    is CPU-bound, so the ratio follows the two routes' CPU per request. `wrangler dev` takes
//!    the worker's console output through the inspector, which makes each log line dearer than
//!    deployed; both routes write one line per request (a throttled batch included).
//!
//! 3. **JavaScript↔wasm crossings per request** (`--crossings`, instead of 1 and 2): the built
//!    worker is copied and every import and export of its wasm module wrapped with a counter
//!    (`index.js` patched; the wasm is the same bytes), then 100 `/health` requests and 100
//!    50-event batches of one session (the first batch's aggregate update already done, the
//!    rest throttled by the isolate, the burst's common case) are sent one at a time. The counts
//!    are exact and do not depend on the machine's load, unlike the timings.
//!
//! 4. **The floor** (`--floor [--runs N]`, instead of 1 to 3): a second build of the worker with
//!    the cargo feature `bench-floor` (`target/bench-floor/`, never the default build) adds
//!    `POST /bench/floor/{kind}` routes that do ONLY the storage work the design mandates for a
//!    batch: the rate limiter's statement as the batch route makes it, the batch's R2 put as the
//!    batch route makes it, and both in the batch route's order (`worker/src/routes/track/floor.rs`
//!    lists every kind, with the call-shape variants: the statement through `first`/`raw`/`run`
//!    or one direct JavaScript call, the put through workers-rs or one JavaScript call, the body
//!    read as bytes or text). `/health`, the real batch route and every floor route are measured
//!    interleaved in slices (each route's `--seconds` split into 5 turns, routes taking turns), so
//!    a change of the machine's load falls on all of them; each run prints req/s, p50/p99,
//!    workerd CPU per request and the ratio to `/health`, and the medians over the runs follow.
//!
//! The bench worker gets a throwaway admin key and registers its site key first, as a deployment
//! would (session starts of unregistered site keys are refused).

use std::fs::{self, File};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{flag, percentile};
use crate::cmd::{self, Group};
use crate::{Result, install, paths, sdk, worker};

const EVENTS_PER_BATCH: usize = 50;
/// The route under test.
const BATCH: &str = "/track/events/batch";
/// The paced scenario: sessions × batches (each 50 events), batches 10 s apart.
const PACED_SESSIONS: usize = 10;
const PACED_BATCHES: usize = 20;
const PACED_GAP_MS: u64 = 10_000;
/// The bench worker's admin key (a local throwaway), to register [`SITE_KEY`].
const ADMIN_KEY: &str = "bench-admin-key-0123456789";
/// The site the bench's sessions belong to.
const SITE_KEY: &str = "bench";

pub(crate) fn run(args: &[String]) -> Result {
    let seconds: u64 = flag(args, "--seconds", 10)?;
    let clients: usize = flag(args, "--clients", 8)?;
    install::ensure_build_tools()?;
    sdk::build()?;
    worker::build()?;
    let floor = args.iter().any(|a| a == "--floor");
    if floor {
        build_floor()?;
    }
    if args.iter().any(|a| a == "--crossings") {
        if floor {
            return Bench::start(Variant::FloorCounted)?.crossings(FLOOR_ROUTES);
        }
        return Bench::start(Variant::Counted)?
            .crossings(&[("GET /health", "/health"), ("POST /track/events/batch (50 ev)", BATCH)]);
    }
    if floor {
        let runs: usize = flag(args, "--runs", 3)?;
        return Bench::start(Variant::Floor)?.floor(clients, seconds, runs.max(1));
    }
    let w = Bench::start(Variant::Default)?;

    println!("\n==> paced sessions: D1 write statements per 1,000 events");
    let d1 = w.paced()?;
    println!(
        "\n==> throughput: {clients} clients, {seconds} s per route (load average {})",
        load_average()
    );
    let health = w.load(clients, seconds, |_, _| Call::Get("/health".to_owned()))?;
    let sessions: Vec<(String, u64)> = (0..clients * 4).map(|_| (uuid(), now_ms())).collect();
    for (id, started) in &sessions {
        w.post("/track/session/start", &session_start(id, *started), None)?;
    }
    let mark = w.log_lines().len();
    let batch = w.load(clients, seconds, |client, i| {
        let (id, started) = &sessions[(client + i * clients) % sessions.len()];
        Call::Post(
            "/track/events/batch".to_owned(),
            batch_json(id, *started, started + 10 + i as u64 * 100),
            None,
        )
    })?;
    w.settle(mark)?;
    let burst = D1Count::of(&w.log_lines()[mark..]);
    drop(w);

    let ratio = batch.per_second() / health.per_second();
    println!(
        "\n{:<34} {:>10} {:>9} {:>9} {:>12}",
        "route (same worker, same run)", "req/s", "p50 ms", "p99 ms", "CPU ms/req"
    );
    for (name, r) in
        [("GET /health (no storage)", &health), ("POST /track/events/batch (50 ev)", &batch)]
    {
        println!(
            "{name:<34} {:>10.1} {:>9.1} {:>9.1} {:>12}",
            r.per_second(),
            r.p(50.0),
            r.p(99.0),
            r.cpu_ms_per_request().map_or("n/a".to_owned(), |c| format!("{c:.2}")),
        );
    }
    println!("{:<34} {:>10.2}x   (goal >= 0.5x)", "ingest / no-storage", ratio);
    println!(
        "machine load average after the run: {} (other work on the machine skews both routes)",
        load_average()
    );
    if batch.errors > 0 || health.errors > 0 {
        println!("non-2xx answers: health {}, batch {}", health.errors, batch.errors);
    }
    println!(
        "\nD1 write statements per 1,000 events (goal <= 100), counted from the worker's log:\n\
         {:<48} {:>8} {:>9}\n{}\n{:<48} {:>8.1}\n{}\n{}\n{:<48} {:>8.1}",
        "paced: 10 sessions x 20 batches x 50 events",
        "writes",
        "per 1,000",
        d1.table(),
        "  total per 1,000 events",
        d1.per_thousand(),
        format_args!("burst (throughput phase, {} events):", burst.events),
        burst.table(),
        "  total per 1,000 events",
        burst.per_thousand(),
    );
    Ok(())
}

/// A running `wrangler dev` and its log file.
struct Bench {
    url: String,
    log: PathBuf,
    state: PathBuf,
    group: Option<Group>,
    agent: ureq::Agent,
}

impl Drop for Bench {
    fn drop(&mut self) {
        drop(self.group.take());
        let _ = fs::remove_dir_all(&self.state);
    }
}

enum Call {
    Get(String),
    /// Path, body, and the worker clock to send (`x-pulsegate-now`), if any.
    Post(String, String, Option<u64>),
}

struct LoadResult {
    latencies_ms: Vec<f64>,
    elapsed: Duration,
    errors: u64,
    cpu_ticks: Option<u64>,
    ticks_per_s: u64,
}

impl LoadResult {
    fn per_second(&self) -> f64 {
        self.latencies_ms.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn p(&self, p: f64) -> f64 {
        percentile(&self.latencies_ms, p)
    }

    /// Two measurements of one route as one (a route's turns in the floor bench).
    fn merged(mut self, other: Self) -> Self {
        self.latencies_ms.extend(other.latencies_ms);
        self.latencies_ms.sort_by(f64::total_cmp);
        self.elapsed += other.elapsed;
        self.errors += other.errors;
        self.cpu_ticks = self.cpu_ticks.zip(other.cpu_ticks).map(|(a, b)| a + b);
        self
    }

    fn cpu_ms_per_request(&self) -> Option<f64> {
        let ticks = self.cpu_ticks?;
        Some(
            ticks as f64 * 1000.0 / self.ticks_per_s as f64 / self.latencies_ms.len().max(1) as f64,
        )
    }
}

/// Which build `wrangler dev` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    /// `worker/build`, the default build.
    Default,
    /// A copy of it whose JavaScript↔wasm calls are counted.
    Counted,
    /// `target/bench-floor/build`, built with the `bench-floor` feature.
    Floor,
    /// A copy of that whose calls are counted.
    FloorCounted,
}

impl Bench {
    fn start(variant: Variant) -> Result<Self> {
        let state = std::env::temp_dir().join(format!("pulsegate-bench-{}", std::process::id()));
        let _ = fs::remove_dir_all(&state);
        worker::migrate(&state)?;
        let config = match variant {
            Variant::Default => None,
            Variant::Counted => Some(counted_copy(&state, &paths::root().join("worker/build"))?),
            Variant::FloorCounted => Some(counted_copy(&state, &floor_dir().join("build"))?),
            Variant::Floor => Some(floor_dir().join("wrangler.toml")),
        };
        let port = free_port()?;
        let inspector = free_port()?;
        let log = state.join("wrangler.log");
        let out = File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let group = cmd::spawn(
            "wrangler dev (bench)",
            worker::wrangler()
                .args(config.iter().flat_map(|c| [std::ffi::OsStr::new("--config"), c.as_os_str()]))
                .args(["dev", "--ip", "127.0.0.1", "--port", &port.to_string()])
                .args(["--inspector-port", &inspector.to_string(), "--test-scheduled"])
                .args(["--show-interactive-dev-session=false", "--persist-to"])
                .arg(&state)
                // The injected clock paces sessions; limits high enough not to refuse the load
                // (the limiter's statement still runs on every request).
                .args(["--var", "PULSEGATE_TEST_CLOCK:1", "--var", "IP_HASH_SALT:bench"])
                .args(["--var", &format!("ANALYTICS_API_KEY:{ADMIN_KEY}")])
                .args(["--var", "RATE_LIMIT_TRACK_EVENTS:10000000/60"])
                .args(["--var", "RATE_LIMIT_TRACK_SESSION:10000000/60"])
                .env("CI", "1")
                .stdout(out)
                .stderr(err),
        )?;
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
        let bench =
            Self { url: format!("http://127.0.0.1:{port}"), log, state, group: Some(group), agent };
        for _ in 0..240 {
            if bench.agent.get(&format!("{}/health", bench.url)).call().is_ok() {
                bench.register_site()?;
                return Ok(bench);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(format!("wrangler dev did not answer /health; see {}", bench.log.display()))
    }

    /// Registers the bench's site key (session starts of unknown site keys are refused).
    fn register_site(&self) -> Result {
        self.agent
            .put(&format!("{}/analytics/sites/{SITE_KEY}", self.url))
            .set("authorization", &format!("Bearer {ADMIN_KEY}"))
            .set("content-type", "application/json")
            .send_string(&format!(r#"{{"name":"{SITE_KEY}","domains":[]}}"#))
            .map(drop)
            .map_err(|e| format!("registering site {SITE_KEY}: {e}"))
    }

    /// Phase 4: `/health`, the batch route and the floor routes, interleaved, `runs` times.
    fn floor(&self, clients: usize, seconds: u64, runs: usize) -> Result {
        let sessions: Vec<(String, u64)> = (0..clients * 4).map(|_| (uuid(), now_ms())).collect();
        for (id, started) in &sessions {
            self.post("/track/session/start", &session_start(id, *started), None)?;
        }
        let batch = |client: usize, i: usize, path: &str, now: u64| {
            let (id, started) = &sessions[(client + i * clients) % sessions.len()];
            let body = batch_json(id, *started, started + 10 + i as u64 * 100);
            Call::Post(path.to_owned(), body, Some(now))
        };
        // Each route's own clock: the worker sees time pass only during that route's turns, so
        // the batch route's session aggregate updates (at most one per session per 20 s) come as
        // often per batch as in one continuous run of the route.
        let t0 = now_ms();
        let mut spent = vec![Duration::ZERO; FLOOR_ROUTES.len()];
        let mut all: Vec<Vec<RunRow>> = vec![Vec::new(); FLOOR_ROUTES.len()];
        for run in 1..=runs {
            println!(
                "\n==> floor run {run}/{runs}: {clients} clients, {seconds} s per route in {FLOOR_TURNS} turns (load average {})",
                load_average()
            );
            let mut results: Vec<Option<LoadResult>> = FLOOR_ROUTES.iter().map(|_| None).collect();
            let turn = Duration::from_secs(seconds).as_secs_f64() / FLOOR_TURNS as f64;
            for _ in 0..FLOOR_TURNS {
                for ((slot, (_, path)), spent) in
                    results.iter_mut().zip(FLOOR_ROUTES).zip(&mut spent)
                {
                    let began = Instant::now();
                    let base = t0 + u64::try_from(spent.as_millis()).unwrap_or(0);
                    let mut r = self.load_for(clients, Duration::from_secs_f64(turn), |c, i| {
                        if *path == "/health" {
                            Call::Get("/health".to_owned())
                        } else {
                            let at = base + u64::try_from(began.elapsed().as_millis()).unwrap_or(0);
                            batch(c, i, path, at)
                        }
                    })?;
                    *spent += r.elapsed;
                    // Work the route left behind (its background tasks) is its own CPU.
                    r.cpu_ticks = r.cpu_ticks.zip(workerd_settled()).map(|(a, b)| a + b);
                    *slot = Some(match slot.take() {
                        Some(before) => before.merged(r),
                        None => r,
                    });
                }
            }
            let results: Vec<LoadResult> = results.into_iter().flatten().collect();
            let health = results[0].per_second();
            println!(
                "{:<40} {:>8} {:>8} {:>8} {:>10} {:>8}",
                "route (same worker, interleaved)",
                "req/s",
                "p50 ms",
                "p99 ms",
                "CPU ms/req",
                "ratio"
            );
            for ((name, _), (r, acc)) in FLOOR_ROUTES.iter().zip(results.iter().zip(&mut all)) {
                let cpu = r.cpu_ms_per_request();
                println!(
                    "{name:<40} {:>8.1} {:>8.1} {:>8.1} {:>10} {:>7.2}x{}",
                    r.per_second(),
                    r.p(50.0),
                    r.p(99.0),
                    cpu.map_or("n/a".to_owned(), |c| format!("{c:.2}")),
                    r.per_second() / health,
                    if r.errors > 0 { format!("  ({} non-2xx)", r.errors) } else { String::new() },
                );
                acc.push((r.per_second(), r.p(50.0), r.per_second() / health, cpu));
            }
            println!("machine load average after the run: {}", load_average());
        }
        println!("\n==> medians over {runs} runs");
        println!(
            "{:<40} {:>8} {:>8} {:>10} {:>8}",
            "route", "req/s", "p50 ms", "CPU ms/req", "ratio"
        );
        for ((name, _), runs) in FLOOR_ROUTES.iter().zip(&all) {
            let med = |f: &dyn Fn(&RunRow) -> Option<f64>| {
                let mut v: Vec<f64> = runs.iter().filter_map(f).collect();
                v.sort_by(f64::total_cmp);
                v.get(v.len() / 2).copied()
            };
            println!(
                "{name:<40} {:>8.1} {:>8.1} {:>10} {:>7.2}x",
                med(&|r| Some(r.0)).unwrap_or(0.0),
                med(&|r| Some(r.1)).unwrap_or(0.0),
                med(&|r| r.3).map_or("n/a".to_owned(), |c| format!("{c:.2}")),
                med(&|r| Some(r.2)).unwrap_or(0.0),
            );
        }
        Ok(())
    }

    /// Phase 3: crossings per `/health` request and per throttled batch (see the module doc).
    /// `routes`: (name, path) pairs; `/health` is sent as a GET, every other path the same
    /// 50-event batch of one session.
    fn crossings(&self, routes: &[(&str, &str)]) -> Result {
        let t0 = now_ms();
        let id = uuid();
        self.post("/track/session/start", &session_start(&id, t0), Some(t0))?;
        self.post("/track/events/batch", &batch_json(&id, t0, t0 + 10), Some(t0 + 1_000))?;
        std::thread::sleep(Duration::from_secs(3));
        // Requests until a window closes, so the next 100 are one window.
        let seen = self.crossing_lines().len();
        while self.crossing_lines().len() == seen {
            self.agent.get(&format!("{}/health", self.url)).call().map_err(|e| e.to_string())?;
        }
        let mut rows = Vec::new();
        for &(route, path) in routes {
            let before = self.crossing_lines().len();
            for _ in 0..CROSSING_WINDOW {
                let sent = if path == "/health" {
                    self.agent
                        .get(&format!("{}/health", self.url))
                        .call()
                        .map(drop)
                        .map_err(|e| e.to_string())
                } else {
                    let body = batch_json(&id, t0, t0 + 20);
                    self.post(path, &body, Some(t0 + 2_000))
                };
                sent.map_err(|e| format!("{route}: {e}"))?;
            }
            let mut line = None;
            for _ in 0..100 {
                line = self.crossing_lines().get(before).cloned();
                if line.is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            rows.push((route, line.ok_or("the counted worker logged no crossings line")?));
        }
        println!(
            "\n==> JavaScript<->wasm crossings per request ({CROSSING_WINDOW} requests each, one at a time)"
        );
        println!("{:<40} {:>9} {:>9} {:>9}", "route", "wasm->JS", "JS->wasm", "total");
        for (route, line) in &rows {
            let (imports, exports, top) = parse_crossings(line);
            println!("{route:<40} {imports:>9.1} {exports:>9.1} {:>9.1}", imports + exports);
            println!("  most called: {top}");
        }
        Ok(())
    }

    /// The counted worker's `CROSSINGS` lines so far.
    fn crossing_lines(&self) -> Vec<String> {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.find("CROSSINGS ").map(|i| l[i + "CROSSINGS ".len()..].to_owned()))
            .collect()
    }

    /// Sends one request; non-2xx is an error.
    fn post(&self, path: &str, body: &str, now: Option<u64>) -> Result {
        let mut req =
            self.agent.post(&format!("{}{path}", self.url)).set("content-type", "application/json");
        if let Some(now) = now {
            req = req.set("x-pulsegate-now", &now.to_string());
        }
        req.send_string(body).map(drop).map_err(|e| format!("POST {path}: {e}"))
    }

    /// The worker's JSON log lines so far.
    fn log_lines(&self) -> Vec<String> {
        let mut text = String::new();
        let _ = File::open(&self.log).and_then(|mut f| f.read_to_string(&mut text));
        let ansi = |line: &str| {
            let mut out = String::with_capacity(line.len());
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                if c == '\u{1b}' {
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() {
                            break;
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        text.lines()
            .map(ansi)
            .filter_map(|l| l.find("{\"ts\":").map(|i| l[i..].trim().to_owned()))
            .collect()
    }

    /// Waits until background work after the requests has stopped logging.
    fn settle(&self, from: usize) -> Result {
        let mut last = 0;
        for _ in 0..120 {
            std::thread::sleep(Duration::from_millis(500));
            let n = self.log_lines().len() - from;
            if n == last {
                return Ok(());
            }
            last = n;
        }
        Err("the worker kept logging for a minute after the load".to_owned())
    }

    /// `clients` threads send `call(client, i)` back to back for `seconds`.
    fn load(
        &self,
        clients: usize,
        seconds: u64,
        call: impl Fn(usize, usize) -> Call + Sync,
    ) -> Result<LoadResult> {
        self.load_for(clients, Duration::from_secs(seconds), call)
    }

    /// [`Bench::load`] for any duration.
    fn load_for(
        &self,
        clients: usize,
        duration: Duration,
        call: impl Fn(usize, usize) -> Call + Sync,
    ) -> Result<LoadResult> {
        let deadline = Instant::now() + duration;
        let errors = AtomicU64::new(0);
        let cpu_before = workerd_ticks();
        let started = Instant::now();
        let mut latencies: Vec<f64> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..clients)
                .map(|client| {
                    let (call, errors, url) = (&call, &errors, &self.url);
                    scope.spawn(move || {
                        let agent =
                            ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
                        let mut times = Vec::new();
                        let mut i = 0;
                        while Instant::now() < deadline {
                            let t = Instant::now();
                            let result = match call(client, i) {
                                Call::Get(path) => agent.get(&format!("{url}{path}")).call(),
                                Call::Post(path, body, now) => {
                                    let req = agent
                                        .post(&format!("{url}{path}"))
                                        .set("content-type", "text/plain;charset=UTF-8");
                                    match now {
                                        Some(n) => req.set("x-pulsegate-now", &n.to_string()),
                                        None => req,
                                    }
                                    .send_string(&body)
                                }
                            };
                            if result.is_err() {
                                errors.fetch_add(1, Ordering::Relaxed);
                            }
                            times.push(t.elapsed().as_secs_f64() * 1000.0);
                            i += 1;
                        }
                        times
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
        });
        let elapsed = started.elapsed();
        let cpu_ticks = cpu_before.zip(workerd_ticks()).map(|(a, b)| b.saturating_sub(a));
        latencies.sort_by(f64::total_cmp);
        Ok(LoadResult {
            latencies_ms: latencies,
            elapsed,
            errors: errors.into_inner(),
            cpu_ticks,
            ticks_per_s: clock_ticks(),
        })
    }

    /// Sessions that browse at a human pace on the worker's clock, end, and are finalised.
    fn paced(&self) -> Result<D1Count> {
        let mark = self.log_lines().len();
        let t0 = now_ms();
        let ids: Vec<String> = (0..PACED_SESSIONS).map(|_| uuid()).collect();
        std::thread::scope(|scope| -> Result {
            let handles: Vec<_> = ids
                .iter()
                .map(|id| {
                    scope.spawn(move || -> Result {
                        self.post("/track/session/start", &session_start(id, t0), Some(t0))?;
                        for b in 0..PACED_BATCHES as u64 {
                            let at = t0 + 1_000 + b * PACED_GAP_MS;
                            self.post("/track/events/batch", &batch_json(id, t0, at - 500), Some(at))?;
                        }
                        let end = t0 + 1_000 + PACED_BATCHES as u64 * PACED_GAP_MS;
                        let body = format!(
                            r#"{{"session_id":"{id}","session_started_at":{t0},"ended_at":{end},"engaged_ms":60000}}"#
                        );
                        self.post("/track/session/end", &body, Some(end))
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().map_err(|_| "a client panicked".to_owned())?)
        })?;
        self.settle(mark)?;
        let cron_at = t0 + PACED_BATCHES as u64 * PACED_GAP_MS + 31 * 60_000;
        self.agent
            .get(&format!(
                "{}/cdn-cgi/handler/scheduled?cron=*/10+*+*+*+*&time={cron_at}",
                self.url
            ))
            .call()
            .map_err(|e| format!("cron: {e}"))?;
        self.settle(mark)?;
        let count = D1Count::of(&self.log_lines()[mark..]);
        Ok(count)
    }
}

/// One route's figures in one floor run: req/s, p50 ms, ratio to `/health`, CPU ms per request.
type RunRow = (f64, f64, f64, Option<f64>);

/// Turns per route in one floor run.
const FLOOR_TURNS: usize = 5;

/// The floor run's routes, in turn order: `/health` first (every ratio is against it), the real
/// batch route, then the floor routes (`worker/src/routes/track/floor.rs`). All but `/health`
/// are sent the same 50-event batches.
const FLOOR_ROUTES: &[(&str, &str)] = &[
    ("GET /health (no storage)", "/health"),
    ("POST /track/events/batch (50 ev)", BATCH),
    ("floor: body (bytes)", "/bench/floor/body"),
    ("floor: limiter (as the batch route)", "/bench/floor/limit"),
    ("floor: R2 put (as the batch route)", "/bench/floor/r2"),
    ("floor: limiter + R2 put (batch order)", "/bench/floor/both"),
    ("  shape: body read as text", "/bench/floor/body-text"),
    ("  shape: limiter via first(\"v\")", "/bench/floor/limit-first"),
    ("  shape: limiter via raw()", "/bench/floor/limit-raw"),
    ("  shape: limiter via run()", "/bench/floor/limit-run"),
    ("  shape: limiter via one JS call", "/bench/floor/limit-js"),
    ("  shape: R2 put via workers-rs", "/bench/floor/r2-rs"),
    ("  shape: R2 put via one JS call", "/bench/floor/r2-js"),
];

/// Where the `bench-floor` build and its `wrangler.toml` live (apart from `worker/build`, so the
/// default build is never replaced by it).
fn floor_dir() -> PathBuf {
    paths::target().join("bench-floor")
}

/// Builds the worker with the `bench-floor` feature into [`floor_dir`]`/build`, next to a
/// `wrangler.toml` without the build step.
fn build_floor() -> Result {
    let dir = floor_dir();
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    cmd::step(
        "build worker with the bench-floor feature (worker-build --release)",
        cmd::tool("worker-build")
            .current_dir(paths::root().join("worker"))
            .args(["--release", "--out-dir"])
            .arg(dir.join("build"))
            .args(["--", "--features", "bench-floor"]),
    )?;
    let toml = fs::read_to_string(paths::root().join("worker/wrangler.toml"))
        .map_err(|e| e.to_string())?;
    fs::write(dir.join("wrangler.toml"), without_build_step(&toml)).map_err(|e| e.to_string())
}

/// Requests per counted window: the counted worker logs one `CROSSINGS` line per this many.
const CROSSING_WINDOW: usize = 100;

/// Put before the worker's `index.js`: counters, and a `WebAssembly.Instance` whose imports and
/// exports (functions only) count their calls; each call of the `fetch` export (one per
/// request) may log the window.
const COUNTER_JS: &str = r#"var __X={n:0,imp:0,exp:0,by:{}};function __wlog(every){if(++__X.n%every!==0)return;const by=Object.entries(__X.by).sort((a,b)=>b[1]-a[1]).slice(0,8).map(([k,v])=>k.replace(/_[0-9a-f]{16}$/,"")+"="+(v/every).toFixed(1)).join(" ");console.log("CROSSINGS "+(__X.imp/every).toFixed(1)+" "+(__X.exp/every).toFixed(1)+" "+by);__X.imp=0;__X.exp=0;__X.by={}}function __wi(o){for(const m of Object.keys(o)){const t=o[m];for(const k of Object.keys(t)){const f=t[k];if(typeof f!=="function")continue;t[k]=function(...a){__X.imp++;__X.by[k]=(__X.by[k]||0)+1;return f.apply(this,a)}}}return o}function __we(x){const o={};for(const k of Object.keys(x)){const f=x[k];o[k]=typeof f==="function"?function(...a){if(k==="fetch")__wlog(__EVERY);__X.exp++;__X.by["E:"+k]=(__X.by["E:"+k]||0)+1;return f.apply(this,a)}:f}return o}const __I=WebAssembly.Instance;WebAssembly.Instance=function(m,imports){return{exports:__we(new __I(m,__wi(imports)).exports)}};
"#;

/// `index.js` with every wasm import and export counted and a `CROSSINGS` line logged per
/// [`CROSSING_WINDOW`] requests (the window's `wasm→JS JS→wasm most-called…` per request);
/// `None` if the glue does not instantiate its module with `new WebAssembly.Instance`.
fn counted_index_js(js: &str) -> Option<String> {
    js.contains("new WebAssembly.Instance(")
        .then(|| format!("{}{js}", COUNTER_JS.replace("__EVERY", &CROSSING_WINDOW.to_string())))
}

/// A copy of the build in `build` (`worker/build` or the floor's) with its calls counted, next to
/// a `wrangler.toml` without the build step; answers that config's path.
fn counted_copy(state: &Path, build: &Path) -> Result<PathBuf> {
    let src = paths::root().join("worker");
    let dir = state.join("counted");
    fs::create_dir_all(dir.join("build")).map_err(|e| e.to_string())?;
    for name in ["index_bg.wasm", "package.json"] {
        fs::copy(build.join(name), dir.join("build").join(name))
            .map_err(|e| format!("copying {name}: {e}"))?;
    }
    let js = fs::read_to_string(build.join("index.js")).map_err(|e| e.to_string())?;
    let counted = counted_index_js(&js)
        .ok_or("worker/build/index.js has an unknown shape; --crossings cannot count it")?;
    fs::write(dir.join("build/index.js"), counted).map_err(|e| e.to_string())?;
    let toml = fs::read_to_string(src.join("wrangler.toml")).map_err(|e| e.to_string())?;
    let config = dir.join("wrangler.toml");
    fs::write(&config, without_build_step(&toml)).map_err(|e| e.to_string())?;
    Ok(config)
}

/// `wrangler.toml` without its `[build]` table (the copy is already built).
fn without_build_step(toml: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in toml.lines() {
        if line.trim_start().starts_with('[') {
            skipping = line.trim() == "[build]";
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `(wasm→JS, JS→wasm, the most called)` per request from a `CROSSINGS` line's text.
fn parse_crossings(line: &str) -> (f64, f64, String) {
    let mut parts = line.splitn(3, ' ');
    let mut num = || parts.next().and_then(|n| n.parse().ok()).unwrap_or(f64::NAN);
    let (imports, exports) = (num(), num());
    (imports, exports, parts.next().unwrap_or_default().to_owned())
}

/// D1 write statements by where they were made, summed from log lines.
#[derive(Debug, Default)]
struct D1Count {
    rows: Vec<(String, u64)>,
    events: u64,
}

impl D1Count {
    fn of(lines: &[String]) -> Self {
        let mut count = Self::default();
        for line in lines {
            let field = |name: &str| -> Option<String> {
                let key = format!("\"{name}\":");
                let rest = &line[line.find(&key)? + key.len()..];
                let rest = rest.trim_start_matches('"');
                Some(rest.split(['"', ',', '}']).next()?.to_owned())
            };
            let writes: u64 = field("d1_writes").and_then(|w| w.parse().ok()).unwrap_or(0);
            let what = match (field("path"), field("job"), field("trigger")) {
                (Some(path), _, _) => format!("request {path}"),
                (None, Some(job), Some(trigger)) => format!("job {job} ({trigger})"),
                (None, Some(job), None) => format!("job {job}"),
                _ => continue,
            };
            if field("path").as_deref() == Some("/track/events/batch")
                && field("status").as_deref() == Some("202")
            {
                count.events += EVENTS_PER_BATCH as u64;
            }
            if writes > 0 {
                match count.rows.iter_mut().find(|(w, _)| *w == what) {
                    Some(row) => row.1 += writes,
                    None => count.rows.push((what, writes)),
                }
            }
        }
        count
    }

    fn total(&self) -> u64 {
        self.rows.iter().map(|r| r.1).sum()
    }

    fn per_thousand(&self) -> f64 {
        self.total() as f64 * 1000.0 / self.events.max(1) as f64
    }

    fn table(&self) -> String {
        let mut out = String::new();
        for (what, writes) in &self.rows {
            let per = *writes as f64 * 1000.0 / self.events.max(1) as f64;
            out.push_str(&format!("  {what:<46} {writes:>8} {per:>9.1}\n"));
        }
        out.push_str(&format!("  {:<46} {:>8}", format!("({} events)", self.events), self.total()));
        out
    }
}

fn session_start(id: &str, started: u64) -> String {
    let fingerprint = "ab".repeat(32);
    format!(
        r#"{{"session_id":"{id}","site_key":"{SITE_KEY}","started_at":{started},"page":{{"url":"https://shop.example/?utm_source=bench","referrer":"https://search.example/","title":"Bench"}},"device":{{"language":"en-US","timezone":"America/Chicago","screen_width":1920,"screen_height":1080}},"consent":"analytics","visitor_id":"{}","fingerprint":{{"id":"{fingerprint}","confidence":80,"sources":12,"ms":20}}}}"#,
        uuid()
    )
}

/// A batch of 50 events: pageviews, clicks, scrolls, engagement, a form, custom events.
fn batch_json(session: &str, started: u64, t: u64) -> String {
    let events: Vec<String> = (0..EVENTS_PER_BATCH as u64)
        .map(|i| {
            let ts = t + i * 10;
            match i % 6 {
                0 => format!(r#"{{"type":"pageview","ts":{ts},"url":"https://shop.example/p{}","title":"Page"}}"#, i % 5),
                1 => format!(r#"{{"type":"click","ts":{ts},"selector":"main > a.cta","text":"Buy","x":10,"y":20}}"#),
                2 => format!(r#"{{"type":"scroll","ts":{ts},"percent":{}}}"#, i % 101),
                3 => format!(r#"{{"type":"engagement","ts":{ts},"engaged_ms":1500}}"#),
                4 => format!(r#"{{"type":"form_interaction","ts":{ts},"form_id":"contact","action":"focus"}}"#),
                _ => format!(r#"{{"type":"custom","ts":{ts},"name":"cta","props":{{"plan":"pro"}}}}"#),
            }
        })
        .collect();
    format!(
        r#"{{"batch_id":"{}","session_id":"{session}","session_started_at":{started},"sent_at":{},"events":[{}]}}"#,
        uuid(),
        t + 600,
        events.join(",")
    )
}

/// A random (v4-shaped) UUID; not security-relevant.
fn uuid() -> String {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let next = || {
        let mut x =
            STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ now_ms().rotate_left(17);
        x ^= x >> 30;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 27;
        x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    };
    let (a, b) = (next(), next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// The 1-minute load average, as `/proc/loadavg` has it ("n/a" elsewhere).
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "n/a".to_owned())
}

/// Waits until workerd's CPU ticks stop growing (at most 5 s); answers the ticks it used meanwhile.
fn workerd_settled() -> Option<u64> {
    let start = workerd_ticks()?;
    let mut last = start;
    for _ in 0..25 {
        std::thread::sleep(Duration::from_millis(200));
        let now = workerd_ticks()?;
        if now == last {
            break;
        }
        last = now;
    }
    Some(last.saturating_sub(start))
}

/// user + system CPU ticks of every running `workerd` (the one `wrangler dev` started).
fn workerd_ticks() -> Option<u64> {
    let mut total = None;
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let stat = entry.path().join("stat");
        let Ok(text) = fs::read_to_string(&stat) else { continue };
        let Some((comm, rest)) = text.split_once(") ") else { continue };
        if !comm.ends_with("(workerd") || !owned_by_us(&entry.path()) {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // After "pid (comm) ": state is field 0, utime 11, stime 12.
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        total = Some(total.unwrap_or(0) + ticks);
    }
    total
}

/// Whether the process at `/proc/<pid>` runs from this checkout's node_modules (not another
/// engineer's wrangler).
fn owned_by_us(proc_dir: &Path) -> bool {
    let root = paths::root();
    fs::read_link(proc_dir.join("exe")).is_ok_and(|exe| exe.starts_with(root.join("node_modules")))
}

fn clock_ticks() -> u64 {
    cmd::output(std::process::Command::new("getconf").arg("CLK_TCK"))
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_json_the_worker_accepts_in_shape() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        assert_ne!(uuid(), uuid());
        let batch = batch_json(&id, 1, 2);
        assert!(batch.starts_with("{\"batch_id\":"), "{batch}");
        assert_eq!(batch.matches("\"type\":").count(), EVENTS_PER_BATCH);
    }

    #[test]
    fn the_counted_glue_wraps_the_module_instance() {
        let js =
            "import Y from\"./index_bg.wasm\";var N=new WebAssembly.Instance(Y,re()),i=N.exports;";
        let counted = counted_index_js(js).unwrap();
        assert!(counted.ends_with(js));
        assert!(counted.contains(r#"if(k==="fetch")__wlog(100);"#));
        assert!(counted.contains("WebAssembly.Instance=function(m,imports)"));
        assert_eq!(counted_index_js("export default {}"), None);
        assert_eq!(parse_crossings("124.0 27.8 a=1.0 b=2.0").0, 124.0);
        assert_eq!(parse_crossings("124.0 27.8 a=1.0 b=2.0").2, "a=1.0 b=2.0");
    }

    #[test]
    fn the_counted_config_has_no_build_step() {
        let toml = "name = \"w\"\n[build]\ncommand = \"x\"\n\n[vars]\nA = \"1\"\n";
        assert_eq!(without_build_step(toml), "name = \"w\"\n[vars]\nA = \"1\"\n");
    }

    #[test]
    fn d1_writes_are_summed_by_source() {
        let lines = [
            r#"{"ts":1,"level":"info","request_id":"a","method":"POST","path":"/track/events/batch","status":202,"ms":3,"body":"9","d1_writes":1}"#,
            r#"{"ts":1,"level":"info","request_id":"b","method":"POST","path":"/track/events/batch","status":202,"ms":3,"d1_writes":1}"#,
            r#"{"ts":1,"level":"info","job":"aggregate","session_id":"s","trigger":"batch","outcome":"written","d1_writes":3}"#,
            r#"{"ts":1,"level":"info","job":"aggregate","session_id":"s","trigger":"batch","outcome":"throttled"}"#,
        ]
        .map(str::to_owned);
        let c = D1Count::of(&lines);
        assert_eq!(c.events, 100);
        assert_eq!(c.total(), 5);
        assert_eq!(c.per_thousand(), 50.0);
        assert_eq!(
            c.rows,
            vec![
                ("request /track/events/batch".to_owned(), 2),
                ("job aggregate (batch)".to_owned(), 3)
            ]
        );
    }
}
