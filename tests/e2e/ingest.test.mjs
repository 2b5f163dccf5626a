// Tracking ingest end to end against a real worker in workerd (wrangler dev, local D1/KV/R2):
// every /track route, the 20 s aggregate throttle on an injected clock, idempotent retries, a
// storage failure answered 503, hostile input, network and identity signals, and the cron that
// finalises quiet sessions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { startWorker } from '../support/worker.mjs';
import { registerSite } from '../support/sites.mjs';
import { openState, eventually, datePath } from '../support/state.mjs';
import {
  post, at, sessionStart, batchOf, pageview, click, scroll, engagement, form, custom, rageClick, error,
  assertError, totalsOf, assertAggregates, storedBatches, jobLogged, throttleLogged,
} from '../support/track.mjs';

let worker;
let state;
const T = Date.now();
const FP = (n) => n.toString(16).padStart(2, '0').repeat(32);

before(async () => {
  // The deployment's own network list: AS64500 is hosting, and Hetzner is taken off the list.
  worker = await startWorker({ vars: { NETWORK_ASNS: 'hosting=64500;eyeball=24940' } });
  // Session starts need a registered site key (the dashboard API's registry).
  await registerSite(worker, { siteKey: 'e2e' });
  state = await openState(worker.state);
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

async function start(startedAt, over = {}, headers = {}) {
  const s = sessionStart(startedAt, over);
  const reply = await post(worker, '/track/session/start', s, { ...at(startedAt), ...headers });
  assert.equal(reply.status, 202, reply.text);
  return s;
}

const row = async (id) => (await state.query('SELECT * FROM sessions WHERE id = ?', id))[0];
/** The worker's log lines arrive after its responses: wait for the line `pred` picks. */
const logged = (what, pred) => eventually(what, async () => worker.jsonLines().findLast(pred));
const prefixOf = (s) => `sessions/${datePath(s.started_at)}/${s.session_id}/`;

test('POST /track/event stores one event as a batch of one and counts it', async () => {
  const s = await start(T);
  const single = {
    batch_id: randomUUID(), session_id: s.session_id, session_started_at: s.started_at, sent_at: T + 60,
    event: custom(T + 50, 'signup', { plan: 'pro', seats: 3 }),
  };
  const reply = await post(worker, '/track/event', single, at(T + 60));
  assert.equal(reply.status, 202, reply.text);
  assert.deepEqual(reply.json, { ok: true, accepted: 1 });
  const key = `${prefixOf(s)}events/${String(T + 50).padStart(13, '0')}-${single.batch_id}.json`;
  const stored = await state.getJson(key);
  assert.deepEqual(stored.events, [single.event]);

  await jobLogged(worker, s.session_id, (l) => l.outcome === 'written', { eventually });
  await assertAggregates(state, s.session_id, totalsOf([stored]));

  const bad = await post(worker, '/track/event', { ...single, event: { type: 'scroll', ts: T, percent: 101 } }, at(T + 60));
  assertError(bad, 400, 'invalid_field', 'event.percent');
  const wrongTs = await post(worker, '/track/event', { ...single, event: { type: 'scroll', ts: 'soon', percent: 1 } }, at(T + 60));
  assertError(wrongTs, 400, 'invalid_field', 'event.ts');
  const future = await post(worker, '/track/event', { ...single, event: scroll(T + 3 * 86_400_000, 5) }, at(T + 60));
  assertError(future, 400, 'invalid_field', 'event.ts');
});

test('two batches within 20 s write the aggregates once; the next batch and the session end catch up exactly', async () => {
  const t = T + 1_000_000;
  const s = await start(t);
  const b1 = batchOf(s, [pageview(t + 100, '/'), click(t + 200), scroll(t + 300, 40)]);
  assert.equal((await post(worker, '/track/events/batch', b1, at(t + 1_000))).status, 202);
  await jobLogged(worker, s.session_id, (l) => l.trigger === 'batch' && l.outcome === 'written', { eventually });
  let r = await row(s.session_id);
  assert.equal(r.aggregate_updates, 1);
  assert.equal(r.event_count, 3);

  // 4 s later on the worker's clock: throttled. Its events are in R2, not yet in D1.
  const b2 = batchOf(s, [pageview(t + 4_000, '/pricing'), engagement(t + 4_500, 4_000)]);
  assert.equal((await post(worker, '/track/events/batch', b2, at(t + 5_000))).status, 202);
  await throttleLogged(worker, s.session_id, { eventually });
  r = await row(s.session_id);
  assert.equal(r.aggregate_updates, 1, 'a throttled batch writes nothing');
  assert.equal(r.event_count, 3);

  // 24 s after the first update: the next batch updates, and counts the throttled one too.
  const b3 = batchOf(s, [form(t + 24_000, 'contact', 'focus'), form(t + 24_100, 'contact', 'submit')]);
  assert.equal((await post(worker, '/track/events/batch', b3, at(t + 25_000))).status, 202);
  await jobLogged(worker, s.session_id, (l) => l.outcome === 'written' && l.batches === 3, { eventually });
  assert.equal((await row(s.session_id)).aggregate_updates, 2);
  await assertAggregates(state, s.session_id, totalsOf([b1, b2, b3]));

  // A batch right after is throttled again; the session end flushes it.
  const b4 = batchOf(s, [custom(t + 26_000, 'signup', { plan: 'pro' }), scroll(t + 26_100, 95)]);
  assert.equal((await post(worker, '/track/events/batch', b4, at(t + 26_500))).status, 202);
  const end = { session_id: s.session_id, session_started_at: t, ended_at: t + 60_000, engaged_ms: 30_000 };
  const ended = await post(worker, '/track/session/end', end, at(t + 60_100));
  assert.equal(ended.status, 202, ended.text);
  await jobLogged(worker, s.session_id, (l) => l.trigger === 'end' && l.outcome === 'written', { eventually });
  r = await assertAggregates(state, s.session_id, { ...totalsOf([b1, b2, b3, b4]), totals: { ...totalsOf([b1, b2, b3, b4]).totals, engaged_ms: 30_000 } });
  assert.equal(r.ended_at, t + 60_000);
  assert.equal(r.duration_ms, 60_000);
  assert.equal(r.aggregate_updates, 3);
  assert.equal(r.exit_path, '/pricing');
  // Engagement from 2 pages, 30 s, 95 % scroll, a click and a submitted form.
  assert.deepEqual(JSON.parse(r.engagement_reasons).map((x) => x.reason),
    ['pages_viewed', 'engaged_time', 'scroll_depth', 'clicks', 'form_started', 'form_submitted']);
  assert.equal(r.engagement_score, 6 + 16 + 14 + 2 + 8 + 16);
});

test('a session end for an unknown session is a 404; bad ends name their field', async () => {
  const unknown = { session_id: randomUUID(), session_started_at: T, ended_at: T + 1 };
  assertError(await post(worker, '/track/session/end', unknown, at(T + 5)), 404, 'not_found');
  assertError(await post(worker, '/track/session/end', { ...unknown, ended_at: T - 1 }, at(T + 5)), 400, 'invalid_field', 'ended_at');
  assertError(await post(worker, '/track/session/end', { ...unknown, engaged_ms: 86_400_001 }, at(T + 5)), 400, 'invalid_field', 'engaged_ms');
  assertError(await post(worker, '/track/session/end', { ...unknown, ended_at: T + 3 * 86_400_000 }, at(T + 5)), 400, 'invalid_field', 'ended_at');
});

test('a retried batch (same batch_id) is stored and counted once, as JSON or text/plain', async () => {
  const t = T + 2_000_000;
  const s = await start(t);
  const b = batchOf(s, [pageview(t + 10, '/a'), click(t + 20), custom(t + 30, 'cta', { variant: 'b' })]);
  for (const type of ['application/json', 'text/plain;charset=UTF-8', 'text/plain;charset=UTF-8']) {
    const reply = await post(worker, '/track/events/batch', JSON.stringify(b), { ...at(t + 100), 'content-type': type });
    assert.equal(reply.status, 202, reply.text);
  }
  // The same batch id with its events in another order (a first event time that differs) is
  // still one batch.
  const reordered = { ...b, events: [b.events[2], b.events[1]] };
  assert.equal((await post(worker, '/track/events/batch', reordered, at(t + 100))).status, 202);
  assert.equal((await storedBatches(state, prefixOf(s))).length, 2, 'two keys, one batch id');
  const end = { session_id: s.session_id, session_started_at: t, ended_at: t + 1_000 };
  assert.equal((await post(worker, '/track/session/end', end, at(t + 1_000))).status, 202);
  await jobLogged(worker, s.session_id, (l) => l.trigger === 'end' && l.outcome === 'written', { eventually });
  const r = await row(s.session_id);
  assert.equal(r.agg_batches, 1);
  assert.equal(r.event_count, 2, 'the latest upload of the batch counts, once');
});

test('a storage failure is answered 503 so the client retries, and the retry is stored once', async () => {
  const t = T + 3_000_000;
  const s = await start(t);
  const b = batchOf(s, [pageview(t + 10, '/'), click(t + 20)]);
  const failed = await post(worker, '/track/events/batch', b, { ...at(t + 100), 'x-pulsegate-test-fault': 'r2' });
  assertError(failed, 503, 'unavailable');
  assert.doesNotMatch(failed.text, /key|1024|R2|sessions\//i, 'no storage detail reaches the client');
  assert.deepEqual(await storedBatches(state, prefixOf(s)), [], 'nothing acknowledged, nothing stored');
  const line = await logged('the 503 line', (l) => l.path === '/track/events/batch' && l.status === 503);
  assert.match(line.error.detail, /r2 put/, 'the log has the detail');

  const retried = await post(worker, '/track/events/batch', b, at(t + 200));
  assert.equal(retried.status, 202, retried.text);
  const stored = await storedBatches(state, prefixOf(s));
  assert.deepEqual(stored.map((x) => x.batch_id), [b.batch_id]);
  await jobLogged(worker, s.session_id, (l) => l.outcome === 'written', { eventually });
  await assertAggregates(state, s.session_id, totalsOf([b]));
});

test('the session row carries attribution, device families, consent and a daily visitor key', async () => {
  const chromeUa = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const counted = await start(T, {
    page: { url: 'https://www.shop.example/pricing?utm_source=news%20letter&utm_campaign=spring#plans', referrer: 'https://shop.example/' },
  }, { 'user-agent': chromeUa, 'cf-connecting-ip': '203.0.113.50' });
  const r = await row(counted.session_id);
  assert.equal(r.landing_path, '/pricing');
  assert.equal(r.referrer_host, null, 'same site is not a referrer');
  assert.equal(r.utm_source, 'news letter');
  assert.equal(r.utm_campaign, 'spring');
  assert.equal(r.consent, 'count');
  assert.equal(r.visitor_id, null);
  assert.match(r.visitor_key, /^d:[0-9a-f]{32}$/);
  assert.equal(r.browser, 'Chrome');
  assert.equal(r.os, 'Windows');
  assert.equal(r.device_class, 'desktop');

  const visitor = randomUUID();
  const consented = await start(T, {
    consent: 'marketing', visitor_id: visitor,
    utm: { source: 'ads', medium: 'cpc' },
    page: { url: 'https://shop.example/?utm_source=ignored', referrer: 'https://Search.Example/q' },
    device: { device_class: 'tablet', timezone: 'Europe/Berlin' },
  });
  const c = await row(consented.session_id);
  assert.equal(c.visitor_key, visitor);
  assert.equal(c.utm_source, 'ads', 'the client\'s utm object wins');
  assert.equal(c.utm_medium, 'cpc');
  assert.equal(c.referrer_host, 'search.example');
  assert.equal(c.device_class, 'tablet');
  assert.equal(c.consent, 'marketing');
});

test('network signals: hosting, VPN, Tor, privacy relay, AS names and the deployment list are scored, never blocked', async () => {
  const cases = [
    { cf: { asn: 16509, asOrganization: 'Amazon.com, Inc.', country: 'US', timezone: 'America/New_York' }, kind: 'hosting', reason: ['datacenter_network', 25] },
    { cf: { asn: 9009, asOrganization: 'M247 Europe SRL', country: 'DE', timezone: 'Europe/Berlin', isEUCountry: '1' }, kind: 'vpn', reason: ['vpn_network', 20] },
    { cf: { asn: 60729, asOrganization: 'Stiftung Erneuerbare Freiheit', country: 'DE', timezone: 'Europe/Berlin', isEUCountry: '1' }, kind: 'tor', reason: ['tor_exit', 30] },
    { cf: { asn: 36183, asOrganization: 'Akamai Technologies, Inc.', country: 'DE', timezone: 'Europe/Berlin', isEUCountry: '1' }, kind: 'relay', reason: ['privacy_relay', 0] },
    { cf: { asn: 64999, asOrganization: 'Example Hosting GmbH', country: 'DE', timezone: 'Europe/Berlin' }, kind: 'hosting', reason: ['datacenter_network', 25] },
    { cf: { asn: 64500, asOrganization: 'Unnamed', country: 'DE', timezone: 'Europe/Berlin' }, kind: 'hosting', reason: ['datacenter_network', 25] },
    { cf: { asn: 24940, asOrganization: 'Hetzner Online GmbH', country: 'DE', timezone: 'Europe/Berlin' }, kind: null, reason: null },
    { cf: { asn: 3320, asOrganization: 'Deutsche Telekom AG', country: 'DE', timezone: 'Europe/Berlin', isEUCountry: '1' }, kind: null, reason: null },
  ];
  for (const { cf, kind, reason } of cases) {
    const s = await start(T, {}, { 'x-pulsegate-test-cf': JSON.stringify(cf) });
    const r = await row(s.session_id);
    assert.equal(r.network_kind, kind, `AS${cf.asn}`);
    assert.equal(r.asn, cf.asn);
    assert.equal(r.as_org, cf.asOrganization);
    assert.equal(r.country, cf.country);
    assert.equal(r.edge_timezone, cf.timezone);
    assert.equal(r.is_eu, cf.isEUCountry === '1' ? 1 : 0);
    const reasons = JSON.parse(r.suspicion_reasons).map((x) => [x.reason, x.points]);
    const expected = reason ? [reason] : [];
    // The browser says Europe/Berlin: an American edge zone adds the mismatch.
    if (cf.timezone.startsWith('America/')) expected.push(['timezone_mismatch', 15]);
    assert.deepEqual(reasons, expected, `AS${cf.asn}`);
    assert.equal(r.suspicion_score, expected.reduce((n, [, p]) => n + p, 0));
    const meta = await state.getJson(`${prefixOf(s)}meta.json`);
    assert.equal(meta.network_kind ?? null, kind);
    assert.equal(meta.asn, cf.asn);
    assert.ok(!JSON.stringify(meta).includes('203.0.113'), 'no IP in meta.json');
  }
});

test('bot signals and a headless time zone raise suspicion; a clean visit scores zero', async () => {
  const cf = { asn: 3320, asOrganization: 'Deutsche Telekom AG', country: 'DE', timezone: 'Europe/Berlin' };
  const bot = await start(T, { bot: ['webdriver', 'headless_user_agent', 'no_plugins'], device: { timezone: 'UTC' } }, { 'x-pulsegate-test-cf': JSON.stringify(cf) });
  const b = await row(bot.session_id);
  assert.deepEqual(JSON.parse(b.suspicion_reasons), [
    { reason: 'webdriver', points: 40 }, { reason: 'headless_user_agent', points: 20 }, { reason: 'no_plugins', points: 0 },
    { reason: 'timezone_mismatch', points: 15 },
  ]);
  assert.equal(b.suspicion_score, 75);
  assert.deepEqual(JSON.parse(b.bot_signals), ['webdriver', 'headless_user_agent', 'no_plugins']);
  const clean = await start(T, {}, { 'x-pulsegate-test-cf': JSON.stringify(cf) });
  const c = await row(clean.session_id);
  assert.equal(c.suspicion_score, 0);
  assert.equal(c.suspicion_reasons, '[]');
});

test('identity network: one fingerprint across IPs and countries, and many fingerprints behind one IP', async () => {
  const fp = FP(1);
  const identity = () => ({ consent: 'analytics', visitor_id: randomUUID(), fingerprint: { id: fp, confidence: 70, sources: 12, ms: 9 } });
  const cf = (country, tz) => JSON.stringify({ asn: 3320, asOrganization: 'ISP', country, timezone: tz });
  const ids = [];
  // Five IPs, three countries; the last start hops country within the hour.
  const plan = [['198.51.100.1', 'DE'], ['198.51.100.2', 'DE'], ['198.51.100.3', 'FR'], ['198.51.100.4', 'FR'], ['198.51.100.5', 'NL']];
  let lastStart;
  for (const [i, [ip, country]] of plan.entries()) {
    const headers = { 'cf-connecting-ip': ip, 'x-pulsegate-test-cf': cf(country, 'Europe/Paris') };
    const s = await start(T + i * 60_000, { ...identity(), device: { timezone: 'Europe/Berlin' } }, headers);
    lastStart = { s, headers };
    ids.push(s.session_id);
    await eventually('the identity job', async () => worker.jsonLines().some((l) => l.job === 'identity' && l.session_id === s.session_id));
  }
  const last = await row(ids.at(-1));
  assert.equal(last.fingerprint_id, fp);
  assert.equal(last.fp_ips_24h, 5);
  assert.equal(last.fp_countries_24h, 3);
  assert.equal(last.fp_country_hop, 1);
  assert.deepEqual(JSON.parse(last.suspicion_reasons).map((r) => r.reason), ['fingerprint_many_ips', 'fingerprint_many_countries', 'impossible_travel']);
  assert.equal(last.suspicion_score, 15 + 20 + 20);
  const first = await row(ids[0]);
  assert.equal(first.fp_ips_24h, 1);
  assert.equal(first.suspicion_score, 0);

  const [f] = await state.query('SELECT * FROM fingerprints WHERE id = ?', fp);
  assert.equal(f.sessions, 5);
  assert.equal(f.last_confidence, 70);
  assert.equal(f.max_suspicion, 55);
  assert.equal(f.is_fraud, 0);
  const links = await state.query('SELECT ip_hash, country, sessions FROM identity_network WHERE fingerprint_id = ? ORDER BY country', fp);
  assert.equal(links.length, 5);
  for (const link of links) assert.match(link.ip_hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(links).includes('198.51.100'), 'no raw IP in the identity network');

  // Ten fingerprints behind one IP, bot signals merged per fingerprint.
  let lastId;
  for (let n = 0; n < 10; n++) {
    const s = await start(T, {
      consent: 'analytics', visitor_id: randomUUID(), fingerprint: { id: FP(100 + n), confidence: 50, sources: 9, ms: 3 },
      bot: n === 9 ? ['webdriver'] : [],
    }, { 'cf-connecting-ip': '192.0.2.77', 'x-pulsegate-test-cf': cf('DE', 'Europe/Berlin') });
    lastId = s.session_id;
    await eventually('the identity job', async () => worker.jsonLines().some((l) => l.job === 'identity' && l.session_id === s.session_id));
  }
  const shared = await row(lastId);
  assert.equal(shared.ip_fingerprints_24h, 10);
  assert.deepEqual(JSON.parse(shared.suspicion_reasons).map((r) => [r.reason, r.points]), [['webdriver', 40], ['ip_many_fingerprints', 15]]);
  const [botFp] = await state.query('SELECT signals, bot_sessions FROM fingerprints WHERE id = ?', FP(109));
  assert.deepEqual([botFp.signals, botFp.bot_sessions], ['["webdriver"]', 1]);
  // A repeated start of the same session records nothing twice.
  const repeated = await post(worker, '/track/session/start', lastStart.s, { ...at(lastStart.s.started_at), ...lastStart.headers });
  assert.equal(repeated.status, 202);
  const again = (await state.query('SELECT sessions FROM fingerprints WHERE id = ?', fp))[0].sessions;
  assert.equal(again, 5);
  assert.equal((await state.query('SELECT sum(sessions) AS n FROM identity_network WHERE fingerprint_id = ?', fp))[0].n, 5);
});

test('a clean batch is stored as the bytes received; escaped markup is still found and the batch re-encoded inert', async () => {
  const t = T + 4_500_000;
  const s = await start(t);
  const events = (title) => [pageview(t + 1, '/a', { title }), click(t + 2, { selector: 'main > a.cta' })];
  // Valid JSON as a client might lay it out: spaces, a line break, an escaped plain character.
  const clean = JSON.stringify(batchOf(s, events('Café')), null, 1).replace('Café', 'Caf\\u00e9');
  assert.ok(clean.includes('Caf\\u00e9') && clean.includes('\n'), clean);
  assert.equal((await post(worker, '/track/events/batch', clean, at(t + 10))).status, 202);
  const keys = await state.listKeys(`${prefixOf(s)}events/`);
  assert.equal(keys.length, 1);
  assert.equal((await state.getBytes(keys[0])).toString('utf8'), clean, 'stored byte for byte');

  // Markup written as JSON escapes is markup all the same once parsed: sanitized, encoded again.
  const escaped = JSON.stringify(batchOf(s, events('x'))).replace('"title":"x"', '"title":"\\u003cb\\u003eBold"');
  assert.ok(escaped.includes('\\u003cb'), escaped);
  assert.equal((await post(worker, '/track/events/batch', escaped, at(t + 20))).status, 202);
  const stored = await storedBatches(state, prefixOf(s));
  const bold = stored.flatMap((b) => b.events).find((e) => e.title?.includes('Bold'));
  assert.equal(bold.title, '＜b＞Bold');
});

test('hostile strings are stored inert; hostile URLs, encodings, depths and numbers get a 4xx, never a 5xx', async () => {
  const t = T + 4_000_000;
  const s = await start(t, { page: { url: 'https://shop.example/"><script>alert(1)</script>', title: '<script>alert(1)</script>Pricing\u202E\u0007' } });
  const r = await row(s.session_id);
  assert.equal(r.title, '＜script＞alert(1)＜/script＞Pricing');
  assert.equal(r.landing_url, 'https://shop.example/%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
  const meta = await state.getJson(`${prefixOf(s)}meta.json`);
  assert.ok(!JSON.stringify(meta).includes('<'), 'meta.json is inert');

  const sql = "'); DROP TABLE sessions; --";
  const b = batchOf(s, [
    pageview(t + 1, '/x', { title: '<img src=x onerror=alert(1)>' }),
    click(t + 2, { selector: 'main > a<svg onload=alert(1)>', text: sql }),
    custom(t + 3, '<b>evil</b>', { [sql]: '<i>v</i>', n: 1 }),
    form(t + 4, '<form>', 'focus'),
    error(t + 5, '<script>x</script>'),
  ]);
  assert.equal((await post(worker, '/track/events/batch', b, at(t + 10))).status, 202);
  const [stored] = await storedBatches(state, prefixOf(s));
  const text = JSON.stringify(stored);
  assert.ok(!text.includes('<'), `stored batch is inert: ${text}`);
  assert.equal(stored.events[1].selector, 'main > a＜svg onload=alert(1)>', 'selectors keep their child combinator');
  assert.equal(stored.events[1].text, sql, 'SQL is just text');
  assert.ok((await state.query('SELECT count(*) AS n FROM sessions'))[0].n > 0, 'the table is still there');

  // Every URL field refuses every non-web scheme.
  for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd']) {
    assertError(await post(worker, '/track/session/start', sessionStart(t, { page: { url: bad } }), at(t)), 400, 'invalid_field', 'page.url');
    assertError(await post(worker, '/track/session/start', sessionStart(t, { page: { url: 'https://a.example/', referrer: bad } }), at(t)), 400, 'invalid_field', 'page.referrer');
    const batchWith = (e) => post(worker, '/track/events/batch', batchOf(s, [e]), at(t + 10));
    assertError(await batchWith(pageview(t + 1, '/', { url: bad })), 400, 'invalid_field', 'events[0].url');
    assertError(await batchWith(pageview(t + 1, '/', { referrer: bad })), 400, 'invalid_field', 'events[0].referrer');
    assertError(await batchWith(click(t + 1, { href: bad })), 400, 'invalid_field', 'events[0].href');
    assertError(await batchWith({ ...error(t + 1), source: bad }), 400, 'invalid_field', 'events[0].source');
  }

  const hostileBodies = [
    ['bad UTF-8', Buffer.concat([Buffer.from('{"batch_id":"'), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from('"}')])],
    ['10,000-deep arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['10,000-deep props', JSON.stringify(batchOf(s, [])).replace('"events":[]', `"events":[{"type":"custom","ts":${t},"name":"n","props":{"k":${'['.repeat(10_000)}${']'.repeat(10_000)}}}]`)],
    ['NaN', JSON.stringify(batchOf(s, [scroll(t, 5)])).replace('"percent":5', '"percent":NaN')],
    ['Infinity', JSON.stringify(batchOf(s, [scroll(t, 5)])).replace('"percent":5', '"percent":Infinity')],
    ['1e999', JSON.stringify(batchOf(s, [scroll(t, 5)])).replace(`"ts":${t}`, '"ts":1e999')],
    ['2^64', JSON.stringify(batchOf(s, [scroll(t, 5)])).replace(`"ts":${t}`, '"ts":18446744073709551616')],
    ['negative', JSON.stringify(batchOf(s, [scroll(t, 5)])).replace(`"ts":${t}`, '"ts":-1')],
    ['float percent', JSON.stringify(batchOf(s, [scroll(t, 5)])).replace('"percent":5', '"percent":5.5')],
    ['huge prop number', JSON.stringify(batchOf(s, [custom(t, 'n', { k: 1 })])).replace('"k":1', '"k":1e400')],
    ['duplicate field', JSON.stringify(batchOf(s, [scroll(t, 5)])).replace('"percent":5', '"percent":5,"percent":6')],
    ['not an object', '"just a string"'],
    ['null', 'null'],
    ['empty', ''],
  ];
  for (const [name, body] of hostileBodies) {
    for (const path of ['/track/events/batch', '/track/event', '/track/session/start', '/track/session/end']) {
      const reply = await post(worker, path, body, at(t + 10));
      assert.ok(reply.status >= 400 && reply.status < 500, `${name} on ${path}: ${reply.status} ${reply.text.slice(0, 200)}`);
      assert.ok(['malformed_json', 'invalid_field', 'payload_too_large'].includes(reply.json?.error?.code), `${name} on ${path}: ${reply.text.slice(0, 200)}`);
    }
  }
});

test('echoed input is capped in the error body and the log line', async () => {
  const key = 'k'.repeat(10_000);
  const body = JSON.stringify(sessionStart(T)).replace('"site_key"', `"${key}":1,"site_key"`);
  const reply = await post(worker, '/track/session/start', body, at(T));
  assertError(reply, 400, 'invalid_field');
  assert.ok(reply.text.length < 600, `error body is ${reply.text.length} bytes`);
  assert.ok(reply.json.error.message.includes(`${'k'.repeat(64)}…`), reply.json.error.message);
  assert.equal(reply.json.error.field, `${'k'.repeat(64)}…`);
  const line = await eventually('the request line', async () => worker.jsonLines().findLast((l) => l.path === '/track/session/start' && l.status === 400 && l.error?.field?.startsWith('kkk')));
  assert.ok(JSON.stringify(line).length < 800, 'the log line is capped too');

  const props = Object.fromEntries([[`p${'x'.repeat(300)}`, 1]]);
  const s = sessionStart(T);
  const big = await post(worker, '/track/events/batch', batchOf(s, [custom(T + 1, 'n', props)]), at(T + 10));
  assertError(big, 400, 'invalid_field');
  assert.ok(big.json.error.field.length < 100, big.json.error.field);
});

test('chunked bodies are counted as they stream: over the limit is a 413, under it is accepted', async () => {
  const t = T + 5_000_000;
  const s = await start(t);
  const chunked = (text, chunk) => {
    const buf = Buffer.from(text);
    const parts = [];
    for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
    return Readable.toWeb(Readable.from(parts));
  };
  const send = (text, chunk) => fetch(`${worker.url}/track/events/batch`, {
    method: 'POST', headers: { 'content-type': 'text/plain', ...at(t + 10) }, body: chunked(text, chunk), duplex: 'half',
  });
  const events = Array.from({ length: 100 }, (_, i) => custom(t + i, 'n', { pad: 'x'.repeat(1000) }));
  const ok = JSON.stringify(batchOf(s, events));
  assert.ok(ok.length > 100_000 && ok.length < 512 * 1024);
  const accepted = await send(ok, 16 * 1024);
  assert.equal(accepted.status, 202, await accepted.text());
  const okLine = await logged('the 202 line', (l) => l.path === '/track/events/batch' && l.status === 202 && l.body === 'chunked');
  assert.equal(okLine.body, 'chunked', 'no Content-Length reached the worker: it counted the stream');

  const huge = JSON.stringify({ ...batchOf(s, [scroll(t, 1)]), pad: 'y'.repeat(600 * 1024) });
  const refused = await send(huge, 64 * 1024);
  assert.equal(refused.status, 413, await refused.text());
  const line = await logged('the chunked 413 line', (l) => l.path === '/track/events/batch' && l.status === 413 && l.body === 'chunked');
  assert.equal(line.error.code, 'payload_too_large');
  // The same body with a Content-Length is refused before it is read.
  const declared = await post(worker, '/track/events/batch', huge, at(t + 10));
  assertError(declared, 413, 'payload_too_large');
  await logged('the declared 413 line', (l) => l.status === 413 && l.body === String(Buffer.byteLength(huge)));
});

test('the */10 cron finalises a quiet session, counting batches the throttle skipped', async () => {
  const t = T + 6_000_000;
  const s = await start(t);
  const b1 = batchOf(s, [pageview(t + 10, '/'), click(t + 20)]);
  assert.equal((await post(worker, '/track/events/batch', b1, at(t + 100))).status, 202);
  await jobLogged(worker, s.session_id, (l) => l.outcome === 'written', { eventually });
  const b2 = batchOf(s, [pageview(t + 3_000, '/last'), rageClick(t + 3_100), error(t + 3_200)]);
  assert.equal((await post(worker, '/track/events/batch', b2, at(t + 3_500))).status, 202);
  await throttleLogged(worker, s.session_id, { eventually });
  assert.equal((await row(s.session_id)).event_count, 2, 'the throttled batch is not counted yet');

  // Not quiet yet 10 minutes later. (miniflare's own trigger takes the scheduled time; wrangler's
  // `/__scheduled` ignores `time`.)
  const tick = async (time) => {
    const cron = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/10 * * * *')}&time=${time}`);
    assert.equal(cron.status, 200, await cron.text());
    // The job line carries the scheduled time as its "now".
    return logged('the finalize job', (l) => l.job === 'finalize_sessions' && l.now === time);
  };
  await tick(t + 600_000);
  assert.equal((await row(s.session_id)).finalized_at, null);
  // 31 minutes after its last batch the session is quiet: final aggregate.
  const job = await tick(t + 31 * 60_000);
  const r = await assertAggregates(state, s.session_id, totalsOf([b1, b2]));
  assert.equal(r.finalized_at, t + 31 * 60_000);
  assert.equal(r.exit_path, '/last');
  assert.ok(job.finalized >= 1, JSON.stringify(job));

  // A straggler after finalisation re-opens it (not throttled: the last update is long past).
  const b3 = batchOf(s, [scroll(t + 3_600, 50)]);
  assert.equal((await post(worker, '/track/events/batch', b3, at(t + 32 * 60_000))).status, 202);
  await jobLogged(worker, s.session_id, (l) => l.outcome === 'written' && l.events === 6, { eventually });
  const reopened = await row(s.session_id);
  assert.equal(reopened.event_count, 6);
  assert.equal(reopened.finalized_at, null);
});
