// Session replay end to end: the example site (another origin) records a scripted multi-page
// session through tracker.js and the lazily loaded replay chunk into a fresh wrangler dev; the
// recording is fetched through /replay/sessions/{id}/events and played by rrweb's own Replayer
// (npm rrweb 2.2.2) in Chromium, and must end on the live page's DOM, masked; nothing masked is in
// R2. Then the /replay/* auth matrix, bad uploads, and the /replay viewer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startWorker, ADMIN_KEY as ADMIN, LEGACY_MARKETING_KEY as MARKETING } from '../support/worker.mjs';
import { registerSite } from '../support/sites.mjs';
import { saveSettings, setupForm } from '../support/leads.mjs';
import { openState, eventually } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { canonicalDom, domDifferences, replay } from '../support/replay.mjs';
import { serveSite } from '../../examples/serve.mjs';

const SECRETS = ['Jane Replay', 'jane.replay@mail.example', '0151 9876543', 'call me after six', '0800 555 0199', 'hello@brightside.example'];

let worker;
let state;
let site;
let browser;
let recorded; // { id, live, liveBase, errors }

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  await registerSite(worker, { siteKey: 'demo' });
  site = await serveSite({ worker: worker.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await state?.dispose();
  await worker?.stop();
});

const api = (path, key = ADMIN, init = {}) => fetch(`${worker.url}${path}`, {
  ...init,
  headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) },
});

/** Sets attributes of the tag on every page as the parser inserts it (before the deferred loader runs). */
const withTag = (page, attrs) => page.addInitScript((attrs) => {
  new MutationObserver((_, observer) => {
    const tag = document.querySelector('script[data-site-key]');
    if (tag) {
      for (const [name, value] of Object.entries(attrs)) tag.setAttribute(`data-${name}`, value);
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}, attrs);

test('a scripted multi-page session is recorded, stored and replayed by rrweb to the live DOM', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1000, height: 700 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  // The example's estimate page records every session; here its home page does too.
  await withTag(page, { replay: '' });

  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => window.PulseGate?.replay?.stats?.events > 1);
  await page.mouse.move(200, 200);
  await page.mouse.wheel(0, 500);
  await page.waitForTimeout(200);
  await page.click('#estimate-link');
  await page.waitForURL(`${site.url}/estimate.html`);
  await page.waitForFunction(() => window.PulseGate?.replay?.stats?.events > 1);
  await page.fill('input[name=name]', 'Jane Replay');
  await page.fill('input[name=email]', 'jane.replay@mail.example');
  await page.fill('input[name=phone]', '0151 9876543');
  await page.fill('#roof', '60');
  await page.fill('textarea', 'call me after six');
  await page.mouse.wheel(0, 300);
  await page.setViewportSize({ width: 820, height: 640 });
  await page.evaluate(() => window.PulseGate.identify('owner-1', { email: 'lead.owner@mail.example' }));
  await page.click('button[type=submit]');
  await page.waitForSelector('#thanks');
  await page.waitForTimeout(300);
  await page.evaluate(() => window.PulseGate.replay.flush());
  const live = await page.evaluate(canonicalDom, { base: `${site.url}/estimate.html`, replayed: false });
  const id = await page.evaluate(() => window.PulseGate.getSessionId());

  const listed = await eventually('the session in /replay/sessions', async () => {
    const res = await api('/replay/sessions?site=demo');
    const body = await res.json();
    return body.sessions?.find((s) => s.id === id);
  });
  assert.equal(listed.site_key, 'demo');
  assert.equal(listed.lead_count, 0);
  const ids = async (q) => (await (await api(`/replay/sessions?${q}`)).json()).sessions.map((s) => s.id);
  assert.ok((await ids('has_lead=false')).includes(id), 'has_lead=false lists a session without a lead');
  assert.ok(!(await ids('has_lead=true')).includes(id), 'has_lead=true leaves it out');
  assert.equal((await api('/replay/sessions?has_lead=perhaps')).status, 400);
  assert.deepEqual((await (await api(`/replay/sessions/${id}`)).json()).lead_ids, []);

  // Both pages' recordings (2 × Meta + FullSnapshot) and the submitted form's mutation are stored.
  const events = await eventually('both pages and the submit in R2', async () => {
    const res = await api(`/replay/sessions/${id}/events`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = await res.json();
    const metas = body.events.filter((e) => e.type === 4);
    const submitted = JSON.stringify(body.events).includes('Thanks! We will be in touch');
    return metas.length >= 2 && submitted ? body.events : null;
  }, { tries: 80 });
  for (let i = 1; i < events.length; i++) assert.ok(events[i].timestamp >= events[i - 1].timestamp, 'merged by time');
  // Time-window paging: two half windows hold exactly the events of the whole, in order.
  const first = events[0].timestamp;
  const mid = events[Math.floor(events.length / 2)].timestamp;
  const end = events[events.length - 1].timestamp + 1;
  const early = await (await api(`/replay/sessions/${id}/events?from=${first}&to=${mid}`)).json();
  const late = await (await api(`/replay/sessions/${id}/events?from=${mid}&to=${end}`)).json();
  assert.equal(early.next, mid, 'the first window says where the next starts');
  assert.equal(late.next, null, 'the last window has no next');
  assert.deepEqual([...early.events, ...late.events], events, 'windows partition the recording');
  const tooWide = await api(`/replay/sessions/${id}/events?from=${first}&to=${first + 31 * 60 * 1000}`);
  assert.equal(tooWide.status, 400);
  const tags = new Set(events.filter((e) => e.type === 5).map((e) => e.data.tag));
  assert.ok(tags.has('pulsegate.pageview'), `tracker events merged in as markers: ${[...tags]}`);

  const player = await browser.context.newPage();
  const replayed = await replay(player, events.filter((e) => e.type !== 5), `${site.url}/estimate.html`);
  assert.deepEqual(domDifferences(live, replayed.dom), [], 'the replayed DOM equals the live DOM at the end');
  assert.deepEqual(replayed.warnings, [], 'the Replayer found every node');

  // Nothing masked is anywhere in R2 (every object of the session, decompressed).
  const prefix = await eventually('the session row', async () => (await state.query('SELECT r2_prefix FROM sessions WHERE id = ?', id))[0]?.r2_prefix);
  const keys = await state.listKeys(prefix);
  assert.ok(keys.some((k) => k.endsWith('.replay.json.gz')), keys.join('\n'));
  for (const key of keys) {
    const obj = await state.getBytes(key);
    const text = key.endsWith('.gz') ? gunzipSync(obj).toString('utf8') : obj.toString('utf8');
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} found in ${key}`);
  }
  assert.deepEqual(errors, [], 'no errors on the recorded pages');
  recorded = { id };
  await page.close();
  await player.close();
});

test('a lead captured by the PulseGate form marks the recording: listed with has_lead, a pulsegate.lead marker, and the lead beside the player', async () => {
  const form = JSON.parse(await readFile(new URL('../../examples/quote-form.json', import.meta.url), 'utf8'));
  await setupForm(worker, { siteKey: 'demo', domains: [new URL(site.url).hostname], form });
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await withTag(page, { replay: '' });
  await page.goto(`${site.url}/quote.html`);
  await page.waitForFunction(() => window.PulseGate?.replay?.stats?.events > 1);
  const root = page.locator('[data-pulsegate-form]');
  await root.locator('form button').waitFor();
  await root.locator('[name=name]').fill('Grace Replay');
  await root.locator('[name=email]').fill('grace.replay@mail.example');
  await root.locator('[name=bill]').selectOption('mid');
  await root.locator('[name=consent]').check();
  await page.waitForTimeout(2100); // a person's pace: past the form's minimum fill time
  await root.locator('button').click();
  await root.locator('.ok').waitFor();
  await page.evaluate(() => window.PulseGate.replay.flush());
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  const [lead] = await eventually('the lead', async () => {
    const rows = await state.query('SELECT PublicId, SessionId FROM Leads WHERE Email = ?', 'grace.replay@mail.example');
    return rows.length ? rows : null;
  });
  assert.equal(lead.SessionId, id, 'the lead is linked to the recorded session');

  const listed = (await (await api('/replay/sessions?has_lead=true')).json()).sessions.find((s) => s.id === id);
  assert.equal(listed?.lead_count, 1, 'has_lead=true lists the session with its lead');
  assert.deepEqual((await (await api(`/replay/sessions/${id}`)).json()).lead_ids, [lead.PublicId]);
  const events = await eventually('the lead marker in the recording', async () => {
    const body = await (await api(`/replay/sessions/${id}/events`)).json();
    return body.events.some((e) => e.type === 5 && e.data.tag === 'pulsegate.lead') ? body.events : null;
  });
  const markers = events.filter((e) => e.type === 5 && e.data.tag === 'pulsegate.lead');
  assert.equal(markers.length, 1);
  assert.deepEqual(Object.keys(markers[0].data.payload).sort(), ['form_id', 'lead_id', 'submission_id', 'test', 'ts']);
  assert.equal(markers[0].data.payload.lead_id, lead.PublicId);
  assert.equal(markers[0].data.payload.form_id, form.form_id ?? 'quote');
  assert.equal(markers[0].data.payload.test, false);
  assert.ok(!JSON.stringify(markers[0]).includes('grace.replay'), 'the marker carries ids, never what the visitor typed');
  const snapshot = events.find((e) => e.type === 2);
  assert.ok(markers[0].timestamp > snapshot.timestamp, 'the lead comes after the page was recorded');
  // rrweb's own Replayer plays the recording with the marker in it.
  const player = await browser.context.newPage();
  const replayed = await replay(player, events, `${site.url}/quote.html`);
  assert.deepEqual(replayed.warnings, [], 'the Replayer accepts the lead marker');
  await player.close();

  // The viewer shows the lead on the timeline and who it is beside the player.
  const viewer = await browser.context.newPage();
  const viewerErrors = [];
  viewer.on('pageerror', (e) => viewerErrors.push(String(e)));
  viewer.on('console', (m) => { if (m.type() === 'error') viewerErrors.push(m.text()); });
  await viewer.goto(`${worker.url}/replay`);
  await viewer.fill('#key', ADMIN);
  await viewer.click('#keyform button');
  await viewer.click(`tr[data-id="${id}"]`);
  await viewer.waitForSelector(`#leads li[data-lead="${lead.PublicId}"] strong`);
  assert.equal(await viewer.textContent(`#leads li[data-lead="${lead.PublicId}"] strong`), 'Grace Replay');
  assert.match(await viewer.textContent(`#leads li[data-lead="${lead.PublicId}"]`), /grace\.replay@mail\.example · .*form quote/);
  await viewer.waitForFunction((leadId) => [...document.querySelectorAll('#markers li')].some((li) => li.textContent.includes(`lead ${leadId} (form quote)`)), lead.PublicId);
  assert.deepEqual(viewerErrors, [], 'no console errors in the viewer');
  assert.deepEqual(errors, [], 'no errors on the recorded page');
  await viewer.close();
  await page.close();
});

test('the replay chunk is fetched only where the tag turns replay on, for sessions sampled in at the AppSettings rate, under consent analytics or above, never under GPC', async () => {
  // What a page asks for: the chunk (script and wasm) and replay uploads.
  const replayRequests = (page) => {
    const seen = [];
    page.on('request', (r) => { if (/\/sdk\/replay-[0-9a-f]{8}\.(js|wasm)$|\/track\/replay$/.test(r.url())) seen.push(r.url()); });
    return seen;
  };
  // No stored session, and every random byte 0xff, so the new session's id (ffffffff-…) samples
  // at 99.99 %: out at 0.5, in at 1.
  const fixRandom = (page) => page.addInitScript(() => {
    localStorage.clear();
    crypto.getRandomValues = (array) => { array.fill(255); return array; };
  });
  // The session start's answer (with the rate) has arrived, and the loader has decided.
  const decided = async (page) => {
    await page.waitForFunction(() => window.PulseGate?._state?.()?.replayRate !== undefined, null, { timeout: 15_000 });
    await page.waitForTimeout(500);
  };
  const cases = [
    { rate: 0.5, tag: { replay: '' }, want: 0, why: 'sampled out' },
    { rate: 0, tag: { replay: '' }, want: 0, why: 'rate 0' },
    { rate: 1, tag: {}, want: 0, why: 'replay not on in the tag' },
    { rate: 1, tag: { replay: '', consent: 'count' }, want: 0, why: 'consent count' },
    { rate: 1, tag: { replay: '', consent: 'marketing' }, want: 2, why: 'sampled in' },
  ];
  try {
    for (const { rate, tag, want, why } of cases) {
      await saveSettings(worker, (s) => ({ ...s, replay_sampling_rate: rate }));
      const page = await browser.context.newPage();
      const seen = replayRequests(page);
      await fixRandom(page);
      await withTag(page, tag);
      await page.goto(`${site.url}/pricing.html`);
      await decided(page);
      if (want) await page.waitForFunction(() => window.PulseGate.replay?.stats?.events > 1);
      // The chunk's script and wasm when sampled in (uploads may follow); nothing at all otherwise.
      assert.equal(want ? seen.filter((u) => u.includes('/sdk/replay-')).length : seen.length, want, `${why}: ${seen.join(', ')}`);
      assert.equal(await page.evaluate(() => window.PulseGate._state().replayRate), String(rate * 10_000), why);
      if (want) {
        // optOut() stops the recording: nothing more is recorded or sent.
        await page.evaluate(() => window.PulseGate.optOut());
        const events = await page.evaluate(() => window.PulseGate.replay.stats.events);
        const sent = seen.length;
        await page.mouse.move(100, 100);
        await page.evaluate(() => document.body.append('after opt-out'));
        await page.waitForTimeout(300);
        assert.equal(await page.evaluate(() => window.PulseGate.replay.stats.events), events, 'optOut() stops the recorder');
        assert.equal(seen.length, sent, 'and nothing is sent after it');
      }
      await page.close();
    }
  } finally {
    await saveSettings(worker, (s) => ({ ...s, replay_sampling_rate: 1 }));
  }
  const gpc = await browser.context.newPage();
  await gpc.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  await withTag(gpc, { replay: '' });
  const seen = replayRequests(gpc);
  await gpc.goto(`${site.url}/`);
  await gpc.waitForFunction(() => window.PulseGate?._off === true || window.PulseGate?.tracking === true);
  assert.equal(await gpc.evaluate(() => window.PulseGate.tracking), false, 'the loader decided not to track');
  await gpc.waitForTimeout(500);
  assert.deepEqual(seen, [], 'no replay chunk under Global Privacy Control');
  assert.equal(await gpc.evaluate(() => window.PulseGate.replay), undefined);
  await gpc.close();
});

test('a session that begins while the page stays open is recorded only when it is sampled in', async () => {
  // Session ids take their first byte from `__first` (the rest stays random, so batch ids stay
  // unique): 0x01 samples in at 0.5, 0xff out. `__skew` moves the page's clock past the 30
  // minutes of inactivity that end a session.
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    localStorage.clear();
    window.__first = 1;
    window.__skew = 0;
    const random = crypto.getRandomValues.bind(crypto);
    crypto.getRandomValues = (array) => {
      random(array);
      if (array.length === 16) array[0] = window.__first;
      return array;
    };
    const now = Date.now;
    Date.now = () => now() + window.__skew;
  });
  await withTag(page, { replay: '' });
  // Which sessions the replay uploads belong to, read from their bodies (gzip or plain JSON).
  const uploads = [];
  page.on('request', (r) => {
    if (!r.url().endsWith('/track/replay')) return;
    const body = r.postDataBuffer();
    if (!body) return;
    const text = (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString();
    const batch = JSON.parse(text);
    uploads.push({ session: batch.session_id, types: batch.events.map((e) => e.type) });
  });
  const sessionsUploaded = () => [...new Set(uploads.map((u) => u.session))];
  // The new session's start answer (which carries the rate) can be slow: the recorder must not
  // wait for it to decide.
  let slowStarts = false;
  await page.route('**/track/session/start', async (route) => {
    if (slowStarts) await new Promise((r) => setTimeout(r, 2_000));
    await route.continue();
  });
  const newSession = async (first) => {
    const before = await page.evaluate(() => window.PulseGate._state().sessionId);
    await page.evaluate((first) => {
      window.__first = first;
      window.__skew += 31 * 60 * 1000;
      window.PulseGate.track('back after a break');
    }, first);
    const id = await page.evaluate(() => window.PulseGate._state().sessionId);
    assert.notEqual(id, before, 'a new session began');
    // Page activity the recorder writes (the first write under the new session decides), and
    // everything recorded sent at once, before the start's answer is back.
    for (let i = 0; i < 5; i++) {
      await page.mouse.move(50 + i * 40, 80 + i * 10);
      await page.evaluate((i) => document.body.append(`activity ${i}`), i);
      await page.waitForTimeout(100);
    }
    await page.evaluate(() => window.PulseGate.replay.flush());
    return id;
  };
  try {
    await saveSettings(worker, (s) => ({ ...s, replay_sampling_rate: 0.5 }));
    await page.goto(`${site.url}/pricing.html`);
    await page.waitForFunction(() => window.PulseGate.replay?.stats?.events > 1, null, { timeout: 15_000 });
    const first = await page.evaluate(() => window.PulseGate._state().sessionId);
    assert.match(first, /^01/);
    await page.evaluate(() => window.PulseGate.replay.flush());

    // Sampled out: the recording stops and nothing of the new session is sent.
    slowStarts = true;
    const out = await newSession(0xff);
    slowStarts = false;
    assert.match(out, /^ff/);
    await page.waitForTimeout(500);
    const events = await page.evaluate(() => window.PulseGate.replay.stats.events);
    await page.evaluate(() => document.body.append('while sampled out'));
    await page.mouse.move(300, 300);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.PulseGate.replay.stats.events), events, 'the recorder stopped');

    // Sampled in again: a new recording starts with its own Meta and FullSnapshot.
    const back = await newSession(1);
    await page.waitForFunction(() => window.PulseGate.replay?.stats?.events > 1);
    await page.evaluate(() => window.PulseGate.replay.flush());
    await eventually('uploads of the new session', () => uploads.some((u) => u.session === back));
    assert.deepEqual(sessionsUploaded(), [first, back], `uploads: ${JSON.stringify(uploads)}`);
    await page.evaluate(() => window.PulseGate.replay.flush());
    const firstOfBack = uploads.find((u) => u.session === back);
    assert.deepEqual(firstOfBack.types.slice(0, 2), [4, 2], 'Meta then FullSnapshot');
    // Sampled in while recording: the same recorder goes on, with a full snapshot that starts
    // the next session's recording (batches of the last one were all sent meanwhile).
    const again = await newSession(1);
    await eventually('uploads of the next session', () => uploads.some((u) => u.session === again));
    assert.deepEqual(uploads.find((u) => u.session === again).types.slice(0, 2), [4, 2], 'Meta then FullSnapshot');
    assert.deepEqual(sessionsUploaded(), [first, back, again]);
    const stored = await (await api(`/replay/sessions/${back}/events`)).json();
    assert.ok(stored.events.length >= 2, 'stored under the new session');
    const none = await api(`/replay/sessions/${out}/events`);
    // (The API adds the tracker's own events as Custom markers; recorded events are the rest.)
    const storedOut = none.status === 200 ? (await none.json()).events : [];
    assert.deepEqual(storedOut.filter((e) => e.type !== 5), [], `nothing recorded for the session sampled out (${none.status})`);
    assert.ok(storedOut.every((e) => e.data.tag.startsWith('pulsegate.')), 'only markers');
  } finally {
    await saveSettings(worker, (s) => ({ ...s, replay_sampling_rate: 1 }));
    await page.close();
  }
});

test('every /replay/* route answers the auth matrix', async () => {
  const id = recorded?.id ?? '0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c';
  const routes = ['/replay/sessions', `/replay/sessions/${id}`, `/replay/sessions/${id}/events`];
  for (const route of routes) {
    for (const [key, status] of [[null, 401], ['wrong-key', 401], [`${ADMIN}x`, 401], [MARKETING, 403], [ADMIN, 200]]) {
      const res = await api(route, key);
      assert.equal(res.status, recorded || status !== 200 ? status : 404, `${route} with ${key}`);
      if (status === 401) assert.equal(res.headers.get('www-authenticate'), 'Bearer', route);
      if (status !== 200) assert.ok((await res.json()).error.code, route);
      else await res.arrayBuffer();
    }
    const viaHeader = await fetch(`${worker.url}${route}`, { headers: { 'x-api-key': ADMIN } });
    assert.equal(viaHeader.status, recorded ? 200 : 404, `${route} with X-API-Key`);
    await viaHeader.arrayBuffer();
  }
  const preflight = await fetch(`${worker.url}/replay/sessions`, { method: 'OPTIONS' });
  assert.equal(preflight.status, 204, 'OPTIONS needs no key');
  const unknown = await api('/replay/sessions/0b5a3c9e-8f1d-4e2a-9c7b-000000000000');
  assert.equal(unknown.status, 404);
  const badFilter = await api('/replay/sessions?min_engagement=500');
  assert.equal(badFilter.status, 400);
  assert.equal((await badFilter.json()).error.field, 'min_engagement');
});

test('a marketing key granted the replay page gets PII masked in replay answers, like every endpoint', async () => {
  assert.ok(recorded, 'needs the recorded session');
  const created = await api('/analytics/keys', ADMIN, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'replay viewer', pages: ['replay'] }),
  });
  assert.equal(created.status, 201);
  const { key } = await created.json();
  const admin = await (await api(`/replay/sessions/${recorded.id}/events`)).text();
  const res = await api(`/replay/sessions/${recorded.id}/events`, key);
  assert.equal(res.status, 200);
  const masked = await res.text();
  // The identify traits the page sent are merged in as a custom event.
  assert.ok(admin.includes('lead.owner@mail.example'), 'the admin sees the email');
  assert.ok(!masked.includes('lead.owner@mail.example'), 'the marketing key does not');
  assert.ok(masked.includes('***@mail.example'), 'it sees it masked');
  assert.equal((await api(`/replay/sessions/${recorded.id}`, key)).status, 200);
  // The same key without the page: 403.
  const other = await (await api('/analytics/keys', ADMIN, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'no replay', pages: ['overview'] }),
  })).json();
  assert.equal((await api('/replay/sessions', other.key)).status, 403);
});

test('bad replay uploads get clear errors and store nothing', async () => {
  const batch = (events) => JSON.stringify({
    batch_id: '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
    session_id: '0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c',
    session_started_at: Date.now() - 1000,
    events,
  });
  const post = (body) => fetch(`${worker.url}/track/replay`, { method: 'POST', body });
  const cases = [
    ['{"batch_id":', 400, 'malformed_json'],
    [gzipSync('{"batch_id":').subarray(0, 10), 400, 'bad_request'],
    [batch([]), 400, 'invalid_field'],
    [batch([{ type: 9, timestamp: Date.now(), data: {} }]), 400, 'invalid_field'],
    [batch([{ type: 3, timestamp: Date.now(), data: { source: 2, type: 2 } }]), 400, 'invalid_field'],
    [gzipSync(Buffer.alloc(40 * 1024 * 1024, 32)), 413, 'payload_too_large'],
  ];
  for (const [body, status, code] of cases) {
    const res = await post(body);
    assert.equal(res.status, status, String(body).slice(0, 60));
    assert.equal((await res.json()).error.code, code);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  }
  const keys = await state.listKeys('sessions/');
  assert.ok(!keys.some((k) => k.includes('0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c')), 'nothing stored for bad uploads');
  // A valid batch for a session that has not started yet: stored, and 503 so the client retries.
  const early = await post(gzipSync(batch([{ type: 4, timestamp: Date.now(), data: { href: 'https://a.example/', width: 1, height: 1 } }])));
  assert.equal(early.status, 503);
});

test('the /replay viewer lists and plays the session in Chromium', async () => {
  assert.ok(recorded, 'needs the recorded session');
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const res = await page.goto(`${worker.url}/replay`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
  const html = await res.text();
  assert.ok(!/<script[^>]+src=/.test(html) && !/https?:\/\/(cdn|unpkg|jsdelivr)/.test(html), 'self-contained, no CDN');
  await page.fill('#key', ADMIN);
  await page.click('#keyform button');
  await page.waitForSelector(`tr[data-id="${recorded.id}"]`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('pulsegate.replay.key')), ADMIN);
  // The facts answer last (they and the events are fetched at once): the markers must not wait
  // for a list that was not there when the events came.
  await page.route(`**/replay/sessions/${recorded.id}`, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.click(`tr[data-id="${recorded.id}"]`);
  await page.waitForSelector('#player .rr-player', { timeout: 15_000 }).catch(async (e) => {
    throw new Error(`${e.message}\nerrors: ${errors.join('\n')}\nplayer: ${await page.innerHTML('#player')}`);
  });
  await page.waitForSelector('#facts dl');
  await page.waitForFunction(() => document.querySelectorAll('#markers li').length > 0);
  await page.waitForTimeout(1500);
  const frame = await page.evaluate(() => {
    const iframe = document.querySelector('#player iframe');
    return { text: iframe?.contentDocument?.body?.innerText ?? '', shown: iframe && getComputedStyle(iframe).display !== 'none' };
  });
  assert.ok(frame.shown, 'the replay frame is visible');
  assert.match(frame.text, /Brightside Solar/, 'the recorded page is rendered');
  // PULSEGATE_SCREENSHOT=docs/replay-viewer.png refreshes the README's picture.
  const shotPath = process.env.PULSEGATE_SCREENSHOT ?? path.join(os.tmpdir(), `pulsegate-replay-viewer-${process.pid}.png`);
  const shot = await page.screenshot({ path: shotPath });
  // A blank screenshot compresses to almost nothing; a rendered page does not.
  assert.ok(shot.length > 30_000, `screenshot has content (${shot.length} B)`);
  assert.deepEqual(errors, [], 'no console errors in the viewer');
  await page.close();
});
