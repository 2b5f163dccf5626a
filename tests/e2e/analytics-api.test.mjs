// The /analytics/* reports against a real wrangler dev and its local D1: query plans from D1
// itself (no report scans a whole table), parameter errors, time zones, CSV, and session detail
// merged from the R2 batches the real ingest route wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startWorker } from '../support/worker.mjs';
import { api, registerSite } from '../support/sites.mjs';

const table = JSON.parse(await readFile(new URL('../support/endpoints.json', import.meta.url), 'utf8'));
const reports = table.routes.filter((r) => r.method === 'GET' && r.access === 'page'
  && ['overview', 'pages', 'sources', 'events', 'sessions'].includes(r.page) && !r.pattern.includes('{'));

let worker;

before(async () => {
  worker = await startWorker();
  await registerSite(worker, { siteKey: 'shop', name: 'Shop', timezone: 'Europe/Berlin' });
});

after(async () => {
  await worker?.stop();
});

async function post(path, body) {
  const res = await fetch(`${worker.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(res.status, 202, await res.text());
}

const fullScan = (step) => /^SCAN (sessions|session_pages|session_events)\b/.test(step.trim());

test('D1 plans every report on an index: no full scan of sessions or the rollups', async () => {
  assert.ok(reports.length >= 13, `${reports.length} reports`);
  const variants = (pattern) => pattern === '/analytics/timeseries'
    ? ['', '&tz=visitor', '&interval=hour&from=2025-11-24&to=2025-11-25']
    : pattern === '/analytics/sessions'
      ? ['', '&min_engagement=10&max_suspicion=50&country=DE&page=/pricing&has_lead=true&cursor=1764097200000.0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c']
      : ['', '&bots=include'];
  let plans = 0;
  for (const route of reports) {
    for (const extra of variants(route.pattern)) {
      const { res, json, text } = await api(worker, `${route.pattern}?explain=1${extra}`);
      assert.equal(res.status, 200, `${route.pattern}${extra}: ${text}`);
      assert.ok(json.queries.length >= 1);
      for (const q of json.queries) {
        assert.ok(q.plan.length > 0, q.sql);
        for (const step of q.plan) assert.ok(!fullScan(step), `${route.pattern}${extra} scans: ${step}\n${q.sql}`);
        assert.ok(q.plan.some((s) => /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(s)), `${route.pattern}: ${q.plan.join(' | ')}`);
        plans += 1;
      }
    }
  }
  assert.ok(plans >= 20, `${plans} plans`);
  const marketing = await api(worker, '/analytics/keys', { method: 'POST', body: { name: 'm', pages: ['overview'] } });
  assert.equal((await api(worker, '/analytics/overview?explain=1', { key: marketing.json.key })).res.status, 403);
});

test('report parameters are checked, and a wrong one is named', async () => {
  for (const [query, field] of [
    ['?form=1', 'form'],
    ['?from=yesterday', 'from'],
    ['?from=2025-11-25&to=2025-11-24', 'from'],
    ['?from=2024-01-01&to=2025-11-24', 'from'],
    ['?tz=Mars/Olympus', 'tz'],
    ['?bots=maybe', 'bots'],
    ['?site=a%20b', 'site'],
    ['?limit=5', 'limit'],
    ['?site=shop&site=shop', 'site'],
  ]) {
    const r = await api(worker, `/analytics/overview${query}`);
    assert.equal(r.res.status, 400, `${query}: ${r.text}`);
    assert.equal(r.json.error.field, field, `${query}: ${r.text}`);
  }
  const hourly = await api(worker, '/analytics/timeseries?interval=hour&from=2025-01-01&to=2025-03-01');
  assert.equal(hourly.json.error.field, 'interval');
  const visitorTz = await api(worker, '/analytics/overview?tz=visitor');
  assert.equal(visitorTz.json.error.field, 'tz');
  const limit = await api(worker, '/analytics/referrers?limit=0');
  assert.equal(limit.json.error.field, 'limit');
  await registerSite(worker, { siteKey: 'second' });
  const which = await api(worker, '/analytics/overview');
  assert.equal(which.res.status, 400);
  assert.match(which.json.error.message, /one of second, shop/);
  assert.equal((await api(worker, '/analytics/sites/second', { method: 'DELETE' })).res.status, 200);
});

test('a day series in the site\'s zone: local days, every bucket present, zeros included', async () => {
  const r = await api(worker, '/analytics/timeseries?from=2025-03-29&to=2025-03-31&interval=day');
  assert.equal(r.res.status, 200, r.text);
  assert.equal(r.json.range.timezone, 'Europe/Berlin');
  // 2025-03-29 00:00 CET is 23:00Z the day before; the 30th is 23 hours long (summer time starts).
  assert.equal(r.json.range.from, Date.UTC(2025, 2, 28, 23));
  // `to` is a date: its whole day is in the range (the 31st ends at 22:00Z, in summer time).
  assert.equal(r.json.range.to, Date.UTC(2025, 2, 31, 22));
  assert.deepEqual(r.json.points.map((p) => [p.label, p.start, p.sessions, p.visitors, p.pageviews]), [
    ['2025-03-29', Date.UTC(2025, 2, 28, 23), 0, 0, 0],
    ['2025-03-30', Date.UTC(2025, 2, 29, 23), 0, 0, 0],
    ['2025-03-31', Date.UTC(2025, 2, 30, 22), 0, 0, 0],
  ]);
  const utc = await api(worker, '/analytics/timeseries?from=2025-03-29&to=2025-03-29&tz=UTC');
  assert.equal(utc.json.interval, 'hour');
  assert.equal(utc.json.points.length, 24);
  assert.equal(utc.json.points[13].label, '2025-03-29T13:00');
});

test('CSV: the same table as the JSON, as a download', async () => {
  const sessionId = randomUUID();
  const now = Date.now();
  await post('/track/session/start', { session_id: sessionId, site_key: 'shop', started_at: now, page: { url: 'https://shop.example/a' } });
  const json = await api(worker, '/analytics/overview');
  const csv = await api(worker, '/analytics/overview?format=csv');
  assert.equal(csv.res.status, 200, csv.text);
  assert.match(csv.res.headers.get('content-disposition'), /attachment; filename="overview.csv"/);
  const [header, row] = csv.text.trim().split('\r\n');
  assert.equal(header, 'visitors,sessions,pageviews,bounce_rate,pages_per_session,median_duration_ms,avg_engaged_ms,total_engaged_ms');
  assert.equal(Number(row.split(',')[1]), json.json.sessions);
  assert.ok(json.json.sessions >= 1);
  assert.match(json.res.headers.get('server-timing') ?? '', /^d1;dur=[\d.]+;desc="\d+ queries"$/);
});

test('session detail merges the session\'s R2 batches by time, in pages of objects', async () => {
  const id = randomUUID();
  const t = Date.now() - 120_000;
  await post('/track/session/start', { session_id: id, site_key: 'shop', started_at: t, page: { url: 'https://shop.example/' } });
  // Three batches; the second was sent late, so its events interleave with the others.
  const batch = (events) => post('/track/events/batch', { batch_id: randomUUID(), session_id: id, session_started_at: t, sent_at: t + 60_000, events });
  await batch([{ type: 'pageview', ts: t + 10, url: 'https://shop.example/' }, { type: 'scroll', ts: t + 3000, percent: 50 }]);
  await batch([{ type: 'click', ts: t + 1000, selector: 'a', x: 1, y: 1 }, { type: 'scroll', ts: t + 5000, percent: 90 }]);
  await batch([{ type: 'pageview', ts: t + 4000, url: 'https://shop.example/pricing' }]);

  const all = await api(worker, `/analytics/sessions/${id}`);
  assert.equal(all.res.status, 200, all.text);
  assert.equal(all.json.session.id, id);
  assert.equal(all.json.session.landing_url, 'https://shop.example/');
  assert.deepEqual(all.json.events.map((e) => e.ts - t), [10, 1000, 3000, 4000, 5000]);
  assert.deepEqual(all.json.storage, { list_calls: 1, objects_listed: 3, objects_read: 3 });
  assert.equal(all.json.next_events_cursor, undefined);

  const first = await api(worker, `/analytics/sessions/${id}?limit=2`);
  assert.deepEqual(first.json.storage, { list_calls: 1, objects_listed: 3, objects_read: 2 });
  assert.match(first.json.next_events_cursor, new RegExp(`^sessions/\\d{4}/\\d{2}/\\d{2}/${id}/events/`));
  const rest = await api(worker, `/analytics/sessions/${id}?limit=2&events_cursor=${encodeURIComponent(first.json.next_events_cursor)}`);
  assert.equal(rest.res.status, 200, rest.text);
  assert.deepEqual(rest.json.storage, { list_calls: 1, objects_listed: 1, objects_read: 1 });
  assert.equal(rest.json.next_events_cursor, undefined);
  assert.deepEqual([...first.json.events, ...rest.json.events].map((e) => e.ts - t).sort((a, b) => a - b), [10, 1000, 3000, 4000, 5000]);

  assert.equal((await api(worker, `/analytics/sessions/${randomUUID()}`)).res.status, 404);
  assert.equal((await api(worker, '/analytics/sessions/not-a-session')).res.status, 404);
  const foreign = await api(worker, `/analytics/sessions/${id}?events_cursor=${encodeURIComponent(`sessions/2020/01/01/${randomUUID()}/events/x`)}`);
  assert.equal(foreign.json.error.field, 'events_cursor');
});
