// The suites' fetch to their workers: a request wrangler dev's proxy parks or drops is sent once
// more; one that stays unanswered fails naming itself; nothing else is resent or touched.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { PROXY_DROPPED, withDeadline } from '../support/deadline.mjs';

let srv;
let origin;
/** Requests the server received, by path. */
const seen = new Map();
const notes = [];

before(async () => {
  srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const path = new URL(req.url, 'http://x').pathname;
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      if (path === '/never') return; // never answered
      if (path === '/parked-once' && n === 1) return;
      if (path === '/dropped-once' && n === 1) {
        res.writeHead(503, { 'retry-after': '0' });
        return res.end(`${PROXY_DROPPED} Please try sending the request again.`);
      }
      if (path === '/worker-503') {
        res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' });
        return res.end('{"error":{"code":"storage_unavailable","message":"x"}}');
      }
      res.end(`${req.method} ${body}`);
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${srv.address().port}`;
});

after(() => {
  srv.closeAllConnections();
  srv.close();
});

const f = () => withDeadline({
  fetch: globalThis.fetch,
  logOf: (o) => (o === origin ? ['{"ts":1,"path":"/earlier"}\n', 'last line\n'] : undefined),
  timeoutMs: 300,
  note: (line) => notes.push(line),
});

test('a parked GET is sent again and answered; a dropped POST is sent again with its body', async () => {
  const get = await f()(`${origin}/parked-once?q=1`);
  assert.equal(await get.text(), 'GET ');
  assert.equal(seen.get('/parked-once'), 2);
  const post = await f()(`${origin}/dropped-once`, { method: 'POST', body: '{"a":1}' });
  assert.equal(post.status, 200);
  assert.equal(await post.text(), 'POST {"a":1}');
  assert.equal(seen.get('/dropped-once'), 2);
  const [parked, dropped, ...rest] = notes.splice(0);
  assert.match(parked, /^GET \/parked-once\?q=1: no answer in \d+ ms \(parked by wrangler dev's proxy\); sent again$/);
  assert.equal(dropped, "POST /dropped-once: wrangler dev's proxy could not forward it; sent again");
  assert.deepEqual(rest, []);
});

test("the worker's own 503 is answered as it is, sent once", async () => {
  const res = await f()(`${origin}/worker-503`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error.code, 'storage_unavailable');
  assert.equal(seen.get('/worker-503'), 1);
});

test('an unanswered request fails naming itself with the end of the log: a GET after one resend, a POST at once', async () => {
  await assert.rejects(f()(`${origin}/never?x=2`), (err) => {
    assert.match(err.message, /^GET \/never\?x=2: no answer from the worker in \d+ ms\n--- the worker's last log lines ---\n.*\/earlier.*\nlast line/s);
    return true;
  });
  assert.equal(seen.get('/never'), 2);
  await assert.rejects(f()(`${origin}/never`, { method: 'POST', body: '{}' }), { message: /^POST \/never: no answer/ });
  assert.equal(seen.get('/never'), 3);
  assert.equal(notes.splice(0).length, 1, 'the GET\'s resend noted');
});

test('requests to other origins and requests with their own signal pass through untouched', async () => {
  const other = withDeadline({ fetch: globalThis.fetch, logOf: () => undefined, timeoutMs: 300, note: (l) => notes.push(l) });
  const started = Date.now();
  await assert.rejects(other(`${origin}/never`, { signal: AbortSignal.timeout(800) }), { name: 'TimeoutError' });
  assert.ok(Date.now() - started >= 700, 'its own deadline, not 300 ms');
  await assert.rejects(f()(`${origin}/never`, { signal: AbortSignal.timeout(800) }), { name: 'TimeoutError' });
  assert.equal(seen.get('/never'), 5, 'one request each, no resend');
  assert.deepEqual(notes, []);
});
