// Starts a fresh `wrangler dev` (real workerd, local D1/KV/R2) on a free port with its own state.
import { spawn, execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withDeadline } from './deadline.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wrangler = path.join(root, 'node_modules/.bin/wrangler');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1' };
const running = new Set();
/** State directories of workers not stopped yet: removed on exit too. */
const states = new Set();
/** The salt the test worker hashes visitor IPs with. */
export const IP_HASH_SALT = 'e2e-salt';
/** The test worker's admin key (`ANALYTICS_API_KEY`). */
export const ADMIN_KEY = 'e2e-admin-key-0123456789';
/** The test worker's legacy marketing key (`ANALYTICS_MARKETING_API_KEY`). */
export const LEGACY_MARKETING_KEY = 'e2e-legacy-marketing-key';
/** Secrets every test worker gets unless a test overrides them (`null` leaves one unset). The
 * salt is a var (`IP_HASH_SALT` above, `vars: { IP_HASH_SALT: null }` to leave it out). */
const SECRETS = { ANALYTICS_API_KEY: ADMIN_KEY, ANALYTICS_MARKETING_API_KEY: LEGACY_MARKETING_KEY };

/** Kills every wrangler process group this process started. */
function killAll(signal) {
  for (const pid of running) {
    try { process.kill(-pid, signal); } catch { /* already gone */ }
  }
}

// Whatever happens to the test process (normal exit, Ctrl-C, SIGTERM from a CI timeout, a closed
// terminal), no wrangler or workerd outlives it: each runs detached in its own process group.
process.on('exit', () => {
  killAll('SIGKILL');
  for (const dir of states) rmSync(dir, { recursive: true, force: true });
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.once(signal, () => {
    killAll('SIGTERM');
    process.exit(code);
  });
}

/** Logs of the workers running now, by origin: what a request that got no answer reports. */
const logsByOrigin = new Map();
// Every request a suite sends to one of its workers goes through `withDeadline` (see there).
globalThis.fetch = withDeadline({ fetch: globalThis.fetch, logOf: (origin) => logsByOrigin.get(origin) });

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Applies the migrations to a new temporary state directory, starts `wrangler dev` on it and
 * waits for `/health`. The worker must be prebuilt (`cargo xtask test` does it).
 *
 * The harness always sets `PULSEGATE_TEST_CLOCK=1` (test headers: `x-pulsegate-now`,
 * `x-pulsegate-test-cf`, `x-pulsegate-test-fault`) and `IP_HASH_SALT`. `vars` adds or overrides
 * vars (a value of `null` leaves one unset), e.g. `{ RATE_LIMIT_TRACK_EVENTS: '50/60' }`;
 * `migrate: false` starts a worker whose D1 has no tables (a broken store, for failure tests).
 * The API keys come from a temporary env file (never from a developer's `worker/.dev.vars`):
 * `secrets` overrides them, a `null` value leaves one unset.
 */
export async function startWorker({ vars = {}, migrate = true, secrets = {} } = {}) {
  const state = await mkdtemp(path.join(os.tmpdir(), 'pulsegate-e2e-'));
  states.add(state);
  const envFile = path.join(state, 'secrets.env');
  const all = { ...SECRETS, ...secrets };
  await writeFile(envFile, Object.entries(all).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}\n`).join(''));
  const cwd = path.join(root, 'worker');
  if (migrate) {
    await promisify(execFile)(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { cwd, env });
  }
  // A free port can be taken by another process before wrangler binds it (several suites and
  // engineers share the machine): then start again on fresh ports, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch({ state, envFile, vars, cwd });
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test(err.message)) {
        await rm(state, { recursive: true, force: true });
        states.delete(state);
        throw err;
      }
    }
  }
}

async function launch({ state, envFile, vars, cwd }) {
  const allVars = { PULSEGATE_TEST_CLOCK: '1', IP_HASH_SALT, ...vars };
  const varArgs = Object.entries(allVars)
    .filter(([, value]) => value !== null && value !== undefined)
    .flatMap(([name, value]) => ['--var', `${name}:${value}`]);
  const port = await freePort();
  const inspector = await freePort();
  const log = [];
  const child = spawn(
    wrangler,
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
      '--persist-to', state, '--test-scheduled', '--show-interactive-dev-session=false',
      '--env-file', envFile, ...varArgs],
    { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child.pid);
  const keep = (chunk) => { log.push(chunk.toString()); if (log.length > 20000) log.shift(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  logsByOrigin.set(url, log);

  /** Every JSON line the worker logged so far (request lines, job lines, config warnings). */
  const jsonLines = () => log.join('').replace(/\x1b\[[0-9;]*m/g, '').split('\n').flatMap((line) => {
    const start = line.indexOf('{"ts":');
    if (start < 0) return [];
    try { return [JSON.parse(line.slice(start).trim())]; } catch { return []; }
  });

  const stop = async ({ keepState = false } = {}) => {
    // PULSEGATE_E2E_LOG=1 prints what the worker logged, to debug a failing suite.
    if (process.env.PULSEGATE_E2E_LOG) process.stderr.write(log.join(''));
    else reportServerErrors();
    logsByOrigin.delete(url);
    if (running.delete(child.pid)) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(timer);
    }
    if (keepState) return;
    await rm(state, { recursive: true, force: true });
    states.delete(state);
  };

  // Every 5xx the worker answered is printed when it stops (its detail is only logged), so a
  // failing run says why; suites that inject faults on purpose print theirs too.
  const reportServerErrors = () => {
    const lines = jsonLines().filter((l) => l.status >= 500);
    for (const l of lines.slice(0, 5)) {
      process.stderr.write(`# worker answered ${l.status}: ${JSON.stringify(l).slice(0, 600)}\n`);
    }
  };

  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error('wrangler dev exited early');
      try {
        const res = await fetch(`${url}/health`);
        if (res.ok) break;
      } catch { /* not listening yet */ }
      if (i > 240) throw new Error('wrangler dev did not answer /health within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop({ keepState: true });
    throw new Error(`${err.message}\n--- wrangler output ---\n${log.join('')}`);
  }
  return { url, state, pid: child.pid, stop, log: () => log.join(''), jsonLines };
}
