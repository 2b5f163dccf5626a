// Starts a fresh `wrangler dev` (real workerd, local D1/KV/R2) on a free port with its own state.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wrangler = path.join(root, 'node_modules/.bin/wrangler');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1' };
const running = new Set();
/** The salt the test worker hashes visitor IPs with. */
export const IP_HASH_SALT = 'e2e-salt';

/** Kills every wrangler process group this process started. */
function killAll(signal) {
  for (const pid of running) {
    try { process.kill(-pid, signal); } catch { /* already gone */ }
  }
}

// Whatever happens to the test process (normal exit, Ctrl-C, SIGTERM from a CI timeout, a closed
// terminal), no wrangler or workerd outlives it: each runs detached in its own process group.
process.on('exit', () => killAll('SIGKILL'));
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.once(signal, () => {
    killAll('SIGTERM');
    process.exit(code);
  });
}

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
 * waits for `/health`. The worker must be prebuilt (`cargo xtask test` does it). `vars` adds
 * `--var NAME:value` pairs (secrets such as API keys included: wrangler dev takes them as vars).
 */
export async function startWorker({ vars = {} } = {}) {
  const state = await mkdtemp(path.join(os.tmpdir(), 'pulsegate-e2e-'));
  const cwd = path.join(root, 'worker');
  await promisify(execFile)(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { cwd, env });
  const port = await freePort();
  const inspector = await freePort();
  const log = [];
  const child = spawn(
    wrangler,
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
      '--persist-to', state, '--test-scheduled', '--show-interactive-dev-session=false',
      '--var', `IP_HASH_SALT:${IP_HASH_SALT}`,
      ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
    { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child.pid);
  const keep = (chunk) => { log.push(chunk.toString()); if (log.length > 400) log.shift(); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (running.delete(child.pid)) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(state, { recursive: true, force: true });
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
    await stop();
    throw new Error(`${err.message}\n--- wrangler output ---\n${log.join('')}`);
  }
  return { url, state, pid: child.pid, stop, log: () => log.join('') };
}
