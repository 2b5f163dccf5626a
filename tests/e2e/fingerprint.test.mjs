// The fingerprint in real Chromium: the same id across reloads of one profile and across fresh
// profiles with the same settings, another id when the viewport, time zone or language differ,
// and none at all where the consent tier does not allow it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { openState } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { waitForSessionId } from '../support/sessions.mjs';
import { servePages } from '../support/pages.mjs';
import { registerSite } from '../support/sites.mjs';

let worker;
let state;
let site;

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  // The pages' site key, allowed anywhere (the pages are served on a port chosen at run time).
  await registerSite(worker, { siteKey: 'demo' });
  site = await servePages({
    '/': `<!doctype html><title>fingerprint</title><p>fingerprint</p>
      <script src="${worker.url}/tracker.js" data-site-key="demo"></script>`,
    '/count.html': `<!doctype html><title>count</title><p>count</p>
      <script src="${worker.url}/tracker.js" data-site-key="demo" data-consent="count"></script>`,
  });
});

after(async () => {
  await site?.close();
  await state?.dispose();
  await worker?.stop();
});

/** Loads the page in `page` as a new session and returns the fingerprint it computed. */
async function fingerprintOf(page) {
  if (!page.__newSessions) {
    // Before any script of each page: forget the session, so every load starts one (and only a
    // new session computes a fingerprint). The previous page saves it again while unloading.
    await page.addInitScript(() => localStorage.removeItem('pulsegate.session'));
    page.__newSessions = true;
  }
  await page.goto(`${site.url}/`);
  await page.waitForFunction(() => window.PulseGate._state && window.PulseGate._state()?.fingerprint, null, { timeout: 15000 });
  return page.evaluate(() => ({ ...window.PulseGate._state().fingerprint, sessionId: window.PulseGate.getSessionId() }));
}

/** The fingerprint of a fresh profile with Playwright context `options`. */
async function freshProfile(options = {}) {
  const browser = await launchBrowser(options);
  try {
    return await fingerprintOf(await browser.context.newPage());
  } finally {
    await browser.close();
  }
}

test('one browser profile gets the same id on 20 of 20 reloads, and that id reaches the server', async () => {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const runs = [];
  for (let i = 0; i < 20; i++) runs.push(await fingerprintOf(page));
  const ids = new Set(runs.map((r) => r.id));
  assert.equal(ids.size, 1, `ids: ${[...ids].join(', ')}`);
  assert.match(runs[0].id, /^[0-9a-f]{64}$/);
  assert.ok(runs.every((r) => r.sources >= 12 && r.confidence > 0 && r.confidence <= 100), JSON.stringify(runs[0]));
  // Each reload started a session, and the session start carried this id.
  const last = runs.at(-1);
  const session = await waitForSessionId(state, 'the last session start', last.sessionId, (s) => s.meta);
  assert.equal(session.meta.fingerprint.id, last.id);
  assert.equal(session.meta.fingerprint.sources, last.sources);
  await browser.close();
});

test('fresh profiles with the same settings get the same id; another viewport, time zone or language another', async () => {
  const base = await freshProfile();
  const again = await freshProfile();
  assert.equal(again.id, base.id, 'same settings, same id');
  const viewport = await freshProfile({ viewport: { width: 1024, height: 640 } });
  const timezone = await freshProfile({ timezoneId: 'Asia/Tokyo' });
  const language = await freshProfile({ locale: 'de-CH' });
  const ids = [base.id, viewport.id, timezone.id, language.id];
  assert.equal(new Set(ids).size, 4, `each setting changes the id: ${ids.join(', ')}`);
});

test('under the count tier, what arrives has no visitor id, no fingerprint, and nothing is stored', async () => {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.goto(`${site.url}/count.html`);
  await page.waitForFunction(() => window.PulseGate.tracking === true);
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  assert.equal(await page.evaluate(() => window.PulseGate.getVisitorId()), null);
  const session = await waitForSessionId(state, 'the count session', id, (s) => s.meta && s.events.length > 0);
  assert.equal(session.meta.consent, undefined, 'count is the default and is left out');
  assert.equal(session.meta.visitor_id, undefined);
  assert.equal(session.meta.fingerprint, undefined);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
  assert.deepEqual(await page.evaluate(() => document.cookie), '');
  await browser.close();
});
