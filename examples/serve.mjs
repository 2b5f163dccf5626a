// Serves examples/site as a customer's website would: its own origin, pointing its script tag at
// the PulseGate worker. Usage: node examples/serve.mjs [--port 8080] [--worker http://127.0.0.1:8787]
//
// - /app/… serves app.html, a single-page app that routes with the History API;
// - /pg/… is a first-party proxy to the worker (tracker.js, its chunks and /track/…), as a site
//   does to survive ad blockers: proxied.html loads the tracker from /pg/tracker.js.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const siteDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'site');
/** The worker origin written in the example pages; replaced by the one actually running. */
const PAGE_WORKER = 'http://127.0.0.1:8787';
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
/** The proxy's path prefix. */
const PROXY = '/pg/';

/** Forwards `req` to the worker under `pathname` (minus the proxy prefix). */
async function proxy(req, res, worker, pathname, search) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    const upstream = await fetch(`${worker}/${pathname.slice(PROXY.length)}${search}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'text/plain' },
      body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
    });
    const headers = {};
    for (const name of ['content-type', 'cache-control', 'etag', 'retry-after']) {
      const value = upstream.headers.get(name);
      if (value) headers[name] = value;
    }
    res.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
  } catch {
    res.writeHead(502, { 'content-type': 'text/plain' }).end('worker unreachable');
  }
}

/** Starts the site server; resolves to its origin. */
export function serveSite({ port = 0, worker = PAGE_WORKER } = {}) {
  const server = http.createServer(async (req, res) => {
    const { pathname, search } = new URL(req.url, 'http://site');
    if (pathname.startsWith(PROXY)) return proxy(req, res, worker, pathname, search);
    let rel = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    if (pathname === '/app' || pathname.startsWith('/app/')) rel = '/app.html';
    const file = path.join(siteDir, path.normalize(rel));
    if (!file.startsWith(siteDir + path.sep)) {
      res.writeHead(400).end('bad path');
      return;
    }
    try {
      let body = await readFile(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      if (type.startsWith('text/html')) body = body.toString().replaceAll(PAGE_WORKER, worker);
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      // Browsers keep idle connections open; closing must not wait for them.
      const close = () => new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { url } = await serveSite({ port: Number(arg('port', 8080)), worker: arg('worker', PAGE_WORKER) });
  console.log(`example site on ${url}/ (script tag -> ${arg('worker', PAGE_WORKER)})`);
}
