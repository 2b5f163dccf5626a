// Lead capture against a real worker in workerd (wrangler dev, local D1): /forms/config and
// /lead.capture with both auth modes and each wrong one, the form's rules on the server, bot
// traps and blocked addresses (stored, same answer), test leads, double submits, a lead linked
// to its tracked session with its scores, the deprecated routes, the CRM callbacks, the lead
// list and detail with masking, IP lists and testing rules, and leads on their own retention.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWorker, LEGACY_MARKETING_KEY } from '../support/worker.mjs';
import { api } from '../support/sites.mjs';
import { openState, eventually } from '../support/state.mjs';
import { post, at, sessionStart, batchOf, pageview, scroll, engagement, click } from '../support/track.mjs';
import { PAGE, quoteForm, setupForm, submission, submit, tenMinuteCron } from '../support/leads.mjs';

const CRM_CALLBACK_SECRET = 'e2e-crm-callback-secret';
const CRM_WEBHOOK_SECRET = 'e2e-crm-webhook-secret';

let worker;
let state;
let integration; // a key for site "leads"
let otherIntegration; // a key for site "other"

before(async () => {
  worker = await startWorker({
    secrets: { CRM_CALLBACK_SECRET, CRM_WEBHOOK_SECRET },
    vars: { RATE_LIMIT_LEAD_CAPTURE: '5/60' },
  });
  state = await openState(worker.state);
  await setupForm(worker);
  await setupForm(worker, { siteKey: 'other', domains: ['other.example'], form: quoteForm('other-quote', 'other') });
  // wrangler dev gives every request the address 127.0.0.1: whitelisted, as an office would be,
  // so only the rate-limit test (with its own addresses) meets the limit of 5 a minute.
  const office = await api(worker, '/analytics/ip-lists/whitelisted', { method: 'POST', body: { cidr: '127.0.0.1/32', reason: 'test runner' } });
  assert.equal(office.res.status, 201, office.text);
  integration = (await api(worker, '/analytics/integrations', { method: 'POST', body: { name: 'Backend', site_key: 'leads' } })).json;
  otherIntegration = (await api(worker, '/analytics/integrations', { method: 'POST', body: { name: 'Other', site_key: 'other' } })).json;
  assert.match(integration.key, /^pgi_[0-9a-f]{40}$/);
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

const config = (query, headers = {}) => fetch(`${worker.url}/forms/config?${query}`, { headers });
const lead = async (id) => (await state.query('SELECT * FROM Leads WHERE PublicId = ?', id))[0];
const submissionsOf = (id) => state.query('SELECT s.* FROM LeadSubmissions s JOIN Leads l ON l.Id = s.LeadId WHERE l.PublicId = ? ORDER BY s.Id', id);

test('/forms/config answers the site\'s pages (CORS for that origin only) and servers with a key', async () => {
  const ok = await config('site=leads&form=quote', { origin: PAGE });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), PAGE);
  assert.match(ok.headers.get('vary'), /Origin/);
  assert.match(ok.headers.get('cache-control'), /max-age=60/);
  const etag = ok.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  const body = await ok.json();
  assert.equal(body.form_id, 'quote');
  assert.equal(body.submit_text, 'Get my quote');
  assert.deepEqual(body.fields.map((f) => f.name), ['name', 'email', 'phone', 'roof', 'consent']);
  assert.equal(body.fields[2].pattern, '\\+49[0-9 ]+');
  assert.equal(body.honeypot, 'website');
  assert.equal(body.min_fill_ms, 2000);
  assert.equal(body.name, undefined, 'the dashboard name stays private');

  const again = await config('site=leads&form=quote', { origin: PAGE, 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('etag'), etag);

  const viaReferer = await config('site=leads&form=quote', { referer: `${PAGE}/pricing?x=1` });
  assert.equal(viaReferer.status, 200);
  const sub = await config('site=leads&form=quote', { origin: 'https://www.shop.example' });
  assert.equal(sub.status, 403, 'shop.example does not cover its subdomains');

  for (const [headers, status, code] of [
    [{ origin: 'https://evil.example' }, 403, 'forbidden'],
    [{ origin: 'null' }, 403, 'forbidden'],
    [{}, 401, 'unauthorized'],
    [{ 'x-api-key': 'pgi_' + '0'.repeat(40) }, 401, 'unauthorized'],
    [{ 'x-api-key': otherIntegration.key }, 403, 'forbidden'],
  ]) {
    const r = await config('site=leads&form=quote', headers);
    assert.equal(r.status, status, JSON.stringify(headers));
    assert.equal(r.headers.get('access-control-allow-origin'), null, 'no CORS for a refused caller');
    assert.equal((await r.json()).error.code, code);
  }
  const server = await config('site=leads&form=quote', { 'x-api-key': integration.key });
  assert.equal(server.status, 200);
  assert.equal((await config('site=other&form=quote', { origin: PAGE })).status, 404, 'the form is not on that site');
  assert.equal((await config('site=leads&form=nope', { origin: PAGE })).status, 404);
  const missing = await config('site=leads', { origin: PAGE });
  assert.equal(missing.status, 400);
  assert.equal((await missing.json()).error.field, 'form');
});

test('a page on the site submits a lead; the answer is readable there only', async () => {
  const s = submission({}, { phone: '+49 30 1234567', roof: 'flat' });
  const r = await submit(worker, s);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['lead_id', 'ok']);
  assert.match(r.json.lead_id, /^ld_[0-9a-f]{32}$/);
  assert.equal(r.res.headers.get('access-control-allow-origin'), PAGE);
  assert.match(r.res.headers.get('vary'), /Origin/);
  const row = await lead(r.json.lead_id);
  assert.equal(row.Email, s.fields.email);
  assert.equal(row.Phone, '+49 30 1234567');
  assert.equal(row.Name, 'Jane Doe');
  assert.equal(row.Source, 'form');
  assert.equal(row.SiteKey, 'leads');
  assert.equal(row.IsTest, 0);
  const [sub] = await submissionsOf(r.json.lead_id);
  assert.equal(sub.Origin, PAGE);
  assert.equal(sub.FillMs, 9000);
  const payload = JSON.parse(sub.PayloadJson);
  assert.equal(payload.fields.campaign, 'spring', 'constants are filled by the server');
  assert.equal(payload.submission_id, s.submission_id, 'the full body is kept');

  // Same-origin requests may carry only a Referer.
  const referer = await submit(worker, submission(), { origin: null, headers: { referer: `${PAGE}/quote` } });
  assert.equal(referer.status, 201, referer.text);

  // A preflight (a JSON POST from another origin) needs nothing and allows the headers a form sends.
  const pre = await fetch(`${worker.url}/lead.capture`, { method: 'OPTIONS', headers: { origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' } });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-headers'), /Idempotency-Key/);
});

test('every wrong caller is refused before anything is stored', async () => {
  const before = (await state.query('SELECT count(*) AS n FROM LeadSubmissions'))[0].n;
  const cases = [
    [{ origin: 'https://evil.example' }, 403, 'forbidden'],
    [{ origin: 'null' }, 403, 'forbidden'],
    [{ origin: null }, 401, 'unauthorized'],
    [{ origin: null, key: 'pgi_' + 'f'.repeat(40) }, 401, 'unauthorized'],
    [{ origin: null, key: 'not-a-key' }, 401, 'unauthorized'],
    [{ origin: null, key: otherIntegration.key }, 403, 'forbidden'],
    [{ origin: 'https://other.example' }, 403, 'forbidden'],
  ];
  for (const [opts, status, code] of cases) {
    const r = await submit(worker, submission(), opts);
    assert.equal(r.status, status, `${JSON.stringify(opts)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.res.headers.get('access-control-allow-origin'), null);
    if (status === 401) assert.equal(r.res.headers.get('www-authenticate'), 'Bearer');
  }
  const basic = await submit(worker, submission(), { origin: null, headers: { authorization: 'Basic eDp5' } });
  assert.equal(basic.status, 401);
  assert.equal((await state.query('SELECT count(*) AS n FROM LeadSubmissions'))[0].n, before);
});

test('a server submits with an integration key (X-API-Key or Bearer); a revoked key is refused', async () => {
  const viaHeader = await submit(worker, submission(), { origin: null, key: integration.key });
  assert.equal(viaHeader.status, 201, viaHeader.text);
  assert.equal(viaHeader.res.headers.get('access-control-allow-origin'), null);
  const [sub] = await submissionsOf(viaHeader.json.lead_id);
  assert.equal(sub.Source, 'api');
  assert.equal(sub.IntegrationId, integration.id);
  assert.equal(sub.Origin, null);
  // Servers have no fill time: a fast one is fine.
  const fast = await submit(worker, submission({ fill_ms: 5 }), { origin: null, headers: { authorization: `Bearer ${integration.key}` } });
  assert.equal(fast.status, 201);
  assert.equal((await lead(fast.json.lead_id)).Source, 'api');
  assert.ok(!(await submissionsOf(fast.json.lead_id))[0].SuspicionReasons.includes('fast_'), 'no fill-time suspicion');
  assert.equal((await lead(fast.json.lead_id)).SuspicionScore, 0);
  await eventually('the key\'s last use', async () => (await api(worker, '/analytics/integrations')).json.integrations.find((i) => i.id === integration.id).last_used_at);

  const spare = (await api(worker, '/analytics/integrations', { method: 'POST', body: { name: 'Spare', site_key: 'leads' } })).json;
  assert.equal((await submit(worker, submission(), { origin: null, key: spare.key })).status, 201);
  assert.equal((await api(worker, `/analytics/integrations/${spare.id}`, { method: 'DELETE' })).res.status, 200);
  const revoked = await submit(worker, submission(), { origin: null, key: spare.key });
  assert.equal(revoked.status, 401);
  assert.match(revoked.json.error.message, /revoked/);
});

test('the server applies the form\'s rules and answers each broken one by field, readable by the page', async () => {
  const cases = [
    [submission({}, { email: '' }), 'fields.email', 'Please fill in this field.'],
    [submission({}, { email: 'jane@localhost' }), 'fields.email', 'Please enter an email address, like name@example.com.'],
    [submission({}, { phone: '+1 415 555 0112' }), 'fields.phone', 'Please match the requested format.'],
    [submission({}, { roof: 'dome' }), 'fields.roof', 'Please choose one of the options.'],
    [submission({}, { consent: false }), 'fields.consent', 'Please tick this box.'],
    [submission({}, { consent: 'yes' }), 'fields.consent', 'must be true or false'],
    [submission({}, { name: 'x'.repeat(81) }), 'fields.name', 'Please use at most 80 characters.'],
    [submission({}, { admin: true }), 'fields.admin', 'is not a field of form quote'],
    [submission({}, { landing: 'javascript:alert(1)' }), 'fields.landing', 'must be an absolute http(s) URL'],
    [submission({ page_url: 'data:text/html,x' }), 'page_url', undefined],
    [submission({ site_key: 'other' }), 'site_key', undefined],
    [submission({ form_id: 'Bad Id' }), 'form_id', undefined],
    [{ ...submission(), extra: 1 }, 'extra', undefined],
    [submission({ fields: { email: { nested: true } } }), 'fields.email', undefined],
  ];
  for (const [body, field, message] of cases) {
    const r = await submit(worker, body);
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_field');
    assert.equal(r.json.error.field, field, r.text);
    if (message) assert.equal(r.json.error.message, message);
  }
  // A field error, once the origin is checked, can be read by the page to show it.
  const shown = await submit(worker, submission({}, { email: '' }));
  assert.equal(shown.res.headers.get('access-control-allow-origin'), PAGE);

  const malformed = await submit(worker, '{"form_id":');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.error.code, 'malformed_json');
  const huge = await submit(worker, submission({}, { name: 'x'.repeat(70_000) }));
  assert.equal(huge.status, 413);
  const typed = await fetch(`${worker.url}/lead.capture`, { method: 'POST', headers: { origin: PAGE, 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=x' });
  assert.equal(typed.status, 415);
  assert.equal((await submit(worker, submission({ form_id: 'nope' }))).status, 404);
  const badKey = await submit(worker, submission(), { headers: { 'idempotency-key': 'has space' } });
  assert.equal(badKey.status, 400);
});

test('hostile text is stored inert', async () => {
  const s = submission({ page_url: `${PAGE}/q?x="><script>alert(1)</script>`, utm: { source: '<b>news</b>' } }, { name: '<img src=x onerror=alert(1)>\u202e' });
  const r = await submit(worker, s);
  assert.equal(r.status, 201, r.text);
  const row = await lead(r.json.lead_id);
  assert.equal(row.Name, '＜img src=x onerror=alert(1)＞');
  const [sub] = await submissionsOf(r.json.lead_id);
  assert.ok(!sub.PayloadJson.includes('<'), sub.PayloadJson);
  assert.equal(sub.PageUrl, `${PAGE}/q?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E`);
  assert.equal(sub.UtmSource, '＜b＞news＜/b＞');
});

test('a double submit makes one lead; repeats get the first answer', async () => {
  const s = submission();
  const [a, b] = await Promise.all([submit(worker, s), submit(worker, s)]);
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(a.json.lead_id, b.json.lead_id);
  assert.deepEqual([a, b].map((r) => r.res.headers.get('idempotent-replayed')).sort(), [null, 'true']);
  assert.equal((await submissionsOf(a.json.lead_id)).length, 1);

  // An Idempotency-Key header takes precedence over the submission id.
  const key = randomUUID();
  const first = await submit(worker, submission(), { headers: { 'idempotency-key': key } });
  const retry = await submit(worker, submission(), { headers: { 'idempotency-key': key } });
  assert.equal(retry.json.lead_id, first.json.lead_id);
  assert.equal(retry.res.headers.get('idempotent-replayed'), 'true');

  // Without either, the same values sent twice are one submission.
  const bare = submission({ submission_id: undefined });
  const one = await submit(worker, bare);
  const two = await submit(worker, { ...bare, fill_ms: 12_000 });
  assert.equal(two.json.lead_id, one.json.lead_id);
  assert.equal((await submissionsOf(one.json.lead_id)).length, 1);
});

test('the same email on the same site is one lead with several submissions', async () => {
  const email = `repeat.${randomUUID().slice(0, 8)}@example.com`;
  const first = await submit(worker, submission({}, { email }));
  const second = await submit(worker, submission({}, { email: email.toUpperCase(), name: 'Jane Q. Doe' }));
  assert.equal(second.json.lead_id, first.json.lead_id);
  const row = await lead(first.json.lead_id);
  assert.equal(row.SubmissionCount, 2);
  assert.equal(row.Name, 'Jane Q. Doe');
  assert.equal((await submissionsOf(first.json.lead_id)).length, 2);
});

test('the honeypot and blocked addresses: stored aside, answered like a lead, never a lead', async () => {
  const blockedIp = '203.0.113.9';
  const added = await api(worker, '/analytics/ip-lists/blocked', { method: 'POST', body: { ip: blockedIp, reason: 'e2e' } });
  assert.equal(added.res.status, 201, added.text);
  assert.match(added.json.ip_hash, /^[0-9a-f]{64}$/);
  assert.equal(added.json.cidr, undefined);

  const cases = [
    ['blocked_ip', submission(), { 'cf-connecting-ip': blockedIp }],
    ['honeypot', submission({ honeypot: 'https://cheap-pills.example' }), {}],
  ];
  for (const [reason, body, headers] of cases) {
    const r = await submit(worker, body, { headers });
    assert.equal(r.status, 201, `${reason}: ${r.text}`);
    assert.deepEqual(Object.keys(r.json).sort(), ['lead_id', 'ok'], 'the same answer as a lead');
    assert.match(r.json.lead_id, /^ld_[0-9a-f]{32}$/);
    assert.equal(r.res.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(await lead(r.json.lead_id), undefined, `${reason}: not a lead`);
    const [aside] = await state.query('SELECT * FROM BlockedIPLeads WHERE PublicId = ?', r.json.lead_id);
    assert.equal(aside.Reason, reason);
    assert.equal(JSON.parse(aside.PayloadJson).submission_id, body.submission_id);
    // Sent again: the same id.
    const again = await submit(worker, body, { headers });
    assert.equal(again.json.lead_id, r.json.lead_id);
  }
  const listed = await api(worker, '/analytics/leads/blocked?reason=honeypot');
  assert.equal(listed.res.status, 200);
  assert.equal(listed.json.blocked.length, 1);
  assert.equal(listed.json.blocked[0].payload.honeypot, 'https://cheap-pills.example');
  // No raw address is stored anywhere.
  const dump = JSON.stringify(await state.query('SELECT * FROM BlockedIPs')) + JSON.stringify(await state.query('SELECT * FROM BlockedIPLeads'));
  assert.ok(!dump.includes(blockedIp));
  const removed = await api(worker, `/analytics/ip-lists/blocked/${added.json.id}`, { method: 'DELETE' });
  assert.equal(removed.res.status, 200);
  assert.equal((await api(worker, `/analytics/ip-lists/blocked/${added.json.id}`, { method: 'DELETE' })).res.status, 404);
  const unblocked = await submit(worker, submission(), { headers: { 'cf-connecting-ip': blockedIp } });
  assert.ok(await lead(unblocked.json.lead_id), 'once removed, the address submits leads again');
});

test('a browser submission under the minimum fill time is a lead whose suspicion says how it was filled', async () => {
  const fill = (f) => ({ typed: 0, keyless: 0, autofilled: 0, trusted_submit: true, ...f });
  const cases = [
    ['fast_autofill', 5, { keyless: 3, autofilled: 3, typed: 1, active_ms: 700 }],
    ['fast_keyless', 20, { keyless: 3, active_ms: 600 }],
    ['fast_typed', 40, { typed: 3, active_ms: 800 }],
    ['fast_untouched', 60, {}],
    ['fast_typed', 40, null], // a form that reports no fill signals: only the clock speaks
  ];
  for (const [reason, points, signals] of cases) {
    const body = submission({ fill_ms: 400, ...(signals ? { fill: fill(signals) } : {}) });
    const r = await submit(worker, body);
    assert.equal(r.status, 201, `${reason}: ${r.text}`);
    const row = await lead(r.json.lead_id);
    assert.ok(row, `${reason}: a lead`);
    assert.equal(row.SuspicionScore, points, reason);
    const [sub] = await submissionsOf(r.json.lead_id);
    assert.deepEqual(JSON.parse(sub.SuspicionReasons), [{ reason, points }]);
    assert.deepEqual(JSON.parse(sub.PayloadJson).fill, signals ? fill(signals) : undefined);
    assert.equal((await state.query('SELECT * FROM BlockedIPLeads WHERE PublicId = ?', r.json.lead_id)).length, 0);
  }
  // A script's submit adds its own points; slow fills add none.
  const scripted = await submit(worker, submission({ fill_ms: 9000, fill: fill({ typed: 2, active_ms: 8000, trusted_submit: false }) }));
  assert.equal((await lead(scripted.json.lead_id)).SuspicionScore, 20);
  const calm = await submit(worker, submission({ fill_ms: 9000, fill: fill({ typed: 2, active_ms: 8000 }) }));
  assert.equal((await lead(calm.json.lead_id)).SuspicionScore, 0);
  // Hostile signals are refused with their field.
  const many = await submit(worker, submission({ fill: fill({ keyless: 1000 }) }));
  assert.equal(many.status, 400);
  assert.equal(many.json.error.field, 'fill.keyless');
  const negative = await submit(worker, submission({ fill: { typed: -1 } }));
  assert.equal(negative.status, 400, negative.text);
  const unknown = await submit(worker, submission({ fill: { robot: true } }));
  assert.equal(unknown.status, 400, unknown.text);
});

test('browser submissions are rate limited per address; whitelisted addresses are not', async () => {
  const ip = '198.51.100.50';
  const statuses = [];
  for (let i = 0; i < 7; i++) statuses.push((await submit(worker, submission(), { headers: { 'cf-connecting-ip': ip, 'x-pulsegate-now': '1764097200000' } })).status);
  assert.deepEqual(statuses, [201, 201, 201, 201, 201, 429, 429]);
  const limited = await submit(worker, submission(), { headers: { 'cf-connecting-ip': ip, 'x-pulsegate-now': '1764097200000' } });
  assert.equal(limited.res.headers.get('retry-after'), '60');
  const allow = await api(worker, '/analytics/ip-lists/whitelisted', { method: 'POST', body: { cidr: '198.51.100.0/24', reason: 'office' } });
  assert.equal(allow.res.status, 201, allow.text);
  assert.equal(allow.json.cidr, '198.51.100.0/24');
  const through = await submit(worker, submission(), { headers: { 'cf-connecting-ip': ip, 'x-pulsegate-now': '1764097200000' } });
  assert.equal(through.status, 201);
  assert.deepEqual((await api(worker, '/analytics/ip-lists/whitelisted')).json.entries.map((e) => e.cidr), ['127.0.0.1/32', '198.51.100.0/24']);
  const bad = await api(worker, '/analytics/ip-lists/whitelisted', { method: 'POST', body: { cidr: '198.51.100.0/33' } });
  assert.equal(bad.json.error.field, 'cidr');
  const both = await api(worker, '/analytics/ip-lists/blocked', { method: 'POST', body: { ip: '1.2.3.4', cidr: '1.2.3.0/24' } });
  assert.equal(both.res.status, 400);
});

test('test leads are marked by the testing rules and left out of the list by default', async () => {
  const rule = await api(worker, '/analytics/testing-leads', { method: 'POST', body: { email_domain: 'Example.TEST', reason: 'QA inboxes' } });
  assert.equal(rule.res.status, 201, rule.text);
  assert.equal(rule.json.email_domain, 'example.test');
  const qa = await submit(worker, submission({}, { email: 'qa+1@example.test' }));
  assert.equal(qa.status, 201);
  const row = await lead(qa.json.lead_id);
  assert.equal(row.IsTest, 1);
  const [sub] = await submissionsOf(qa.json.lead_id);
  assert.equal(sub.TestReason, 'QA inboxes');
  const listed = await api(worker, '/analytics/leads?limit=200');
  assert.ok(!listed.json.leads.some((l) => l.id === qa.json.lead_id));
  const only = await api(worker, '/analytics/leads?test=only');
  assert.deepEqual(only.json.leads.map((l) => l.id), [qa.json.lead_id]);
  assert.equal(only.json.leads[0].is_test, true);
  // By address range too.
  const byIp = await api(worker, '/analytics/testing-leads', { method: 'POST', body: { cidr: '192.0.2.0/24' } });
  const fromQa = await submit(worker, submission(), { headers: { 'cf-connecting-ip': '192.0.2.44' } });
  assert.equal((await lead(fromQa.json.lead_id)).IsTest, 1);
  assert.equal((await api(worker, `/analytics/testing-leads/${byIp.json.id}`, { method: 'DELETE' })).res.status, 200);
  assert.equal((await api(worker, '/analytics/testing-leads')).json.rules.length, 1);
  assert.equal((await api(worker, '/analytics/testing-leads', { method: 'POST', body: { email: 'nope' } })).res.status, 400);
});

test('a lead from a tracked session links to it, with its scores copied and its UTM filled in', async () => {
  const t = Date.now();
  const s = sessionStart(t, { site_key: 'leads', page: { url: `${PAGE}/?utm_source=newsletter&utm_campaign=spring`, referrer: 'https://search.example/' } });
  const started = await post(worker, '/track/session/start', s, { ...at(t), origin: PAGE });
  assert.equal(started.status, 202, started.text);
  const batch = batchOf(s, [pageview(t + 100, '/'), scroll(t + 2_000, 80), click(t + 3_000), engagement(t + 60_000, 55_000), pageview(t + 61_000, '/quote')]);
  assert.equal((await post(worker, '/track/events/batch', batch, at(t + 62_000))).status, 202);
  const [session] = await eventually('the aggregate', async () => {
    const rows = await state.query('SELECT * FROM sessions WHERE id = ? AND aggregate_updates > 0', s.session_id);
    return rows.length ? rows : null;
  });
  assert.ok(session.engagement_score > 0, 'the session scored');

  const r = await submit(worker, submission({ session_id: s.session_id }), { headers: at(t + 70_000) });
  assert.equal(r.status, 201, r.text);
  const [sub] = await submissionsOf(r.json.lead_id);
  assert.equal(sub.SessionId, s.session_id);
  assert.equal(sub.EngagementScore, session.engagement_score);
  assert.equal(sub.SuspicionScore, session.suspicion_score);
  assert.equal(sub.EngagementReasons, session.engagement_reasons);
  assert.equal(sub.UtmSource, 'newsletter', 'from the session');
  const payload = JSON.parse(sub.PayloadJson);
  assert.equal(payload.fields.utm_source, 'newsletter');
  assert.equal(payload.fields.landing, `${PAGE}/?utm_source=newsletter&utm_campaign=spring`);
  const row = await lead(r.json.lead_id);
  assert.equal(row.SessionId, s.session_id);
  assert.equal(row.EngagementScore, session.engagement_score);
  const [after] = await state.query('SELECT lead_count FROM sessions WHERE id = ?', s.session_id);
  assert.equal(after.lead_count, 1);
  assert.equal((await api(worker, `/analytics/sessions?site=leads&has_lead=true&from=${t - 1000}&to=${t + 3_600_000}`)).json.sessions[0].id, s.session_id);

  // The detail shows the session with its pages and a replay link.
  const detail = await api(worker, `/analytics/leads/${r.json.lead_id}`);
  assert.equal(detail.res.status, 200, detail.text);
  assert.equal(detail.json.sessions.length, 1);
  assert.equal(detail.json.sessions[0].via, 'submission');
  assert.equal(detail.json.sessions[0].session.engagement_score, session.engagement_score);
  assert.deepEqual(detail.json.sessions[0].pages.map((p) => p.path).sort(), ['/', '/quote']);
  assert.equal(detail.json.sessions[0].replay_url, `/replay?session=${s.session_id}`);

  // A session of another site (or none at all) is not linked.
  const foreign = await submit(worker, submission({ session_id: randomUUID() }));
  const [unlinked] = await submissionsOf(foreign.json.lead_id);
  assert.equal(unlinked.SessionId, null);
  assert.equal(unlinked.EngagementScore, 0);
});

test('a lead that names a session before its start arrives is linked when the session starts', async () => {
  const t = Date.now();
  const s = sessionStart(t, { site_key: 'leads', page: { url: `${PAGE}/quote` } });
  const r = await submit(worker, submission({ session_id: s.session_id }), { headers: at(t + 1_000) });
  assert.equal(r.status, 201, r.text);
  const [before] = await submissionsOf(r.json.lead_id);
  assert.equal(before.SessionId, null, 'not linked to a session the worker has not seen');
  assert.equal(before.ClaimedSessionId, s.session_id);

  const started = await post(worker, '/track/session/start', s, { ...at(t + 2_000), origin: PAGE });
  assert.equal(started.status, 202, started.text);
  const [sub] = await eventually('the lead linked by the start', async () => {
    const rows = await submissionsOf(r.json.lead_id);
    return rows[0]?.SessionId ? rows : null;
  });
  assert.equal(sub.SessionId, s.session_id);
  assert.equal(sub.ClaimedSessionId, null);
  assert.equal((await lead(r.json.lead_id)).SessionId, s.session_id);
  const [session] = await state.query('SELECT lead_count FROM sessions WHERE id = ?', s.session_id);
  assert.equal(session.lead_count, 1);
  const detail = await api(worker, `/analytics/leads/${r.json.lead_id}`);
  assert.equal(detail.json.sessions.length, 1, detail.text);
  assert.equal(detail.json.sessions[0].replay_url, `/replay?session=${s.session_id}`);

  // The late link writes the replay marker a lead captured during the session gets, at the time
  // the worker received the lead.
  const events = await eventually('the late lead marker', async () => {
    const page = await api(worker, `/replay/sessions/${s.session_id}/events`);
    assert.equal(page.res.status, 200, page.text);
    return page.json.events.some((e) => e.type === 5 && e.data.tag === 'pulsegate.lead') ? page.json.events : null;
  });
  const markers = events.filter((e) => e.type === 5 && e.data.tag === 'pulsegate.lead');
  assert.equal(markers.length, 1);
  assert.deepEqual(markers[0].data.payload, {
    lead_id: r.json.lead_id, submission_id: sub.PublicId, form_id: 'quote', ts: sub.CreatedAt, test: false,
  });
  assert.equal(markers[0].timestamp, sub.CreatedAt);

  // The new session had no scores to give; the lead waits for them and takes the ones the
  // session's aggregate computes (here the ten-minute cron's final aggregate of a quiet session).
  assert.equal(detail.json.lead.engagement_score, 0, 'no scores before the session has them');
  const batch = batchOf(s, [pageview(t + 2_100, '/quote'), scroll(t + 4_000, 90), click(t + 5_000), engagement(t + 60_000, 50_000)]);
  assert.equal((await post(worker, '/track/events/batch', batch, at(t + 61_000))).status, 202);
  await tenMinuteCron(worker, t + 3_600_000);
  const [scored] = await eventually('the final aggregate', async () => {
    const rows = await state.query('SELECT * FROM sessions WHERE id = ? AND finalized_at IS NOT NULL', s.session_id);
    return rows.length ? rows : null;
  });
  assert.ok(scored.engagement_score > 0, 'the session scored');
  const after = await eventually('the lead\'s scores', async () => {
    const d = await api(worker, `/analytics/leads/${r.json.lead_id}`);
    return d.json.lead.engagement_score > 0 ? d.json : null;
  });
  assert.equal(after.lead.engagement_score, scored.engagement_score);
  assert.equal(after.lead.suspicion_score, Math.min(100, scored.suspicion_score + sub.SuspicionScore), 'the session\'s suspicion plus the form\'s own');
  assert.equal(after.submissions[0].engagement_score, scored.engagement_score);
  assert.deepEqual(after.submissions[0].engagement_reasons, JSON.parse(scored.engagement_reasons));
  const [final] = await submissionsOf(r.json.lead_id);
  assert.equal(final.ScoresPending, 0);
});

test('the deprecated routes run the same flow with deprecation headers, and their use is logged', async () => {
  for (const path of ['/lead', '/']) {
    const r = await submit(worker, submission(), { path });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    assert.ok(await lead(r.json.lead_id));
    assert.equal(r.res.headers.get('x-deprecated'), 'true');
    assert.match(r.res.headers.get('deprecation'), /^@\d+$/);
    assert.match(r.res.headers.get('sunset'), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.ok(new Date(r.res.headers.get('sunset')) > new Date(Number(r.res.headers.get('deprecation').slice(1)) * 1000));
    assert.equal(r.res.headers.get('link'), '</lead.capture>; rel="successor-version"');
    assert.equal(r.res.headers.get('access-control-allow-origin'), PAGE);
    await eventually(`a deprecated_route line for ${path}`, async () => worker.jsonLines().find((l) => l.job === 'deprecated_route' && l.path === path));
  }
  const refused = await submit(worker, submission(), { path: '/lead', origin: 'https://evil.example' });
  assert.equal(refused.status, 403);
  assert.equal((await fetch(`${worker.url}/`)).status, 405);
});

test('CRM callbacks: the CRM id, Make executions and CRM events, each with its secret', async () => {
  const r = await submit(worker, submission());
  const id = r.json.lead_id;
  const call = (path, body, secret, header = 'authorization') => api(worker, path, { method: 'POST', body, key: secret, header });

  const crm = await call('/lead.capture/crm-callback', { lead_id: id, crm_lead_id: '00Q5e00000AbCdE' }, CRM_CALLBACK_SECRET);
  assert.equal(crm.res.status, 200, crm.text);
  assert.deepEqual(crm.json, { ok: true, accepted: 1 });
  assert.equal((await lead(id)).CrmLeadId, '00Q5e00000AbCdE');
  const viaHeader = await call('/lead.capture/crm-callback', { lead_id: id, crm_lead_id: '00Q5e00000AbCdE' }, CRM_CALLBACK_SECRET, 'x-api-key');
  assert.equal(viaHeader.res.status, 200);
  for (const [secret, why] of [[CRM_WEBHOOK_SECRET, 'the other secret'], ['wrong', 'a wrong secret'], [null, 'no secret']]) {
    const bad = await call('/lead.capture/crm-callback', { lead_id: id, crm_lead_id: 'x' }, secret);
    assert.equal(bad.res.status, 401, why);
    assert.equal(bad.res.headers.get('www-authenticate'), 'Bearer');
  }
  const unknown = await call('/lead.capture/crm-callback', { lead_id: `ld_${'0'.repeat(32)}`, crm_lead_id: 'x' }, CRM_CALLBACK_SECRET);
  assert.equal(unknown.res.status, 404);
  const malformed = await call('/lead.capture/crm-callback', { lead_id: 'nope', crm_lead_id: 'x' }, CRM_CALLBACK_SECRET);
  assert.equal(malformed.json.error.field, 'lead_id');

  // Make's callback needs a delivery of this lead (none here: webhooks are off in this suite).
  const make = (body, secret = CRM_CALLBACK_SECRET) => call('/lead.capture/make-callback', body, secret);
  const noDelivery = await make({ lead_id: id, execution_url: 'https://eu1.make.com/1/scenarios/2/logs/3' });
  assert.equal(noDelivery.res.status, 404);
  assert.match(noDelivery.json.error.message, /webhook delivery/);
  assert.equal((await make({ lead_id: `ld_${'0'.repeat(32)}`, execution_url: 'https://eu1.make.com/x' })).res.status, 404);
  assert.equal((await make({ lead_id: id, execution_url: 'https://eu1.make.com/x' }, 'wrong')).res.status, 401);
  assert.equal((await make({ lead_id: id, execution_url: 'javascript:alert(1)' })).res.status, 400);

  // CRM events: by our id or the CRM's, once per event id; CRM_WEBHOOK_SECRET (the callback secret is not it).
  const event = (body, secret = CRM_WEBHOOK_SECRET) => call('/webhooks/crm/lead', body, secret);
  const first = await event({ lead_id: id, event: 'status_changed', status: 'qualified', event_id: 'evt_1', data: { owner: '<b>sam</b>' } });
  assert.equal(first.res.status, 201, first.text);
  assert.deepEqual(first.json, { ok: true, accepted: 1 });
  const repeat = await event({ lead_id: id, event: 'status_changed', status: 'qualified', event_id: 'evt_1' });
  assert.equal(repeat.res.status, 200);
  assert.equal(repeat.json.accepted, 0);
  assert.equal((await event({ crm_lead_id: '00Q5e00000AbCdE', event: 'won', occurred_at: 1764097500000 })).res.status, 201);
  assert.equal((await event({ crm_lead_id: 'unknown', event: 'won' })).res.status, 404);
  assert.equal((await event({ lead_id: id, event: 'x' }, CRM_CALLBACK_SECRET)).res.status, 401);
  assert.equal((await event({ event: 'x' })).json.error.field, 'lead_id');
  const activity = await state.query('SELECT * FROM LeadCrmActivity ORDER BY Id');
  assert.equal(activity.length, 2);
  assert.equal(activity[1].CrmLeadId, '00Q5e00000AbCdE');
  assert.ok(!activity[0].PayloadJson.includes('<b>'));

  const detail = await api(worker, `/analytics/leads/${id}`);
  assert.equal(detail.json.lead.crm_lead_id, '00Q5e00000AbCdE');
  assert.deepEqual(detail.json.crm_activity.map((a) => a.event), ['won', 'status_changed']);
  assert.deepEqual(detail.json.crm_activity[1].data, { owner: '＜b＞sam＜/b＞' });
});

test('the lead list: filters, cursor pages, CSV, and masked PII for a marketing key', async () => {
  const site = 'leads';
  const all = [];
  let cursor;
  do {
    const page = await api(worker, `/analytics/leads?site=${site}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.res.status, 200, page.text);
    all.push(...page.json.leads);
    cursor = page.json.next_cursor;
  } while (cursor);
  const ids = all.map((l) => l.id);
  assert.equal(new Set(ids).size, ids.length, 'no lead twice');
  const inD1 = await state.query("SELECT PublicId FROM Leads WHERE SiteKey = 'leads' AND IsTest = 0 ORDER BY CreatedAt DESC, Id DESC");
  assert.deepEqual(ids, inD1.map((r) => r.PublicId));
  assert.ok(all.every((l, i) => i === 0 || all[i - 1].created_at >= l.created_at));

  const apiOnly = await api(worker, '/analytics/leads?source=api');
  assert.ok(apiOnly.json.leads.length >= 2 && apiOnly.json.leads.every((l) => l.source === 'api'));
  const linked = await api(worker, '/analytics/leads?crm=linked');
  assert.equal(linked.json.leads.length, 1);
  assert.equal(linked.json.leads[0].crm_url, undefined, 'no CRM template set');
  const email = all.find((l) => l.email).email;
  assert.deepEqual((await api(worker, `/analytics/leads?email=${encodeURIComponent(email.toUpperCase())}`)).json.leads.map((l) => l.email), [email]);
  assert.equal((await api(worker, '/analytics/leads?nope=1')).res.status, 400);

  const csv = await api(worker, `/analytics/leads?site=${site}&limit=3`, { headers: { accept: 'text/csv' } });
  assert.equal(csv.res.status, 200);
  assert.match(csv.res.headers.get('content-type'), /text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'id,site_key,form_id,email,phone,name,created_at,updated_at,submission_count,source,session_id,engagement_score,suspicion_score,crm_lead_id,crm_url,country,is_test');
  assert.equal(lines.length, 4);

  // Marketing: granted the leads page, emails and phones masked; not granted, 403.
  const key = (await api(worker, '/analytics/keys', { method: 'POST', body: { name: 'sales', pages: ['leads'] } })).json.key;
  const masked = await api(worker, `/analytics/leads?site=${site}&limit=200`, { key });
  assert.equal(masked.res.status, 200);
  assert.ok(masked.json.leads.length > 0);
  for (const l of masked.json.leads.filter((x) => x.email)) assert.match(l.email, /^[^@]\*\*\*@/);
  assert.ok(!masked.text.includes(email));
  const withPhone = masked.json.leads.find((l) => l.phone);
  assert.ok(withPhone && withPhone.phone.includes('***'));
  const maskedDetail = await api(worker, `/analytics/leads/${masked.json.leads[0].id}`, { key });
  assert.ok(!/[a-z0-9.]+@example\.com/.test(maskedDetail.text.replaceAll('***@', '')), 'no address in the detail either');
  const maskedCsv = await api(worker, `/analytics/leads?site=${site}&format=csv`, { key });
  assert.ok(!maskedCsv.text.includes(email));
  assert.equal((await api(worker, '/analytics/leads', { key: LEGACY_MARKETING_KEY })).res.status, 403, 'the default pages do not include leads');
  assert.equal((await api(worker, `/analytics/leads/ld_${'0'.repeat(32)}`)).res.status, 404);

  // With a CRM URL template the list links to the CRM.
  const doc = await api(worker, '/analytics/settings');
  await api(worker, '/analytics/settings', { method: 'PUT', body: { ...doc.json.settings, crm_url_template: 'https://crm.example/leads/{CrmLeadId}' }, headers: { 'if-match': doc.res.headers.get('etag') } });
  assert.equal((await api(worker, '/analytics/leads?crm=linked')).json.leads[0].crm_url, 'https://crm.example/leads/00Q5e00000AbCdE');
});

test('leads are kept on their own retention window, and the daily sweep removes them after it', async () => {
  const r = await submit(worker, submission());
  const [{ n: before }] = await state.query('SELECT count(*) AS n FROM Leads');
  assert.ok(before > 0);
  // 366 days later the leads window (365 days by default) has passed for every lead.
  const time = Date.now() + 366 * 86_400_000;
  const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('0 3 * * *')}&time=${time}`);
  assert.equal(res.status, 200);
  const line = await eventually('the retention line', async () => worker.jsonLines().find((l) => l.job === 'retention' && l.now === time));
  const leads = line.stores.find((s) => s.store === 'leads');
  assert.equal(leads.days, 365);
  assert.equal(leads.done, true);
  assert.ok(leads.deleted >= before, JSON.stringify(leads));
  for (const table of ['Leads', 'LeadSubmissions', 'BlockedIPLeads', 'LeadCrmActivity']) {
    assert.equal((await state.query(`SELECT count(*) AS n FROM ${table}`))[0].n, 0, table);
  }
  assert.equal(await lead(r.json.lead_id), undefined);
});
