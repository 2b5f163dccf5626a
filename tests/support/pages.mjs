// A throwaway site for test-specific pages: served from a real loopback origin (pages fulfilled by
// Playwright's routing count as public, and Chromium's Local Network Access then refuses their
// requests to the loopback worker), with the headers a test asks for (a strict CSP, say).
import http from 'node:http';

/**
 * Serves `pages` (`{ '/path.html': html }`, or a function of the path returning html or null; a
 * path ending in `.js` is served as JavaScript); `headers` are added to every page. Resolves to
 * `{ url, close }`.
 */
export function servePages(pages, headers = {}) {
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://pages');
    // Browsers ask for one; a 404 would be logged to the console of every page.
    if (pathname === '/favicon.ico') return res.writeHead(204).end();
    const body = typeof pages === 'function' ? pages(pathname) : pages[pathname];
    if (body == null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = pathname.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      // Browsers keep idle connections open; closing must not wait for them.
      const close = () => new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close });
    });
  });
}
