// The dashboard API's auth against a real wrangler dev: every protected route of the route table
// (tests/support/endpoints.json, kept equal to worker/src/router.rs by a unit test) × every kind
// of caller → the exact status; key lifecycle; PII masking for marketing keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startWorker, ADMIN_KEY, LEGACY_MARKETING_KEY } from '../support/worker.mjs';
import { api, registerSite } from '../support/sites.mjs';
import { eventually } from '../support/state.mjs';

const table = JSON.parse(await readFile(new URL('../support/endpoints.json', import.meta.url), 'utf8'));
const protectedRoutes = table.routes.filter((r) => r.access !== 'public');
const grantable = ['overview', 'pages', 'sources', 'events', 'sessions', 'replay', 'leads'];
const DEFAULT_PAGES = ['overview', 'pages', 'sources', 'events'];

let worker;
const keys = {}; // page → a marketing key granted only that page
let noPages; // a marketing key granted no page
let revoked; // a revoked key

before(async () => {
  worker = await startWorker();
  await registerSite(worker, { siteKey: 'shop', name: 'Shop' });
  for (const page of grantable) keys[page] = (await createKey(`only ${page}`, [page])).key;
  noPages = (await createKey('no pages', [])).key;
  const r = await createKey('soon revoked', grantable);
  revoked = r.key;
  assert.equal((await api(worker, `/analytics/keys/${r.id}`, { method: 'DELETE' })).res.status, 200);
});

after(async () => {
  await worker?.stop();
});

async function createKey(name, pages) {
  const { res, json, text } = await api(worker, '/analytics/keys', { method: 'POST', body: { name, pages } });
  assert.equal(res.status, 201, text);
  return json;
}

/** The request that exercises a route once auth has passed, and the status it then gets. */
function probe(route) {
  // One item (`/analytics/leads/{id}`) or something of one (`/replay/sessions/{id}/events`).
  const item = route.pattern.includes('{');
  const path = route.pattern
    .replace('{id}', randomUUID())
    .replace('{site_key}', 'nosuchsite')
    .replace('{form_id}', 'nosuchform');
  switch (route.method) {
    case 'GET': return { path, status: item ? 404 : 200 };
    case 'DELETE': return { path, status: 404 };
    case 'PATCH': return { path, body: {}, status: 404 };
    // A POST to a collection validates its body (400); a POST to an item that does not exist
    // (re-sending a dead letter) finds nothing (404).
    case 'POST': return { path, body: {}, status: route.pattern.includes('{') ? 404 : 400 };
    // A PUT of settings must be conditional (428); a PUT of a site or form without a name is a 400.
    case 'PUT': return { path, body: {}, status: route.pattern === '/analytics/settings' ? 428 : 400 };
    default: throw new Error(`no probe for ${route.method}`);
  }
}

/** What a caller granted `pages` (`'all'` for admin) gets on `route`. */
function expected(route, pages) {
  const allowed = route.access === 'any_key' || pages === 'all' || (route.marketing_may_be_granted && pages.includes(route.page));
  return allowed ? probe(route).status : 403;
}

const callers = () => [
  { name: 'no key', key: null, status: () => 401 },
  { name: 'wrong key', key: `pgm_${randomBytes(20).toString('hex')}`, status: () => 401 },
  { name: 'garbage key', key: 'not-a-key', status: () => 401 },
  { name: 'revoked key', key: revoked, status: () => 401 },
  { name: 'marketing key without pages', key: noPages, status: (r) => expected(r, []) },
  ...grantable.map((page) => ({ name: `marketing key with ${page}`, key: keys[page], status: (r) => expected(r, [page]) })),
  { name: 'legacy marketing key', key: LEGACY_MARKETING_KEY, status: (r) => expected(r, DEFAULT_PAGES) },
  { name: 'admin key', key: ADMIN_KEY, status: (r) => expected(r, 'all') },
  { name: 'admin key in X-API-Key', key: ADMIN_KEY, header: 'x-api-key', status: (r) => expected(r, 'all') },
];

test('the route table covers the dashboard API', () => {
  assert.ok(protectedRoutes.length >= 30, `${protectedRoutes.length} protected routes`);
  for (const page of [...grantable, 'settings', 'keys', 'sites']) {
    assert.ok(protectedRoutes.some((r) => r.page === page), `a route for ${page}`);
  }
});

test('every protected route × every caller → the exact status', async () => {
  const failures = [];
  let checked = 0;
  for (const route of protectedRoutes) {
    for (const caller of callers()) {
      const { path, body } = probe(route);
      const want = caller.status(route);
      const { res, json, text } = await api(worker, path, { key: caller.key, method: route.method, body, header: caller.header });
      checked += 1;
      if (res.status !== want) failures.push(`${route.method} ${route.pattern} with ${caller.name}: ${res.status} (want ${want}) ${text}`);
      if (want === 401) {
        if (res.headers.get('www-authenticate') !== 'Bearer') failures.push(`${route.method} ${route.pattern} ${caller.name}: no WWW-Authenticate`);
        if (json?.error?.code !== 'unauthorized') failures.push(`${route.method} ${route.pattern} ${caller.name}: ${text}`);
      }
      if (want === 403 && json?.error?.code !== 'forbidden') failures.push(`${route.method} ${route.pattern} ${caller.name}: ${text}`);
      if (res.headers.get('access-control-allow-origin') !== '*') failures.push(`${route.method} ${route.pattern}: no CORS header`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 400, `${checked} requests`);
});

test('preflight needs no key and allows the dashboard headers', async () => {
  for (const route of protectedRoutes) {
    const res = await fetch(`${worker.url}${probe(route).path}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://dash.example', 'access-control-request-method': route.method, 'access-control-request-headers': 'authorization,if-match' },
    });
    assert.equal(res.status, 204, `${route.method} ${route.pattern}`);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods'), new RegExp(route.method));
    assert.match(res.headers.get('access-control-allow-headers').toLowerCase(), /authorization.*if-match|if-match.*authorization/);
  }
});

test('401s say what is wrong', async () => {
  const missing = await api(worker, '/analytics/overview', { key: null });
  assert.match(missing.json.error.message, /missing API key/);
  const basic = await api(worker, '/analytics/overview', { key: null, headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
  assert.equal(basic.res.status, 401);
  assert.match(basic.json.error.message, /Bearer/);
  const two = await api(worker, '/analytics/overview', { headers: { 'x-api-key': 'something-else' } });
  assert.equal(two.res.status, 401);
  const gone = await api(worker, '/analytics/me', { key: revoked });
  assert.match(gone.json.error.message, /revoked/);
});

test('a key lives: created once with its secret, used, listed without it, revoked → 401', async () => {
  const created = await createKey('Agency', ['overview']);
  assert.match(created.key, /^pgm_[0-9a-f]{40}$/);
  assert.equal(created.key_prefix, created.key.slice(0, 12));
  assert.deepEqual(created.pages, ['overview']);

  const me = await api(worker, '/analytics/me', { key: created.key });
  assert.equal(me.res.status, 200, me.text);
  assert.deepEqual(me.json, {
    role: 'marketing',
    key: { id: created.id, name: 'Agency' },
    pages: ['overview'],
    pii_masked: true,
    sites: [{ site_key: 'shop', name: 'Shop', timezone: 'UTC' }],
  });
  assert.equal((await api(worker, '/analytics/overview', { key: created.key })).res.status, 200);
  assert.equal((await api(worker, '/analytics/sessions', { key: created.key })).res.status, 403);

  const list = await api(worker, '/analytics/keys');
  assert.ok(!list.text.includes(created.key), 'the key is never listed');
  assert.ok(!list.text.includes(created.key.slice(12)), 'no part of the secret beyond its prefix');
  // The use is recorded after the response (waitUntil): wait for it.
  const listed = await eventually('the key use to be recorded', async () => {
    const mine = (await api(worker, '/analytics/keys')).json.keys.find((k) => k.id === created.id);
    return mine.last_used_at ? mine : null;
  });
  assert.equal(typeof listed.last_used_at, 'number', JSON.stringify(listed));
  assert.equal(listed.revoked_at, undefined);

  const widened = await api(worker, `/analytics/keys/${created.id}`, { method: 'PATCH', body: { pages: ['overview', 'sessions'] } });
  assert.equal(widened.res.status, 200, widened.text);
  assert.equal((await api(worker, '/analytics/sessions', { key: created.key })).res.status, 200);
  const admin = await api(worker, `/analytics/keys/${created.id}`, { method: 'PATCH', body: { pages: ['keys'] } });
  assert.equal(admin.res.status, 400, admin.text);
  assert.equal(admin.json.error.field, 'pages');

  const revokedNow = await api(worker, `/analytics/keys/${created.id}`, { method: 'DELETE' });
  assert.equal(revokedNow.res.status, 200);
  assert.equal(typeof revokedNow.json.revoked_at, 'number');
  const after = await api(worker, '/analytics/overview', { key: created.key });
  assert.equal(after.res.status, 401);
  assert.equal(after.res.headers.get('www-authenticate'), 'Bearer');
  const again = await api(worker, `/analytics/keys/${created.id}`, { method: 'DELETE' });
  assert.equal(again.json.revoked_at, revokedNow.json.revoked_at, 'revoking twice keeps the first time');
  assert.equal((await api(worker, `/analytics/keys/${created.id}`, { method: 'PATCH', body: { name: 'x' } })).res.status, 409);
});

test('a key following the default pages sees what AppSettings lists, as it changes', async () => {
  const k = (await api(worker, '/analytics/keys', { method: 'POST', body: { name: 'default pages' } })).json;
  assert.equal(k.pages, 'default');
  assert.deepEqual((await api(worker, '/analytics/me', { key: k.key })).json.pages, DEFAULT_PAGES);
  const doc = await api(worker, '/analytics/settings');
  const put = await api(worker, '/analytics/settings', {
    method: 'PUT',
    headers: { 'if-match': doc.res.headers.get('etag') },
    body: { ...doc.json.settings, marketing_pages: ['sessions'] },
  });
  assert.equal(put.res.status, 200, put.text);
  assert.deepEqual((await api(worker, '/analytics/me', { key: k.key })).json.pages, ['sessions']);
  assert.equal((await api(worker, '/analytics/overview', { key: k.key })).res.status, 403);
  assert.equal((await api(worker, '/analytics/overview', { key: LEGACY_MARKETING_KEY })).res.status, 403);
  const back = await api(worker, '/analytics/settings', {
    method: 'PUT',
    headers: { 'if-match': put.res.headers.get('etag') },
    body: { ...put.json.settings, marketing_pages: DEFAULT_PAGES },
  });
  assert.equal(back.res.status, 200, back.text);
});

test('marketing keys get emails and phone numbers masked, in JSON and CSV, unless the setting is off', async () => {
  const sessionId = randomUUID();
  const startedAt = Date.now() - 60_000;
  const start = await fetch(`${worker.url}/track/session/start`, {
    method: 'POST',
    body: JSON.stringify({ session_id: sessionId, site_key: 'shop', started_at: startedAt, page: { url: 'https://shop.example/thanks?email=jane.doe%40example.com' } }),
  });
  assert.equal(start.status, 202, await start.text());
  const batch = await fetch(`${worker.url}/track/events/batch`, {
    method: 'POST',
    body: JSON.stringify({
      batch_id: randomUUID(), session_id: sessionId, session_started_at: startedAt, sent_at: startedAt + 5000,
      events: [
        { type: 'identify', ts: startedAt + 1000, user_id: 'crm-1', traits: { email: 'jane.doe@example.com', phone: '4155550112' } },
        { type: 'click', ts: startedAt + 2000, selector: 'a.call', text: 'Call us: +1 415 555 0112', x: 1, y: 2 },
      ],
    }),
  });
  assert.equal(batch.status, 202, await batch.text());

  const raw = await api(worker, `/analytics/sessions/${sessionId}`);
  assert.equal(raw.res.status, 200, raw.text);
  assert.match(raw.text, /jane\.doe@example\.com/);
  assert.match(raw.text, /4155550112/);
  assert.equal(raw.json.session.landing_url, 'https://shop.example/thanks?email=jane.doe%40example.com');
  assert.deepEqual(raw.json.storage, { list_calls: 1, objects_listed: 1, objects_read: 1 });

  const marketing = await api(worker, `/analytics/sessions/${sessionId}`, { key: keys.sessions });
  assert.equal(marketing.res.status, 200, marketing.text);
  assert.ok(!/jane\.doe/.test(marketing.text), marketing.text);
  assert.ok(!/4155550112|415 555 0112/.test(marketing.text), marketing.text);
  assert.equal(marketing.json.session.landing_url, 'https://shop.example/thanks?email=j***%40example.com');
  const identify = marketing.json.events.find((e) => e.type === 'identify');
  assert.deepEqual(identify.traits, { email: 'j***@example.com', phone: '*** *** 12' });
  assert.equal(marketing.json.events.find((e) => e.type === 'click').text, 'Call us: +1 *** *** 12');

  const csv = await api(worker, '/analytics/sessions', { key: keys.sessions, headers: { accept: 'text/csv' } });
  assert.equal(csv.res.status, 200, csv.text);
  assert.match(csv.res.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.text.split('\r\n')[0], /^id,started_at,/);
  assert.ok(csv.text.includes(sessionId));

  const doc = await api(worker, '/analytics/settings');
  const off = await api(worker, '/analytics/settings', { method: 'PUT', headers: { 'if-match': doc.res.headers.get('etag') }, body: { ...doc.json.settings, mask_pii_for_marketing: false } });
  assert.equal(off.res.status, 200, off.text);
  const unmasked = await api(worker, `/analytics/sessions/${sessionId}`, { key: keys.sessions });
  assert.match(unmasked.text, /jane\.doe@example\.com/);
  const on = await api(worker, '/analytics/settings', { method: 'PUT', headers: { 'if-match': off.res.headers.get('etag') }, body: { ...off.json.settings, mask_pii_for_marketing: true } });
  assert.equal(on.res.status, 200, on.text);
});

test('the deep health check is the admin\'s: marketing keys get 403', async () => {
  const res = await api(worker, '/health?deep=1', { key: LEGACY_MARKETING_KEY });
  assert.equal(res.res.status, 403, res.text);
  assert.equal((await api(worker, '/health?deep=1', { key: keys.overview })).res.status, 403);
});
