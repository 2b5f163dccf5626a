// Builders and a client for the /track API, shared by the end-to-end suites.
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';

/** The start of wrangler dev's proxy answer to a request its restarting runtime dropped. */
const DEV_PROXY_RESTART = 'Your worker restarted mid-request.';

/** Posts `body` (an object is sent as JSON) to `worker.url + path`; returns status, JSON, text. */
export async function post(worker, path, body, headers = {}) {
  const send = () => fetch(`${worker.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  let res = await send();
  let text = await res.text();
  // wrangler dev's proxy answers a POST in flight while it restarts its local runtime (seen under
  // load beside a second workerd reading the same state) with this 503 and asks the client to
  // send it again; the SDK does the same with any 503. Our worker never answers plain text.
  for (let resent = 0; res.status === 503 && text.startsWith(DEV_PROXY_RESTART) && resent < 2; resent++) {
    process.stderr.write(`# resent ${path}: wrangler dev restarted its runtime mid-request\n`);
    res = await send();
    text = await res.text();
  }
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { res, status: res.status, json, text };
}

/** Headers that set the worker's clock (`x-pulsegate-now`), and optionally the client IP and
 * the edge's `request.cf` facts (`x-pulsegate-test-cf`). */
export function at(now, { ip, cf } = {}) {
  const h = { 'x-pulsegate-now': String(now) };
  if (ip) h['cf-connecting-ip'] = ip;
  if (cf) h['x-pulsegate-test-cf'] = JSON.stringify(cf);
  return h;
}

/** A valid session start; `over` replaces top-level fields. */
export function sessionStart(startedAt, over = {}) {
  return {
    session_id: randomUUID(),
    site_key: 'e2e',
    started_at: startedAt,
    page: { url: 'https://shop.example/landing?utm_source=e2e', referrer: 'https://search.example/', title: 'Landing' },
    device: { language: 'en-US', timezone: 'Europe/Berlin', screen_width: 1920, screen_height: 1080, pixel_ratio: 2 },
    ...over,
  };
}

/** A batch of `events` for the session `start`. */
export function batchOf(start, events, over = {}) {
  const sentAt = Math.max(start.started_at, ...events.map((e) => e.ts)) + 10;
  return {
    batch_id: randomUUID(),
    session_id: start.session_id,
    session_started_at: start.started_at,
    sent_at: sentAt,
    events,
    ...over,
  };
}

export const pageview = (ts, path = '/', over = {}) => ({ type: 'pageview', ts, url: `https://shop.example${path}`, ...over });
export const click = (ts, over = {}) => ({ type: 'click', ts, selector: 'main > a.cta', x: 10, y: 20, ...over });
export const scroll = (ts, percent) => ({ type: 'scroll', ts, percent });
export const engagement = (ts, ms) => ({ type: 'engagement', ts, engaged_ms: ms });
export const form = (ts, formId, action) => ({ type: 'form_interaction', ts, form_id: formId, action });
export const custom = (ts, name, props = {}) => ({ type: 'custom', ts, name, props });
export const rageClick = (ts) => ({ type: 'rage_click', ts, selector: 'button.buy', x: 1, y: 1, clicks: 4 });
export const error = (ts, message = 'TypeError: x is undefined') => ({ type: 'error', ts, message });

/** `{"error":{"code":…}}` with `status`, and the field when given. */
export function assertError(reply, status, code, field) {
  assert.equal(reply.status, status, reply.text);
  assert.match(reply.res.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(reply.json?.error?.code, code, reply.text);
  assert.ok(reply.json.error.message.length > 0);
  if (field !== undefined) assert.equal(reply.json.error.field, field, reply.text);
}

/**
 * The session totals of a list of stored batches, computed here independently of the worker:
 * one batch per batch_id, then the sums the `sessions` row and the rollups must equal.
 */
export function totalsOf(batches) {
  const byId = new Map(batches.map((b) => [b.batch_id, b]));
  const events = [...byId.values()].flatMap((b) => b.events);
  const pages = {};
  const customRows = {};
  const forms = new Set();
  let exit = null;
  const t = {
    event_count: events.length, page_views: 0, clicks: 0, rage_clicks: 0, max_scroll_percent: 0, engaged_ms: 0,
    form_submits: 0, errors: 0, custom_events: 0,
  };
  for (const e of events) {
    if (e.type === 'pageview') {
      t.page_views++;
      const path = new URL(e.url).pathname;
      pages[path] = (pages[path] ?? 0) + 1;
      if (!exit || e.ts > exit.ts || (e.ts === exit.ts && path > exit.path)) exit = { ts: e.ts, path };
    }
    if (e.type === 'click') t.clicks++;
    if (e.type === 'rage_click') t.rage_clicks++;
    if (e.type === 'scroll') t.max_scroll_percent = Math.max(t.max_scroll_percent, e.percent);
    if (e.type === 'engagement') t.engaged_ms += e.engaged_ms;
    if (e.type === 'form_interaction') {
      if (['focus', 'change', 'submit'].includes(e.action)) forms.add(e.form_id);
      if (e.action === 'submit') t.form_submits++;
    }
    if (e.type === 'error') t.errors++;
    if (e.type === 'custom') {
      t.custom_events++;
      const bump = (k) => { customRows[k] = (customRows[k] ?? 0) + 1; };
      bump(JSON.stringify([e.name, '', '']));
      for (const [k, v] of Object.entries(e.props ?? {})) bump(JSON.stringify([e.name, k, JSON.stringify(v)]));
    }
  }
  t.form_starts = forms.size;
  t.exit_path = exit?.path ?? null;
  t.last_ts = events.length ? Math.max(...events.map((e) => e.ts)) : null;
  return { totals: t, pages, customRows, batches: byId.size };
}

/** Asserts that the D1 row and rollups of session `id` equal `expected` (from `totalsOf`). */
export async function assertAggregates(state, id, expected, label = id) {
  const [row] = await state.query('SELECT * FROM sessions WHERE id = ?', id);
  assert.ok(row, `${label}: session row`);
  for (const [field, value] of Object.entries(expected.totals)) {
    if (field === 'last_ts') continue;
    assert.equal(row[field], value, `${label}: ${field}`);
  }
  assert.equal(row.agg_batches, expected.batches, `${label}: agg_batches`);
  const pages = await state.query('SELECT path, views FROM session_pages WHERE session_id = ?', id);
  assert.deepEqual(Object.fromEntries(pages.map((p) => [p.path, p.views])), expected.pages, `${label}: session_pages`);
  const events = await state.query('SELECT name, prop_key, prop_value, count FROM session_events WHERE session_id = ?', id);
  assert.deepEqual(
    Object.fromEntries(events.map((e) => [JSON.stringify([e.name, e.prop_key, e.prop_value]), e.count])),
    expected.customRows,
    `${label}: session_events`,
  );
  return row;
}

/** Every batch object stored for the session at `prefix`, parsed. */
export async function storedBatches(state, prefix) {
  const objects = await state.getJsonMany(`${prefix}events/`, (k) => /\/events\/\d{13}-[0-9a-f-]{36}\.json$/.test(k));
  return objects.map((o) => o.body);
}

/** Waits until the worker logged an aggregate job for `sessionId` matching `pred`. */
export async function jobLogged(worker, sessionId, pred, { eventually }) {
  return eventually(`an aggregate job for ${sessionId}`, async () =>
    worker.jsonLines().find((l) => l.job === 'aggregate' && l.session_id === sessionId && pred(l)));
}

/** A batch of `sessionId` whose aggregate update the throttle skipped: said by the batch's own
 *  request line (throttled by the isolate that answered) or by a job line (throttled through KV). */
export async function throttleLogged(worker, sessionId, { eventually }) {
  return eventually(`a throttled batch of ${sessionId}`, async () =>
    worker.jsonLines().find((l) => l.session_id === sessionId
      && ((l.path === '/track/events/batch' && l.status === 202 && l.aggregate === 'throttled')
        || (l.job === 'aggregate' && l.outcome === 'throttled'))));
}
