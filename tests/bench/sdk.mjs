// `cargo xtask bench sdk`: the SDK's fingerprint against FingerprintJS 5.2.0's `load().get()`, on
// the same page in the same headless Chromium, unthrottled and at 4× CPU throttling (CDP), with
// the longest main-thread task (PerformanceObserver "longtask") and id stability over reloads.
// Prints a report; asserts nothing (machines are noisy): the numbers go in the notes.
//
// Environment: RUNS (default 15) runs per configuration, RELOADS (default 20) for stability.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker } from '../support/worker.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { servePages } from '../support/pages.mjs';
import { registerSite } from '../support/sites.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.RUNS ?? 15);
const RELOADS = Number(process.env.RELOADS ?? 20);
const fpjs = await readFile(path.join(root, 'node_modules/@fingerprintjs/fingerprintjs/dist/fp.min.js'), 'utf8');
const fpjsVersion = JSON.parse(await readFile(path.join(root, 'node_modules/@fingerprintjs/fingerprintjs/package.json'), 'utf8')).version;

const worker = await startWorker();
await registerSite(worker, { siteKey: 'demo' });
// The same page for both: some text, then either the PulseGate tag or FingerprintJS.
const body = '<h1>Bench</h1>' + '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(50);
const site = await servePages({
  '/pulsegate.html': `<!doctype html><title>bench</title>${body}<script src="${worker.url}/tracker.js" data-site-key="demo"></script>`,
  '/fpjs.html': `<!doctype html><title>bench</title>${body}<script src="/fp.min.js"></script>
    <script>
      window.__result = (async () => {
        const started = performance.now();
        const agent = await FingerprintJS.load({ monitoring: false });
        const result = await agent.get();
        return { wallMs: performance.now() - started, id: result.visitorId };
      })();
    </script>`,
  '/fp.min.js': fpjs,
});

/** Records long tasks from the start of every page, and starts each page as a new session. */
const observeLongTasks = () => {
  localStorage.removeItem('pulsegate.session');
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
};

/**
 * Evaluates `expression` in the page through CDP, awaiting its promise. Not `page.evaluate` or
 * `page.waitForFunction`: Playwright compiles its injected script into the page's main world on
 * first use, a main-thread task of 25-80 ms at 4× throttling that the long-task observer would
 * count against whatever the page runs.
 */
const evaluate = async (cdp, expression) => {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate',
    { expression, awaitPromise: true, returnByValue: true });
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  return result.value;
};

// Waits in the page (a 50 ms poll, so no injected script) until the fingerprint is done.
const PULSEGATE_RESULT = `new Promise((resolve, reject) => {
  const deadline = Date.now() + 30000;
  const poll = () => {
    const fingerprint = window.PulseGate?._state?.()?.fingerprint;
    if (fingerprint) {
      resolve({
        wallMs: fingerprint.wallMs, busyMs: fingerprint.ms, id: fingerprint.id,
        sourceMs: fingerprint.sourceMs, sourceTaskMs: fingerprint.sourceTaskMs,
      });
    } else if (Date.now() > deadline) {
      reject(new Error('no fingerprint in 30 s'));
    } else {
      setTimeout(poll, 50);
    }
  };
  poll();
})`;

async function measure(page, cdp, which) {
  await page.goto(`${site.url}/${which}.html`);
  const result = await evaluate(cdp, which === 'pulsegate' ? PULSEGATE_RESULT : 'window.__result');
  // Let a last task finish and be reported.
  await new Promise((resolve) => setTimeout(resolve, 100));
  result.longest = Math.max(0, ...(await evaluate(cdp, 'window.__longTasks')));
  return result;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const loadBefore = os.loadavg();
const report = [];
const browser = await launchBrowser();
for (const throttle of [1, 4]) {
  const rows = {};
  for (const which of ['pulsegate', 'fpjs']) {
    const results = [];
    // Interleaving is not needed: one page per run, in the same browser, same throttling.
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.context.newPage();
      await page.addInitScript(observeLongTasks);
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
      results.push(await measure(page, cdp, which));
      await page.close();
    }
    const perSource = (key, summary) => Object.fromEntries(Object.keys(results[0][key])
      .map((name) => [name, summary(results.map((r) => r[key][name] ?? 0))]));
    rows[which] = {
      sources: which === 'pulsegate' ? perSource('sourceMs', median) : null,
      // The longest task each source ran in (the slice, as the runner timed it): median and max.
      tasks: which === 'pulsegate'
        ? { median: perSource('sourceTaskMs', median), max: perSource('sourceTaskMs', (v) => Math.max(...v)) }
        : null,
      wall: median(results.map((r) => r.wallMs)),
      busy: which === 'pulsegate' ? median(results.map((r) => r.busyMs)) : null,
      longest: Math.max(...results.map((r) => r.longest)),
      longestMedian: median(results.map((r) => r.longest)),
      ids: new Set(results.map((r) => r.id)).size,
    };
  }
  report.push({ throttle, ...rows });
}

// Stability: RELOADS reloads of one page in one profile, each a new session.
const stability = {};
for (const which of ['pulsegate', 'fpjs']) {
  const page = await browser.context.newPage();
  await page.addInitScript(observeLongTasks);
  const cdp = await browser.context.newCDPSession(page);
  const ids = [];
  for (let i = 0; i < RELOADS; i++) ids.push((await measure(page, cdp, which)).id);
  stability[which] = ids.filter((id) => id === ids[0]).length;
  await page.close();
}
await browser.close();
await site.close();
await worker.stop();

const ms = (n) => (n == null ? '—' : `${n.toFixed(1)} ms`);
console.log(`\nFingerprint, median of ${RUNS} runs each, same page, same headless Chromium (FingerprintJS ${fpjsVersion}: load().get()):`);
console.log(`${'CPU'.padEnd(6)}${'PulseGate wall'.padStart(16)}${'(main thread)'.padStart(15)}${'FingerprintJS'.padStart(15)}${'ratio'.padStart(8)}${'longest task PG / FPJS: median, max of runs'.padStart(50)}`);
for (const row of report) {
  const ratio = row.pulsegate.wall / row.fpjs.wall;
  const longest = (r) => `${ms(r.longestMedian)}, ${ms(r.longest)}`;
  console.log(`${`${row.throttle}×`.padEnd(6)}${ms(row.pulsegate.wall).padStart(16)}${ms(row.pulsegate.busy).padStart(15)}${ms(row.fpjs.wall).padStart(15)}${ratio.toFixed(2).padStart(7)}x${`${longest(row.pulsegate)} / ${longest(row.fpjs)}`.padStart(50)}`);
}
console.log('\nPulseGate main-thread ms per source (median): ' + report.map((row) =>
  `${row.throttle}×: ${Object.entries(row.pulsegate.sources).map(([n, v]) => `${n} ${v.toFixed(1)}`).join(', ')}`).join('\n  '));
console.log('\nPulseGate longest task per source, ms (median / max of runs): ' + report.map((row) =>
  `${row.throttle}×: ${Object.keys(row.pulsegate.tasks.max).map((n) => `${n} ${row.pulsegate.tasks.median[n].toFixed(1)}/${row.pulsegate.tasks.max[n].toFixed(1)}`).join(', ')}`).join('\n  '));
console.log(`\nSame id on ${RELOADS} reloads of one profile: PulseGate ${stability.pulsegate}/${RELOADS}, FingerprintJS ${stability.fpjs}/${RELOADS}`);
console.log(`Distinct ids across the timed runs (1 means stable): ${report.map((r) => `${r.throttle}×: PulseGate ${r.pulsegate.ids}, FingerprintJS ${r.fpjs.ids}`).join('; ')}`);
const load = (l) => l.map((n) => n.toFixed(2)).join(' ');
console.log(`Load average (1, 5, 15 min) before: ${load(loadBefore)}; after: ${load(os.loadavg())}`);
console.log('Goal: PulseGate ≤ 0.5× FingerprintJS at both throttles, no task over 50 ms, 20/20 stable.');
