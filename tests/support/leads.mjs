// Lead capture from tests: a site with a form, lead submissions, the */10 cron at a chosen time,
// and a real local webhook receiver that verifies every delivery with the `standardwebhooks`
// package (the reference Standard Webhooks implementation, not our own code).
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { api, registerSite } from './sites.mjs';

/** A Standard Webhooks secret: whsec_ and the base64 of 32 random bytes. */
export const WEBHOOK_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD5sbqeNbzWe0=';
/** The page origin the test forms run on. */
export const PAGE = 'https://shop.example';

/** A quote form with every kind of rule the server checks. */
export function quoteForm(formId = 'quote', siteKey = 'leads') {
  return {
    form_id: formId,
    site_key: siteKey,
    name: 'Quote (internal name)',
    fields: [
      { name: 'name', label: 'Your name', type: 'text', required: true, max_length: 80 },
      { name: 'email', label: 'Email', type: 'email', required: true },
      { name: 'phone', label: 'Phone', type: 'tel', pattern: '\\+49[0-9 ]+' },
      { name: 'roof', label: 'Roof', type: 'radio', options: [{ value: 'flat', label: 'Flat' }, { value: 'pitched', label: 'Pitched' }] },
      { name: 'consent', label: 'I agree to be contacted', type: 'checkbox', required: true },
    ],
    submit_text: 'Get my quote',
    success_message: 'Thanks! We will call you within a day.',
    hidden_fields: [
      { name: 'utm_source', source: 'utm_source' },
      { name: 'campaign', source: 'constant', value: 'spring' },
      { name: 'landing', source: 'landing_page' },
    ],
  };
}

/** Registers `siteKey` on `domains` and creates its form. */
export async function setupForm(worker, { siteKey = 'leads', domains = ['shop.example'], form = quoteForm('quote', siteKey) } = {}) {
  await registerSite(worker, { siteKey, domains });
  const r = await api(worker, `/analytics/forms/${form.form_id}`, { method: 'PUT', body: form });
  assert.ok(r.res.status === 200 || r.res.status === 201, r.text);
  return form;
}

/** A valid submission of the quote form; `over` replaces top-level fields, `fields` adds values. */
export function submission(over = {}, fields = {}) {
  return {
    form_id: 'quote',
    submission_id: randomUUID(),
    fields: { name: 'Jane Doe', email: `jane.${randomUUID().slice(0, 8)}@example.com`, consent: true, ...fields },
    page_url: `${PAGE}/quote`,
    fill_ms: 9000,
    honeypot: '',
    ...over,
  };
}

/**
 * POSTs `body` to `path` (default `/lead.capture`) as a page at `origin` would (`origin: null`
 * sends no Origin), or with `key` as a server would; returns status, headers, JSON and text.
 */
export async function submit(worker, body, { origin = PAGE, key, path = '/lead.capture', headers = {} } = {}) {
  const h = { 'content-type': 'application/json', ...headers };
  if (origin) h.origin = origin;
  if (key) h['x-api-key'] = key;
  const res = await fetch(`${worker.url}${path}`, { method: 'POST', headers: h, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { res, status: res.status, json, text };
}

/** Runs the ten-minute cron at scheduled time `time` (ms) and waits for its outbox line. */
export async function tenMinuteCron(worker, time) {
  const before = worker.jsonLines().length;
  const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/10 * * * *')}&time=${time}`);
  assert.equal(res.status, 200, await res.text());
  for (let i = 0; i < 200; i++) {
    const line = worker.jsonLines().slice(before).find((l) => l.job === 'webhook_outbox' && l.now === time);
    if (line) return { outbox: line, drought: worker.jsonLines().slice(before).find((l) => l.job === 'lead_drought_alert' && l.now === time) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no webhook_outbox line for the cron at ${time}`);
}

/** Saves AppSettings (a whole document over the current one). */
export async function saveSettings(worker, change, headers = {}) {
  const current = await api(worker, '/analytics/settings');
  const body = change(current.json.settings);
  const r = await api(worker, '/analytics/settings', { method: 'PUT', body, headers: { 'if-match': '*', ...headers } });
  assert.equal(r.res.status, 200, r.text);
  return r.json;
}

/**
 * A webhook receiver on 127.0.0.1. `plan(n, request)` decides what the n-th call (from 1) gets:
 * a status number, `'hang'` (never answer within the sender's timeout), or `'ok'` (200). Every
 * call is verified with `new Webhook(secret).verify(body, headers)` and recorded; a delivery
 * counts as accepted once per `webhook-id` (what a receiver must deduplicate on).
 */
export async function startReceiver({ secret = WEBHOOK_SECRET, plan = () => 'ok', hangMs = 13_000 } = {}) {
  const calls = [];
  const accepted = new Map();
  const verifier = new Webhook(secret);
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': req.headers['webhook-id'],
        'webhook-timestamp': req.headers['webhook-timestamp'],
        'webhook-signature': req.headers['webhook-signature'],
      };
      let verified = false;
      let payload;
      let verifyError;
      try {
        payload = verifier.verify(body, headers);
        verified = true;
      } catch (err) {
        verifyError = String(err?.message ?? err);
      }
      const call = { n: calls.length + 1, path: req.url, headers, userAgent: req.headers['user-agent'], body, verified, verifyError, payload, at: Date.now() };
      calls.push(call);
      const action = plan(call.n, call);
      call.action = action;
      if (action === 'hang') {
        const timer = setTimeout(() => { if (!res.writableEnded) res.end('late'); }, hangMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      const status = action === 'ok' ? 200 : action;
      if (status >= 200 && status < 300 && verified && !accepted.has(headers['webhook-id'])) accepted.set(headers['webhook-id'], call);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'Accepted' : 'nope');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    calls,
    accepted,
    /** Waits until `n` calls arrived (a delivery attempt runs after the response). */
    async waitForCalls(n, what = `${n} webhook calls`) {
      for (let i = 0; i < 300; i++) {
        if (calls.length >= n) return calls;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`gave up waiting for ${what}; got ${calls.length}`);
    },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
