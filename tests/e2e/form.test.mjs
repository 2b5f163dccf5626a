// The lead form builder (/form.js) in real Chromium against a real worker in workerd (wrangler
// dev, local D1): rendered from /forms/config on a site's page next to the tracker, filled with
// the keyboard only, checked with the server's rules before anything is sent, submitted once
// (double clicks included) as a lead linked to the tracker's session, visitor and fingerprint;
// its honeypot set aside as the server sets it aside, a fast fill scored by how it was filled
// (autofill-like input against a script); a failed send keeps what the visitor
// typed and a retry makes the one lead; page styles and the form's styles stay apart, under a strict
// Content-Security-Policy too (no inline styles); a page on
// an origin the site does not list gets nothing and no exception.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from '../support/worker.mjs';
import { api, hostOf } from '../support/sites.mjs';
import { openState, eventually } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { servePages } from '../support/pages.mjs';
import { quoteForm, setupForm } from '../support/leads.mjs';
import { serveSite } from '../../examples/serve.mjs';
import { describe, waitForSessionId } from '../support/sessions.mjs';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';

const SITE = 'forms';
/** Styles a careless (or hostile) host page might carry. */
const HOSTILE_CSS = `
  * { color: rgb(255, 0, 0) !important; font-size: 40px !important; letter-spacing: 6px !important;
      font-family: "Courier New", monospace !important; text-transform: uppercase !important; }
  input, button, select, textarea, label, p { display: inline !important; border: 9px dotted blue !important;
      background: rgb(0, 255, 0) !important; padding: 20px !important; }
  form { display: flex !important; flex-direction: row-reverse !important; }
  .err, .status, .ok, .pg { visibility: hidden !important; }`;
/** The host page's own elements, named like the form's, to see whether the form's styles leak. */
const HOST_ELEMENTS = `<form id="own"><label for="own-in">Own</label><input id="own-in"><p class="err">own error</p>
  <button type="button" class="ok">Own button</button><div class="pg status">own</div></form>`;

/** A form in English (its default locale) with German and Portuguese translations. */
const I18N_FORM = {
  form_id: 'i18n', site_key: SITE, name: 'Quote in three languages', default_locale: 'en',
  fields: [
    { name: 'email', label: 'Email', type: 'email', required: true, placeholder: 'you@example.com', help: 'Only for your quote.' },
    { name: 'roof', label: 'Roof', type: 'select', required: true, options: [{ value: 'flat', label: 'Flat' }, { value: 'pitched', label: 'Pitched' }] },
    { name: 'consent', label: 'I agree', type: 'checkbox', required: true },
  ],
  submit_text: 'Get my quote', success_message: 'Thanks!',
  translations: {
    de: {
      submit_text: 'Angebot anfordern', success_message: 'Danke!',
      fields: {
        email: { label: 'E-Mail', placeholder: 'sie@example.com', help: 'Nur für Ihr Angebot.' },
        roof: { label: 'Dachform', options: { flat: 'Flachdach', pitched: 'Satteldach' } },
        consent: { label: 'Ich bin einverstanden' },
      },
    },
    pt: { submit_text: 'Pedir orçamento', fields: { email: { label: 'E-mail' } } },
  },
};

let worker;
let state;
let pages;
let foreign;
/** The site's pages again, under a strict Content-Security-Policy (no inline styles). */
let strict;
let browser;

function page(pageUrl, { css = '', tracker = true, form = true, body = '' } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quote</title>
    ${css ? `<style>${css}</style>` : ''}
    ${tracker ? `<script defer src="${worker.url}/tracker.js" data-site-key="${SITE}"></script>` : ''}
    </head><body><h1>Get a quote</h1>${body}
    ${form ? `<script src="${worker.url}/form.js" data-site-key="${SITE}" data-form-id="quote"></script>` : ''}
    </body></html>`;
}

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  pages = await servePages((path) => {
    if (path === '/quote.html') return page();
    if (path === '/hostile.html') return page(null, { css: HOSTILE_CSS, tracker: false, body: HOST_ELEMENTS });
    if (path === '/plain.html') return page(null, { tracker: false, body: HOST_ELEMENTS });
    if (path === '/no-form.html') return page(null, { tracker: false, form: false, body: HOST_ELEMENTS });
    if (path === '/hostile-no-form.html') return page(null, { css: HOSTILE_CSS, tracker: false, form: false, body: HOST_ELEMENTS });
    if (path === '/two-tags.html') {
      return `<!doctype html><html><body><h2>Quote</h2>
        <script src="${worker.url}/form.js" data-site-key="${SITE}" data-form-id="quote"></script>
        <h2>Callback</h2>
        <script src="${worker.url}/form.js" data-site-key="${SITE}" data-form-id="callback"></script></body></html>`;
    }
    if (path === '/de.html') {
      return `<!doctype html><html lang="en"><body><h1>Angebot</h1>
        <script src="${worker.url}/form.js" data-site-key="${SITE}" data-form-id="i18n" data-lang="de"></script></body></html>`;
    }
    if (path === '/de-edited.html') {
      return `<!doctype html><html lang="en"><body><h1>Angebot</h1>
        <script src="${worker.url}/form.js" data-site-key="${SITE}" data-form-id="i18n-edited" data-lang="de"></script></body></html>`;
    }
    if (path === '/browser-lang.html') {
      return `<!doctype html><html lang="en"><body><div data-pulsegate-form="i18n"></div>
        <script src="${worker.url}/form.js" data-site-key="${SITE}"></script></body></html>`;
    }
    if (path === '/two.html') {
      return `<!doctype html><html><body><div data-pulsegate-form="quote"></div><p>between</p>
        <div data-pulsegate-form="callback"></div>
        <script src="${worker.url}/form.js" data-site-key="${SITE}"></script></body></html>`;
    }
    return null;
  });
  foreign = await servePages({ '/quote.html': page() });
  // What README asks of a page's policy for the form, and nothing more: no 'unsafe-inline' styles.
  const csp = `default-src 'self'; script-src 'self' ${worker.url} 'wasm-unsafe-eval'; ` +
    `connect-src 'self' ${worker.url}; style-src 'self'`;
  strict = await servePages({ '/plain.html': page(null, { tracker: false, body: HOST_ELEMENTS }) },
    { 'content-security-policy': csp });
  await setupForm(worker, { siteKey: SITE, domains: [hostOf(pages.url), hostOf(strict.url)], form: quoteForm('quote', SITE) });
  const callback = {
    form_id: 'callback', site_key: SITE, name: 'Callback',
    fields: [{ name: 'phone', label: 'Phone', type: 'tel', required: true }],
    submit_text: 'Call me', success_message: 'We will call you.',
  };
  assert.equal((await api(worker, '/analytics/forms/callback', { method: 'PUT', body: callback })).res.status, 201);
  assert.equal((await api(worker, '/analytics/forms/i18n', { method: 'PUT', body: I18N_FORM })).res.status, 201);
  // Every request of wrangler dev comes from 127.0.0.1: whitelisted (as an office would be), so
  // the many submissions of this suite do not meet the per-address rate limit.
  const office = await api(worker, '/analytics/ip-lists/whitelisted', { method: 'POST', body: { cidr: '127.0.0.1/32', reason: 'test runner' } });
  assert.equal(office.res.status, 201, office.text);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await pages?.close();
  await foreign?.close();
  await strict?.close();
  await state?.dispose();
  await worker?.stop();
});

/**
 * A new page at `path` on the site's origin (or `base`), with its uncaught errors and captures;
 * `frozen`: the page's `Date.now()` stands still (timers run), so every fill takes 0 ms.
 */
async function open(path, base = pages.url, { frozen = false } = {}) {
  const p = await browser.context.newPage();
  if (frozen) await p.clock.setFixedTime(Date.now());
  const errors = [];
  const captures = [];
  p.on('pageerror', (e) => errors.push(e));
  p.on('request', (r) => {
    if (r.url().endsWith('/lead.capture')) captures.push(r);
  });
  await p.goto(`${base}${path}`);
  return { p, errors, captures };
}

/** Waits until the form (of `host`, default the first) is rendered. */
async function rendered(p, host = '[data-pulsegate-form]') {
  await p.locator(`${host} >> form button`).waitFor();
}

const leadsWith = (email) => state.query('SELECT * FROM Leads WHERE Email = ?', email);
const asideWith = (email) => state.query("SELECT * FROM BlockedIPLeads WHERE PayloadJson LIKE '%' || ? || '%'", email);

/** The form's fields filled as a visitor would, keyboard only, from the page's top. */
async function typeValid(p, email) {
  const k = p.keyboard;
  await k.press('Tab'); // the name field: the first focusable thing on the page
  await k.type('Ada Lovelace');
  await k.press('Tab');
  await k.type(email);
  await k.press('Tab');
  await k.type('+49 30 1234567');
  await k.press('Tab'); // the roof radios: the first gets focus
  await k.press('Space');
  await k.press('Tab');
  await k.press('Space'); // consent
  await k.press('Tab'); // the trap is skipped: on to the button
}

/** What has keyboard focus inside the form: `name` of a field, or the tag. */
const focused = (p) => p.evaluate(() => {
  const root = document.querySelector('[data-pulsegate-form]').shadowRoot;
  const el = root.activeElement;
  return el ? el.name || el.tagName.toLowerCase() : null;
});

test('a visitor fills the form with the keyboard only: one lead, linked to the tracker\'s session, visitor and fingerprint', async () => {
  const { p, errors, captures } = await open('/quote.html?utm_source=newsletter&utm_campaign=spring');
  await rendered(p);
  await p.waitForFunction(() => window.PulseGate && window.PulseGate.getSessionId());
  const ids = await p.evaluate(() => ({
    session: PulseGate.getSessionId(), visitor: PulseGate.getVisitorId(), fingerprint: PulseGate._state()?.fingerprint?.id ?? null,
  }));
  await eventually('the session in D1', async () => (await state.query('SELECT id FROM sessions WHERE id = ?', ids.session)).length === 1);
  await eventually('the fingerprint', async () => {
    ids.fingerprint = await p.evaluate(() => PulseGate._state()?.fingerprint?.id ?? null);
    return ids.fingerprint !== null;
  });
  const email = 'ada.keyboard@example.com';
  await typeValid(p, email);
  assert.equal(await focused(p), 'button');
  // The server sets a submit faster than the form's minimum fill time aside: a person is slower.
  await p.waitForTimeout(2100);
  await p.keyboard.press('Enter');
  await p.locator('[data-pulsegate-form] >> .ok').waitFor();
  assert.equal(await p.locator('[data-pulsegate-form] >> .ok').textContent(), 'Thanks! We will call you within a day.');
  assert.equal(await focused(p), 'p', 'focus moves to the success message');
  assert.equal(captures.length, 1);

  const leads = await eventually('the lead', async () => {
    const rows = await leadsWith(email);
    return rows.length ? rows : null;
  });
  assert.equal(leads.length, 1);
  const [lead] = leads;
  assert.equal(lead.Name, 'Ada Lovelace');
  assert.equal(lead.Phone, '+49 30 1234567');
  assert.equal(lead.SessionId, ids.session);
  assert.equal(lead.VisitorId, ids.visitor);
  const [sub] = await state.query('SELECT * FROM LeadSubmissions WHERE LeadId = ?', lead.Id);
  assert.equal(sub.SessionId, ids.session);
  assert.equal(sub.VisitorId, ids.visitor);
  assert.equal(sub.FingerprintId, ids.fingerprint);
  assert.equal(sub.UtmSource, 'newsletter');
  assert.equal(sub.UtmCampaign, 'spring');
  assert.ok(sub.FillMs >= 2000, `fill time ${sub.FillMs}`);
  const payload = JSON.parse(sub.PayloadJson);
  assert.equal(payload.fields.roof, 'flat');
  assert.equal(payload.fields.consent, true);
  assert.equal(payload.fields.utm_source, 'newsletter');
  assert.equal(payload.honeypot, '');
  // Five fields typed (text and Space presses), the submit pressed: nothing suspicious in the fill.
  const { active_ms: activeMs, ...fill } = payload.fill;
  assert.deepEqual(fill, { typed: 5, keyless: 0, autofilled: 0, trusted_submit: true });
  assert.ok(activeMs > 0 && activeMs <= sub.FillMs, `active ${activeMs} of ${sub.FillMs} ms`);
  assert.ok(!sub.SuspicionReasons.includes('fast_'), sub.SuspicionReasons);
  assert.equal(payload.page_url, `${pages.url}/quote.html?utm_source=newsletter&utm_campaign=spring`);
  assert.deepEqual(errors, []);
  await p.close({ runBeforeUnload: true });

  // The tracker saw the form in its shadow root: started, each field, submitted, as form "quote";
  // the session's D1 row counts one form started and one submitted.
  const session = await waitForSessionId(state, 'the form in the session', ids.session,
    (s) => s.events.some((e) => e.type === 'form_interaction' && e.action === 'submit'));
  const forms = session.events.filter((e) => e.type === 'form_interaction').map((e) => describe(e));
  assert.equal(forms[0], 'form focus quote.name');
  assert.ok(forms.includes('form change quote.email'), forms.join('\n'));
  assert.deepEqual(forms.filter((f) => !f.startsWith('form change') && !f.startsWith('form focus')), ['form submit quote']);
  const submitted = session.events.find((e) => e.type === 'form_interaction' && e.action === 'submit');
  assert.equal(submitted.filled, 5, 'name, email, phone, a roof, consent; the trap empty');
  // The `*/10` cron 31 minutes on finds the session quiet and writes its final aggregate.
  const time = Date.now() + 31 * 60_000;
  const cron = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/10 * * * *')}&time=${time}`);
  assert.equal(cron.status, 200, await cron.text());
  const [row] = await eventually('the session aggregates', async () => {
    const rows = await state.query('SELECT form_starts, form_submits, finalized_at FROM sessions WHERE id = ?', ids.session);
    return rows[0]?.finalized_at ? rows : null;
  });
  assert.deepEqual({ ...row }, { form_starts: 1, form_submits: 1, finalized_at: time });
});

test('invalid input shows errors linked to their fields, moves focus to the first, and is not sent', async () => {
  const { p, errors, captures } = await open('/quote.html');
  await rendered(p);
  const k = p.keyboard;
  await k.press('Tab');
  await k.press('Tab');
  await k.type('ada@localhost');
  await k.press('Tab');
  await k.type('+1 415 555 0112');
  await k.press('Tab'); // leaving the phone field checks it
  const state = () => p.evaluate(() => {
    const root = document.querySelector('[data-pulsegate-form]').shadowRoot;
    const out = {};
    for (const name of ['name', 'email', 'phone', 'consent']) {
      const el = root.querySelector(`[name=${name}]`);
      const described = root.getElementById(el.getAttribute('aria-describedby'));
      out[name] = { invalid: el.getAttribute('aria-invalid'), error: described ? described.textContent : null };
    }
    return out;
  });
  assert.equal((await state()).phone.error, 'Please match the requested format.', 'checked on leaving the field');
  await p.locator('[data-pulsegate-form] >> button').focus();
  await k.press('Enter');
  const s = await state();
  assert.deepEqual(s.name, { invalid: 'true', error: 'Please fill in this field.' });
  assert.deepEqual(s.email, { invalid: 'true', error: 'Please enter an email address, like name@example.com.' });
  assert.deepEqual(s.phone, { invalid: 'true', error: 'Please match the requested format.' });
  assert.deepEqual(s.consent, { invalid: 'true', error: 'Please tick this box.' });
  assert.equal(await focused(p), 'name', 'focus moves to the first invalid field');
  assert.equal(captures.length, 0, 'nothing is sent');
  // Fixing the name clears its error as the visitor types.
  await k.type('Ada');
  assert.deepEqual((await state()).name, { invalid: 'false', error: '' });
  assert.deepEqual(errors, []);
  await p.close();
});

test('a form started and left unsent is abandoned in the tracker\'s session', async () => {
  const { p } = await open('/quote.html');
  await rendered(p);
  await p.waitForFunction(() => window.PulseGate && window.PulseGate.getSessionId());
  const id = await p.evaluate(() => PulseGate.getSessionId());
  await p.keyboard.press('Tab');
  await p.keyboard.type('Ada');
  await p.close({ runBeforeUnload: true });
  const session = await waitForSessionId(state, 'the abandoned form', id,
    (s) => s.events.some((e) => e.type === 'form_interaction' && e.action === 'abandon'));
  const forms = session.events.filter((e) => e.type === 'form_interaction' && e.action !== 'change').map((e) => describe(e));
  // (The browser keeps its session across this suite's pages: this page's events come last.)
  assert.deepEqual(forms.slice(-2), ['form focus quote.name', 'form abandon quote']);
  const abandoned = session.events.find((e) => e.action === 'abandon');
  assert.equal(abandoned.filled, 1);
});

test('a double click (and a double Enter) makes one request and one lead', async () => {
  const { p, captures } = await open('/quote.html');
  await rendered(p);
  const email = 'ada.double@example.com';
  await typeValid(p, email);
  await p.waitForTimeout(2100);
  await p.locator('[data-pulsegate-form] >> button').dblclick();
  await k2(p);
  await p.locator('[data-pulsegate-form] >> .ok').waitFor();
  assert.equal(captures.length, 1);
  await eventually('the lead', async () => (await leadsWith(email)).length === 1);
  assert.equal((await leadsWith(email)).length, 1);
  await p.close();
});

/** Presses Enter twice on the (possibly disabled, possibly gone) button. */
async function k2(p) {
  await p.keyboard.press('Enter');
  await p.keyboard.press('Enter');
}

test('a filled trap is set aside as the server does: the same thanks, no lead', async () => {
  // A bot filling every input it finds, the trap included, at a person's pace.
  const bot = await open('/quote.html');
  await rendered(bot.p);
  const trapped = 'bot.trap@example.com';
  await typeValid(bot.p, trapped);
  await bot.p.locator('[data-pulsegate-form] >> [name=website]').fill('https://spam.example');
  await bot.p.waitForTimeout(2100);
  await bot.p.keyboard.press('Enter');
  await bot.p.locator('[data-pulsegate-form] >> .ok').waitFor();
  const [honeypot] = await eventually('the trapped submission', async () => {
    const rows = await asideWith(trapped);
    return rows.length ? rows : null;
  });
  assert.equal(honeypot.Reason, 'honeypot');
  assert.equal(JSON.parse(honeypot.PayloadJson).honeypot, 'https://spam.example');
  assert.equal((await leadsWith(trapped)).length, 0);
  await bot.p.close();
});

/** The stored lead and submission of `email`, once there. */
async function leadOf(email) {
  const [lead] = await eventually(`the lead of ${email}`, async () => {
    const rows = await leadsWith(email);
    return rows.length ? rows : null;
  });
  const [sub] = await state.query('SELECT * FROM LeadSubmissions WHERE LeadId = ?', lead.Id);
  return { lead, sub, payload: JSON.parse(sub.PayloadJson), reasons: JSON.parse(sub.SuspicionReasons).map((r) => r.reason) };
}

test('a fast fill is a lead scored by how it was filled: autofill-like input is a person, a script is suspect', async () => {
  // The page's clock stands still: each submit below comes 0 ms after the form appeared, far under
  // the 2 s minimum fill time.
  // A visitor whose browser (or password manager) fills name and email: trusted input events with
  // no key press in those fields (as autofill fires them); they tick the box and click the button.
  const person = await open('/quote.html', pages.url, { frozen: true });
  await rendered(person.p);
  const form = person.p.locator('[data-pulsegate-form]');
  const autofilled = 'ada.autofill@example.com';
  await form.locator('[name=name]').fill('Ada Autofill');
  await form.locator('[name=email]').fill(autofilled);
  await form.locator('[name=consent]').check();
  await form.locator('button').click();
  await form.locator('.ok').waitFor();
  const kept = await leadOf(autofilled);
  assert.equal(kept.sub.FillMs, 0);
  assert.deepEqual(kept.payload.fill, { typed: 1, keyless: 2, autofilled: 0, active_ms: 0, trusted_submit: true });
  assert.ok(kept.reasons.includes('fast_keyless'), kept.sub.SuspicionReasons);
  assert.ok(!kept.reasons.includes('fast_untouched') && !kept.reasons.includes('scripted_submit'));
  assert.equal((await asideWith(autofilled)).length, 0, 'not set aside');
  assert.equal(kept.lead.SuspicionScore, kept.sub.SuspicionScore);

  // A bot setting the values and submitting from a script the moment the form appears.
  const fast = await open('/quote.html', pages.url, { frozen: true });
  await rendered(fast.p);
  const hurried = 'bot.fast@example.com';
  await fast.p.evaluate((email) => {
    const root = document.querySelector('[data-pulsegate-form]').shadowRoot;
    root.querySelector('[name=name]').value = 'Bot';
    root.querySelector('[name=email]').value = email;
    root.querySelector('[name=consent]').checked = true;
    // Synthetic events do not count as the visitor's.
    root.querySelector('[name=email]').dispatchEvent(new Event('input', { bubbles: true }));
    root.querySelector('form').requestSubmit();
  }, hurried);
  await fast.p.locator('[data-pulsegate-form] >> .ok').waitFor();
  const suspect = await leadOf(hurried);
  assert.deepEqual(suspect.payload.fill, { typed: 0, keyless: 0, autofilled: 0, trusted_submit: false });
  assert.deepEqual(suspect.reasons.slice(-2), ['fast_untouched', 'scripted_submit']);
  assert.ok(suspect.sub.SuspicionScore >= 80, `suspicion ${suspect.sub.SuspicionScore}`);
  await person.p.close();
  await fast.p.close();
});

test('a submit while the tracker is still loading waits for its session and sends the lead with it', async () => {
  // The tracker's wasm is held back until the visitor has pressed submit.
  const loader = await (await fetch(`${worker.url}/tracker.js`)).text();
  const wasm = loader.match(/sdk\/pulsegate-[0-9a-f]+\.wasm/)[0];
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const p = await browser.context.newPage();
  await p.route(`${worker.url}/${wasm}`, async (route) => {
    await held;
    await route.continue();
  });
  const captures = [];
  p.on('request', (r) => {
    if (r.url().endsWith('/lead.capture')) captures.push(r);
  });
  await p.goto(`${pages.url}/quote.html`);
  await rendered(p);
  assert.equal(await p.evaluate(() => window.PulseGate.getSessionId()), null, 'the tracker has not started');
  const email = 'ada.early@example.com';
  await typeValid(p, email);
  await p.keyboard.press('Enter');
  // The form waits (its button off) instead of sending a lead without a session.
  await p.waitForFunction(() => document.querySelector('[data-pulsegate-form]').shadowRoot.querySelector('button').disabled);
  assert.equal(captures.length, 0);
  release();
  await p.locator('[data-pulsegate-form] >> .ok').waitFor();
  const session = await p.evaluate(() => window.PulseGate.getSessionId());
  assert.match(session, /^[0-9a-f-]{36}$/);
  assert.equal(captures.length, 1);
  assert.equal(JSON.parse(captures[0].postData()).session_id, session);
  const { sub } = await leadOf(email);
  assert.equal(JSON.parse(sub.PayloadJson).session_id, session, 'stored with the session that started after the submit');
  // Whichever reached the worker first, the lead and the session end up linked.
  const [linked] = await eventually('the lead linked to its session', async () => {
    const rows = await state.query('SELECT SessionId FROM Leads WHERE Email = ?', email);
    return rows[0]?.SessionId ? rows : null;
  });
  assert.equal(linked.SessionId, session);
  await p.close();
});

test('a visitor the tracker does not track (Global Privacy Control) sends at once, unlinked', async () => {
  const p = await browser.context.newPage();
  await p.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  await p.goto(`${pages.url}/quote.html`);
  await rendered(p);
  await p.waitForFunction(() => window.PulseGate && window.PulseGate._off === true);
  const email = 'ada.gpc@example.com';
  await typeValid(p, email);
  await p.keyboard.press('Enter');
  await p.locator('[data-pulsegate-form] >> .ok').waitFor();
  const { lead } = await leadOf(email);
  assert.equal(lead.SessionId, null);
  await p.close();
});

test('the worker unreachable, then failing: a message, the values kept; the retry makes the one lead', async () => {
  const { p, captures, errors } = await open('/quote.html');
  await rendered(p);
  const email = 'ada.retry@example.com';
  const form = p.locator('[data-pulsegate-form]');
  await form.locator('[name=name]').fill('Ada Lovelace');
  await form.locator('[name=email]').fill(email);
  await form.locator('[name=consent]').check();
  await p.waitForTimeout(2100);
  const message = 'We could not send your message. Please check your connection and try again.';
  const status = form.locator('.status');
  const button = form.locator('button');
  /** Waits for a form-level message, then reads it (a wrong one fails with its text). */
  const said = async () => {
    await p.waitForFunction(() => document.querySelector('[data-pulsegate-form]').shadowRoot.querySelector('.status').textContent !== '');
    return status.textContent();
  };
  // Down: the connection fails.
  await p.route('**/lead.capture', (route) => route.abort('connectionrefused'));
  await button.click();
  assert.equal(await said(), message);
  assert.equal(await button.isEnabled(), true);
  assert.equal(await p.locator('[data-pulsegate-form] >> [name=email]').inputValue(), email);
  assert.equal(await p.locator('[data-pulsegate-form] >> [name=consent]').isChecked(), true);
  // Up again but failing: a 503.
  await p.unroute('**/lead.capture');
  await p.route('**/lead.capture', (route) => route.fulfill({ status: 503, body: '{"error":{"code":"unavailable","message":"down"}}' }));
  await status.evaluate((el) => { el.textContent = ''; });
  await button.click();
  assert.equal(await said(), message);
  assert.equal(await p.locator('[data-pulsegate-form] >> [name=name]').inputValue(), 'Ada Lovelace');
  assert.equal((await leadsWith(email)).length, 0);
  // Back: the retry goes through.
  await p.unroute('**/lead.capture');
  await button.click();
  await p.locator('[data-pulsegate-form] >> .ok').waitFor();
  assert.equal(captures.length, 3);
  const ids = captures.map((r) => JSON.parse(r.postData()).submission_id);
  assert.equal(new Set(ids).size, 1, 'every try carries the same submission id');
  await eventually('the lead', async () => (await leadsWith(email)).length === 1);
  assert.deepEqual(errors, []);
  await p.close();
});

/** Computed styles of the form's elements (`inside`) and of the page's own (`outside`). */
async function styles(p, { inside = true } = {}) {
  return p.evaluate((inside) => {
    const props = ['color', 'font-size', 'font-family', 'letter-spacing', 'text-transform', 'display', 'border-top-style',
      'background-color', 'padding-top', 'visibility', 'flex-direction'];
    const read = (el) => Object.fromEntries(props.map((k) => [k, getComputedStyle(el).getPropertyValue(k)]));
    const out = {};
    if (inside) {
      const root = document.querySelector('[data-pulsegate-form]').shadowRoot;
      for (const sel of ['.pg', 'form', 'label[for=f0]', '[name=name]', '[name=roof]', 'select, [name=email]', 'button', '.status', '.err']) {
        out[sel] = read(root.querySelector(sel));
      }
    }
    for (const sel of ['#own', '#own label', '#own-in', '#own .err', '#own .ok', '#own .pg']) out[`page ${sel}`] = read(document.querySelector(sel));
    return out;
  }, inside);
}

test('the host page\'s styles do not change the form, and the form\'s styles do not leak into the page', async () => {
  const plain = await open('/plain.html');
  const hostile = await open('/hostile.html');
  await rendered(plain.p);
  await rendered(hostile.p);
  const a = await styles(plain.p);
  const b = await styles(hostile.p);
  for (const key of Object.keys(a).filter((k) => !k.startsWith('page '))) {
    assert.deepEqual(b[key], a[key], `${key} is the same under the hostile page's styles`);
  }
  assert.equal(a['button']['background-color'], 'rgb(11, 98, 214)');
  // The page's own elements look the same with and without the form on the page.
  const bare = await open('/no-form.html');
  const hostileBare = await open('/hostile-no-form.html');
  const c = await styles(bare.p, { inside: false });
  const d = await styles(hostileBare.p, { inside: false });
  for (const key of Object.keys(c)) {
    assert.deepEqual(a[key], c[key], `${key} is untouched by the form's styles`);
    assert.deepEqual(b[key], d[key], `${key} is untouched by the form's styles (hostile page)`);
  }
  // Theming goes through the documented custom properties.
  await plain.p.evaluate(() => document.querySelector('[data-pulsegate-form]').style.setProperty('--pg-accent', 'rgb(200, 30, 90)'));
  assert.equal(await plain.p.locator('[data-pulsegate-form] >> button').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(200, 30, 90)');
  for (const x of [plain, hostile, bare, hostileBare]) {
    assert.deepEqual(x.errors, []);
    await x.p.close();
  }
});

/** Records the page's Content-Security-Policy violations in `window.violations`. */
const RECORD_VIOLATIONS = () => {
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
  }, true);
};

/** The violations recorded so far, once the tasks that report them have run. */
const violations = (p) => p.evaluate(() => new Promise((r) => setTimeout(() => r(window.violations), 50)));

test('under a strict Content-Security-Policy (style-src \'self\') the form is styled and nothing is refused', async () => {
  const plain = await open('/plain.html');
  const p = await browser.context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e));
  await p.addInitScript(RECORD_VIOLATIONS);
  await p.goto(`${strict.url}/plain.html`);
  await rendered(plain.p);
  await rendered(p);
  const a = await styles(plain.p);
  const b = await styles(p);
  assert.equal(b['button']['background-color'], 'rgb(11, 98, 214)', 'the button has the sheet\'s accent');
  for (const key of Object.keys(a)) assert.deepEqual(b[key], a[key], `${key} looks as it does without the policy`);
  assert.deepEqual(await violations(p), [], 'no Content-Security-Policy violation (style-src above all)');
  assert.deepEqual(errors, []);
  await p.close();
  await plain.p.close();
});

test('a browser without constructable style sheets gets the style element, styled the same', async () => {
  const plain = await open('/plain.html');
  const p = await browser.context.newPage();
  // As in Safari before 16.4 and Firefox before 101: no `adoptedStyleSheets`, no constructor.
  await p.addInitScript(() => {
    delete ShadowRoot.prototype.adoptedStyleSheets;
    delete Document.prototype.adoptedStyleSheets;
    window.CSSStyleSheet = function CSSStyleSheet() { throw new TypeError('Illegal constructor'); };
  });
  const errors = [];
  p.on('pageerror', (e) => errors.push(e));
  await p.goto(`${pages.url}/plain.html`);
  await rendered(plain.p);
  await rendered(p);
  assert.equal(await p.evaluate(() => document.querySelector('[data-pulsegate-form]').shadowRoot.querySelectorAll('style').length), 1);
  const a = await styles(plain.p);
  const b = await styles(p);
  for (const key of Object.keys(a)) assert.deepEqual(b[key], a[key], `${key} looks the same`);
  assert.deepEqual(errors, []);
  await p.close();
  await plain.p.close();
});

for (const [label, init] of [
  ['without WebAssembly', () => { delete window.WebAssembly; }],
  ['whose WebAssembly refuses the probe (no reference types)', () => {
    WebAssembly.Module = function Module() { throw new WebAssembly.CompileError('no reference types'); };
  }],
]) {
  test(`a browser ${label} gets no form, downloads nothing and throws nothing`, async () => {
    const p = await browser.context.newPage();
    await p.addInitScript(init);
    const errors = [];
    const downloads = [];
    p.on('pageerror', (e) => errors.push(e));
    p.on('request', (r) => { if (/\/sdk\/|\/forms\/config/.test(r.url())) downloads.push(r.url()); });
    await p.goto(`${pages.url}/plain.html`);
    await p.waitForTimeout(500);
    assert.equal(await p.evaluate(() => document.querySelectorAll('[data-pulsegate-form]').length), 0);
    assert.equal(await p.evaluate(() => typeof window.PulseGateForms), 'undefined');
    assert.deepEqual(downloads, []);
    assert.deepEqual(errors, []);
    await p.close();
  });
}

test('several forms on one page, each in its own element or after its own tag', async () => {
  for (const path of ['/two.html', '/two-tags.html']) {
    const { p, errors } = await open(path);
    await rendered(p, '[data-pulsegate-form=quote]');
    await rendered(p, '[data-pulsegate-form=callback]');
    assert.equal(await p.locator('[data-pulsegate-form=callback] >> button').textContent(), 'Call me');
    assert.equal(await p.locator('[data-pulsegate-form=quote] >> button').textContent(), 'Get my quote');
    if (path === '/two-tags.html') {
      // Each form right after its own tag.
      const order = await p.evaluate(() => [...document.body.children].map((el) => el.tagName === 'DIV' ? el.dataset.pulsegateForm : el.tagName));
      assert.deepEqual(order, ['H2', 'SCRIPT', 'quote', 'H2', 'SCRIPT', 'callback']);
    }
    assert.deepEqual(errors, [], path);
    await p.close();
  }
});

/** The i18n form's texts and state as the visitor meets them (in the first form on the page). */
const i18nView = (p) => p.evaluate(() => {
  const root = document.querySelector('[data-pulsegate-form]').shadowRoot;
  const form = root.querySelector('form');
  const email = root.querySelector('[name=email]');
  const described = (el) => el.getAttribute('aria-describedby').split(' ').map((id) => root.getElementById(id).textContent);
  return {
    lang: form.getAttribute('lang'),
    // The trap's label is out of sight and hidden from assistive technology: not the visitor's.
    labels: [...root.querySelectorAll('label')].filter((l) => !l.closest('.hp')).map((l) => l.textContent.replace('*', '').trim()),
    placeholder: email.getAttribute('placeholder'),
    emailDescribed: described(email),
    options: [...root.querySelectorAll('[name=roof] option')].map((o) => o.textContent),
    button: root.querySelector('button').textContent,
    errors: ['email', 'roof', 'consent'].map((n) => root.getElementById(root.querySelector(`[name=${n}]`).getAttribute('aria-describedby').split(' ').pop()).textContent),
    status: root.querySelector('.status').textContent,
    trap: root.querySelector('.hp label').textContent,
  };
});

test('the form speaks the visitor\'s language: data-lang="de", a browser locale with fallback (pt-BR → pt), errors included', async () => {
  // data-lang on the tag.
  const { p, errors, captures } = await open('/de.html');
  await rendered(p);
  let v = await i18nView(p);
  assert.equal(v.lang, 'de');
  assert.deepEqual(v.labels, ['E-Mail', 'Dachform', 'Ich bin einverstanden']);
  assert.equal(v.placeholder, 'sie@example.com');
  assert.deepEqual(v.emailDescribed, ['Nur für Ihr Angebot.', ''], 'the help and the (empty) error, both described');
  assert.deepEqual(v.options, ['Bitte wählen…', 'Flachdach', 'Satteldach']);
  assert.equal(v.button, 'Angebot anfordern');
  assert.equal(v.trap, 'Dieses Feld bitte leer lassen', 'the trap\'s label too, for the bots that read labels');
  await p.locator('[data-pulsegate-form] >> button').click();
  v = await i18nView(p);
  assert.deepEqual(v.errors, ['Bitte füllen Sie dieses Feld aus.', 'Bitte wählen Sie eine Option.', 'Bitte setzen Sie hier ein Häkchen.']);
  assert.equal(v.status, 'Bitte korrigieren Sie die markierten Felder.');
  await p.locator('[data-pulsegate-form] >> [name=email]').fill('nicht-gültig');
  await p.locator('[data-pulsegate-form] >> [name=email]').blur();
  assert.equal((await i18nView(p)).errors[0], 'Bitte geben Sie eine E-Mail-Adresse ein, z. B. name@example.com.');
  assert.equal(captures.length, 0);
  assert.deepEqual(errors, []);
  await p.close();

  // No data-lang: the browser's languages (Chromium with locale pt-BR), matched pt-BR → pt.
  const pt = await launchBrowser({ locale: 'pt-BR' });
  try {
    const q = await pt.context.newPage();
    const pageErrors = [];
    q.on('pageerror', (e) => pageErrors.push(e));
    const configs = [];
    q.on('request', (r) => { if (r.url().includes('/forms/config')) configs.push(new URL(r.url()).searchParams.get('lang')); });
    await q.goto(`${pages.url}/browser-lang.html`);
    await rendered(q);
    assert.match(configs[0], /^pt-BR/, 'the loader sends the browser\'s languages');
    const w = await i18nView(q);
    assert.equal(w.lang, 'pt');
    assert.deepEqual(w.labels, ['E-mail', 'Roof', 'I agree'], 'untranslated texts: the default locale\'s');
    assert.equal(w.button, 'Pedir orçamento');
    assert.equal(w.options[0], 'Escolher…');
    assert.equal(w.trap, 'Deixe este campo vazio');
    await q.locator('[data-pulsegate-form] >> button').click();
    assert.deepEqual((await i18nView(q)).errors, ['Preencha este campo.', 'Escolha uma opção.', 'Marque esta caixa.']);
    assert.deepEqual(pageErrors, []);
  } finally {
    await pt.close();
  }
});

test('/forms/config picks the language from ?lang= or Accept-Language, with Vary and an ETag per language', async () => {
  const get = (query, headers = {}) => fetch(`${worker.url}/forms/config?site=${SITE}&form=i18n${query}`, { headers: { origin: pages.url, ...headers } });
  const de = await get('&lang=de-AT,en');
  assert.equal(de.status, 200);
  const deBody = await de.json();
  assert.equal(deBody.lang, 'de');
  assert.equal(de.headers.get('content-language'), 'de');
  assert.equal(de.headers.get('vary'), 'Origin', 'the language is in the URL');
  const en = await get('&lang=ja,x');
  assert.equal((await en.json()).lang, 'en', 'nothing served: the default locale; junk skipped');
  assert.notEqual(de.headers.get('etag'), en.headers.get('etag'));
  const again = await get('&lang=de-AT,en', { 'if-none-match': de.headers.get('etag') });
  assert.equal(again.status, 304);
  const byHeader = await get('', { 'accept-language': 'fr-CH, pt;q=0.9, en;q=0.5' });
  const headerBody = await byHeader.json();
  assert.equal(headerBody.lang, 'pt');
  assert.equal(headerBody.messages.required, 'Preencha este campo.');
  assert.deepEqual(byHeader.headers.get('vary').split(/,\s*/).sort(), ['Accept-Language', 'Origin']);
  assert.equal((await get('&lang=de&lang=en')).status, 400, 'given twice');

  // The admin API checks the locales and the translated texts.
  const bad = async (edit, field) => {
    const form = structuredClone(I18N_FORM);
    edit(form);
    const r = await api(worker, '/analytics/forms/i18n', { method: 'PUT', body: form });
    assert.equal(r.res.status, 400, r.text);
    assert.equal(r.json.error.field, field, r.text);
  };
  await bad((f) => { f.default_locale = 'en_US'; }, 'default_locale');
  await bad((f) => { f.translations['de DE'] = {}; }, 'translations.de DE');
  await bad((f) => { f.translations.EN = {}; }, 'translations.EN');
  await bad((f) => { f.translations.de.fields.phone = { label: 'Telefon' }; }, 'translations.de.fields.phone');
  await bad((f) => { f.translations.de.fields.roof.options.tiled = 'Ziegel'; }, 'translations.de.fields.roof.options.tiled');
  await bad((f) => { f.translations.de.submit_text = 'x'.repeat(257); }, 'translations.de.submit_text');
});

test('a field only the server refuses is told in the form\'s language, under the field; a server reads English unless it asks', async () => {
  const form = { ...structuredClone(I18N_FORM), form_id: 'i18n-edited' };
  assert.equal((await api(worker, '/analytics/forms/i18n-edited', { method: 'PUT', body: form })).res.status, 201);
  const { p, errors, captures } = await open('/de-edited.html');
  await rendered(p);
  assert.equal((await i18nView(p)).lang, 'de');
  // The form is edited while the visitor fills it: the email must now be a company address. The
  // rendered form still has the old rules, so only the server refuses the value.
  const stricter = structuredClone(form);
  stricter.fields[0].pattern = '[^@]+@firma\\.example';
  const edited = await api(worker, '/analytics/forms/i18n-edited', { method: 'PUT', body: stricter });
  assert.equal(edited.res.status, 200, edited.text);
  const root = p.locator('[data-pulsegate-form]');
  const email = 'ada.edited@example.com';
  await root.locator('[name=email]').fill(email);
  await root.locator('[name=roof]').selectOption('flat');
  await root.locator('[name=consent]').check();
  await root.locator('button').click();
  await eventually('the server\'s German message under the field', async () => (await i18nView(p)).errors[0] === 'Bitte halten Sie sich an das verlangte Format.');
  const v = await i18nView(p);
  assert.equal(v.status, 'Bitte korrigieren Sie die markierten Felder.');
  assert.deepEqual(v.errors.slice(1), ['', ''], 'the other fields are fine');
  const field = await root.locator('[name=email]').evaluate((el) => ({
    invalid: el.getAttribute('aria-invalid'),
    focused: el.getRootNode().activeElement === el,
  }));
  assert.deepEqual(field, { invalid: 'true', focused: true });
  assert.equal(captures.length, 1);
  assert.equal(JSON.parse(captures[0].postData()).lang, 'de', 'the submission carries the form\'s language');
  assert.equal((await captures[0].response()).status(), 400);
  assert.equal((await leadsWith(email)).length, 0);
  assert.deepEqual(errors, []);
  await p.close();

  // The same refusal posted directly: the code stays the machine's, the message follows the
  // language, as /forms/config chooses it.
  const body = (over = {}) => ({
    form_id: 'i18n-edited', submission_id: randomUUID(), fill_ms: 9000,
    fields: { email: 'ada@example.com', roof: 'flat', consent: true }, ...over,
  });
  const post = (b, headers) => fetch(`${worker.url}/lead.capture`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(b) });
  const refused = async (b, headers) => {
    const r = await post(b, headers);
    assert.equal(r.status, 400);
    const { error } = await r.json();
    assert.equal(error.code, 'invalid_field');
    return [error.field, error.message];
  };
  const page = { origin: pages.url };
  assert.deepEqual(await refused(body({ lang: 'de' }), page), ['fields.email', 'Bitte halten Sie sich an das verlangte Format.']);
  assert.deepEqual(await refused(body({ lang: 'pt-BR', fields: { roof: 'flat', consent: true } }), page), ['fields.email', 'Preencha este campo.'], 'a missing required field, pt-BR → pt');
  assert.deepEqual(await refused(body(), { ...page, 'accept-language': 'de-CH, de;q=0.9' }), ['fields.email', 'Bitte halten Sie sich an das verlangte Format.'], 'no lang: Accept-Language');
  assert.deepEqual(await refused(body({ lang: 'ja' }), page), ['fields.email', 'Please match the requested format.'], 'a language the form lacks: its default');
  // The refusal names its language, and varies by Accept-Language only where that header chose it.
  const language = async (b, headers) => {
    const r = await post(b, headers);
    assert.equal(r.status, 400);
    return [r.headers.get('content-language'), r.headers.get('vary').split(/,\s*/).sort()];
  };
  assert.deepEqual(await language(body({ lang: 'de' }), page), ['de', ['Origin']]);
  assert.deepEqual(await language(body(), { ...page, 'accept-language': 'de-CH' }), ['de', ['Accept-Language', 'Origin']]);
  assert.deepEqual(await language(body({ lang: 'ja' }), page), ['en', ['Origin']]);
  const badTag = await post(body({ lang: 'de_DE' }), page);
  assert.equal(badTag.status, 400);
  assert.equal((await badTag.json()).error.field, 'lang');
  // A server: English, whatever the body's lang, unless it sends Accept-Language.
  const key = (await api(worker, '/analytics/integrations', { method: 'POST', body: { name: 'Backend', site_key: SITE } })).json.key;
  assert.deepEqual(await refused(body({ lang: 'de' }), { 'x-api-key': key }), ['fields.email', 'Please match the requested format.']);
  assert.deepEqual(await refused(body(), { 'x-api-key': key, 'accept-language': 'de' }), ['fields.email', 'Bitte halten Sie sich an das verlangte Format.']);
  assert.deepEqual(await language(body({ lang: 'de' }), { 'x-api-key': key }), ['en', ['Accept-Language', 'Origin']]);
});

test('a page on an origin the site does not list gets nothing rendered and no exception', async () => {
  const p = await browser.context.newPage();
  const errors = [];
  const configs = [];
  p.on('pageerror', (e) => errors.push(e));
  // The refused answer carries no CORS header, so the page cannot read it (Chromium reports the
  // request as failed); the worker's own log says 403.
  p.on('requestfinished', async (r) => { if (r.url().includes('/forms/config')) configs.push((await r.response())?.status()); });
  p.on('requestfailed', (r) => { if (r.url().includes('/forms/config')) configs.push('failed'); });
  const direct = await fetch(`${worker.url}/forms/config?site=${SITE}&form=quote`, { headers: { origin: foreign.url } });
  assert.equal(direct.status, 403);
  await p.goto(`${foreign.url}/quote.html`);
  await eventually('the refused config request', async () => configs.length === 1);
  assert.equal(await p.evaluate(() => document.querySelector('[data-pulsegate-form]').shadowRoot.childNodes.length), 0);
  assert.equal(await p.evaluate(() => typeof window.PulseGateForms.scan), 'function');
  assert.deepEqual(errors, []);
  await p.close();
});

test('GET /form.js serves the loader, which names its own chunk and wasm, all served', async () => {
  const res = await fetch(`${worker.url}/form.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/javascript/);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.match(res.headers.get('etag'), /^"[0-9a-f]{16}"$/);
  const js = await res.text();
  const tracker = await (await fetch(`${worker.url}/tracker.js`)).text();
  const named = (text) => text.match(/sdk\/pulsegate-[0-9a-f]{8}\.(js|wasm)/g);
  const files = named(js);
  assert.equal(files.length, 2);
  assert.equal(files.filter((f) => named(tracker).includes(f)).length, 0, 'not the tracker\'s chunks');
  for (const file of files) {
    const chunk = await fetch(`${worker.url}/${file}`);
    assert.equal(chunk.status, 200, file);
    assert.match(chunk.headers.get('cache-control'), /immutable/);
  }
});

test('the example site\'s quote page renders the example form and sends a lead', async () => {
  const site = await serveSite({ worker: worker.url });
  try {
    const form = JSON.parse(await readFile(new URL('../../examples/quote-form.json', import.meta.url), 'utf8'));
    await setupForm(worker, { siteKey: 'demo', domains: [hostOf(site.url)], form });
    const { p, errors } = await open('/quote.html?utm_source=example', site.url);
    await rendered(p);
    assert.equal(await p.locator('[data-pulsegate-form] >> button').textContent(), 'Get my free quote');
    assert.equal(await p.locator('[data-pulsegate-form] >> button').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(29, 36, 51)', 'themed by --pg-accent');
    const email = 'example.site@example.com';
    const root = p.locator('[data-pulsegate-form]');
    await root.locator('[name=name]').fill('Grace Hopper');
    await root.locator('[name=email]').fill(email);
    await root.locator('[name=bill]').selectOption('mid');
    await root.locator('[name=consent]').check();
    await p.waitForTimeout(2100);
    await root.locator('button').click();
    await root.locator('.ok').waitFor();
    const [lead] = await eventually('the lead', async () => {
      const rows = await leadsWith(email);
      return rows.length ? rows : null;
    });
    assert.equal(lead.SiteKey, 'demo');
    assert.equal(JSON.parse((await state.query('SELECT PayloadJson FROM LeadSubmissions WHERE LeadId = ?', lead.Id))[0].PayloadJson).fields.campaign, 'example-site');
    assert.deepEqual(errors, []);
    await p.close();
  } finally {
    await site.close();
  }
});
