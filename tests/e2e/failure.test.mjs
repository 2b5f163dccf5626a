// A worker with broken storage and missing configuration, for real: its D1 database has no tables
// (migrations never applied) and IP_HASH_SALT is empty. What needs D1 answers 503 with no
// internal text (so clients retry); event batches, which only need R2, are still stored and
// acknowledged while the rate limiter fails open and the aggregate update fails after the
// response, logged, never surfaced; the missing salt is logged once per isolate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { openState, eventually, datePath } from '../support/state.mjs';
import { post, at, sessionStart, batchOf, pageview, assertError, storedBatches } from '../support/track.mjs';

let worker;
let state;
const T = Date.now();

before(async () => {
  worker = await startWorker({ migrate: false, vars: { IP_HASH_SALT: '' } });
  state = await openState(worker.state);
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

test('what needs D1 answers 503 without internal detail; the detail is logged', async () => {
  const s = sessionStart(T);
  const start = await post(worker, '/track/session/start', s, at(T));
  assertError(start, 503, 'unavailable');
  assert.doesNotMatch(start.text, /sqlite|no such table|D1_ERROR|sessions/i);
  const line = await eventually('the 503 line', async () => worker.jsonLines().find((l) => l.path === '/track/session/start' && l.status === 503));
  assert.match(line.error.detail, /no such table/);

  const end = await post(worker, '/track/session/end', { session_id: s.session_id, session_started_at: T, ended_at: T + 1 }, at(T));
  assertError(end, 503, 'unavailable');
});

test('a batch still reaches R2 and is acknowledged; the limiter fails open and the aggregate failure stays in the log', async () => {
  const s = sessionStart(T);
  const b = batchOf(s, [pageview(T + 1, '/')]);
  const reply = await post(worker, '/track/events/batch', b, at(T + 10, { ip: '203.0.113.5' }));
  assert.equal(reply.status, 202, reply.text);
  assert.deepEqual((await storedBatches(state, `sessions/${datePath(T)}/${s.session_id}/`)).map((x) => x.batch_id), [b.batch_id]);
  const limiter = await eventually('the fail-open line', async () => worker.jsonLines().find((l) => l.job === 'rate_limit'));
  assert.equal(limiter.fail_open, true);
  const job = await eventually('the aggregate failure', async () =>
    worker.jsonLines().find((l) => l.job === 'aggregate' && l.session_id === s.session_id && l.error));
  assert.equal(job.level, 'error');
  assert.match(job.error, /no such table/);
});

test('concurrent batches all pass while the limiter fails open, each failure logged, none lost', async () => {
  const s = sessionStart(T);
  const batches = Array.from({ length: 40 }, (_, i) => batchOf(s, [pageview(T + 1 + i, '/')]));
  const before = worker.jsonLines().filter((l) => l.job === 'rate_limit').length;
  const replies = await Promise.all(batches.map((b) => post(worker, '/track/events/batch', b, at(T + 100, { ip: '203.0.113.6' }))));
  assert.deepEqual([...new Set(replies.map((r) => r.status))], [202]);
  const stored = await storedBatches(state, `sessions/${datePath(T)}/${s.session_id}/`);
  assert.equal(stored.length, batches.length);
  const lines = await eventually('the fail-open lines', async () => {
    const l = worker.jsonLines().filter((x) => x.job === 'rate_limit').slice(before);
    return l.length >= batches.length ? l : undefined;
  });
  // One line per request the failed limiter let through.
  assert.ok(lines.every((l) => l.fail_open === true && l.family === 'events' && /no such table/.test(l.error)), JSON.stringify(lines));
  assert.equal(lines.length, batches.length);
});

test('a missing IP_HASH_SALT is logged once per isolate, not per request', async () => {
  for (let i = 0; i < 3; i++) {
    const s = sessionStart(T);
    assert.equal((await post(worker, '/track/events/batch', batchOf(s, [pageview(T + 1, '/')]), at(T + 10))).status, 202);
  }
  await eventually('three more request lines', async () => worker.jsonLines().filter((l) => l.path === '/track/events/batch').length >= 4);
  const warnings = worker.jsonLines().filter((l) => l.config === 'IP_HASH_SALT');
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.equal(warnings[0].level, 'warn');
  assert.match(warnings[0].problem, /not set/);
});
