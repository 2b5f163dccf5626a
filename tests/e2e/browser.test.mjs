// End to end in a real browser: a customer's page on another origin loads /tracker.js from a
// fresh wrangler dev, and its pageview lands in D1 and R2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { openState, eventually, datePath } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { serveSite } from '../../examples/serve.mjs';

let worker;
let state;
let site;
let browser;

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  site = await serveSite({ worker: worker.url });
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

test('the script tag on another origin records a session and its pageviews', async () => {
  assert.notEqual(new URL(site.url).origin, new URL(worker.url).origin, 'site and worker are different origins');
  const page = await browser.context.newPage();
  const seen = await watch(page);
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => window.PulseGate && 'tracking' in window.PulseGate);
  assert.equal(await page.evaluate(() => window.PulseGate.tracking), true);

  const row = await eventually('the session row in D1', async () =>
    (await state.query("SELECT * FROM sessions WHERE site_key = 'demo'"))[0]);
  assert.equal(row.landing_url, `${site.url}/`);
  assert.equal(row.title, 'Brightside Solar: panels for your roof');
  assert.match(row.user_agent ?? '', /Chrome/);
  assert.equal(row.r2_prefix, `sessions/${datePath(row.started_at)}/${row.id}/`);
  // The row is inserted before meta.json is put, in the same request: wait for the object too.
  assert.ok(await eventually('meta.json', () => state.getJson(`${row.r2_prefix}meta.json`)), 'meta.json written');

  // Leaving the page flushes on pagehide; the next page continues the same session.
  await page.click('#pricing-link');
  await page.waitForURL(`${site.url}/pricing.html`);

  const events = await eventually('both pageviews in R2', async () => {
    const keys = (await state.listKeys(`${row.r2_prefix}events/`)).filter((k) => k.endsWith('.json'));
    const batches = await Promise.all(keys.map((k) => state.getJson(k)));
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
  await page.close();
});

test('with Global Privacy Control on, the tracker sends nothing', async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const seen = await watch(page);
  await page.goto(`${site.url}/?gpc=1`);
  // The loader records the outcome of start(): the SDK has decided, and decided not to track.
  await page.waitForFunction(() => window.PulseGate && 'tracking' in window.PulseGate);
  assert.equal(await page.evaluate(() => window.PulseGate.tracking), false);
  assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage)), [], 'nothing stored');
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
