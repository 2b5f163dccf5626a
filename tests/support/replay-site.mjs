// A small site for replay tests that need no worker: the test pages, the replay chunk from the
// SDK bundle (target/sdk-dist, or $PULSEGATE_SDK_DIST), on a loopback port.
import http from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = process.env.PULSEGATE_SDK_DIST ?? path.join(root, 'target/sdk-dist');
const fixtures = path.join(root, 'tests/fixtures/replay');

/** The replay chunk's script path (`/sdk/replay-<hash>.js`). */
export async function chunkPath() {
  const name = (await readdir(path.join(dist, 'sdk'))).find((f) => f.startsWith('replay-') && f.endsWith('.js'));
  if (!name) throw new Error(`no replay chunk in ${dist}: run cargo xtask build`);
  return `/sdk/${name}`;
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };

/**
 * Serves `/<fixture>.html` from tests/fixtures/replay, `/sdk/*` from the bundle, `pages`, and,
 * with `docs`, every file under that directory at `/docs/…` (pages nobody here wrote).
 */
export function serveReplaySite(pages = {}, { docs } = {}) {
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    try {
      if (pathname === '/favicon.ico') {
        res.writeHead(204).end();
      } else if (pages[pathname]) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages[pathname]);
      } else if (pathname.startsWith('/sdk/') && /^[\w.-]+$/.test(pathname.slice(5))) {
        const body = await readFile(path.join(dist, 'sdk', pathname.slice(5)));
        const type = pathname.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
        res.writeHead(200, { 'content-type': type }).end(body);
      } else if (docs && pathname.startsWith('/docs/') && !pathname.includes('..')) {
        const file = path.join(docs, decodeURIComponent(pathname.slice(6)));
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
      } else if (/^\/[\w-]+\.html$/.test(pathname)) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(await readFile(path.join(fixtures, pathname)));
      } else {
        res.writeHead(404).end('not found');
      }
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      close: () => new Promise((r) => server.close(r)),
    }));
  });
}

/**
 * Starts the chunk on `page` with uploads captured in the page (`window.__sent`, each body as a
 * byte array or text) instead of sent.
 */
export async function startCapturedRecording(page, { sliceMs } = {}) {
  const src = await chunkPath();
  await page.addScriptTag({ url: src });
  return page.evaluate(async ({ sliceMs }) => {
    window.__sent = [];
    return window.PulseGate.replay.start({
      endpoint: location.origin,
      sliceMs,
      session: () => ({ id: '0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c', startedAt: 1764097200000 }),
      send: (url, body) => window.__sent.push(body instanceof Blob ? body.text() : Array.from(new Uint8Array(body))),
    });
  }, { sliceMs });
}

/** Waits until the page's DOM has not changed for `ms` (a page's own scripts settle at their own
 * pace on a loaded machine), so what is recorded and what is live describe the same page. */
export async function settled(page, ms = 500) {
  await page.evaluate((ms) => new Promise((resolve) => {
    let timer = setTimeout(done, ms);
    const cap = setTimeout(done, 20 * ms); // a page that never settles is compared as it is then
    const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, ms); });
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    function done() { clearTimeout(timer); clearTimeout(cap); observer.disconnect(); resolve(); }
  }), ms);
}

/** Flushes the recording and returns every uploaded batch body, decoded to bytes or text. */
export async function collectSent(page) {
  // The first full snapshot is written over many tasks: let it finish (Meta + snapshot = 2).
  await page.waitForFunction(() => window.PulseGate.replay.stats.events >= 2, null, { timeout: 15_000 });
  await page.evaluate(() => window.PulseGate.replay.flush());
  // Compression is asynchronous: wait until every batch flushed has been handed to `send`.
  await page.waitForFunction(() => window.__sent.length === window.PulseGate.replay.stats.batches, null, { timeout: 15_000 });
  const sent = await page.evaluate(() => Promise.all(window.__sent));
  return sent.map((b) => (typeof b === 'string' ? b : Buffer.from(b)));
}
