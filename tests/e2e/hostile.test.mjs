// The error contract over the WHOLE route table: every route in tests/support/endpoints.json
// (the export of worker/src/router.rs) gets a hostile set of bodies, query strings and path
// segments from a caller that passes its auth, against one real worker in workerd. For every
// answer: never a 5xx; every 4xx is `{"error":{"code","message"}}` as `application/json` with the
// status its code maps to (and the field for `invalid_field`); no hostile string comes back
// unescaped in an HTML or JavaScript answer. Each failure names the route and the case.
//
// Destructive routes only ever see ids that do not exist (hostile path segments) or their own
// fixtures (a key to patch, a site and a form to overwrite), so the sweep never revokes or
// deletes what the other routes' callers need; the deep `/health` check runs after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { startWorker, ADMIN_KEY } from '../support/worker.mjs';
import { api, registerSite } from '../support/sites.mjs';
import { PAGE, quoteForm, setupForm, submission, submit } from '../support/leads.mjs';
import { sessionStart, batchOf, pageview } from '../support/track.mjs';

const CRM_CALLBACK_SECRET = 'e2e-crm-callback-secret';
const CRM_WEBHOOK_SECRET = 'e2e-crm-webhook-secret';
const ROUTES = JSON.parse(readFileSync(new URL('../support/endpoints.json', import.meta.url), 'utf8')).routes;

/** The status each error code maps to (worker/src/error.rs `status_of`). */
const STATUS_OF = {
  malformed_json: 400, invalid_field: 400, bad_request: 400, unauthorized: 401, forbidden: 403,
  not_found: 404, method_not_allowed: 405, payload_too_large: 413, unsupported_media_type: 415,
  conflict: 409, precondition_failed: 412, precondition_required: 428, rate_limited: 429,
};

/** A marker an HTML or JS answer must never carry as it was sent. */
const XSS = '<script>alert("pg-xss")</script>';
/** Strings no field should choke on (sent in bodies). */
const HOSTILE_STRINGS = {
  script: XSS,
  'javascript: url': 'javascript:alert("pg-xss")',
  sql: "x'; DROP TABLE Leads; -- \" OR 1=1",
  'nul and controls': 'a\u0000b\u0001c\u001fd\u007f\u0085\u2028e',
  'lone surrogate': 'a\ud800b\udfffc',
  '100 KB': 'x'.repeat(100 * 1024),
  empty: '',
  unicode: 'Zoë 日本 🚀 \u202e',
};
/** Query values (URL-encoded as they are sent). */
const HOSTILE_QUERY = {
  negative: '-1',
  huge: '99999999999999999999999',
  'float overflow': '1e309',
  NaN: 'NaN',
  'bad date': '2026-13-45',
  'not a date': 'yesterday',
  'bad cursor': 'eyJub3QiOiJhIGN1cnNvciJ9%00',
  nul: '%00',
  'invalid utf-8': '%ff%fe',
  'lone surrogate': '%ED%A0%80',
  script: encodeURIComponent(XSS),
  sql: encodeURIComponent("' OR 1=1--"),
  empty: '',
  '8 KB': 'x'.repeat(8 * 1024),
  'bad enum': 'teleport',
};
/** Every query parameter a route of the table reads (worker/src/analytics/params.rs and the
 * routes). A protected route refuses any it does not read itself (400 naming it, listing the
 * ones it takes); public routes (ingest, assets, lead capture) ignore unknown ones. */
const QUERY_PARAMS = [
  'from', 'to', 'site', 'page', 'limit', 'cursor', 'tz', 'interval', 'format', 'min_suspicion',
  'max_suspicion', 'min_engagement', 'max_engagement', 'has_lead', 'include', 'exclude',
  'events_cursor', 'delivered', 'dead', 'pending', 'day', 'hour', 'country', 'bots', 'visitor',
  'explain', 'z', 'last_ts', 'form', 'deep', 'session',
];
/** Hostile path segments (sent as they are: already URL-encoded where needed). */
const HOSTILE_SEGMENTS = {
  'very long': 'a'.repeat(4000),
  unicode: encodeURIComponent('zoë-日本-🚀'),
  'dot dot': '..',
  traversal: '..%2F..%2Fetc%2Fpasswd',
  nul: 'x%00y',
  'invalid utf-8': '%ff%fe',
  script: encodeURIComponent(XSS),
  sql: encodeURIComponent("1' OR '1'='1"),
  negative: '-1',
  huge: '99999999999999999999999',
};

let worker;
/** Ids the routes' valid requests name. */
const fx = {};

before(async () => {
  worker = await startWorker({
    secrets: { CRM_CALLBACK_SECRET, CRM_WEBHOOK_SECRET },
    // The sweep sends hundreds of requests from one address; the limiter has its own suite.
    vars: {
      RATE_LIMIT_TRACK_SESSION: '100000/60', RATE_LIMIT_TRACK_EVENTS: '100000/60',
      RATE_LIMIT_LEAD_CAPTURE: '100000/60', RATE_LIMIT_LEAD_API: '100000/60',
    },
  });
  await setupForm(worker);
  await registerSite(worker, { siteKey: 'e2e' });
  await registerSite(worker, { siteKey: 'hostile' });
  const office = await api(worker, '/analytics/ip-lists/whitelisted', { method: 'POST', body: { cidr: '127.0.0.1/32', reason: 'test runner' } });
  assert.equal(office.res.status, 201, office.text);
  const lead = await submit(worker, submission());
  assert.equal(lead.status, 201, lead.text);
  fx.leadId = lead.json.lead_id;
  const key = await api(worker, '/analytics/keys', { method: 'POST', body: { name: 'patch target', pages: ['overview'] } });
  assert.equal(key.res.status, 201, key.text);
  fx.keyId = key.json.id;
  const start = sessionStart(Date.now() - 60_000);
  const started = await post('/track/session/start', start);
  assert.equal(started.status, 202, await started.text());
  fx.session = start;
  const settings = await api(worker, '/analytics/settings');
  assert.equal(settings.res.status, 200, settings.text);
  fx.settings = settings.json.settings;
});

after(async () => {
  await worker?.stop();
});

const post = (path, body) => fetch(`${worker.url}${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json', origin: PAGE }, body: JSON.stringify(body),
});

/** The headers that get `route` past its auth: the admin key, the site's page origin for
 * browser routes, the right secret for callbacks. */
function callerOf(route) {
  const { pattern } = route;
  if (pattern === '/webhooks/crm/lead') return { authorization: `Bearer ${CRM_WEBHOOK_SECRET}` };
  if (pattern.startsWith('/lead.capture/')) return { authorization: `Bearer ${CRM_CALLBACK_SECRET}` };
  if (route.access !== 'public' || pattern === '/health') return { authorization: `Bearer ${ADMIN_KEY}`, origin: PAGE };
  return { origin: PAGE };
}

/** A valid body for each route that reads one (fresh ids per call), from the routes' own suites. */
const BODIES = {
  'POST /track/session/start': () => sessionStart(Date.now() - 1000),
  'POST /track/events/batch': () => batchOf(fx.session, [pageview(fx.session.started_at + 10)]),
  'POST /track/event': () => {
    const { events, ...rest } = batchOf(fx.session, [pageview(fx.session.started_at + 10)]);
    return { ...rest, event: events[0] };
  },
  'POST /track/session/end': () => ({ session_id: fx.session.session_id, session_started_at: fx.session.started_at, ended_at: fx.session.started_at + 20, engaged_ms: 10 }),
  'POST /track/replay': () => ({
    batch_id: randomUUID(), session_id: fx.session.session_id, session_started_at: fx.session.started_at,
    events: [{ type: 4, timestamp: fx.session.started_at + 5, data: { href: 'https://shop.example/', width: 1, height: 1 } }],
  }),
  'POST /lead.capture/crm-callback': () => ({ lead_id: fx.leadId, crm_lead_id: '00Q5e00000AbCdE' }),
  'POST /lead.capture/make-callback': () => ({ lead_id: fx.leadId, execution_url: 'https://eu1.make.com/1/scenarios/2/logs/3', webhook_id: 'msg_x' }),
  'POST /webhooks/crm/lead': () => ({ lead_id: fx.leadId, event: 'status_changed', status: 'qualified', event_id: randomUUID(), data: { owner: 'sam' } }),
  'POST /lead.capture': () => submission(),
  'POST /lead': () => submission(),
  'POST /': () => submission(),
  'PUT /analytics/settings': () => structuredClone(fx.settings),
  'POST /analytics/keys': () => ({ name: 'hostile', pages: ['overview'] }),
  'PATCH /analytics/keys/{id}': () => ({ pages: ['overview', 'sessions'] }),
  'POST /analytics/integrations': () => ({ name: 'hostile', site_key: 'hostile' }),
  'POST /analytics/sites': () => ({ site_key: `h${randomUUID().slice(0, 8)}`, name: 'Hostile', timezone: 'Europe/Berlin', domains: ['hostile.example'] }),
  'PUT /analytics/sites/{site_key}': () => ({ name: 'Hostile', domains: ['hostile.example'] }),
  'POST /analytics/forms': () => quoteForm(`f${randomUUID().slice(0, 8)}`, 'hostile'),
  'PUT /analytics/forms/{form_id}': () => quoteForm('hostile-form', 'hostile'),
  'POST /analytics/ip-lists/blocked': () => ({ ip: '203.0.113.9', reason: 'hostile' }),
  'POST /analytics/ip-lists/whitelisted': () => ({ cidr: '198.51.100.0/24', reason: 'hostile' }),
  'POST /analytics/testing-leads': () => ({ email_domain: 'hostile.test', reason: 'hostile' }),
};

/** The body limit each body route enforces (schema limits); the oversize case sends one more. */
function limitOf(route) {
  if (route.pattern === '/track/replay') return 4 * 1024 * 1024;
  return 512 * 1024;
}

/** The route's path with valid fixtures for its `{…}` segments (or `segment` for each). */
function pathOf(route, segment) {
  return route.pattern.replace(/\{(\w+)\}/g, (_, name) => {
    if (segment !== undefined) return segment;
    switch (`${route.pattern}:${name}`) {
      case '/{script}.js:script': return 'tracker';
      case '/analytics/keys/{id}:id': return route.method === 'PATCH' ? fx.keyId : 'no-such-key';
      case '/analytics/sessions/{id}:id':
      case '/replay/sessions/{id}:id':
      case '/replay/sessions/{id}/events:id': return fx.session.session_id;
      case '/analytics/leads/{id}:id': return fx.leadId;
      case '/analytics/sites/{site_key}:site_key': return route.method === 'DELETE' ? 'no-such-site' : 'hostile';
      case '/analytics/forms/{form_id}:form_id': return route.method === 'DELETE' ? 'no-such-form' : 'hostile-form';
      default: return 'no-such-id';
    }
  });
}

/** Every leaf of a JSON value: `[path, value]`, paths as key arrays, at most `depth` deep. */
function leaves(value, path = [], depth = 3) {
  if (value === null || typeof value !== 'object' || depth === 0) return [[path, value]];
  const entries = Array.isArray(value) ? value.slice(0, 2).map((v, i) => [i, v]) : Object.entries(value);
  if (entries.length === 0) return [[path, value]];
  return [[path, value], ...entries.flatMap(([k, v]) => leaves(v, [...path, k], depth - 1))].filter(([p]) => p.length > 0);
}

function setAt(root, path, value) {
  const copy = structuredClone(root);
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  at[path.at(-1)] = value;
  return copy;
}

/** `['events', 0, 'ts']` → `events[0].ts`, as the worker names fields. */
const protocolPath = (path) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

const wrongTypeOf = (v) => (typeof v === 'string' ? 12345 : typeof v === 'number' ? 'twelve' : typeof v === 'boolean' ? 'yes' : Array.isArray(v) ? { not: 'a list' } : v === null ? [1] : 'not an object');

/** The query parameters `route` reads, where it says (a protected route refuses an unknown
 * parameter before its handler runs, writes included, and lists the ones it takes); `undefined`
 * for a route that does not say. */
async function takesOf(route) {
  const res = await fetch(`${worker.url}${pathOf(route)}?zz_probe=1`, { method: route.method, headers: callerOf(route) });
  const text = await res.text();
  const listed = /\(use ([a-z_, ]+)\)/.exec(text)?.[1];
  if (route.access !== 'public') {
    assert.equal(res.status, 400, `${route.method} ${route.pattern} refuses an unknown parameter: ${text}`);
    assert.ok(listed, `${route.method} ${route.pattern} lists the parameters it takes: ${text}`);
  }
  return listed?.split(', ');
}

/** The parameters whose hostile values a route gets: the ones it reads (GET), every known name
 * otherwise. */
const paramsOf = (route, takes) => (route.method === 'GET' && takes ? takes : QUERY_PARAMS);

/** Parameters some route reads, each sent alone to every protected route that does not read it. */
const NOT_READ = ['tz', 'site', 'from', 'limit', 'cursor', 'page', 'form', 'zz_unknown'];

/** The hostile cases of one route: `{ name, path, method, headers, body, expect? }`. */
function casesOf(route, takes) {
  const params = paramsOf(route, takes);
  const key = `${route.method} ${route.pattern}`;
  const caller = callerOf(route);
  const cases = [];
  const make = (name, { path = pathOf(route), headers = {}, body, expect, field, like } = {}) => {
    cases.push({ route: key, name, method: route.method, path, headers: { ...caller, ...headers }, body, expect, field, like });
  };
  const valid = BODIES[key];
  const json = { 'content-type': 'application/json' };

  // Path segments.
  if (route.pattern.includes('{')) {
    for (const [name, segment] of Object.entries(HOSTILE_SEGMENTS)) {
      make(`path ${name}`, { path: pathOf(route, segment), headers: valid ? json : {}, body: valid ? JSON.stringify(valid()) : undefined });
    }
  }

  // Query strings: every value once in every parameter together, and a few alone per parameter.
  for (const [name, value] of Object.entries(HOSTILE_QUERY)) {
    if (value.length > 1000) continue; // all parameters at 8 KB pass the runtime's URL limit
    // A write reads no query: a few values show it ignores them (or refuses them) cleanly.
    if (route.method !== 'GET' && !['nul', 'invalid utf-8', 'script'].includes(name)) continue;
    const qs = params.map((p) => `${p}=${value}`).join('&');
    make(`query all=${name}`, { path: `${pathOf(route)}?${qs}`, headers: valid ? json : {}, body: valid ? JSON.stringify(valid()) : undefined });
  }
  // A parameter the route does not read is a 400 naming it, never ignored (a typo or another
  // route's filter would otherwise change nothing and say nothing).
  for (const name of takes ? NOT_READ.filter((n) => !takes.includes(n)) : []) {
    make(`query ${name} not read`, { path: `${pathOf(route)}?${name}=1`, headers: valid ? json : {}, body: valid ? JSON.stringify(valid()) : undefined, expect: [400], field: name });
  }
  if (route.method === 'GET') {
    // Every hostile value in each parameter the route names; a few in each of the others.
    // (A route that names none reads few or none: every value reached it above, all at once.)
    const values = params === QUERY_PARAMS
      ? ['invalid utf-8']
      : ['negative', 'huge', 'NaN', 'bad date', 'bad cursor', 'invalid utf-8', 'script', 'bad enum'];
    for (const param of params) {
      // A report needs its site: with it, the hostile parameter is the one the route judges.
      const base = `${pathOf(route)}?${params.includes('site') && param !== 'site' ? 'site=leads&' : ''}`;
      // `format` (json|csv, every protected route) and `explain` (a boolean) are enums.
      const enumParam = (param === 'format' && route.access !== 'public') || (param === 'explain' && params !== QUERY_PARAMS);
      for (const name of values) {
        make(`query ${param}=${name}`, { path: `${base}${param}=${HOSTILE_QUERY[name]}`, ...(enumParam ? { expect: [400], field: param } : {}) });
      }
      make(`query ${param} twice`, { path: `${base}${param}=1&${param}=2` });
    }
    make('query csv of hostile', { path: `${pathOf(route)}?format=csv&site=${encodeURIComponent(XSS)}`, headers: { accept: 'text/csv' } });
  }

  if (!valid) return cases;
  const parse = { expect: [400] };
  // Nesting past the body limit of a small route is refused for its size first.
  const deep = { expect: [400, 413] };
  // Bodies that are not the object the route reads.
  make('malformed JSON', { headers: json, body: '{"a":', ...parse });
  make('trailing garbage', { headers: json, body: `${JSON.stringify(valid())} x`, ...parse });
  make('empty body', { headers: json, body: '', ...parse });
  for (const [name, body] of [['array', '[]'], ['number', '42'], ['string', '"x"'], ['null', 'null'], ['true', 'true']]) {
    make(`JSON ${name}`, { headers: json, body, ...parse });
  }
  make('10k-deep arrays', { headers: json, body: '['.repeat(10_000) + ']'.repeat(10_000), ...deep });
  make('10k-deep objects', { headers: json, body: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), ...deep });
  make('1k-deep objects', { headers: json, body: '{"a":'.repeat(1_000) + '1' + '}'.repeat(1_000), ...deep });
  const deepInside = leaves(valid()).find(([, v]) => typeof v === 'string');
  if (deepInside) {
    make('10k-deep value in a field', { headers: json, body: JSON.stringify(setAt(valid(), deepInside[0], 0)).replace(/:0([,}])/, `:${'['.repeat(10_000)}${']'.repeat(10_000)}$1`), ...deep });
  }
  const text = JSON.stringify(valid());
  const quoted = text.indexOf('":"') + 3;
  make('invalid UTF-8', {
    headers: json,
    body: Buffer.concat([Buffer.from(text.slice(0, quoted)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(text.slice(quoted))]),
    ...parse,
  });
  // A UTF-8 byte order mark before the JSON is skipped (many clients write one): the valid body
  // is answered with it, as JSON and as text/plain, exactly as without it (a fresh one of each).
  const bom = (type) => ({ headers: { 'content-type': type }, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(valid()))]), like: JSON.stringify(valid()) });
  make('UTF-8 BOM', bom('application/json'));
  make('UTF-8 BOM as text/plain', bom('text/plain;charset=UTF-8'));
  const over = limitOf(route) + 1;
  make(`oversize (${over} B)`, { headers: json, body: text.slice(0, -1) + `,"pad":"${'x'.repeat(over)}"}`, expect: [413] });
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'application/xml', 'image/png']) {
    make(`content-type ${type}`, { headers: { 'content-type': type }, body: text, expect: [415] });
  }
  // Every body type of the schema refuses unknown fields (a typo is an error, not ignored).
  make('unknown field', { headers: json, body: JSON.stringify({ ...valid(), zz_unknown_field: 1 }), expect: [400], field: 'zz_unknown_field' });
  for (const [path, value] of leaves(valid())) {
    const at = path.join('.');
    // A refused wrong type names the field it is in (or one inside it).
    make(`wrong type at ${at}`, { headers: json, body: JSON.stringify(setAt(valid(), path, wrongTypeOf(value))), field: protocolPath(path) });
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // serde's derive would read a nested struct from an array of its fields in order; every
      // body refuses that as the wrong type it is, naming the field.
      make(`array for the object at ${at}`, { headers: json, body: JSON.stringify(setAt(valid(), path, Object.values(value))), expect: [400], field: protocolPath(path) });
    }
    if (typeof value === 'string') {
      for (const [name, s] of Object.entries(HOSTILE_STRINGS)) {
        make(`${name} at ${at}`, { headers: json, body: JSON.stringify(setAt(valid(), path, s)) });
      }
    }
    if (typeof value === 'number') {
      for (const n of [-1, 1e308, 2 ** 64, 0.5]) {
        make(`number ${n} at ${at}`, { headers: json, body: JSON.stringify(setAt(valid(), path, n)) });
      }
    }
  }
  return cases;
}

/** Whatever the input: the answer keeps the error contract. Returns what is wrong, or nothing. */
async function check(c) {
  const headers = { ...c.headers };
  if (c.method === 'PUT' && c.route === 'PUT /analytics/settings') headers['if-match'] = '*';
  let res;
  let expect = c.expect;
  try {
    // `like`: the answer must be the one this other body gets (sent first); a PUT that created
    // may be followed by one that replaces (201, then 200).
    if (c.like !== undefined) {
      const ref = await fetch(`${worker.url}${c.path}`, { method: c.method, headers, body: c.like });
      const refText = await ref.text();
      if (ref.status === 400) return `the reference body is refused: ${refText.slice(0, 200)}`;
      expect = c.method === 'PUT' && ref.status === 201 ? [200, 201] : [ref.status];
    }
    res = await fetch(`${worker.url}${c.path}`, { method: c.method, headers, body: c.body });
  } catch (err) {
    return `request failed: ${err.message}`;
  }
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (process.env.PULSEGATE_HOSTILE_DUMP) c.seen = `${res.status} ${text.slice(0, 160)}`;
  if (res.status >= 500) return `${res.status} ${text.slice(0, 300)}`;
  // Settings writes run side by side: `*` overwrites whatever is there, never a 412.
  if (headers['if-match'] === '*' && res.status === 412) return `412 to If-Match: *: ${text.slice(0, 200)}`;
  if (expect && !expect.includes(res.status)) return `status ${res.status}, expected ${expect.join('|')}: ${text.slice(0, 200)}`;
  if (res.status >= 400) {
    if (!type.startsWith('application/json')) return `${res.status} with content-type ${type}: ${text.slice(0, 200)}`;
    let body;
    try { body = JSON.parse(text); } catch { return `${res.status} body is not JSON: ${text.slice(0, 200)}`; }
    const e = body?.error;
    if (typeof e?.code !== 'string' || !e.code) return `${res.status} without error.code: ${text.slice(0, 200)}`;
    if (typeof e.message !== 'string' || !e.message) return `${res.status} without error.message: ${text.slice(0, 200)}`;
    if (STATUS_OF[e.code] !== res.status) return `code ${e.code} answered with ${res.status}`;
    if (e.code === 'invalid_field' && (typeof e.field !== 'string' || !e.field)) return `invalid_field without the field's name: ${text.slice(0, 200)}`;
    if (e.code === 'invalid_field' && c.field && !(e.field === c.field || e.field.startsWith(`${c.field}.`) || e.field.startsWith(`${c.field}[`))) {
      return `invalid_field names ${e.field}, not the wrong ${c.field}: ${text.slice(0, 200)}`;
    }
  }
  // Stored free text (names, reasons, a form's texts) loses its control characters: an accepted
  // write never echoes one (serde_json escapes C0 as \u00XX; DEL and C1 would come back raw).
  if (c.name.startsWith('nul and controls') && res.status < 300 && /\\u00(?:0[0-8bcef]|1[0-9a-f])|[\u007f\u0085]/.test(text)) {
    return `${res.status} echoes control characters as stored: ${text.slice(0, 200)}`;
  }
  if (/html|javascript/.test(type) && (text.includes(XSS) || text.includes('javascript:alert("pg-xss")'))) {
    return `${res.status} ${type} echoes a hostile string unescaped`;
  }
  return undefined;
}

/** Runs `tasks` with at most `n` at a time. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

test('every route keeps the error contract under hostile input', async () => {
  assert.ok(ROUTES.length >= 60, 'the route table is read from endpoints.json');
  const takes = await Promise.all(ROUTES.map(takesOf));
  const cases = ROUTES.flatMap((route, i) => casesOf(route, takes[i]));
  // Settings writes run three at a time beside the rest: `*` must win against the other two.
  const settings = cases.filter((c) => c.route === 'PUT /analytics/settings');
  const rest = cases.filter((c) => c.route !== 'PUT /analytics/settings');
  const started = Date.now();
  const [settingsResults, restResults] = await Promise.all([pool(settings, 3, check), pool(rest, 12, check)]);
  cases.splice(0, cases.length, ...settings, ...rest);
  const results = [...settingsResults, ...restResults];
  process.stderr.write(`# hostile sweep took ${Date.now() - started} ms\n`);
  const failures = cases.flatMap((c, i) => (results[i] ? [`${c.route} [${c.name}]: ${results[i]}`] : []));
  const counts = new Map();
  for (const c of cases) counts.set(c.route, (counts.get(c.route) ?? 0) + 1);
  const perRoute = [...counts].map(([r, n]) => `${r} ${n}`);
  process.stderr.write(`# hostile sweep: ${ROUTES.length} routes, ${cases.length} requests, ${failures.length} failures\n# ${perRoute.join('; ')}\n`);
  // PULSEGATE_HOSTILE_DUMP=<file> writes every case's answer, to review what was accepted.
  if (process.env.PULSEGATE_HOSTILE_DUMP) {
    writeFileSync(process.env.PULSEGATE_HOSTILE_DUMP, cases.map((c) => `${c.route} [${c.name}] ${c.seen}\n`).join(''));
  }
  if (failures.length) process.stderr.write(`${failures.join('\n')}\n`);
  assert.deepEqual(failures, [], `${failures.length} answers broke the error contract:\n${failures.join('\n')}`);
});

test('an unknown site or form in a list filter answers the empty list, never a 404', async () => {
  // Decided: a filter narrows a list, and one that matches nothing answers `200` with no rows, as
  // peers' list APIs do. A `404` for an unknown site would tell a key scoped elsewhere which
  // sites exist (one request per guess); a malformed value is still a 400 naming the filter.
  const all = await api(worker, '/analytics/leads');
  assert.equal(all.res.status, 200, all.text);
  assert.ok(all.json.leads.length >= 1, `the fixture lead is listed without a filter: ${all.text}`);
  for (const path of [
    '/analytics/leads?site=no-such-site', '/analytics/leads?form=no-such-form',
    '/analytics/leads/blocked?site=no-such-site', '/analytics/forms?site=no-such-site',
    '/analytics/sessions?site=no-such-site', '/replay/sessions?site=no-such-site',
  ]) {
    const r = await api(worker, path);
    assert.equal(r.res.status, 200, `${path}: ${r.text}`);
    const rows = Object.values(r.json).find(Array.isArray);
    assert.deepEqual(rows, [], `${path}: ${r.text}`);
  }
  const malformed = await api(worker, '/analytics/leads?site=not%20a%20key');
  assert.equal(malformed.res.status, 400, malformed.text);
  assert.equal(malformed.json.error.field, 'site', malformed.text);
});

test('after the sweep the deep health check still passes', async () => {
  const deep = await api(worker, '/health?deep=1');
  assert.equal(deep.res.status, 200, deep.text);
  assert.ok(deep.json.checks.every((c) => c.ok), deep.text);
});
