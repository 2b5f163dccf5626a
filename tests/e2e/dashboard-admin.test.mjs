// The admin half of the dashboard API against a real wrangler dev: AppSettings (ETag/If-Match,
// validation), sites and domains (and the registration check at session start), forms (patterns
// compiled by the runtime's RegExp) and integration keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWorker } from '../support/worker.mjs';
import { openState } from '../support/state.mjs';
import { api, registerSite } from '../support/sites.mjs';

let worker;
let state;
/** A Standard Webhooks secret: whsec_ and the base64 of 32 random bytes. */
const SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD5sbqeNbzWe0=';

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

const start = (siteKey, headers = {}) => fetch(`${worker.url}/track/session/start`, {
  method: 'POST',
  headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
  body: JSON.stringify({ session_id: randomUUID(), site_key: siteKey, started_at: Date.now(), page: { url: 'https://shop.example/' } }),
});

test('settings: defaults at version 0, a conditional round trip, 428 without If-Match, 412 when stale', async () => {
  const first = await api(worker, '/analytics/settings');
  assert.equal(first.res.status, 200, first.text);
  assert.equal(first.res.headers.get('etag'), '"0"');
  assert.equal(first.json.version, 0);
  assert.equal(first.json.updated_at, undefined);
  assert.equal(first.json.settings.mask_pii_for_marketing, true);
  assert.equal(first.json.settings.accept_unregistered_sites, false);
  assert.deepEqual(first.json.settings.bot_detection, { enabled: true, threshold: 70 });

  const body = {
    ...first.json.settings,
    make: { enabled: true, webhook_url: 'https://hook.eu1.make.com/abc123', signing_secret: SECRET },
    crm_url_template: 'https://crm.example/leads/{CrmLeadId}',
    lead_drought_alert: { enabled: true, threshold_minutes: 120, webhook_url: 'https://hooks.example/drought' },
    replay_sampling_rate: 0.25,
  };
  const unconditional = await api(worker, '/analytics/settings', { method: 'PUT', body });
  assert.equal(unconditional.res.status, 428, unconditional.text);
  assert.equal(unconditional.json.error.code, 'precondition_required');

  const saved = await api(worker, '/analytics/settings', { method: 'PUT', body, headers: { 'if-match': '"0"' } });
  assert.equal(saved.res.status, 200, saved.text);
  assert.equal(saved.res.headers.get('etag'), '"1"');
  assert.equal(saved.json.version, 1);
  assert.equal(typeof saved.json.updated_at, 'number');
  assert.equal(saved.json.settings.make.signing_secret_set, true);
  assert.ok(!saved.text.includes(SECRET.slice(6)), 'the secret is write-only');

  const read = await api(worker, '/analytics/settings');
  assert.deepEqual(read.json, saved.json);
  const [row] = await state.query('SELECT MakeSigningSecret, Version FROM AppSettings');
  assert.deepEqual(row, { MakeSigningSecret: SECRET, Version: 1 });

  // Someone else saves in between: the first writer's ETag is stale.
  const other = await api(worker, '/analytics/settings', { method: 'PUT', body: { ...read.json.settings, replay_sampling_rate: 0.5 }, headers: { 'if-match': '"1"' } });
  assert.equal(other.res.status, 200, other.text);
  const stale = await api(worker, '/analytics/settings', { method: 'PUT', body: { ...read.json.settings, replay_sampling_rate: 0.75 }, headers: { 'if-match': '"1"' } });
  assert.equal(stale.res.status, 412, stale.text);
  assert.equal(stale.json.error.code, 'precondition_failed');
  assert.equal((await api(worker, '/analytics/settings')).json.settings.replay_sampling_rate, 0.5);

  // A round trip of what GET returned keeps the stored secret; "" removes it; * overwrites.
  const kept = await api(worker, '/analytics/settings', { method: 'PUT', body: other.json.settings, headers: { 'if-match': other.res.headers.get('etag') } });
  assert.equal(kept.json.settings.make.signing_secret_set, true);
  // Webhooks are signed: the secret cannot go while sending is on.
  const unsigned = await api(worker, '/analytics/settings', { method: 'PUT', body: { ...kept.json.settings, make: { ...kept.json.settings.make, signing_secret: '' } }, headers: { 'if-match': '*' } });
  assert.equal(unsigned.res.status, 400, unsigned.text);
  assert.equal(unsigned.json.error.field, 'make.signing_secret');
  const removed = await api(worker, '/analytics/settings', { method: 'PUT', body: { ...kept.json.settings, make: { ...kept.json.settings.make, enabled: false, signing_secret: '' } }, headers: { 'if-match': '*' } });
  assert.equal(removed.res.status, 200, removed.text);
  assert.equal(removed.json.settings.make.signing_secret_set, false);
  assert.equal(removed.json.version, 4);
});

test('settings: every invalid document is a 400 naming the field, and nothing is saved', async () => {
  const doc = await api(worker, '/analytics/settings');
  const etag = doc.res.headers.get('etag');
  const base = doc.json.settings;
  const cases = [
    [{ ...base, make: { enabled: true } }, 'make.webhook_url'],
    [{ ...base, make: { enabled: false, webhook_url: 'http://hook.example/x' } }, 'make.webhook_url'],
    [{ ...base, make: { enabled: false, signing_secret: 'short' } }, 'make.signing_secret'],
    [{ ...base, make: { enabled: false, signing_secret: 'a-long-random-signing-secret' } }, 'make.signing_secret'],
    [{ ...base, make: { enabled: true, webhook_url: 'https://hook.example/x' } }, 'make.signing_secret'],
    [{ ...base, crm_url_template: 'https://crm.example/leads/' }, 'crm_url_template'],
    [{ ...base, crm_url_template: 'javascript:alert(1)//{CrmLeadId}' }, 'crm_url_template'],
    [{ ...base, marketing_pages: ['settings'] }, 'marketing_pages'],
    [{ ...base, marketing_pages: ['overview', 'nope'] }, 'marketing_pages[1]'],
    [{ ...base, bot_detection: { enabled: true, threshold: 0 } }, 'bot_detection.threshold'],
    [{ ...base, lead_drought_alert: { enabled: true, threshold_minutes: 60 } }, 'lead_drought_alert.webhook_url'],
    [{ ...base, replay_sampling_rate: 2 }, 'replay_sampling_rate'],
    [{ ...base, replay_sampling_rate: 'half' }, 'replay_sampling_rate'],
    [{ ...base, unknown_setting: true }, 'unknown_setting'],
  ];
  for (const [body, field] of cases) {
    const r = await api(worker, '/analytics/settings', { method: 'PUT', body, headers: { 'if-match': etag } });
    assert.equal(r.res.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_field', r.text);
    assert.equal(r.json.error.field, field, r.text);
  }
  const malformed = await api(worker, '/analytics/settings', { method: 'PUT', body: '{"make":', headers: { 'if-match': etag } });
  assert.equal(malformed.json.error.code, 'malformed_json');
  const badTag = await api(worker, '/analytics/settings', { method: 'PUT', body: base, headers: { 'if-match': 'seven' } });
  assert.equal(badTag.res.status, 400);
  assert.equal((await api(worker, '/analytics/settings')).res.headers.get('etag'), etag, 'nothing was saved');
});

test('sites: register, list, update domains, delete; keys in paths and bodies are checked', async () => {
  const created = await api(worker, '/analytics/sites', { method: 'POST', body: { site_key: 'acme', name: 'Acme', timezone: 'europe/berlin', domains: ['Acme.example', '*.acme.example'] } });
  assert.equal(created.res.status, 201, created.text);
  assert.equal(created.res.headers.get('location'), '/analytics/sites/acme');
  assert.equal(created.json.timezone, 'Europe/Berlin', 'the runtime canonicalises the zone');
  assert.deepEqual(created.json.domains.sort(), ['*.acme.example', 'acme.example']);
  assert.equal((await api(worker, '/analytics/sites', { method: 'POST', body: { site_key: 'acme', name: 'Again' } })).res.status, 409);

  for (const [body, field] of [
    [{ site_key: 'a b', name: 'x' }, 'site_key'],
    [{ site_key: 'ok', name: '' }, 'name'],
    [{ site_key: 'ok', name: 'x', timezone: 'Mars/Olympus' }, 'timezone'],
    [{ site_key: 'ok', name: 'x', domains: ['https://x.example/'] }, 'domains[0]'],
    [{ site_key: 'ok', name: 'x', domains: ['*.com'] }, 'domains[0]'],
  ]) {
    const r = await api(worker, '/analytics/sites', { method: 'POST', body });
    assert.equal(r.res.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }

  const updated = await api(worker, '/analytics/sites/acme', { method: 'PUT', body: { name: 'Acme Inc', domains: ['acme.example:8443'] } });
  assert.equal(updated.res.status, 200, updated.text);
  assert.deepEqual(updated.json.domains, ['acme.example:8443']);
  assert.equal(updated.json.timezone, 'UTC', 'PUT replaces the whole site');
  assert.equal(updated.json.created_at, created.json.created_at);
  const list = await api(worker, '/analytics/sites');
  assert.deepEqual(list.json.sites.map((s) => s.site_key), ['acme']);
  assert.equal((await api(worker, '/analytics/sites/nope')).res.status, 404);

  const removed = await api(worker, '/analytics/sites/acme', { method: 'DELETE' });
  assert.equal(removed.res.status, 200, removed.text);
  assert.equal((await api(worker, '/analytics/sites/acme')).res.status, 404);
  assert.deepEqual(await state.query("SELECT * FROM SiteDomains WHERE SiteKey = 'acme'"), []);
});

test('session start refuses unregistered site keys (403) and pages on unlisted domains, until a setting opens it', async () => {
  const refused = await start('ghost');
  assert.equal(refused.status, 403);
  const body = await refused.json();
  assert.equal(body.error.code, 'forbidden');
  assert.match(body.error.message, /not registered/);
  assert.equal(refused.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(await state.query("SELECT id FROM sessions WHERE site_key = 'ghost'"), []);

  await registerSite(worker, { siteKey: 'ghost', domains: ['shop.example', '*.shop.example'] });
  assert.equal((await start('ghost')).status, 202, 'registered: accepted at once');
  assert.equal((await start('ghost', { origin: 'https://www.shop.example' })).status, 202);
  const elsewhere = await start('ghost', { origin: 'https://copycat.example' });
  assert.equal(elsewhere.status, 403);
  assert.match((await elsewhere.json()).error.message, /copycat\.example/);

  const doc = await api(worker, '/analytics/settings');
  const open = await api(worker, '/analytics/settings', { method: 'PUT', body: { ...doc.json.settings, accept_unregistered_sites: true }, headers: { 'if-match': doc.res.headers.get('etag') } });
  assert.equal(open.res.status, 200, open.text);
  assert.equal((await start('anything-goes')).status, 202);
  const closed = await api(worker, '/analytics/settings', { method: 'PUT', body: { ...open.json.settings, accept_unregistered_sites: false }, headers: { 'if-match': open.res.headers.get('etag') } });
  assert.equal(closed.res.status, 200);
  assert.equal((await start('anything-goes')).status, 403);
});

test('other isolates read the registry from KV: a registered key passes once the cached copy is stale', async () => {
  await registerSite(worker, { siteKey: 'late', domains: ['late.example'] });
  // Ten minutes later on the worker's clock this isolate's 30-second copy is stale: the check
  // reads the snapshot the admin API published to KV, as any other isolate would.
  const later = { 'x-pulsegate-now': String(Date.now() + 600_000) };
  const startAt = (siteKey, headers) => fetch(`${worker.url}/track/session/start`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify({ session_id: randomUUID(), site_key: siteKey, started_at: Date.now(), page: { url: 'https://late.example/' } }),
  });
  const accepted = await startAt('late', { ...later, origin: 'https://late.example' });
  assert.equal(accepted.status, 202, await accepted.text());
  assert.equal((await startAt('late', { ...later, origin: 'https://elsewhere.example' })).status, 403, 'domains come through KV too');
  assert.equal((await startAt('never-registered', later)).status, 403);
});

test('forms: the field schema round trips; patterns compile as the browser compiles them', async () => {
  await registerSite(worker, { siteKey: 'formsite' });
  const form = {
    form_id: 'contact',
    site_key: 'formsite',
    name: 'Contact us',
    fields: [
      { name: 'email', label: 'Email', type: 'email', required: true },
      { name: 'phone', label: 'Phone', type: 'tel', pattern: '^\\+?[0-9 \\(\\)\\-]{7,20}$' },
      { name: 'roof', label: 'Roof', type: 'select', options: [{ value: 'flat', label: 'Flat' }, { value: 'pitched', label: 'Pitched' }] },
    ],
    submit_text: 'Get my quote',
    hidden_fields: [{ name: 'utm_source', source: 'utm_source' }, { name: 'campaign', source: 'constant', value: 'spring' }],
  };
  const created = await api(worker, '/analytics/forms', { method: 'POST', body: form });
  assert.equal(created.res.status, 201, created.text);
  assert.equal(created.json.success_message, 'Thank you! We will be in touch.');
  const got = await api(worker, '/analytics/forms/contact');
  const { created_at, updated_at, ...definition } = got.json;
  const fields = form.fields.map((f) => ({ required: false, ...f }));
  assert.deepEqual(definition, { ...form, fields, success_message: 'Thank you! We will be in touch.', default_locale: 'en' });
  assert.equal(typeof created_at, 'number');
  assert.deepEqual((await api(worker, '/analytics/forms?site=formsite')).json.forms.map((f) => f.form_id), ['contact']);
  assert.deepEqual((await api(worker, '/analytics/forms?site=other')).json.forms, []);
  assert.equal((await api(worker, '/analytics/forms', { method: 'POST', body: form })).res.status, 409);

  const badPattern = await api(worker, '/analytics/forms/contact', { method: 'PUT', body: { ...form, fields: [{ ...form.fields[1], pattern: '([a-z' }] } });
  assert.equal(badPattern.res.status, 400, badPattern.text);
  assert.equal(badPattern.json.error.field, 'fields[0].pattern');
  assert.match(badPattern.json.error.message, /regular expression/);
  // HTML compiles `pattern` with the v flag, where ( ) - must be escaped inside a class: a pattern
  // that only works without it would be ignored by browsers, so it is refused here too.
  const vMode = await api(worker, '/analytics/forms/contact', { method: 'PUT', body: { ...form, fields: [{ ...form.fields[1], pattern: '^[0-9 ()-]+$' }] } });
  assert.equal(vMode.res.status, 400, vMode.text);
  const noSite = await api(worker, '/analytics/forms/contact', { method: 'PUT', body: { ...form, site_key: 'unregistered' } });
  assert.equal(noSite.json.error.field, 'site_key');
  const wrongId = await api(worker, '/analytics/forms/other', { method: 'PUT', body: form });
  assert.equal(wrongId.json.error.field, 'form_id');
  const noOptions = await api(worker, '/analytics/forms/contact', { method: 'PUT', body: { ...form, fields: [{ name: 'x', label: 'X', type: 'radio' }] } });
  assert.equal(noOptions.json.error.field, 'fields[0].options');

  const updated = await api(worker, '/analytics/forms/contact', { method: 'PUT', body: { ...form, name: 'Contact' } });
  assert.equal(updated.res.status, 200, updated.text);
  assert.equal(updated.json.created_at, created.json.created_at);
  const inUse = await api(worker, '/analytics/sites/formsite', { method: 'DELETE' });
  assert.equal(inUse.res.status, 409, 'a site with forms stays');
  assert.equal((await api(worker, '/analytics/forms/contact', { method: 'DELETE' })).res.status, 200);
  assert.equal((await api(worker, '/analytics/forms/contact')).res.status, 404);
});

test('integrations: a pgi_ key shown once, stored as its SHA-256, revoked once', async () => {
  await registerSite(worker, { siteKey: 'crm-site' });
  const created = await api(worker, '/analytics/integrations', { method: 'POST', body: { name: 'CRM sync', site_key: 'crm-site' } });
  assert.equal(created.res.status, 201, created.text);
  assert.match(created.json.key, /^pgi_[0-9a-f]{40}$/);
  const [row] = await state.query('SELECT KeyHash, KeyPrefix FROM Integrations WHERE Id = ?', created.json.id);
  const { createHash } = await import('node:crypto');
  assert.equal(row.KeyHash, createHash('sha256').update(created.json.key).digest('hex'));
  assert.equal(row.KeyPrefix, created.json.key.slice(0, 12));
  const list = await api(worker, '/analytics/integrations');
  assert.ok(!list.text.includes(created.json.key));
  assert.deepEqual(list.json.integrations.map((i) => i.id), [created.json.id]);
  assert.equal((await api(worker, '/analytics/integrations', { method: 'POST', body: { name: 'x', site_key: 'nope' } })).json.error.field, 'site_key');
  // An integration key is not a dashboard key.
  assert.equal((await api(worker, '/analytics/me', { key: created.json.key })).res.status, 401);
  const revoked = await api(worker, `/analytics/integrations/${created.json.id}`, { method: 'DELETE' });
  assert.equal(typeof revoked.json.revoked_at, 'number');
  assert.equal((await api(worker, '/analytics/integrations/not-a-uuid', { method: 'DELETE' })).res.status, 404);
});

test('bodies that are not JSON, too large or of another type get the usual errors', async () => {
  assert.equal((await api(worker, '/analytics/keys', { method: 'POST', body: '{"name":' })).json.error.code, 'malformed_json');
  assert.equal((await api(worker, '/analytics/keys', { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(20_000) }) })).res.status, 413);
  const form = await api(worker, '/analytics/keys', { method: 'POST', body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(form.res.status, 415);
  const extra = await api(worker, '/analytics/keys', { method: 'POST', body: { name: 'x', role: 'admin' } });
  assert.equal(extra.json.error.field, 'role');
});
