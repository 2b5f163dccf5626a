// `node tests/bench/boot-trace.mjs` (after `cargo xtask build`): what the tracker's long tasks
// are. Loads the bench page (the PulseGate tag on some text) at a CPU throttling rate under a
// Chrome trace, until the fingerprint is done, and prints every main-thread task over THRESHOLD
// ms with what ran inside it (script evaluation and function calls by URL, wasm compilation,
// microtasks, timers, layout, GC), plus the time to the fingerprint.
//
// Environment: RUNS (default 5), THROTTLE (default 4), THRESHOLD (default 30 ms).
import os from 'node:os';
import { startWorker } from '../support/worker.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { servePages } from '../support/pages.mjs';
import { registerSite } from '../support/sites.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const THROTTLE = Number(process.env.THROTTLE ?? 4);
const THRESHOLD = Number(process.env.THRESHOLD ?? 30);

const worker = await startWorker();
await registerSite(worker, { siteKey: 'demo' });
const loaderText = await (await fetch(`${worker.url}/tracker.js`)).text();
console.log(`tracker.js names ${loaderText.match(/sdk\/pulsegate-\w+\.js/)?.[0]}`);
const body = '<h1>Bench</h1>' + '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(50);
const site = await servePages({
  '/pulsegate.html': `<!doctype html><title>bench</title>${body}<script src="${worker.url}/tracker.js" data-site-key="demo"></script>`,
});

const CATEGORIES = [
  'toplevel', 'devtools.timeline', 'v8', 'v8.wasm', 'blink.user_timing', 'loading',
  'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.compile',
].join(',');

/** Names worth showing inside a task, with a label from their args. */
function label(event) {
  const data = event.args?.data ?? event.args ?? {};
  const url = (data.url || data.fileName || '').replace(/^.*\//, '');
  const fn = data.functionName ? ` ${data.functionName}` : '';
  return `${event.name}${url ? ` ${url}` : ''}${fn}`;
}

const INTERESTING = /^(EvaluateScript|v8\.compile|v8\.compileModule|FunctionCall|TimerFire|RunMicrotasks|V8\.GC|MajorGC|MinorGC|Layout|UpdateLayoutTree|ParseHTML|EventDispatch|v8\.wasm\.|wasm\.|V8\.Wasm|FireAnimationFrame|Paint|HandlePostMessage|v8\.run|v8\.callFunction|ScheduleStyleRecalculation|ResourceReceivedData|ResourceFinish|XHRLoad|v8\.produceModuleCache|v8\.evaluateModule|V8\.CompileCode|V8\.DeserializeContext)/;

const browser = await launchBrowser();
const all = [];
for (let run = 0; run < RUNS; run++) {
  const page = await browser.context.newPage();
  await page.addInitScript(() => localStorage.removeItem('pulsegate.session'));
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  await page.goto(`${site.url}/pulsegate.html`);
  // Polled in the page through CDP: Playwright's own evaluation would compile its injected script
  // into the page, a long task of its own.
  const { result } = await cdp.send('Runtime.evaluate', {
    expression: `new Promise((resolve) => {
      const poll = () => {
        const fingerprint = window.PulseGate?._state?.()?.fingerprint;
        if (fingerprint) setTimeout(resolve, 200, fingerprint); else setTimeout(poll, 50);
      };
      poll();
    })`,
    awaitPromise: true, returnByValue: true, timeout: 30000,
  });
  const state = result.value;
  await cdp.send('Tracing.end');
  await done;
  await page.close();

  // The page's renderer main thread: the CrRendererMain with the most events.
  const names = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') names.set(`${e.pid}:${e.tid}`, 0);
  }
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (names.has(key)) names.set(key, names.get(key) + 1);
  }
  const main = [...names.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur != null);
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const long = tasks.filter((t) => t.dur / 1000 >= THRESHOLD).sort((a, b) => a.ts - b.ts);
  const origin = Math.min(...onMain.map((e) => e.ts));
  console.log(`\nrun ${run + 1} at ${THROTTLE}×: fingerprint wall ${state.wallMs} ms, busy ${state.ms} ms; ` +
    `${tasks.filter((t) => t.dur / 1000 > 50).length} main-thread tasks over 50 ms, longest ` +
    `${(Math.max(0, ...tasks.map((t) => t.dur)) / 1000).toFixed(1)} ms`);
  for (const task of long) {
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur &&
      INTERESTING.test(e.name) && e.dur >= 1000);
    console.log(`  task at ${((task.ts - origin) / 1000).toFixed(0)} ms: ${(task.dur / 1000).toFixed(1)} ms`);
    for (const e of inside.slice(0, 14)) {
      console.log(`    +${((e.ts - task.ts) / 1000).toFixed(1).padStart(6)} ${(e.dur / 1000).toFixed(1).padStart(6)} ms  ${label(e)}`);
    }
  }
  // Whose each task was: the tracker's (its scripts, or wasm compiling or running) or the page's
  // (parsing, layout, paint, the browser's own work).
  let tracker = 0;
  let other = 0;
  for (const task of tasks) {
    const ours = onMain.some((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur &&
      (/^(v8\.)?wasm\./i.test(e.name) || /tracker\.js|pulsegate-/.test(label(e))));
    if (ours) tracker = Math.max(tracker, task.dur / 1000);
    else other = Math.max(other, task.dur / 1000);
  }
  console.log(`  longest task with tracker code ${tracker.toFixed(1)} ms; longest other ${other.toFixed(1)} ms`);
  all.push({ tracker, other, wall: state.wallMs });
  // Wasm compilation off the main thread: where it happened.
  const wasm = events.filter((e) => /wasm/i.test(e.name) && e.ph === 'X' && e.dur >= 1000);
  const byThread = {};
  for (const e of wasm) {
    const where = `${e.pid}:${e.tid}` === main ? 'main' : 'other';
    byThread[`${e.name} (${where})`] = (byThread[`${e.name} (${where})`] ?? 0) + e.dur / 1000;
  }
  console.log('  wasm events ≥1 ms: ' + (Object.entries(byThread).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ') || 'none'));
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const summary = (key) => `median ${median(all.map((r) => r[key])).toFixed(1)} ms, max ${Math.max(...all.map((r) => r[key])).toFixed(1)} ms`;
console.log(`\n${RUNS} runs at ${THROTTLE}×, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}:`);
console.log(`  longest task with tracker code: ${summary('tracker')}`);
console.log(`  longest task without:           ${summary('other')}`);
console.log(`  fingerprint wall time:          ${summary('wall')}`);
await browser.close();
await site.close();
await worker.stop();
