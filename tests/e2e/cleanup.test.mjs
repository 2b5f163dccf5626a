// No process outlives the command that started it: the e2e helper and `cargo xtask dev` stop
// wrangler, workerd and the example-site server on SIGTERM, so ports are free for the next run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/worker.mjs';
import { eventually } from '../support/state.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Whether anything answers HTTP at `url`. */
async function answers(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

/** Whether process `pid` still exists (and is not a zombie awaiting its parent). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the exit code (or signal) of `child`. */
const exited = (child) => new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));

test('SIGTERM to a test process stops the wrangler it started', async () => {
  const child = spawn(process.execPath, [path.join(root, 'tests/support/hold-worker.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = exited(child);
  const line = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    child.on('exit', () => reject(new Error('hold-worker exited before printing its worker')));
  });
  const { url, pid } = JSON.parse(line);
  assert.ok(await answers(`${url}/health`), 'the worker answers before the signal');
  child.kill('SIGTERM');
  assert.equal(await done, 143);
  await eventually('the worker port to close', async () => !(await answers(`${url}/health`)), { tries: 80 });
  await eventually('the wrangler process group to end', async () => !alive(pid), { tries: 80 });
});

test('SIGTERM to `cargo xtask dev` stops the worker and the example site', { timeout: 600_000 }, async () => {
  const [port, sitePort] = [await freePort(), await freePort()];
  const state = await mkdtemp(path.join(os.tmpdir(), 'pulsegate-dev-'));
  const cargo = process.env.CARGO ?? 'cargo';
  const child = spawn(cargo, ['xtask', 'dev'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, PULSEGATE_PORT: String(port), PULSEGATE_SITE_PORT: String(sitePort), PULSEGATE_STATE: state },
  });
  const done = exited(child);
  try {
    const api = `http://127.0.0.1:${port}/health`;
    const site = `http://127.0.0.1:${sitePort}/`;
    await eventually('dev to serve the worker and the site', async () => (await answers(api)) && (await answers(site)), { tries: 480, everyMs: 500 });
    // dev registers the example site (key demo, on the example's origin) so its data is accepted.
    const vars = await readFile(path.join(root, 'worker/.dev.vars'), 'utf8');
    const key = /^ANALYTICS_API_KEY=(.*)$/m.exec(vars)[1].trim();
    const demo = await eventually('dev to register the example site', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/analytics/sites/demo`, { headers: { authorization: `Bearer ${key}` } });
      return res.ok ? res.json() : null;
    }, { tries: 120, everyMs: 500 });
    assert.deepEqual(demo.domains, [`127.0.0.1:${sitePort}`]);
    child.kill('SIGTERM');
    await done;
    await eventually('the worker port to close', async () => !(await answers(api)), { tries: 80 });
    await eventually('the site port to close', async () => !(await answers(site)), { tries: 80 });
  } finally {
    child.kill('SIGKILL');
    await rm(state, { recursive: true, force: true });
  }
});
