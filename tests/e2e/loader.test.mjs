// The loader on pages nobody on the team wrote: a page that broke fetch, prerendered and hidden
// pages, private data in URLs, a first-party proxy path and a missing currentScript, a loader
// cached across a deploy, opt-outs, browsers that cannot run the tracker, strict CSPs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { openState, eventually } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { sessions, waitForSessionId, describe, watch } from '../support/sessions.mjs';
import { servePages } from '../support/pages.mjs';
import { serveSite } from '../../examples/serve.mjs';
import { registerSite } from '../support/sites.mjs';

let worker;
let state;
let site;
let browser;

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  // The pages' site key, allowed anywhere: each test serves its pages on a port of its own.
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

/** A page whose every request is recorded: `{ page, requests, seen }`. */
async function open(context = browser.context) {
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
  return { page, requests, seen: watch(page) };
}

const tag = (attributes = '') => `<script src="${worker.url}/tracker.js" data-site-key="demo" ${attributes}></script>`;
const decided = (page) => page.waitForFunction(() => window.PulseGate && 'tracking' in window.PulseGate && (window.PulseGate.tracking || window.__decided));
const sdkDownloads = (requests) => requests.filter((r) => r.includes('/sdk/pulsegate-'));
const trackingRequests = (requests) => requests.filter((r) => r.includes('/track/'));

test('a page that broke fetch gets no error, and the tracker recovers when fetch works again', async () => {
  const pages = await servePages({ '/broken-fetch.html': `<!doctype html><title>broken fetch</title>
    ${tag('data-flush-interval="250"')}
    <script>window.unhandled = 0; addEventListener('unhandledrejection', () => { window.unhandled++; });</script>` });
  const { page, seen } = await open();
  await page.goto(`${pages.url}/broken-fetch.html`);
  await page.waitForFunction(() => window.PulseGate && window.PulseGate.tracking);
  await page.waitForFunction(() => window.PulseGate._state() && window.PulseGate._state().fingerprint);
  // The page's own instrumentation replaces fetch with one that returns no promise, then throws.
  await page.evaluate(() => { window.realFetch = window.fetch; window.fetch = () => 'not a promise'; });
  await page.evaluate(() => window.PulseGate.track('while-broken'));
  await page.waitForTimeout(600);
  await page.evaluate(() => { window.fetch = () => { throw new TypeError('blocked by the page'); }; });
  await page.evaluate(() => window.PulseGate.track('still-broken'));
  await page.waitForTimeout(600);
  await page.evaluate(() => { window.fetch = window.realFetch; });
  await page.evaluate(() => window.PulseGate.track('repaired'));
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  const session = await waitForSessionId(state, 'every event once fetch works', id,
    (s) => ['while-broken', 'still-broken', 'repaired'].every((n) => s.events.some((e) => e.name === n)));
  const names = session.events.filter((e) => e.type === 'custom').map((e) => e.name);
  assert.deepEqual(names, ['while-broken', 'still-broken', 'repaired']);
  assert.equal(await page.evaluate(() => window.unhandled), 0);
  assert.deepEqual(seen.errors, []);
  await page.close();
  await pages.close();
});

test('a prerendered page starts tracking only when it is shown', async () => {
  const pages = await servePages({ '/prerendered.html': `<!doctype html><title>prerendered</title><p>p</p>${tag()}` });
  const { page, requests } = await open();
  // Chromium's prerendering, as the page sees it: document.prerendering until activation.
  await page.addInitScript(() => {
    window.__prerendering = true;
    Object.defineProperty(Document.prototype, 'prerendering', { get: () => window.__prerendering, configurable: true });
  });
  await page.goto(`${pages.url}/prerendered.html`);
  await page.waitForTimeout(1000);
  assert.deepEqual(sdkDownloads(requests), [], 'nothing downloaded while prerendering');
  assert.deepEqual(trackingRequests(requests), [], 'nothing sent while prerendering');
  await page.evaluate(() => { window.__prerendering = false; document.dispatchEvent(new Event('prerenderingchange')); });
  await page.waitForFunction(() => window.PulseGate.tracking === true);
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  const session = await waitForSessionId(state, 'the pageview after activation', id, (s) => s.events.some((e) => e.type === 'pageview'));
  assert.ok(session.events.find((e) => e.type === 'pageview').ts >= session.meta.started_at);
  await page.close();
  await pages.close();
});

test('a page that starts hidden sends its first pageview without waiting for a timer', async () => {
  const pages = await servePages({ '/hidden.html': `<!doctype html><title>hidden</title><p>h</p>${tag('data-flush-interval="60000"')}` });
  const { page } = await open();
  await page.addInitScript(() => {
    Object.defineProperty(Document.prototype, 'visibilityState', { get: () => 'hidden', configurable: true });
    Object.defineProperty(Document.prototype, 'hidden', { get: () => true, configurable: true });
  });
  await page.goto(`${pages.url}/hidden.html`);
  await page.waitForFunction(() => window.PulseGate.tracking === true);
  await page.evaluate(() => window.PulseGate.track('in-background'));
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  // The flush timer is a minute away and throttled in the background: both must have left anyway.
  const session = await waitForSessionId(state, 'the pageview of a hidden page', id,
    (s) => s.events.some((e) => e.type === 'pageview') && s.events.some((e) => e.name === 'in-background'));
  assert.ok(session.meta.fingerprint, 'the fingerprint ran back to back');
  await page.close();
  await pages.close();
});

test('URLs lose their fragment and credential-like parameters; data-strip-params adds more', async () => {
  const pages = await servePages({ '/private.html': `<!doctype html><title>private</title><p>p</p>${tag('data-strip-params="ref, Campaign_ID"')}` });
  const { page } = await open();
  await page.goto(`${pages.url}/private.html?plan=pro&code=oauth-code&password=hunter2&REF=partner&campaign_id=7&utm_campaign=spring#access_token=tok&id_token=jwt`);
  await page.waitForFunction(() => window.PulseGate.tracking === true);
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  const session = await waitForSessionId(state, 'the private page', id, (s) => s.events.some((e) => e.type === 'pageview'));
  const clean = `${pages.url}/private.html?plan=pro&utm_campaign=spring`;
  assert.equal(session.meta.page.url, clean);
  assert.equal(session.events.find((e) => e.type === 'pageview').url, clean);
  const everything = JSON.stringify(session);
  for (const secret of ['oauth-code', 'hunter2', 'partner', 'tok', 'jwt', 'campaign_id=7']) {
    assert.ok(!everything.includes(secret), `${secret} left the page`);
  }
  await page.close();
  await pages.close();
});

test('through a first-party proxy path, chunks and data go through the site\'s own origin', async () => {
  const { page, requests } = await open();
  await page.goto(`${site.url}/proxied.html`);
  await page.waitForFunction(() => window.PulseGate.tracking === true);
  // The first batch leaves right after the session start.
  await eventually('the first batch', async () => requests.some((r) => r.includes('/track/events/batch')));
  const downloads = sdkDownloads(requests);
  assert.ok(downloads.length >= 2 && downloads.every((r) => r.includes(`${site.url}/pg/sdk/`)), downloads.join('\n'));
  const sent = requests.filter((r) => r.startsWith('POST '));
  assert.equal(sent.length, 2, sent.join('\n'));
  assert.ok(sent.every((r) => r.includes(`${site.url}/pg/track/`)), sent.join('\n'));
  const landed = await eventually('the proxied session', async () =>
    (await sessions(state)).find((s) => s.meta?.page.url === `${site.url}/proxied.html`));
  assert.ok(landed.events.some((e) => e.type === 'pageview'));
  await page.close();
});

test('without document.currentScript (a tag manager running the code), the tag is found by its site key', async () => {
  const pages = await servePages({ '/tag-manager.html': `<!doctype html><title>tag manager</title>
    <script type="text/plain" data-site-key="demo" src="${worker.url}/tracker.js"></script>
    <script>
      // What tag managers do: fetch the code and run it later, outside any <script> element.
      fetch('${worker.url}/tracker.js').then((r) => r.text()).then((code) => setTimeout(() => new Function(code)(), 0));
    </script>` });
  const { page, seen } = await open();
  await page.goto(`${pages.url}/tag-manager.html`);
  await page.waitForFunction(() => window.PulseGate && window.PulseGate.tracking === true);
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  await waitForSessionId(state, 'the tag manager\'s pageview', id, (s) => s.events.some((e) => e.type === 'pageview'));
  assert.deepEqual(seen.errors, []);
  await page.close();
  await pages.close();
});

test('a loader cached before a deploy still finds its chunks: they are archived in R2', async () => {
  const loader = await (await fetch(`${worker.url}/tracker.js`)).text();
  const names = [...new Set(loader.match(/sdk\/pulsegate-[0-9a-f]{8}\.(?:js|wasm)/g))];
  assert.equal(names.length, 2, loader.slice(0, 200));
  for (const name of names) {
    const res = await fetch(`${worker.url}/${name}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control'), /immutable/);
  }
  // Serving them archived them (after the response, in waitUntil).
  const archived = await eventually('the archived chunks', async () => {
    const keys = await state.listKeys('sdk/');
    return names.every((n) => keys.includes(n)) ? keys : null;
  });
  assert.ok(archived.length >= 2);
  // A chunk of an earlier deploy, which this worker does not embed, is served from the archive.
  const old = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  await state.put('sdk/pulsegate-0badc0de.wasm', old);
  const res = await fetch(`${worker.url}/sdk/pulsegate-0badc0de.wasm`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
  assert.match(res.headers.get('cache-control'), /max-age=31536000, immutable/);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), old);
  assert.equal((await fetch(`${worker.url}/sdk/pulsegate-deadbeef.js`)).status, 404);
  assert.equal((await fetch(`${worker.url}/sdk/not-a-chunk.js`)).status, 404);
});

for (const [label, init, attributes] of [
  ['Global Privacy Control', () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }), ''],
  ['Do Not Track', () => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' }), ''],
  ['a stored opt-out', () => localStorage.setItem('pulsegate.optout', '1'), ''],
  ['a browser without WebAssembly', () => { delete window.WebAssembly; }, ''],
  ['a page that removed URL', () => { delete window.URL; }, ''],
]) {
  test(`with ${label}, nothing is downloaded, stored or sent, and the page's calls still work`, async () => {
    const pages = await servePages({ '/off.html': `<!doctype html><title>off</title><p>off</p>${tag()}
      <script>window.answers = [PulseGate.track('x'), PulseGate.getVisitorId(), PulseGate.page()];</script>` });
    const { page, requests, seen } = await open();
    await page.addInitScript(init);
    await page.goto(`${pages.url}/off.html`);
    await page.waitForTimeout(800);
    assert.equal(await page.evaluate(() => window.PulseGate.tracking), false);
    assert.deepEqual(await page.evaluate(() => window.answers), [null, null, null]);
    assert.deepEqual(sdkDownloads(requests), []);
    assert.deepEqual(trackingRequests(requests), []);
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pulsegate') && k !== 'pulsegate.optout'));
    assert.deepEqual(stored, []);
    assert.deepEqual(seen.errors, []);
    await page.evaluate(() => localStorage.clear());
    await page.close();
    await pages.close();
  });
}

test('opting out puts back the page\'s own history methods and keeps a router\'s wrapper made after the tracker\'s', async () => {
  const pages = await servePages({ '/spa.html': `<!doctype html><title>spa</title><p>spa</p>${tag()}` });
  const { page, seen } = await open();
  // Cleaned up whatever happens: an open server would keep the test process from ending.
  try {
    await page.addInitScript(() => { window.__own = [history.pushState, history.replaceState]; });
    await page.goto(`${pages.url}/spa.html`);
    await page.waitForFunction(() => window.PulseGate.tracking === true);
    const methods = () => page.evaluate(() => [history.pushState === __own[0], history.replaceState === __own[1]]);
    assert.deepEqual(await methods(), [false, false], 'both wrapped while tracking');
    const id = await page.evaluate(() => window.PulseGate.getSessionId());
    await page.evaluate(() => history.pushState({}, '', '/spa/next'));
    await waitForSessionId(state, 'the pushState pageview', id,
      (s) => s.events.map((e) => describe(e, pages.url)).includes('pageview /spa/next'));
    // A router wraps replaceState after the tracker did: opting out must not unwrap the router.
    await page.evaluate(() => {
      const inner = history.replaceState;
      window.__routed = 0;
      history.replaceState = function (...args) { window.__routed++; return inner.apply(this, args); };
      window.__router = history.replaceState;
      window.PulseGate.optOut();
    });
    assert.deepEqual(await methods(), [true, false], 'pushState is the page\'s own again');
    assert.equal(await page.evaluate(() => history.replaceState === __router), true, 'the router\'s wrapper stays');
    await page.evaluate(() => { history.replaceState({}, '', '/spa/after'); history.pushState({}, '', '/spa/later'); });
    assert.equal(await page.evaluate(() => [window.__routed, location.pathname].join(' ')), '1 /spa/later');
    assert.deepEqual(seen.errors, []);
  } finally {
    await page.evaluate(() => localStorage.clear());
    await page.close();
    await pages.close();
  }
});

test('data-respect-dnt="false" tracks despite Do Not Track (Global Privacy Control still wins)', async () => {
  const pages = await servePages({ '/dnt.html': `<!doctype html><title>dnt</title>${tag('data-respect-dnt="false"')}` });
  const { page } = await open();
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' }));
  await page.goto(`${pages.url}/dnt.html`);
  await page.waitForFunction(() => window.PulseGate.tracking === true);
  await page.close();
  await pages.close();
});

test('an inline stub queues calls made before the tracker loads; they are replayed in order', async () => {
  const pages = await servePages({ '/stub.html': `<!doctype html><title>stub</title>
    <script>
      window.PulseGate = { q: [['track', 'first', { n: 1 }], ['identify', 'crm-42', { plan: 'pro' }], ['identify', 42]] };
    </script>
    ${tag('data-flush-at="1"')}
    <script>PulseGate.track('third'); PulseGate.track('fourth', { n: 4 });</script>` });
  const { page, seen } = await open();
  await page.goto(`${pages.url}/stub.html`);
  await page.waitForFunction(() => window.PulseGate.tracking === true);
  // A number id, queued above and now called directly, arrives as its text.
  await page.evaluate(() => window.PulseGate.identify(7.5));
  const id = await page.evaluate(() => window.PulseGate.getSessionId());
  const session = await waitForSessionId(state, 'the replayed calls', id,
    (s) => s.events.filter((e) => e.type === 'custom' || e.type === 'identify').length === 6);
  const lines = session.events.filter((e) => e.type === 'custom' || e.type === 'identify').map((e) => describe(e));
  assert.deepEqual(lines,
    ['custom first', 'identify crm-42', 'identify 42', 'custom third', 'custom fourth', 'identify 7.5']);
  assert.deepEqual(seen.errors, []);
  await page.close();
  await pages.close();
});

test('under a strict Content-Security-Policy without the tracker\'s sources, nothing happens and nothing is logged', async () => {
  const strict = `default-src 'self'; script-src 'self' ${worker.url}; connect-src 'self' ${worker.url}`;
  const pages = await servePages({ '/strict.html': `<!doctype html><title>strict</title><p>strict</p>${tag()}` },
    { 'content-security-policy': strict });
  const { page, requests, seen } = await open();
  await page.goto(`${pages.url}/strict.html`);
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => window.PulseGate.tracking), false);
  assert.deepEqual(sdkDownloads(requests), [], 'no wasm to compile, nothing downloaded');
  assert.deepEqual(seen.console, [], 'nothing logged');
  assert.deepEqual(seen.errors, []);
  await page.close();
  await pages.close();

  // With what README documents added, it tracks.
  const documented = `default-src 'self'; script-src 'self' ${worker.url} 'wasm-unsafe-eval'; connect-src 'self' ${worker.url}`;
  const allowed = await servePages({ '/allowed.html': `<!doctype html><title>allowed</title>${tag()}` },
    { 'content-security-policy': documented });
  const second = await open();
  await second.page.goto(`${allowed.url}/allowed.html`);
  await second.page.waitForFunction(() => window.PulseGate.tracking === true);
  assert.deepEqual(second.seen.console, []);
  await second.page.close();
  await allowed.close();
});
