// The fixed-window rate limiter against a real worker in workerd: exact under concurrency (one
// atomic D1 UPSERT per request), 429 with Retry-After, WhitelistedIPs and BlockedIPs by salted
// hash and by CIDR range (entries written with scripts/ip-list.mjs, as an admin would).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startWorker, IP_HASH_SALT } from '../support/worker.mjs';
import { registerSite } from '../support/sites.mjs';
import { openState, datePath } from '../support/state.mjs';
import { post, at, sessionStart, batchOf, scroll, assertError } from '../support/track.mjs';
import { ipHash } from '../../scripts/ip-list.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIMIT = 50;
// 12 s into a 60 s window: Retry-After is 48.
const NOW = Math.floor(Date.now() / 60_000) * 60_000 + 12_000;

let worker;
let state;

before(async () => {
  worker = await startWorker({ vars: { RATE_LIMIT_TRACK_EVENTS: `${LIMIT}/60` } });
  // Session starts need a registered site key (the dashboard API's registry).
  await registerSite(worker, { siteKey: 'e2e' });
  state = await openState(worker.state);
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

/** Adds a list entry with the admin script, against this worker's local D1. */
async function listEntry(list, flag, value) {
  await promisify(execFile)(process.execPath, [
    path.join(root, 'scripts/ip-list.mjs'), list, flag, value, '--salt', IP_HASH_SALT, '--reason', 'e2e',
    '--local', '--persist-to', worker.state,
  ], { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1' } });
}

const batchFrom = (ip, s, now = NOW) => post(worker, '/track/events/batch', batchOf(s, [scroll(s.started_at + 1, 10)]), at(now, { ip }));

test('200 concurrent requests from one IP against a limit of 50: exactly 50 pass', async () => {
  const ip = '203.0.113.10';
  const s = sessionStart(NOW);
  const replies = await Promise.all(Array.from({ length: 200 }, () => batchFrom(ip, s)));
  const passed = replies.filter((r) => r.status === 202);
  const limited = replies.filter((r) => r.status === 429);
  assert.equal(passed.length, LIMIT);
  assert.equal(limited.length, 200 - LIMIT);
  for (const r of limited) {
    assertError(r, 429, 'rate_limited');
    assert.equal(r.res.headers.get('retry-after'), '48');
    assert.equal(r.res.headers.get('access-control-allow-origin'), '*');
  }
  // Nothing of a refused request was stored.
  const prefix = `sessions/${datePath(s.started_at)}/${s.session_id}/events/`;
  assert.equal(await state.countKeys(prefix), LIMIT);
  const [window] = await state.query("SELECT count FROM rate_limit_windows WHERE key = ?", `events:${ipHash(IP_HASH_SALT, ip)}`);
  assert.equal(window.count, 200, 'every request was counted, none lost to a race');
  const raw = await state.query("SELECT count(*) AS n FROM rate_limit_windows WHERE key LIKE '%203.0.113%'");
  assert.equal(raw[0].n, 0, 'windows are keyed by the salted hash, never the IP');

  // The next window lets the IP in again; other IPs and the session routes were never limited.
  assert.equal((await batchFrom(ip, s, NOW + 60_000)).status, 202);
  assert.equal((await batchFrom('203.0.113.11', s)).status, 202);
  const started = await post(worker, '/track/session/start', sessionStart(NOW), at(NOW, { ip }));
  assert.equal(started.status, 202, started.text);
});

test('whitelisted addresses and ranges are never limited', async () => {
  await listEntry('allow', '--ip', '203.0.113.20');
  await listEntry('allow', '--cidr', '198.51.100.0/24');
  for (const ip of ['203.0.113.20', '198.51.100.23', '198.51.100.255']) {
    const s = sessionStart(NOW);
    const replies = await Promise.all(Array.from({ length: LIMIT + 20 }, () => batchFrom(ip, s)));
    assert.deepEqual([...new Set(replies.map((r) => r.status))], [202], ip);
  }
  // Just outside the range the limit holds.
  const s = sessionStart(NOW);
  const outside = await Promise.all(Array.from({ length: LIMIT + 5 }, () => batchFrom('198.51.101.1', s)));
  assert.equal(outside.filter((r) => r.status === 429).length, 5);
});

test('blocked addresses and ranges get 403 on every /track route, even when whitelisted too', async () => {
  await listEntry('block', '--ip', '203.0.113.30');
  await listEntry('block', '--cidr', '2001:db8::/32');
  await listEntry('block', '--ip', '198.51.100.77'); // also inside the whitelisted range
  for (const ip of ['203.0.113.30', '2001:db8::5', '198.51.100.77']) {
    const s = sessionStart(NOW);
    assertError(await post(worker, '/track/session/start', s, at(NOW, { ip })), 403, 'forbidden');
    assertError(await batchFrom(ip, s), 403, 'forbidden');
    const single = { batch_id: crypto.randomUUID(), session_id: s.session_id, session_started_at: NOW, sent_at: NOW, event: scroll(NOW, 1) };
    assertError(await post(worker, '/track/event', single, at(NOW, { ip })), 403, 'forbidden');
    const end = { session_id: s.session_id, session_started_at: NOW, ended_at: NOW + 1 };
    assertError(await post(worker, '/track/session/end', end, at(NOW, { ip })), 403, 'forbidden');
    const rows = await state.query('SELECT count(*) AS n FROM sessions WHERE id = ?', s.session_id);
    assert.equal(rows[0].n, 0, 'a blocked start stores nothing');
  }
  assert.equal((await batchFrom('2001:db9::5', sessionStart(NOW))).status, 202, 'outside the blocked range');
});
