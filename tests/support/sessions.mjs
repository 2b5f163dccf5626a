// Reads what the SDK delivered, straight from the worker's R2 bucket: each session's meta.json
// (its session start) and its event batches, in key order (the key starts with the batch's
// earliest event time, so that is time order).
import { eventually } from './state.mjs';

/** Every session in R2: `[{ id, prefix, meta, batches: [{ key, batch }], events }]`. */
export async function sessions(state) {
  // One read of the whole bucket per call (each read opens a fresh proxy: see state.mjs).
  const objects = await state.getJsonMany('sessions/');
  const byId = new Map();
  for (const { key, body } of objects) {
    const [, , , , id, ...rest] = key.split('/');
    if (!byId.has(id)) byId.set(id, { id, prefix: key.split('/').slice(0, 5).join('/') + '/', meta: null, batches: [] });
    const session = byId.get(id);
    if (rest.join('/') === 'meta.json') session.meta = body;
    else if (rest[0] === 'events' && body?.events) session.batches.push({ key, batch: body });
  }
  for (const session of byId.values()) {
    session.batches.sort((a, b) => (a.key < b.key ? -1 : 1));
    session.events = session.batches.flatMap((b) => b.batch.events);
  }
  return [...byId.values()];
}

/** The sessions whose landing page (meta.json) matches `test`. */
export async function sessionsLanding(state, test) {
  return (await sessions(state)).filter((s) => s.meta && test(s.meta.page.url));
}

/** Waits (bounded) until the session with id `id` satisfies `done`. */
export async function waitForSessionId(state, what, id, done) {
  return eventually(what, async () => {
    const found = (await sessions(state)).find((s) => s.id === id);
    return found && done(found) ? found : null;
  }, { tries: 120, everyMs: 250 });
}

/** Waits (bounded) until the one session landing on a URL that matches `test` satisfies `done`. */
export async function waitForSession(state, what, test, done) {
  return eventually(what, async () => {
    const found = await sessionsLanding(state, test);
    return found.length === 1 && done(found[0]) ? found[0] : null;
  }, { tries: 120, everyMs: 250 });
}

/** A short, readable line per event: `pageview /pricing.html`, `click a#cta`, `scroll 100` … */
export function describe(event, origin = '') {
  const path = (url) => (url ?? '').replace(origin, '');
  switch (event.type) {
    case 'pageview': return `pageview ${path(event.url)}`;
    case 'click': return `click ${event.selector}`;
    case 'rage_click': return `rage_click ${event.selector} x${event.clicks}`;
    case 'scroll': return 'scroll';
    case 'engagement': return 'engagement';
    case 'form_interaction': return `form ${event.action} ${event.form_id}${event.field ? `.${event.field}` : ''}`;
    case 'custom': return `custom ${event.name}`;
    case 'identify': return `identify ${event.user_id}`;
    case 'error': return `error ${event.message}`;
    default: return event.type;
  }
}

/** Events that are the same event twice (a retry stored twice would show up here). */
export function duplicates(events) {
  const seen = new Map();
  const twice = [];
  for (const event of events) {
    const key = JSON.stringify(event);
    if (seen.has(key)) twice.push(event);
    seen.set(key, true);
  }
  return twice;
}

/** Records page errors, unhandled rejections, console errors and warnings of `page`. */
/**
 * Waits until the tracker on `page` runs (`PulseGate.tracking`); when it does not, the error says
 * what the page showed: its errors and warnings (`seen` from `watch`), whether the loader turned
 * itself off, and what else the test collected (`context`).
 */
export async function trackerRunning(page, seen, context = '') {
  try {
    await page.waitForFunction(() => window.PulseGate && window.PulseGate.tracking === true);
  } catch (error) {
    const off = await page.evaluate(() => window.PulseGate && window.PulseGate._off).catch((e) => String(e));
    throw new Error(`the tracker did not start (${error.message}); _off: ${off}; page errors: ` +
      `${JSON.stringify(seen.errors)}; console: ${JSON.stringify(seen.console)}; ${context}`);
  }
}

/**
 * Waits for a rendered lead form's submit button under `form` (a locator); when it does not come,
 * fails with what the page got as far as the form is concerned: its loading state, the loaders'
 * progress, the responses and failed requests seen, page errors and console output.
 */
export async function formShown(page, form, seen) {
  try {
    await form.locator('form button').waitFor();
  } catch (error) {
    const state = await page.evaluate(() => ({
      readyState: document.readyState,
      code: !!window.PulseGateCode,
      codeRunning: !!(window.PulseGateCode && window.PulseGateCode.x),
      forms: !!window.PulseGateForms,
      mounted: document.querySelectorAll('[data-pulsegate-mounted]').length,
      shadow: [...document.querySelectorAll('[data-pulsegate-form]')].map((el) => !!el.shadowRoot),
    })).catch((e) => String(e));
    throw new Error(`the lead form did not render (${error.message}); state: ${JSON.stringify(state)}; ` +
      `responses: ${seen.responses.join(', ')}; failed: ${seen.failed.join(', ')}; ` +
      `page errors: ${JSON.stringify(seen.errors)}; console: ${JSON.stringify(seen.console)}`);
  }
}

export function watch(page) {
  const seen = { errors: [], console: [], responses: [], failed: [] };
  page.on('response', (r) => seen.responses.push(`${r.status()} ${new URL(r.url()).pathname}`));
  page.on('requestfailed', (r) => seen.failed.push(`${new URL(r.url()).pathname} ${r.failure()?.errorText}`));
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.console.push(`${m.type()}: ${m.text()}`);
  });
  return seen;
}
