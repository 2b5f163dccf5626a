// End to end in a real browser: a customer's page on another origin loads /tracker.js from a
// fresh wrangler dev, and its pageview lands in D1 and R2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { openState, eventually, datePath } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { serveSite } from '../../examples/serve.mjs';
import { registerSite, hostOf } from '../support/sites.mjs';

let worker;
let state;
let site;
let browser;

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  site = await serveSite({ worker: worker.url });
  // The example page's site key, allowed on the example site's origin only.
  await registerSite(worker, { siteKey: 'demo', name: 'Brightside Solar', domains: [hostOf(site.url)] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await state?.dispose();
  await worker?.stop();
});

/** Records page errors, console errors, failed responses and tracking requests of `page`. */
async function watch(page) {
  const seen = { errors: [], tracking: [] };
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('request', (r) => { if (r.url().startsWith(`${worker.url}/track/`)) seen.tracking.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) seen.errors.push(`${r.status()} ${r.url()}`); });
  page.on('requestfailed', (r) => seen.errors.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
  return seen;
}

/** Polls `count` until it has returned the same value for three seconds in a row (at most 30 s). */
async function settled(count) {
  let last = -1;
  let same = 0;
  for (let i = 0; i < 60 && same < 6; i += 1) {
    const now = await count();
    same = now === last ? same + 1 : 0;
    last = now;
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}

test('the script tag on another origin records a session and its pageviews', async () => {
  assert.notEqual(new URL(site.url).origin, new URL(worker.url).origin, 'site and worker are different origins');
  const page = await browser.context.newPage();
  const seen = await watch(page);
  await page.goto(`${site.url}/`);
  // `tracking` is false until the tracker runs (it boots over several tasks), then true.
  await page.waitForFunction(() => window.PulseGate?.tracking === true || window.PulseGate?._off, null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.PulseGate.tracking), true);

  const row = await eventually('the session row in D1', async () =>
    (await state.query("SELECT * FROM sessions WHERE site_key = 'demo'"))[0]);
  assert.equal(row.landing_url, `${site.url}/`);
  assert.equal(row.title, 'Brightside Solar: panels for your roof');
  assert.match(row.user_agent ?? '', /Chrome/);
  assert.equal(row.r2_prefix, `sessions/${datePath(row.started_at)}/${row.id}/`);
  assert.ok(await state.getJson(`${row.r2_prefix}meta.json`), 'meta.json written');

  // Leaving the page flushes on pagehide; the next page continues the same session.
  await page.click('#pricing-link');
  await page.waitForURL(`${site.url}/pricing.html`);

  const events = await eventually('both pageviews in R2', async () => {
    const stored = await state.getJsonMany(`${row.r2_prefix}events/`, (k) => k.endsWith('.json'));
    const keys = stored.map((o) => o.key);
    const batches = stored.map((o) => o.body);
    const all = batches.flatMap((b) => b.events);
    return all.filter((e) => e.type === 'pageview').length >= 2 ? { keys, batches, all } : null;
  });
  for (const [i, key] of events.keys.entries()) {
    const b = events.batches[i];
    assert.equal(b.session_id, row.id);
    assert.equal(b.session_started_at, row.started_at);
    const minTs = Math.min(...b.events.map((e) => e.ts));
    assert.equal(key, `${row.r2_prefix}events/${String(minTs).padStart(13, '0')}-${b.batch_id}.json`);
  }
  const urls = events.all.filter((e) => e.type === 'pageview').map((e) => e.url);
  assert.ok(urls.includes(`${site.url}/`), urls.join());
  assert.ok(urls.includes(`${site.url}/pricing.html`), urls.join());

  const sessions = await state.query("SELECT id FROM sessions WHERE site_key = 'demo'");
  assert.equal(sessions.length, 1, 'a reload in the same tab keeps the session');
  assert.deepEqual(seen.errors, [], 'the SDK never throws or logs errors into the host page');
  await page.close({ runBeforeUnload: true });
  // Closing the page sends what was still queued (engaged time, scroll) with a beacon, which can
  // land after this point: wait until R2 stops changing before the cron reads it.
  await settled(async () => (await state.getJsonMany(`${row.r2_prefix}events/`, (k) => k.endsWith('.json')))
    .reduce((n, o) => n + o.body.events.length, 0));

  // Once the visit has been quiet for half an hour, the */10 cron writes its final aggregates:
  // D1 then counts exactly what the real browser sent to R2.
  const time = Date.now() + 31 * 60_000;
  const cron = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/10 * * * *')}&time=${time}`);
  assert.equal(cron.status, 200);
  await eventually('the finalize job', async () => worker.jsonLines().find((l) => l.job === 'finalize_sessions' && l.now === time));
  const stored = await state.getJsonMany(`${row.r2_prefix}events/`, (k) => k.endsWith('.json'));
  const sent = stored.flatMap((o) => o.body.events);
  const [final] = await state.query('SELECT * FROM sessions WHERE id = ?', row.id);
  assert.equal(final.finalized_at, time);
  assert.equal(final.event_count, sent.length);
  assert.equal(final.page_views, sent.filter((e) => e.type === 'pageview').length);
  assert.equal(final.exit_path, '/pricing.html');
  assert.equal(final.landing_path, '/');
  assert.equal(final.browser, 'Chrome');
  const pages = await state.query('SELECT path, views FROM session_pages WHERE session_id = ? ORDER BY path', row.id);
  assert.deepEqual(pages, [{ path: '/', views: 1 }, { path: '/pricing.html', views: 1 }]);
});

test('with Global Privacy Control on, the tracker downloads, stores and sends nothing', async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });
    // What the first test's pages stored on this origin is not this page's doing.
    localStorage.clear();
  });
  const seen = await watch(page);
  const downloads = [];
  page.on('request', (r) => { if (r.url().includes('/sdk/')) downloads.push(r.url()); });
  await page.goto(`${site.url}/?gpc=1`);
  // The loader decides before downloading anything, and decides not to track (`_off`).
  await page.waitForFunction(() => window.PulseGate?._off === true || window.PulseGate?.tracking === true);
  assert.equal(await page.evaluate(() => window.PulseGate.tracking), false);
  assert.deepEqual(downloads, [], 'no wasm, no code chunk');
  assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage).concat(Object.keys(localStorage))), [], 'nothing stored');
  // Navigating away fires pagehide, when a running tracker would flush.
  await page.click('#pricing-link');
  await page.waitForURL(`${site.url}/pricing.html`);
  await page.waitForLoadState('load');
  const gpcSessions = await state.query("SELECT id FROM sessions WHERE landing_url LIKE '%gpc=1%'");
  assert.deepEqual(gpcSessions, []);
  assert.deepEqual(seen.tracking, []);
  assert.deepEqual(seen.errors, []);
  await page.close();
});
