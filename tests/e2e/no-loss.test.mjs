// No acknowledged event is lost and none is counted twice: 5,000 events in 100 concurrent batches
// over 20 sessions, some batches sent twice, all against a real worker in workerd. Afterwards
// every event is in R2 exactly once, and every session's D1 aggregates and rollups equal the
// totals of what R2 holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { registerSite } from '../support/sites.mjs';
import { openState, eventually, datePath } from '../support/state.mjs';
import {
  post, at, sessionStart, batchOf, pageview, click, scroll, engagement, form, custom, rageClick, error, totalsOf,
} from '../support/track.mjs';

const SESSIONS = 20;
const BATCHES = 5;
const EVENTS = 50;
const DUPLICATES = 10;

let worker;
let state;

before(async () => {
  worker = await startWorker();
  // Session starts need a registered site key (the dashboard API's registry).
  await registerSite(worker, { siteKey: 'e2e' });
  state = await openState(worker.state);
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

/** The `i`-th event of a batch: every kind, unique times, a handful of paths and forms. */
function eventAt(ts, i, session) {
  switch (i % 10) {
    case 0: return pageview(ts, `/p${(i + session) % 5}`);
    case 1: return click(ts, { text: `c${i}` });
    case 2: return scroll(ts, (i * 7 + session) % 101);
    case 3: return engagement(ts, 1_000 + i);
    case 4: return form(ts, `form${i % 3}`, i % 4 === 0 ? 'submit' : 'focus');
    case 5: return custom(ts, i % 2 ? 'signup' : 'cta', { plan: i % 3 ? 'pro' : 'free', seats: i % 4, trial: i % 2 === 0 });
    case 6: return rageClick(ts);
    case 7: return error(ts, `E${i}`);
    case 8: return form(ts, `form${i % 3}`, 'change');
    default: return { type: 'identify', ts, user_id: `u${session}` };
  }
}

test('5,000 events in 100 concurrent batches, some sent twice: each stored once, aggregates exact', { timeout: 300_000 }, async () => {
  const T = Date.now();
  const starts = Array.from({ length: SESSIONS }, (_, s) => sessionStart(T - s * 1_000));
  const started = await Promise.all(starts.map((s) => post(worker, '/track/session/start', s, at(T))));
  for (const r of started) assert.equal(r.status, 202, r.text);

  const batches = starts.flatMap((s, si) => Array.from({ length: BATCHES }, (_, b) => {
    const t0 = s.started_at + 10 + b * 1_000;
    return batchOf(s, Array.from({ length: EVENTS }, (_, e) => eventAt(t0 + e, b * EVENTS + e, si)));
  }));
  assert.equal(batches.reduce((n, b) => n + b.events.length, 0), 5_000);
  // Every batch at once, and ten of them a second time (a retry racing its original); half as
  // text/plain beacons.
  const sends = [...batches, ...batches.filter((_, i) => i % BATCHES === 0).slice(0, DUPLICATES)].map((b, i) =>
    post(worker, '/track/events/batch', JSON.stringify(b), {
      ...at(T + 1_000), 'content-type': i % 2 ? 'text/plain;charset=UTF-8' : 'application/json',
    }));
  const replies = await Promise.all(sends);
  assert.equal(replies.length, 110);
  for (const r of replies) assert.equal(r.status, 202, r.text);
  assert.equal(replies.reduce((n, r) => n + r.json.accepted, 0), 5_500, 'every request acknowledged all its events');

  const ends = await Promise.all(starts.map((s) => post(worker, '/track/session/end', {
    session_id: s.session_id, session_started_at: s.started_at, ended_at: s.started_at + 10 * 60_000,
  }, at(T + 2_000))));
  for (const r of ends) assert.equal(r.status, 202, r.text);
  // The unthrottled update after each end lists everything acknowledged before it.
  await eventually('every session end\'s aggregate update', async () => starts.every((s) =>
    worker.jsonLines().some((l) => l.job === 'aggregate' && l.session_id === s.session_id && l.trigger === 'end' && l.outcome)),
  { tries: 240 });

  // R2: every event exactly once.
  const stored = await state.getJsonMany('sessions/', (k) => /\/events\/\d{13}-[0-9a-f-]{36}\.json$/.test(k));
  assert.equal(stored.length, SESSIONS * BATCHES, 'one object per batch: a retry overwrote its own');
  // Key order aside (the worker serialises fields in schema order), the same events.
  const sorted = (v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
  const canon = (events) => events.map((e) => JSON.stringify(sorted(e))).sort();
  for (const s of starts) {
    const mine = stored.filter((o) => o.key.startsWith(`sessions/${datePath(s.started_at)}/${s.session_id}/`)).map((o) => o.body);
    assert.equal(mine.length, BATCHES);
    const sent = batches.filter((b) => b.session_id === s.session_id);
    assert.deepEqual(canon(mine.flatMap((b) => b.events)), canon(sent.flatMap((b) => b.events)), s.session_id);
  }

  // D1: aggregates and rollups equal R2's totals, for every session.
  const ids = starts.map((s) => s.session_id);
  const marks = ids.map(() => '?').join(',');
  const rows = await state.query(`SELECT * FROM sessions WHERE id IN (${marks})`, ...ids);
  const pages = await state.query(`SELECT session_id, path, views FROM session_pages WHERE session_id IN (${marks})`, ...ids);
  const events = await state.query(`SELECT session_id, name, prop_key, prop_value, count FROM session_events WHERE session_id IN (${marks})`, ...ids);
  assert.equal(rows.length, SESSIONS);
  for (const s of starts) {
    const mine = stored.filter((o) => o.key.includes(`/${s.session_id}/`)).map((o) => o.body);
    const expected = totalsOf(mine);
    assert.deepEqual(expected, totalsOf(batches.filter((b) => b.session_id === s.session_id)), 'R2 holds what was sent');
    const row = rows.find((r) => r.id === s.session_id);
    for (const [field, value] of Object.entries(expected.totals)) {
      if (field !== 'last_ts') assert.equal(row[field], value, `${s.session_id}: ${field}`);
    }
    assert.equal(row.agg_batches, BATCHES);
    assert.equal(row.ended_at, s.started_at + 10 * 60_000);
    assert.equal(row.duration_ms, 10 * 60_000);
    assert.equal(row.event_count, BATCHES * EVENTS);
    assert.deepEqual(
      Object.fromEntries(pages.filter((p) => p.session_id === s.session_id).map((p) => [p.path, p.views])),
      expected.pages,
    );
    assert.deepEqual(
      Object.fromEntries(events.filter((e) => e.session_id === s.session_id)
        .map((e) => [JSON.stringify([e.name, e.prop_key, e.prop_value]), e.count])),
      expected.customRows,
    );
  }

  // How much D1 work all this took, as the worker counted it.
  const lines = worker.jsonLines();
  const writes = lines.reduce((n, l) => n + (l.d1_writes ?? 0), 0);
  const updates = lines.filter((l) => l.job === 'aggregate' && l.outcome === 'written').length;
  console.log(`no-loss: ${writes} D1 write statements for 5,000 events (${(writes / 5).toFixed(1)} per 1,000), ${updates} aggregate writes`);
});
