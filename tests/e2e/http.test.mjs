// End to end over HTTP: a fresh wrangler dev (workerd + local D1/KV/R2) answering every route.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { startWorker, IP_HASH_SALT, ADMIN_KEY } from '../support/worker.mjs';
import { openState, eventually, datePath } from '../support/state.mjs';
import { registerSite } from '../support/sites.mjs';

let worker;
let state;

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  await registerSite(worker, { siteKey: 'e2e', name: 'E2E shop' });
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

async function post(path, body, headers = { 'content-type': 'application/json' }) {
  const res = await fetch(`${worker.url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { res, json, text };
}

function assertError({ res, json, text }, status, code) {
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(json?.error?.code, code, text);
  assert.equal(typeof json.error.message, 'string');
  assert.ok(json.error.message.length > 0);
}

function sessionStart(overrides = {}) {
  return {
    session_id: randomUUID(),
    site_key: 'e2e',
    started_at: Date.now(),
    page: { url: 'https://shop.example/landing?utm_source=e2e', referrer: 'https://search.example/', title: 'Landing' },
    device: { language: 'en-US', timezone: 'Europe/Berlin', screen_width: 1920, screen_height: 1080, pixel_ratio: 2 },
    ...overrides,
  };
}

test('GET /health answers JSON with the version; the deep check needs the admin key and reaches D1, KV and R2', async () => {
  const res = await fetch(`${worker.url}/health`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.equal(body.schema_version, 1);
  assert.equal(body.checks, undefined, 'the public health check touches no binding');

  const anonymous = await fetch(`${worker.url}/health?deep=1`);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
  assert.equal((await anonymous.json()).error.code, 'unauthorized');

  const deepRes = await fetch(`${worker.url}/health?deep=1`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const deep = await deepRes.json();
  assert.equal(deepRes.status, 200, JSON.stringify(deep));
  assert.equal(deep.status, 'ok');
  assert.deepEqual(deep.checks.map((c) => c.name).sort(), ['admin_key', 'd1', 'ip_hash_salt', 'kv', 'migrations', 'r2']);
  for (const check of deep.checks) assert.equal(check.ok, true, JSON.stringify(check));
});

test('CORS preflight needs no auth and allows the tracking POST', async () => {
  const res = await fetch(`${worker.url}/track/events/batch`, {
    method: 'OPTIONS',
    headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.ok(res.status === 204 || res.status === 200, `status ${res.status}`);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
  assert.match((res.headers.get('access-control-allow-headers') ?? '').toLowerCase(), /content-type/);
});

test('session start writes the D1 row and meta.json once; a batch lands at the R2 key layout', async () => {
  const start = sessionStart();
  const first = await post('/track/session/start', start);
  assert.equal(first.res.status, 202, first.text);
  // The answer tells the tracker the replay sampling rate (AppSettings, 1 by default).
  assert.deepEqual(first.json, { ok: true, accepted: 1, replay_sample_rate: 1 });
  assert.equal(first.res.headers.get('access-control-allow-origin'), '*');

  const prefix = `sessions/${datePath(start.started_at)}/${start.session_id}/`;
  const [row] = await state.query('SELECT * FROM sessions WHERE id = ?', start.session_id);
  assert.ok(row, 'session row exists');
  assert.equal(row.site_key, 'e2e');
  assert.equal(row.started_at, start.started_at);
  assert.equal(row.landing_url, start.page.url);
  assert.equal(row.referrer, start.page.referrer);
  assert.equal(row.language, 'en-US');
  assert.equal(row.r2_prefix, prefix);
  assert.equal(row.event_count, 0);
  // The visitor's IP is kept only as a salted SHA-256, never as itself.
  assert.match(row.ip_hash ?? '', /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(row).includes('127.0.0.1'), 'no raw IP in the row');
  const expected = ['127.0.0.1', '::1'].map((ip) => createHash('sha256').update(`${IP_HASH_SALT}:${ip}`).digest('hex'));
  assert.ok(expected.includes(row.ip_hash), `ip_hash ${row.ip_hash} is sha256(salt:ip)`);

  const meta = await state.getJson(`${prefix}meta.json`);
  assert.equal(meta.session_id, start.session_id);
  assert.deepEqual(meta.page, start.page);
  assert.equal(typeof meta.received_at, 'number');

  // A retried beacon is idempotent: still one row, and meta.json is not written again (its
  // received_at would move with the worker's clock).
  const later = { 'content-type': 'application/json', 'x-pulsegate-now': String(meta.received_at + 5_000) };
  const again = await post('/track/session/start', start, later);
  assert.equal(again.res.status, 202, again.text);
  const rows = await state.query('SELECT count(*) AS n FROM sessions WHERE id = ?', start.session_id);
  assert.equal(rows[0].n, 1);
  assert.deepEqual(await state.getJson(`${prefix}meta.json`), meta, 'meta.json written once');

  // A retry with another started_at (two days earlier: another date prefix) changes nothing:
  // the first start wins in D1 and in R2.
  const moved = { ...start, started_at: start.started_at - 2 * 86_400_000 };
  const retried = await post('/track/session/start', moved, later);
  assert.equal(retried.res.status, 202, retried.text);
  assert.deepEqual(await state.listKeys(`sessions/${datePath(moved.started_at)}/${start.session_id}/`), [], 'no second meta.json');
  assert.deepEqual(await state.getJson(`${prefix}meta.json`), meta);
  const [kept] = await state.query('SELECT started_at, r2_prefix FROM sessions WHERE id = ?', start.session_id);
  assert.deepEqual(kept, { started_at: start.started_at, r2_prefix: prefix });

  // If the first start stored its row but not meta.json, a retry writes it, at the first prefix.
  const orphan = sessionStart();
  const orphanPrefix = `sessions/${datePath(orphan.started_at)}/${orphan.session_id}/`;
  assert.equal((await post('/track/session/start', orphan)).res.status, 202);
  await state.delete(`${orphanPrefix}meta.json`);
  const healed = await post('/track/session/start', { ...orphan, started_at: orphan.started_at - 2 * 86_400_000 });
  assert.equal(healed.res.status, 202, healed.text);
  const rewritten = await state.getJson(`${orphanPrefix}meta.json`);
  assert.equal(rewritten.started_at, orphan.started_at, 'written as the first start had it');

  const t0 = start.started_at + 5;
  const batch = {
    batch_id: randomUUID(),
    session_id: start.session_id,
    session_started_at: start.started_at,
    sent_at: t0 + 2000,
    events: [
      { type: 'pageview', ts: t0, url: 'https://shop.example/landing', title: 'Landing' },
      { type: 'click', ts: t0 + 900, selector: 'main > a.cta', text: 'See pricing', x: 10, y: 20 },
    ],
  };
  // sendBeacon posts text/plain; the worker reads it as JSON.
  const sent = await post('/track/events/batch', batch, { 'content-type': 'text/plain;charset=UTF-8' });
  assert.equal(sent.res.status, 202, sent.text);
  assert.deepEqual(sent.json, { ok: true, accepted: 2 });

  const key = `${prefix}events/${String(t0).padStart(13, '0')}-${batch.batch_id}.json`;
  assert.deepEqual(await state.listKeys(prefix), [key, `${prefix}meta.json`].sort());
  const stored = await state.getJson(key);
  assert.equal(stored.batch_id, batch.batch_id);
  assert.deepEqual(stored.events.map((e) => e.type), ['pageview', 'click']);
  assert.equal(stored.events[1].selector, 'main > a.cta');

  // The batch path reads nothing from D1; after the response, the throttled aggregate update
  // counts it from R2.
  await eventually('the aggregate update', async () => worker.jsonLines().some((l) =>
    l.job === 'aggregate' && l.session_id === start.session_id && l.outcome === 'written'));
  const [counted] = await state.query('SELECT * FROM sessions WHERE id = ?', start.session_id);
  assert.equal(counted.event_count, 2);
  assert.equal(counted.page_views, 1);
  assert.equal(counted.clicks, 1);
  assert.equal(counted.exit_path, '/landing');
  assert.ok(counted.last_seen_at >= row.last_seen_at);
  const pages = await state.query('SELECT path, views FROM session_pages WHERE session_id = ?', start.session_id);
  assert.deepEqual(pages, [{ path: '/landing', views: 1 }]);
});

test('malformed JSON is a 400 malformed_json error', async () => {
  assertError(await post('/track/events/batch', '{"batch_id": '), 400, 'malformed_json');
  assertError(await post('/track/session/start', 'not json at all'), 400, 'malformed_json');
});

test('a body over the limit is a 413', async () => {
  const huge = JSON.stringify({ pad: 'x'.repeat(600 * 1024) });
  assertError(await post('/track/events/batch', huge), 413, 'payload_too_large');
  assertError(await post('/track/session/start', JSON.stringify({ pad: 'x'.repeat(20 * 1024) })), 413, 'payload_too_large');
});

test('events that break the schema are a 400 naming the field', async () => {
  const base = {
    batch_id: randomUUID(), session_id: randomUUID(), session_started_at: Date.now(), sent_at: Date.now(),
  };
  const wrongType = await post('/track/events/batch', {
    ...base,
    events: [
      { type: 'pageview', ts: Date.now(), url: 'https://shop.example/' },
      { type: 'pageview', ts: 'yesterday', url: 'https://shop.example/' },
    ],
  });
  assertError(wrongType, 400, 'invalid_field');
  assert.equal(wrongType.json.error.field, 'events[1].ts');

  const tooLong = await post('/track/events/batch', {
    ...base, events: [{ type: 'pageview', ts: Date.now(), url: `https://shop.example/${'a'.repeat(3000)}` }],
  });
  assertError(tooLong, 400, 'invalid_field');
  assert.equal(tooLong.json.error.field, 'events[0].url');

  const unknownType = await post('/track/events/batch', { ...base, events: [{ type: 'teleport', ts: 1 }] });
  assertError(unknownType, 400, 'invalid_field');
  assert.match(unknownType.json.error.field ?? '', /^events\[0\]/);

  const empty = await post('/track/events/batch', { ...base, events: [] });
  assertError(empty, 400, 'invalid_field');
  assert.equal(empty.json.error.field, 'events');

  const tooMany = await post('/track/events/batch', {
    ...base, events: Array.from({ length: 201 }, (_, i) => ({ type: 'scroll', ts: Date.now() + i, percent: 10 })),
  });
  assertError(tooMany, 400, 'invalid_field');
  assert.equal(tooMany.json.error.field, 'events');

  const unknownField = await post('/track/events/batch', { ...base, events: [{ type: 'scroll', ts: 1, percent: 5, extra: true }] });
  assertError(unknownField, 400, 'invalid_field');
});

test('hostile or out-of-range session starts are rejected with the field named', async () => {
  const badKey = await post('/track/session/start', sessionStart({ site_key: '<script>alert(1)</script>' }));
  assertError(badKey, 400, 'invalid_field');
  assert.equal(badKey.json.error.field, 'site_key');

  const future = await post('/track/session/start', sessionStart({ started_at: Date.now() + 3 * 86_400_000 }));
  assertError(future, 400, 'invalid_field');
  assert.equal(future.json.error.field, 'started_at');

  const badId = await post('/track/session/start', sessionStart({ session_id: '../../etc/passwd' }));
  assertError(badId, 400, 'invalid_field');
  assert.equal(badId.json.error.field, 'session_id');

  const wrongMedia = await post('/track/session/start', JSON.stringify(sessionStart()), { 'content-type': 'application/x-www-form-urlencoded' });
  assertError(wrongMedia, 415, 'unsupported_media_type');
});

test('unknown routes are 404 and known routes with the wrong method are 405, both JSON', async () => {
  const missing = await fetch(`${worker.url}/no/such/route`);
  assertError({ res: missing, json: await missing.json(), text: '' }, 404, 'not_found');

  const wrong = await fetch(`${worker.url}/track/events/batch`);
  assertError({ res: wrong, json: await wrong.json(), text: '' }, 405, 'method_not_allowed');
  assert.match(wrong.headers.get('allow') ?? '', /POST/);
});

test('GET /tracker.js serves the bundle with ETag and caching, and the wasm it loads', async () => {
  const res = await fetch(`${worker.url}/tracker.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /javascript/);
  assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
  const etag = res.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f]{16}"$/);
  const js = await res.text();
  // Chunk paths are relative to tracker.js (so a proxied path keeps working).
  const wasmPath = `/${js.match(/sdk\/pulsegate-[0-9a-f]{8}\.wasm/)?.[0]}`;
  assert.match(wasmPath, /^\/sdk\/pulsegate-/, 'tracker.js names its wasm');

  const cached = await fetch(`${worker.url}/tracker.js`, { headers: { 'if-none-match': etag } });
  assert.equal(cached.status, 304);
  assert.equal((await cached.text()).length, 0);

  const wasm = await fetch(`${worker.url}${wasmPath}`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.match(wasm.headers.get('cache-control') ?? '', /immutable/);
  assert.equal(wasm.headers.get('access-control-allow-origin'), '*');
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a wasm module');
});

test('the retention cron deletes day prefixes older than 90 days and keeps recent ones', async () => {
  const old = `sessions/2020/01/01/${randomUUID()}/meta.json`;
  const recent = `sessions/${datePath(Date.now())}/${randomUUID()}/meta.json`;
  await state.put(old, '{}');
  await state.put(recent, '{}');
  const res = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent('0 3 * * *')}`);
  assert.equal(res.status, 200, await res.text());
  await eventually('the old object to be deleted', async () => (await state.listKeys('sessions/2020/')).length === 0);
  assert.deepEqual(await state.listKeys(recent), [recent]);
});
