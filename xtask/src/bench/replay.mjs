// `cargo xtask bench replay`: PulseGate's replay chunk against @rrweb/record 2.1.6 from npm, same
// Chromium, same run (method of the replay benchmark in the performance research: CDP
// Emulation.setCPUThrottlingRate, a `longtask` PerformanceObserver, medians of >= 7 runs at 1x and
// >= 5 at 4x). Prints one JSON object on stdout; xtask formats it.
//
//   node xtask/src/bench/replay.mjs [--runs1 7] [--runs4 5] [--rows 10000]
import http from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dist = path.join(process.env.PULSEGATE_SDK_DIST ?? path.join(root, 'target/sdk-dist'), 'sdk');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = { 1: arg('runs1', 7), 4: arg('runs4', 5) };
const ROWS = arg('rows', 10000);
const MUTATION_ROWS = 2000;

const chunkName = (await readdir(dist)).find((f) => f.startsWith('replay-') && f.endsWith('.js'));
if (!chunkName) throw new Error(`no replay chunk in ${dist}: run cargo xtask build`);
const files = {
  '/rrweb-record.js': await readFile(path.join(root, 'node_modules/@rrweb/record/umd/record.min.js')),
};
for (const f of await readdir(dist)) if (f.startsWith('replay-')) files[`/sdk/${f}`] = await readFile(path.join(dist, f));

const rowsPage = (n) => `<!doctype html><html><head><meta charset="utf-8"><title>rows</title>
<style>.row{display:flex;gap:8px}</style></head><body><main id="rows">${
  Array.from({ length: n }, (_, i) => `<div class=row><span>item ${i}</span><b>x</b></div>`).join('')
}</main></body></html>`;
const pages = { '/rows': rowsPage(ROWS), '/mutations': rowsPage(MUTATION_ROWS) };

const server = http.createServer((req, res) => {
  const p = new URL(req.url, 'http://x').pathname;
  if (pages[p]) return res.writeHead(200, { 'content-type': 'text/html' }).end(pages[p]);
  if (files[p]) return res.writeHead(200, { 'content-type': p.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(files[p]);
  res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

/** A fresh page at `path` with a longtask observer, CPU throttled by `rate`. */
async function open(pagePath, rate) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await page.goto(`${origin}${pagePath}`);
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration); })
      .observe({ type: 'longtask' });
    // Below the longtask API's 50 ms floor: a message loop that measures the longest time the
    // main thread did not get back to it (the longest task, plus a little scheduling).
    window.__probe = (on) => {
      if (!on) { window.__probing = false; return; }
      window.__probing = true;
      window.__gap = 0;
      const ch = new MessageChannel();
      let last = performance.now();
      ch.port1.onmessage = () => {
        const now = performance.now();
        window.__gap = Math.max(window.__gap, now - last);
        last = now;
        if (window.__probing) ch.port2.postMessage(0);
      };
      ch.port2.postMessage(0);
    };
  });
  return { page, close: () => context.close() };
}

/** Loads a recorder's script (not timed) so the runs compare recording, not downloading. */
async function load(page, who) {
  if (who === 'rrweb') {
    await page.addScriptTag({ url: '/rrweb-record.js' });
  } else {
    await page.addScriptTag({ url: `/sdk/${chunkName}` });
    // The bench reads the recorder's JSON before any compression (as it reads rrweb's emit).
    await page.evaluate(() => { window.__CS = window.CompressionStream; window.CompressionStream = undefined; });
  }
}

/**
 * Starts recording from a page task (a timer callback, as a site's own script would: work done
 * inside a DevTools evaluation is not reported as a long task); resolves when the first full
 * snapshot is complete, with the time from the start call to then.
 */
function start(page, who) {
  return page.evaluate((who) => new Promise((resolve) => {
    window.__out = [];
    window.__probe(true);
    setTimeout(async () => {
      const t0 = performance.now();
      if (who === 'rrweb') {
        window.__stop = window.rrwebRecord.record({ emit: (e) => window.__out.push(JSON.stringify(e)) });
        const ms = performance.now() - t0;
        setTimeout(() => { window.__probe(false); resolve({ ms, gap: window.__gap }); }, 20);
        return;
      }
      await window.PulseGate.replay.start({
        endpoint: location.origin,
        session: () => ({ id: '0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c', startedAt: Date.now() }),
        send: (url, body) => window.__out.push(body),
      });
      while (!(window.PulseGate.replay.stats.events >= 2)) await new Promise((r) => setTimeout(r, 2));
      const ms = performance.now() - t0;
      setTimeout(() => { window.__probe(false); resolve({ ms, gap: window.__gap }); }, 20);
    }, 0);
  }), who);
}

/** The text the recorder emitted since `window.__out` was last cleared. */
async function emitted(page, who) {
  if (who !== 'rrweb') await page.evaluate(() => window.PulseGate.replay.flush());
  await page.waitForTimeout(50);
  return page.evaluate(async () => (await Promise.all(window.__out.map((b) => (typeof b === 'string' ? b : b.text())))).join('\n'));
}

async function heap(page) {
  return page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
}

/** Scenario B: 10k node additions + 10k attribute changes on the 2,000-row page. */
function workload(page) {
  return page.evaluate(() => new Promise((resolve) => setTimeout(async () => {
    const t0 = performance.now();
    const main = document.getElementById('rows');
    for (let i = 0; i < 1000; i++) {
      const div = document.createElement('div');
      for (let j = 0; j < 10; j++) {
        const span = document.createElement('span');
        span.textContent = `n${i}.${j}`;
        div.appendChild(span);
      }
      main.appendChild(div);
    }
    await new Promise((r) => setTimeout(r, 0));
    const rows = main.querySelectorAll('.row');
    for (let k = 0; k < 5; k++) for (const row of rows) row.setAttribute('data-k', String(k));
    await new Promise((r) => setTimeout(r, 0));
    resolve(performance.now() - t0);
  }, 0)));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

const result = { rows: ROWS, mutation_rows: MUTATION_ROWS, chunk: chunkName, runs: RUNS, snapshot: {}, mutations: {} };
for (const rate of [1, 4]) {
  for (const who of ['rrweb', 'pulsegate']) {
    const s = { longest_ms: [], longest_gap_ms: [], total_ms: [], json_bytes: [], gzip_bytes: [], heap_kb: [], client_gzip_bytes: [], client_gzip_ms: [], client_gzip_gap_ms: [], server_gzip_bytes: [] };
    for (let run = 0; run < RUNS[rate]; run++) {
      const { page, close } = await open('/rows', rate);
      await load(page, who);
      const before = await heap(page);
      const { ms, gap } = await start(page, who);
      await page.waitForTimeout(100);
      const long = await page.evaluate(() => window.__long);
      const text = await emitted(page, who);
      s.longest_ms.push(long.length ? Math.max(...long) : 0);
      s.longest_gap_ms.push(gap);
      if (who === 'pulsegate') {
        // The upload path: the snapshot's batch compressed in the browser (CompressionStream,
        // as the chunk does) and, for browsers without it, on the server (gzip level 1, as the
        // worker's flate2 "fast" does).
        const c = await page.evaluate(async (text) => {
          window.CompressionStream = window.__CS;
          const bytes = new TextEncoder().encode(text);
          window.__probe(true);
          const t0 = performance.now();
          // The uploader's own compression (pieces with yields between them).
          const gz = await window.PulseGate.replay.gzip([bytes]);
          const ms = performance.now() - t0;
          window.__probe(false);
          return { bytes: gz.byteLength, ms, gap: window.__gap };
        }, text);
        s.client_gzip_bytes.push(c.bytes);
        s.client_gzip_ms.push(c.ms);
        s.client_gzip_gap_ms.push(c.gap);
        s.server_gzip_bytes.push(gzipSync(text, { level: 1 }).length);
      }
      s.total_ms.push(ms);
      s.json_bytes.push(Buffer.byteLength(text));
      s.gzip_bytes.push(gzipSync(text, { level: 9 }).length);
      s.heap_kb.push(((await heap(page)) - before) / 1024);
      await close();
    }
    result.snapshot[`${who}@${rate}x`] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]));
  }
  // Round robin (none, rrweb, pulsegate, none, …): on a shared machine the load drifts, and
  // runs taken in blocks would charge the drift to whichever recorder ran in the busier block.
  const ms = Object.fromEntries(['none', 'rrweb', 'pulsegate'].map((who) => [who, { workload_ms: [], gzip_bytes: [], json_bytes: [] }]));
  for (let run = 0; run < RUNS[rate]; run++) {
    for (const who of ['none', 'rrweb', 'pulsegate']) {
      const m = ms[who];
      const { page, close } = await open('/mutations', rate);
      if (who !== 'none') {
        await load(page, who);
        await start(page, who);
        await page.waitForTimeout(200);
        await emitted(page, who);
        await page.evaluate(() => { window.__out = []; });
      }
      m.workload_ms.push(await workload(page));
      if (who !== 'none') {
        const text = await emitted(page, who);
        m.json_bytes.push(Buffer.byteLength(text));
        m.gzip_bytes.push(gzipSync(text, { level: 9 }).length);
      }
      await close();
    }
  }
  for (const [who, m] of Object.entries(ms)) {
    result.mutations[`${who}@${rate}x`] = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
  }
}
result.size = {
  pulsegate_gzip: Object.entries(files).filter(([k]) => k.startsWith('/sdk/')).reduce((n, [, b]) => n + gzipSync(b, { level: 9 }).length, 0),
  rrweb_gzip: gzipSync(files['/rrweb-record.js'], { level: 9 }).length,
};
await browser.close();
server.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
