// Retention of every store, in bounded slices that resume: with one R2 page per run, a backlog of
// 2,500 expired objects drains over three runs (the daily cron, then the */10 cron continuing it),
// paging past 1,000 objects for real; D1 rows expire on each store's own window.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWorker } from '../support/worker.mjs';
import { registerSite } from '../support/sites.mjs';
import { openState, eventually, datePath } from '../support/state.mjs';

let worker;
let state;
const DAY = 86_400_000;
const NOW = Date.now();

before(async () => {
  worker = await startWorker({ vars: { RETENTION_R2_PAGES: '1', RETENTION: 'fingerprints=30,identity_network=20' } });
  // Session starts need a registered site key (the dashboard API's registry).
  await registerSite(worker, { siteKey: 'e2e' });
  state = await openState(worker.state);
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

/** Runs a cron at the scheduled time `time` and returns its retention job line (if it logged one). */
async function cron(schedule, time) {
  const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(schedule)}&time=${time}`);
  assert.equal(res.status, 200, await res.text());
  if (schedule === '0 3 * * *') {
    return eventually('the retention line', async () => worker.jsonLines().find((l) => l.job === 'retention' && l.now === time));
  }
  // A */10 run logs its finalize line, a retention line only when it had a backlog, and ends
  // with the lead drought line: wait for that last one.
  await eventually('the */10 run to finish', async () => {
    const lines = worker.jsonLines();
    const at = lines.findIndex((l) => l.job === 'finalize_sessions' && l.now === time);
    return at >= 0 && lines.slice(at).some((l) => l.job === 'lead_drought_alert');
  });
  return worker.jsonLines().find((l) => l.job === 'retention' && l.now === time);
}

const store = (line, name) => line.stores.find((s) => s.store === name);

test('an R2 backlog of 2,500 expired objects drains over three bounded runs; recent data stays', { timeout: 300_000 }, async () => {
  const expired = [];
  for (const day of ['2020/01/01', '2020/01/02']) {
    for (let s = 0; s < 25; s++) {
      const id = randomUUID();
      for (let b = 0; b < 50; b++) expired.push([`sessions/${day}/${id}/events/${String(1577836800000 + b).padStart(13, '0')}-${randomUUID()}.json`, '{}']);
    }
  }
  assert.equal(expired.length, 2_500);
  const recent = [`sessions/${datePath(NOW)}/${randomUUID()}/meta.json`, `sessions/${datePath(NOW - 89 * DAY)}/${randomUUID()}/meta.json`];
  const undated = 'sessions/junk/readme.json';
  await state.putMany([...expired, ...recent.map((k) => [k, '{}']), [undated, '{}']]);
  assert.equal(await state.countKeys('sessions/2020/'), 2_500);

  const first = await cron('0 3 * * *', NOW);
  assert.deepEqual({ ...store(first, 'events'), error: undefined }, { store: 'events', days: 90, deleted: 1_000, calls: 1, done: false, error: undefined });
  assert.equal(await state.countKeys('sessions/2020/'), 1_500);
  const [cursor] = await state.query("SELECT cursor, done FROM retention_cursors WHERE store = 'events'");
  assert.equal(cursor.done, 0);
  assert.match(cursor.cursor, /^sessions\/2020\/01\/01\//, 'the cursor is the last key handled');

  // The */10 cron continues the backlog where the daily run stopped.
  const second = await cron('*/10 * * * *', NOW + 600_000);
  assert.deepEqual(second.stores.map((s) => s.store), ['events'], 'only the store with a backlog');
  assert.equal(store(second, 'events').deleted, 1_000);
  assert.equal(await state.countKeys('sessions/2020/'), 500);
  const third = await cron('*/10 * * * *', NOW + 1_200_000);
  assert.equal(store(third, 'events').deleted, 500);
  assert.equal(store(third, 'events').done, true);
  assert.equal(await state.countKeys('sessions/2020/'), 0);
  const [finished] = await state.query("SELECT cursor, done FROM retention_cursors WHERE store = 'events'");
  assert.deepEqual(finished, { cursor: null, done: 1 });
  // No backlog: the next */10 run does no retention work and says nothing about it.
  assert.equal(await cron('*/10 * * * *', NOW + 1_800_000), undefined);

  for (const key of recent) assert.deepEqual(await state.listKeys(key), [key]);
  assert.deepEqual(await state.listKeys(undated), [undated], 'undated keys are skipped, never deleted');
});

test('D1 rows expire per store: sessions with their rollups, fingerprints, identity network, rate-limit windows', async () => {
  const old = NOW - 100 * DAY;
  const oldId = randomUUID();
  const newId = randomUUID();
  for (const [id, started] of [[oldId, old], [newId, NOW]]) {
    await state.query(
      `INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url, finalized_at)
       VALUES (?, 'e2e', ?, ?, ?, ?, 'https://a.example/', ?)`, id, started, started, started, `sessions/${datePath(started)}/${id}/`, started);
    await state.query("INSERT INTO session_pages VALUES (?, 'e2e', ?, '/', 1)", id, started);
    await state.query("INSERT INTO session_events (session_id, site_key, started_at, name, count) VALUES (?, 'e2e', ?, 'signup', 1)", id, started);
  }
  // Fingerprints keep 30 days here, the identity network 20: the same age expires one, not the other.
  await state.query("INSERT INTO fingerprints (id, first_seen_at, last_seen_at) VALUES (?, ?, ?), (?, ?, ?)",
    'a'.repeat(64), old, NOW - 31 * DAY, 'b'.repeat(64), old, NOW - 25 * DAY);
  await state.query('INSERT INTO identity_network (fingerprint_id, ip_hash, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
    'a'.repeat(64), 'c'.repeat(64), old, NOW - 25 * DAY, 'b'.repeat(64), 'd'.repeat(64), old, NOW - 5 * DAY);
  await state.query('INSERT INTO rate_limit_windows VALUES (?, ?, 1), (?, ?, 1)', 'events:old', NOW - 3 * DAY, 'events:new', NOW);

  const line = await cron('0 3 * * *', NOW + 3_600_000);
  assert.equal(store(line, 'sessions').deleted, 3, JSON.stringify(line));
  assert.deepEqual((await state.query('SELECT id FROM sessions WHERE id IN (?, ?)', oldId, newId)).map((r) => r.id), [newId]);
  assert.deepEqual((await state.query('SELECT session_id FROM session_pages')).map((r) => r.session_id), [newId]);
  assert.deepEqual((await state.query('SELECT session_id FROM session_events')).map((r) => r.session_id), [newId]);
  assert.deepEqual((await state.query('SELECT id FROM fingerprints')).map((r) => r.id), ['b'.repeat(64)]);
  assert.deepEqual((await state.query('SELECT fingerprint_id FROM identity_network')).map((r) => r.fingerprint_id), ['b'.repeat(64)]);
  assert.deepEqual((await state.query('SELECT key FROM rate_limit_windows')).map((r) => r.key), ['events:new']);
  for (const name of ['sessions', 'fingerprints', 'identity_network', 'rate_limits', 'leads', 'events']) {
    assert.equal(store(line, name).done, true, name);
  }
  assert.equal(store(line, 'fingerprints').days, 30);
  assert.equal(store(line, 'leads').days, 365);
});
