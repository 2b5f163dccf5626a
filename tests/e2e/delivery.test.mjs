// Delivery against the real worker when the network is not kind: offline and back, a reload
// while batches wait, retries answered 503/429 with Retry-After, an endpoint that is down, slow or
// answers garbage. Nothing may be lost, nothing stored twice, nothing thrown into the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, freePort } from '../support/worker.mjs';
import { openState } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { waitForSessionId, duplicates, watch } from '../support/sessions.mjs';
import { servePages } from '../support/pages.mjs';
import { registerSite } from '../support/sites.mjs';

let worker;
let state;
let site;
let browser;
/** The tracker tag's extra attributes, by page name (see `testPage`). */
const attributesOf = {};

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  // The pages' site key, allowed anywhere (the pages are served on a port chosen at run time).
  await registerSite(worker, { siteKey: 'demo' });
  site = await servePages((path) => {
    const name = path.match(/^\/t\/([\w-]+)\.html$/)?.[1];
    return name == null ? null : `<!doctype html><title>${name}</title>
      <script src="${worker.url}/tracker.js" data-site-key="demo" ${attributesOf[name] ?? ''}></script>
      <p>${name}</p><button id="b">b</button>
      <script>
        window.ticks = 0; setInterval(() => { window.ticks++; }, 20);
        window.unhandled = 0; addEventListener('unhandledrejection', () => { window.unhandled++; });
      </script>`;
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await state?.dispose();
  await worker?.stop();
});

/**
 * A new page for `${site.url}/t/<name>.html`: the tracker tag (`attributes` added to it) and a
 * script of the site's own that keeps counting while the tracker works: `window.ticks`.
 */
async function testPage(context, name, attributes = '') {
  attributesOf[name] = attributes;
  return context.newPage();
}

const ready = (page) => page.waitForFunction(() => window.PulseGate && window.PulseGate.tracking === true);
const track = (page, name) => page.evaluate((n) => window.PulseGate.track(n), name);
const names = (session) => session.events.filter((e) => e.type === 'custom').map((e) => e.name);
/** The session the tracker on `page` runs (pages of one origin share it, across tests too). */
const sessionOf = (page) => page.evaluate(() => window.PulseGate.getSessionId());
/** Names of the custom events of `session` that start with `prefix` (this test's own). */
const own = (session, prefix) => names(session).filter((n) => n.startsWith(prefix));

test('offline and back online: everything recorded offline arrives once', async () => {
  const context = browser.context;
  const page = await testPage(context, 'offline', 'data-flush-interval="300"');
  const seen = watch(page);
  await page.goto(`${site.url}/t/offline.html`);
  await ready(page);
  await track(page, 'online-1');
  const id = await sessionOf(page);
  await waitForSessionId(state, 'the first batch', id, (s) => names(s).includes('online-1'));
  await context.setOffline(true);
  for (const name of ['offline-1', 'offline-2', 'offline-3']) await track(page, name);
  // Attempts fail while offline (and back off); the page's own script runs on.
  await page.waitForTimeout(1500);
  const ticks = await page.evaluate(() => window.ticks);
  await context.setOffline(false);
  await track(page, 'online-2');
  const session = await waitForSessionId(state, 'everything recorded offline', id,
    (s) => names(s).includes('online-2'));
  assert.deepEqual(own(session, 'o'), ['online-1', 'offline-1', 'offline-2', 'offline-3', 'online-2']);
  assert.deepEqual(duplicates(session.events), []);
  assert.ok(ticks > 30, `the page kept running: ${ticks} ticks`);
  assert.equal(await page.evaluate(() => window.unhandled), 0);
  assert.deepEqual(seen.errors, []);
  await page.close();
});

test('a reload while the server refuses batches loses nothing and stores nothing twice', async () => {
  const context = browser.context;
  let refuse = true;
  let refused = 0;
  await context.route(`${worker.url}/track/events/batch`, async (route) => {
    if (refuse) {
      refused++;
      return route.fulfill({ status: 503, headers: { 'retry-after': '30', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After' }, body: '{"error":{"code":"unavailable","message":"later"}}' });
    }
    return route.continue();
  });
  const page = await testPage(context, 'reload', 'data-flush-interval="300"');
  await page.goto(`${site.url}/t/reload.html`);
  await ready(page);
  for (const name of ['before-reload-1', 'before-reload-2']) await track(page, name);
  await waitFor(() => refused >= 1, 'a refused batch');
  // The batch waits 30 s (Retry-After) in the queue, mirrored to storage; the page reloads now.
  await page.reload();
  await ready(page);
  await track(page, 'after-reload');
  refuse = false;
  // The new page adopted the old one's queue (its pagehide beacon was refused too) and sends it.
  const id = await sessionOf(page);
  await waitForSessionId(state, 'both pages\' events', id,
    (s) => names(s).includes('before-reload-2') && names(s).includes('after-reload'));
  await page.waitForTimeout(500);
  const session = await waitForSessionId(state, 'the same session', id, () => true);
  assert.deepEqual(own(session, 'before-reload').concat(own(session, 'after-reload')), ['before-reload-1', 'before-reload-2', 'after-reload']);
  assert.deepEqual(duplicates(session.events), [], 'nothing stored twice');
  assert.equal(new Set(session.batches.map((b) => b.batch.batch_id)).size, session.batches.length);
  await context.unroute(`${worker.url}/track/events/batch`);
  await page.close();
});

test('429 and 503 with Retry-After are waited out; each batch is stored once', async () => {
  const context = browser.context;
  const answers = [
    { status: 429, headers: { 'retry-after': '1' } },
    { status: 503, headers: { 'retry-after': '1' } },
  ];
  const attempts = [];
  await context.route(`${worker.url}/track/events/batch`, async (route) => {
    const body = route.request().postData();
    if (!body.includes('"patient"')) return route.continue();
    attempts.push({ at: Date.now(), body });
    const answer = answers.shift();
    if (!answer) return route.continue();
    return route.fulfill({ status: answer.status, headers: { ...answer.headers, 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After' }, body: '{}' });
  });
  const page = await testPage(context, 'retry-after', 'data-flush-at="1"');
  await page.goto(`${site.url}/t/retry-after.html`);
  await ready(page);
  await track(page, 'patient');
  const session = await waitForSessionId(state, 'the retried batch', await sessionOf(page),
    (s) => names(s).includes('patient'));
  const patient = attempts.filter((a) => a.body.includes('"patient"'));
  assert.equal(patient.length, 3, 'two refusals, then accepted');
  assert.equal(new Set(patient.map((a) => a.body)).size, 1, 'the same body, batch_id included, each time');
  assert.ok(patient[1].at - patient[0].at >= 950 && patient[2].at - patient[1].at >= 950, 'Retry-After was honoured');
  assert.deepEqual(duplicates(session.events), []);
  await context.unroute(`${worker.url}/track/events/batch`);
  await page.close();
});

for (const [label, setup] of [
  ['down', async () => `data-endpoint="http://127.0.0.1:${await freePort()}"`],
  ['slow', async (context) => {
    await context.route(`${worker.url}/track/**`, async (route) => {
      await new Promise((r) => setTimeout(r, 4000));
      route.continue().catch(() => {});
    });
    return '';
  }],
  ['answering garbage', async (context) => {
    await context.route(`${worker.url}/track/**`, (route) => route.fulfill({
      status: 200, contentType: 'text/html', headers: { 'access-control-allow-origin': '*' }, body: '<html>not json',
    }));
    return '';
  }],
]) {
  test(`with the endpoint ${label}, the page's own script runs and nothing reaches it`, async () => {
    const context = browser.context;
    const attributes = await setup(context);
    const page = await testPage(context, `endpoint-${label.split(' ')[0]}`, `${attributes} data-flush-at="1"`);
    const seen = watch(page);
    await page.goto(`${site.url}/t/endpoint-${label.split(' ')[0]}.html`);
    await ready(page);
    for (let i = 0; i < 5; i++) {
      await track(page, `event-${i}`);
      await page.click('#b');
    }
    const before = await page.evaluate(() => window.ticks);
    await page.waitForTimeout(1500);
    const after = await page.evaluate(() => window.ticks);
    assert.ok(after - before > 20, `the page's timer kept running (${before} → ${after})`);
    assert.equal(await page.evaluate(() => window.unhandled), 0, 'no unhandled rejection');
    assert.equal(await page.evaluate(() => typeof window.PulseGate.getSessionId()), 'string', 'the tracker is not locked');
    assert.deepEqual(seen.errors, [], 'no exception');
    await page.close();
    await context.unroute(`${worker.url}/track/**`);
  });
}

/** Polls `probe` until it is true (bounded). */
async function waitFor(probe, what) {
  for (let i = 0; i < 200; i++) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}
