// The ways into PulseGate besides the script tag, as their users meet them: the packed npm
// package (imported in plain Node, type-checked, bundled by Vite and by esbuild without any
// plugin, run in Chromium against the real worker), /pulse.js started by `PulseGate.init()` from a
// page on another origin, and the server-side lead capture examples (curl and Node).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startWorker } from '../support/worker.mjs';
import { openState } from '../support/state.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { waitForSession, describe, watch, trackerRunning, formShown } from '../support/sessions.mjs';
import { serveSite } from '../../examples/serve.mjs';
import { api, registerSite, hostOf } from '../support/sites.mjs';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
/** The packed package: `cargo xtask test` names it; `cargo xtask build` leaves the same file here. */
const tarball = process.env.PULSEGATE_NPM_TARBALL ?? path.join(root, 'target/npm/pulsegate-sdk.tgz');

/**
 * Counts the page's requests to /track/ in flight. The SDK sends one request at a time, in order,
 * and leaves what it cannot send at unload to the next page: so a test closes a page only once
 * nothing is in flight, and then its last events go out with the unload.
 */
function inFlight(page) {
  const pending = new Set();
  const track = (r) => r.url().includes('/track/');
  page.on('request', (r) => { if (track(r)) pending.add(r); });
  page.on('requestfinished', (r) => pending.delete(r));
  page.on('requestfailed', (r) => pending.delete(r));
  return async () => {
    for (let quiet = 0, i = 0; quiet < 3 && i < 600; i++) {
      quiet = pending.size === 0 ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}

let worker;
let state;
let site;
let project;

before(async () => {
  // An app of its own, outside the workspace: the SPA example's sources and the packed tarball.
  project = await mkdtemp(path.join(os.tmpdir(), 'pulsegate-npm-'));
  for (const file of ['index.html', 'main.js', 'vite.config.js']) {
    await cp(path.join(root, 'examples/spa', file), path.join(project, file));
  }
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', tarball], { cwd: project });
  [worker] = await Promise.all([startWorker(), run(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: project })]);
  state = await openState(worker.state);
  site = await serveSite({ worker: worker.url, spaDir: path.join(project, 'dist') });
  await registerSite(worker, { siteKey: 'demo', domains: [hostOf(site.url)] });
  // The example site's lead form, as `cargo xtask dev` saves it.
  const form = JSON.parse(await readFile(path.join(root, 'examples/quote-form.json'), 'utf8'));
  const saved = await api(worker, '/analytics/forms/quote', { method: 'PUT', body: form });
  assert.ok(saved.res.ok, saved.text);
});

after(async () => {
  await site?.close();
  await state?.dispose();
  await worker?.stop();
  if (project) await rm(project, { recursive: true, force: true });
});

test('the package imports in plain Node without touching a browser global or throwing', async () => {
  const script = `
    import * as pg from '@pulsegate/sdk';
    const names = Object.keys(pg).sort().join(',');
    const started = await pg.init({ siteKey: 'demo', endpoint: 'https://pulsegate.example' });
    pg.track('signup', { plan: 'pro' }); pg.identify('u1'); pg.page(); pg.consent('count');
    pg.optOut(); pg.optIn();
    const mounted = await pg.mountForm({}, { formId: 'quote' });
    if (mounted !== false) throw new Error('mountForm outside a browser');
    console.log(JSON.stringify({ names, started, visitor: pg.getVisitorId(), session: pg.getSessionId(),
      tracking: pg.isTracking(), window: typeof window, document: typeof document }));`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
  assert.equal(stderr, '');
  assert.deepEqual(JSON.parse(stdout), {
    names: 'consent,getSessionId,getVisitorId,identify,init,isTracking,mountForm,optIn,optOut,page,track',
    started: false,
    visitor: null,
    session: null,
    tracking: false,
    window: 'undefined',
    document: 'undefined',
  });
  const manifest = JSON.parse(await readFile(path.join(project, 'node_modules/@pulsegate/sdk/package.json'), 'utf8'));
  const cargo = await readFile(path.join(root, 'Cargo.toml'), 'utf8');
  assert.equal(manifest.version, /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)[1]);
  assert.equal(manifest.sideEffects, false);
});

test('the declarations type-check an app and refuse misuse (tsc --noEmit, strict)', async () => {
  await cp(path.join(root, 'npm/test/usage.ts'), path.join(project, 'usage.ts'));
  const tsconfig = JSON.parse(await readFile(path.join(root, 'npm/test/tsconfig.json'), 'utf8'));
  // Bundler resolution (Vite, webpack, esbuild users) and Node's own (nodenext).
  for (const [module, moduleResolution] of [['ESNext', 'Bundler'], ['NodeNext', 'NodeNext']]) {
    const config = { ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, module, moduleResolution } };
    await writeFile(path.join(project, 'tsconfig.json'), JSON.stringify(config));
    await run(bin('tsc'), ['-p', project]).catch((e) => assert.fail(`${moduleResolution}: ${e.stdout}${e.stderr}`));
  }
  // A declaration that accepted anything would leave the @ts-expect-error lines unused: an error.
  await writeFile(path.join(project, 'loose.ts'), '// @ts-expect-error\nimport { nothing } from "@pulsegate/sdk";\nvoid nothing;\n');
  await writeFile(path.join(project, 'tsconfig.json'), JSON.stringify({ ...tsconfig, files: ['loose.ts'] }));
  await run(bin('tsc'), ['-p', project]);
});

test('a Vite single-page app with the npm package: routes, track, identify and a lead form reach the worker', async () => {
  // The wasm is in a chunk of its own, loaded by init(); the app's entry stays small.
  const assets = await readdir(path.join(project, 'dist/assets'));
  const sizes = Object.fromEntries(await Promise.all(assets.map(async (f) => [f, (await stat(path.join(project, 'dist/assets', f))).size])));
  const big = assets.filter((f) => sizes[f] > 50_000);
  assert.equal(big.length, 1, `one chunk holds the wasm: ${JSON.stringify(sizes)}`);
  assert.ok(assets.every((f) => f.endsWith('.js')), `no extra file to serve: ${assets}`);
  const entry = assets.find((f) => f !== big[0]);
  assert.ok(sizes[entry] < 8_000, `entry ${entry} is ${sizes[entry]} B`);

  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const seen = watch(page);
    const idle = inFlight(page);
    // A person's pace: the SDK looks at a URL change 50 ms after it (a burst of history calls
    // within that is one pageview), so each route is shown a moment before the next click.
    const route = async (title) => {
      await page.waitForFunction((t) => document.title.startsWith(t), title);
      await page.waitForTimeout(200);
    };
    await page.goto(`${site.url}/spa/?utm_source=npm`);
    await route('Dashboard');
    await page.click('#plans-link');
    await route('Plans');
    await page.click('#choose-pro');
    await route('Account');
    await page.click('#sign-in-button');
    await page.waitForFunction(() => document.getElementById('visitor').textContent.includes('Visitor'));
    const shown = await page.textContent('#visitor');
    await page.click('#home-link');
    await route('Dashboard');
    await page.goBack();
    await route('Account');
    // The lead form, mounted by the package's mountForm() on a client-side route.
    await page.click('#quote-link');
    await route('Quote');
    const form = page.locator('#quote-form');
    await form.locator('form button').waitFor();
    await form.locator('[name=name]').fill('Ada Lovelace');
    await form.locator('[name=email]').fill('spa@example.com');
    await form.locator('[name=consent]').check();
    await page.waitForTimeout(2100); // the form's minimum fill time: a person is slower
    await form.locator('button').click();
    await form.locator('.ok').waitFor();
    await idle();
    await page.close({ runBeforeUnload: true });

    const origin = site.url;
    const session = await waitForSession(
      state,
      'the app\'s session in R2',
      (url) => url.startsWith(`${origin}/spa/`),
      (s) => s.events.filter((e) => e.type === 'pageview').length === 6 && s.events.some((e) => e.type === 'identify'),
    );
    assert.equal(session.meta.page.url, `${origin}/spa/?utm_source=npm`);
    assert.deepEqual(session.meta.utm, { source: 'npm' });
    const lines = session.events.map((e) => describe(e, origin)).filter((l) => /^(pageview|custom|identify)/.test(l));
    assert.deepEqual(lines, [
      'pageview /spa/?utm_source=npm',
      'pageview /spa/plans',
      'custom plan_selected',
      'pageview /spa/account',
      'identify C-1042',
      'pageview /spa/',
      'pageview /spa/account',
      'pageview /spa/quote',
    ]);
    const custom = session.events.find((e) => e.type === 'custom');
    assert.deepEqual(custom.props, { plan: 'pro', monthly: 49 });
    assert.deepEqual(session.events.find((e) => e.type === 'identify').traits, { plan: 'pro' });
    assert.deepEqual(session.events.filter((e) => e.type === 'pageview').map((p) => p.title), [
      'Dashboard | Brightside app', 'Plans | Brightside app', 'Account | Brightside app',
      'Dashboard | Brightside app', 'Account | Brightside app', 'Quote | Brightside app',
    ]);
    const lead = (await api(worker, '/analytics/leads')).json.leads.find((l) => l.email === 'spa@example.com');
    assert.equal(lead?.source, 'form', JSON.stringify(lead));
    const detail = (await api(worker, `/analytics/leads/${lead.id}`)).json;
    assert.equal(detail.submissions[0].session_id, session.id, 'the lead is linked to the app\'s session');
    assert.equal(shown, `Signed in. Visitor ${session.meta.visitor_id}`, 'getVisitorId() is the stored visitor');
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.console, []);
  } finally {
    await browser.close();
  }
});

test('esbuild bundles the package with no plugin or loader setting, and it runs; number ids arrive as text', async () => {
  const { build } = await import('esbuild');
  const dir = path.join(project, 'dist/esbuild');
  // identify(42) is queued before the wasm runs, identify(7.5) called once it does: the package
  // hands both over as text, the only ids the wasm takes.
  await writeFile(path.join(project, 'esbuild-entry.js'), `
    import { init, track, identify, isTracking } from '@pulsegate/sdk';
    window.result = init({ siteKey: 'demo', endpoint: document.querySelector('meta').content })
      .then((ok) => { track('bundled_by', { bundler: 'esbuild' }); identify(7.5); return ok && isTracking(); });
    identify(42, { plan: 'pro' });`);
  await build({ entryPoints: [path.join(project, 'esbuild-entry.js')], bundle: true, format: 'esm', splitting: true, outdir: dir, logLevel: 'error' });
  await writeFile(path.join(dir, 'index.html'),
    `<!doctype html><meta name="pulsegate-endpoint" content="http://127.0.0.1:8787"><link rel="icon" href="data:,"><title>esbuild</title><script type="module" src="esbuild-entry.js"></script>`);
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const seen = watch(page);
    await page.goto(`${site.url}/spa/esbuild/index.html`);
    await page.waitForFunction(() => window.result);
    assert.equal(await page.evaluate(() => window.result), true);
    await page.close({ runBeforeUnload: true });
    const session = await waitForSession(state, 'the esbuild page\'s session', (url) => url.includes('/spa/esbuild/'),
      (s) => s.events.some((e) => e.type === 'custom') && s.events.filter((e) => e.type === 'identify').length === 2);
    assert.deepEqual(session.events.find((e) => e.type === 'custom').props, { bundler: 'esbuild' });
    const ids = session.events.filter((e) => e.type === 'identify');
    assert.deepEqual(ids.map((e) => e.user_id), ['42', '7.5']);
    assert.deepEqual(ids[0].traits, { plan: 'pro' });
    assert.deepEqual(seen.errors, []);
  } finally {
    await browser.close();
  }
});

test('/pulse.js with PulseGate.init() and no endpoint tracks and renders the form, sending to the origin that served it', async () => {
  assert.notEqual(new URL(site.url).origin, new URL(worker.url).origin, 'the page is on another origin');
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const seen = watch(page);
    const idle = inFlight(page);
    const requests = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/track/') || url.pathname === '/lead.capture' || url.pathname.startsWith('/sdk/')) requests.push(`${url.origin} ${url.pathname}`);
    });
    await page.goto(`${site.url}/pulse.html?utm_source=pulse`);
    await trackerRunning(page, seen, `requests: ${requests.join(', ')}`);
    await page.click('#brochure');
    // The form "quote", rendered with the site key init() got, sends a lead linked to the session.
    const form = page.locator('[data-pulsegate-form]');
    await formShown(page, form, seen);
    await form.locator('[name=name]').fill('Grace Hopper');
    await form.locator('[name=email]').fill('pulse.js@example.com');
    await form.locator('[name=consent]').check();
    await page.waitForTimeout(2100); // the form's minimum fill time: a person is slower
    await form.locator('button').click();
    await form.locator('.ok').waitFor();
    const sessionId = await page.evaluate(() => PulseGate.getSessionId());
    await idle();
    await page.close({ runBeforeUnload: true });

    const session = await waitForSession(state, 'the pulse.js session', (url) => url.includes('/pulse.html'),
      (s) => s.events.some((e) => e.type === 'custom'));
    assert.equal(session.id, sessionId);
    assert.deepEqual(session.events.map((e) => describe(e, site.url)).filter((l) => /^(pageview|custom)/.test(l)),
      ['pageview /pulse.html?utm_source=pulse', 'custom brochure_download']);
    const lead = (await api(worker, '/analytics/leads')).json.leads.find((l) => l.email === 'pulse.js@example.com');
    assert.equal(lead?.source, 'form', JSON.stringify(lead));
    const detail = (await api(worker, `/analytics/leads/${lead.id}`)).json;
    assert.equal(detail.submissions[0].session_id, sessionId, 'the lead is linked to the tracked session');
    // One script, one chunk, one wasm, everything sent to the origin that served pulse.js.
    const sdk = requests.filter((r) => r.includes(' /sdk/'));
    assert.equal(sdk.length, 2, sdk.join('\n'));
    assert.ok(requests.every((r) => r.startsWith(`${worker.url} `)), requests.join('\n'));
    assert.ok(requests.some((r) => r.endsWith('/lead.capture')) && requests.some((r) => r.endsWith('/track/session/start')));
    assert.deepEqual(seen.errors, []);
  } finally {
    await browser.close();
  }
  // /tracker.js and /form.js still work alone.
  for (const script of ['/tracker.js', '/form.js', '/pulse.js']) {
    const res = await fetch(`${worker.url}${script}`);
    assert.equal(res.status, 200, script);
    assert.match(res.headers.get('content-type'), /javascript/);
  }
});

test('/pulse.js under Global Privacy Control: nothing tracked, the lead form still rendered', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const seen = watch(page);
    const tracked = [];
    page.on('request', (r) => { if (r.url().includes('/track/')) tracked.push(r.url()); });
    await page.goto(`${site.url}/pulse.html`);
    await formShown(page, page.locator('[data-pulsegate-form]'), seen);
    await page.click('#brochure');
    assert.equal(await page.evaluate(() => window.PulseGate.tracking), false);
    assert.equal(await page.evaluate(() => window.PulseGate.getSessionId()), null);
    await page.waitForTimeout(300);
    assert.deepEqual(tracked, []);
    assert.deepEqual(seen.errors, []);
  } finally {
    await browser.close();
  }
});

test('the server-side examples capture a lead with an integration key (curl and Node)', async () => {
  const made = await api(worker, '/analytics/integrations', { method: 'POST', body: { name: 'Example server', site_key: 'demo' } });
  assert.ok(made.res.ok, made.text);
  const env = { ...process.env, PULSEGATE_URL: worker.url, PULSEGATE_KEY: made.json.key };
  const node = await run(process.execPath, [path.join(root, 'examples/server/capture.mjs')], { env });
  assert.match(node.stdout, /^lead ld_[0-9a-f]{32}\n$/);
  const curl = await run('sh', [path.join(root, 'examples/server/capture.sh')], { env });
  const answer = JSON.parse(curl.stdout);
  assert.equal(answer.ok, true);
  assert.match(answer.lead_id, /^ld_[0-9a-f]{32}$/);
  // A wrong key is a clear error, not a lead.
  const refused = await run(process.execPath, [path.join(root, 'examples/server/capture.mjs')], { env: { ...env, PULSEGATE_KEY: `pgi_${'0'.repeat(40)}` } })
    .then(() => null, (e) => e.stderr);
  assert.match(refused, /401 unauthorized: invalid integration key/);
  // Both submissions of the same person are one lead with two submissions, from the API.
  const leads = (await api(worker, '/analytics/leads')).json.leads.filter((l) => l.email === 'ada@example.com');
  assert.equal(leads.length, 1, JSON.stringify(leads));
  assert.deepEqual([leads[0].source, leads[0].submission_count, leads[0].form_id], ['api', 2, 'quote']);
});
