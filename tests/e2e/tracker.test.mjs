// A visitor's journey through the example site (multi-page and single-page app) in real
// Chromium, tracked by the real SDK into a real `wrangler dev`: the exact events that reach R2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { openState } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { waitForSession, describe, duplicates, watch } from '../support/sessions.mjs';
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
  // The example site's key, allowed on the example site's origin only.
  await registerSite(worker, { siteKey: 'demo', domains: [hostOf(site.url)] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await state?.dispose();
  await worker?.stop();
});

/** Waits until the tracker on `page` runs. */
async function tracking(page) {
  await page.waitForFunction(() => window.PulseGate && window.PulseGate.tracking === true);
}

test('a multi-page visit and a single-page app arrive as the exact events, in order', async () => {
  const page = await browser.context.newPage();
  const seen = watch(page);
  const spent = {};
  const stay = async (name, ms) => {
    const started = Date.now();
    await page.waitForTimeout(ms);
    spent[name] = (spent[name] ?? 0) + (Date.now() - started);
  };

  // 1. Home, from a newsletter link that also leaks an email and an OAuth token.
  let pageStart = Date.now();
  await page.goto(`${site.url}/?utm_source=newsletter&utm_medium=email&email=ada%40example.com#access_token=secret`);
  await tracking(page);
  await page.evaluate(() => {
    for (const id of ['outbound', 'phone']) document.getElementById(id).addEventListener('click', (e) => e.preventDefault());
  });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.click('#outbound');
  await page.click('#phone');
  // Four clicks within a second on the quote button: a rage click (the site's own handler still
  // counts every one).
  for (let i = 0; i < 4; i++) await page.click('#quote', { delay: 10 });
  assert.equal(await page.evaluate(() => window.quoteClicks), 4);
  await stay('home', 1200);
  spent.home += 0;
  const homeWall = Date.now() - pageStart;

  // 2. The contact form: two fields filled, then left for another page (abandoned). The
  // newsletter form is marked data-pg-ignore.
  pageStart = Date.now();
  await page.click('#contact-link');
  await page.waitForURL(`${site.url}/contact.html`);
  await tracking(page);
  await page.fill('input[name=name]', 'Ada Lovelace');
  await page.fill('input[name=email]', 'ada@example.com');
  await page.fill('input[name=newsletter-email]', 'ada@example.com');
  await stay('contact', 300);
  await page.click('#home-link');
  const contactWall = Date.now() - pageStart;

  // 3. Home again, then into the customer app.
  await page.waitForURL(`${site.url}/`);
  await tracking(page);
  await page.click('#app-link');

  // 4. The single-page app: a pushState route, a replaceState filter, the back button.
  await page.waitForURL(`${site.url}/app/`);
  await tracking(page);
  await stay('app', 300);
  await page.click('#production-link');
  await page.waitForFunction(() => document.title.startsWith('Production'));
  await stay('app', 300);
  await page.click('#range-week');
  await stay('app', 300);
  await page.goBack();
  await page.waitForURL(`${site.url}/app/`);
  await stay('app', 300);
  await page.close({ runBeforeUnload: true });

  const origin = site.url;
  const session = await waitForSession(
    state,
    'the whole journey in R2',
    (url) => url.startsWith(`${origin}/?utm_source=newsletter`),
    (s) => s.events.filter((e) => e.type === 'pageview').length === 7 && s.events.at(-1)?.type === 'scroll',
  );

  // The session start: landing page cleaned, UTM kept, identity and fingerprint under analytics.
  const meta = session.meta;
  assert.equal(meta.page.url, `${origin}/?utm_source=newsletter&utm_medium=email`);
  assert.deepEqual(meta.utm, { source: 'newsletter', medium: 'email' });
  assert.equal(meta.consent, 'analytics');
  assert.match(meta.visitor_id, /^[0-9a-f-]{36}$/);
  assert.match(meta.fingerprint.id, /^[0-9a-f]{64}$/);
  assert.ok(meta.fingerprint.sources >= 12, JSON.stringify(meta.fingerprint));
  assert.equal(meta.device.device_class, 'desktop');
  assert.ok(meta.device.languages.length >= 1);

  const lines = session.events.map((e) => describe(e, origin));
  assert.deepEqual(lines, [
    'pageview /?utm_source=newsletter&utm_medium=email',
    'click a#outbound',
    'click a#phone',
    'click button#quote',
    'click button#quote',
    'click button#quote',
    'click button#quote',
    'rage_click button#quote x4',
    'click a#contact-link',
    'engagement',
    'scroll',
    'pageview /contact.html',
    'form focus quote-form.name',
    'form change quote-form.name',
    'form change quote-form.email',
    'click a#home-link',
    'engagement',
    'scroll',
    'form abandon quote-form',
    'pageview /',
    'click a#app-link',
    'engagement',
    'scroll',
    'pageview /app/',
    'click a#production-link',
    'engagement',
    'scroll',
    'pageview /app/production',
    'click button#range-week',
    'engagement',
    'scroll',
    'pageview /app/production?range=week',
    'engagement',
    'scroll',
    'pageview /app/',
    'engagement',
    'scroll',
  ]);
  assert.deepEqual(duplicates(session.events), []);

  const find = (line) => session.events[lines.indexOf(line)];
  // Clicks: the outbound link cleaned of its token, the tel: link without an href.
  const outbound = find('click a#outbound');
  assert.equal(outbound.href, 'https://energy.example.org/solar-guide?utm_source=brightside');
  assert.equal(outbound.outbound, true);
  assert.equal(outbound.text, 'independent solar guide');
  assert.equal(find('click a#phone').href, undefined);
  assert.equal(find('click button#quote').text, 'Get a quote');
  assert.equal(find('rage_click button#quote x4').selector, 'button#quote');
  // Referrers: the previous page (the first pageview had none).
  const pageviews = session.events.filter((e) => e.type === 'pageview');
  assert.deepEqual(pageviews.map((p) => p.referrer ?? null), [
    null,
    `${origin}/?utm_source=newsletter&utm_medium=email`,
    `${origin}/contact.html`,
    `${origin}/`,
    `${origin}/app/`,
    `${origin}/app/production`,
    `${origin}/app/production?range=week`,
  ]);
  // Titles as the app set them after routing.
  assert.deepEqual(pageviews.slice(3).map((p) => p.title), [
    'Dashboard | Brightside app',
    'Production | Brightside app',
    'Production | Brightside app',
    'Dashboard | Brightside app',
  ]);
  // Scroll depth: the home page was scrolled to the bottom; the contact page fits the screen.
  const scrolls = session.events.filter((e) => e.type === 'scroll').map((e) => e.percent);
  assert.equal(scrolls[0], 100);
  assert.equal(scrolls[1], 100);
  // The abandoned form: 2 of its 5 fields held a value (never the values themselves).
  const abandon = find('form abandon quote-form');
  assert.deepEqual([abandon.filled, abandon.fields], [2, 5]);
  assert.ok(!JSON.stringify(session.events).includes('ada@example.com'), 'no form value leaves the page');
  assert.ok(!JSON.stringify(session).includes('secret'), 'no token leaves the page');
  // Engaged time: visible and focused, so close to the time spent, never more.
  const engaged = session.events.filter((e) => e.type === 'engagement').map((e) => e.engaged_ms);
  assert.ok(engaged[0] > homeWall * 0.5 && engaged[0] <= homeWall + 250, `home ${engaged[0]} of ${homeWall}`);
  assert.ok(engaged[1] > 200 && engaged[1] <= contactWall + 250, `contact ${engaged[1]} of ${contactWall}`);
  assert.deepEqual(seen.errors, [], 'nothing thrown into the pages');
});
