// A fetch for requests to test workers: a deadline, and one resend of what wrangler dev's proxy dropped.
//
// Requests a suite sends to its workers pass through wrangler dev's proxy (a second workerd that
// forwards to the worker over pooled HTTP connections). When a pooled connection is reused at the
// moment both ends' 5 s idle timers close it, the forward fails, and wrangler 4.86's proxy takes
// that for a worker reload (it compares the request's whole URL with the worker's bare origin): a
// GET or HEAD is parked until a reload that never comes, any other method is answered 503 "Your
// worker restarted mid-request." (workers-sdk #14641; later wrangler releases compare origins but
// need a newer Node). Neither reached the worker, so each is sent once more, with a note on
// stderr. A request still unanswered fails naming itself, with the end of the worker's log,
// instead of undici's bare "fetch failed" after 300 s.

/** How long a test's request to a worker may go unanswered before it is given up on. */
export const ANSWER_TIMEOUT_MS = 60_000;
/** The start of what wrangler dev's proxy answers a non-GET request it could not forward. */
export const PROXY_DROPPED = 'Your worker restarted mid-request.';

/**
 * Wraps `fetch`: requests whose origin `logOf(origin)` knows (it returns that worker's log, an
 * array of chunks) get the deadline and the resend; others, and those with their own `signal`,
 * pass through untouched.
 */
export function withDeadline({ fetch, logOf, timeoutMs = ANSWER_TIMEOUT_MS, note = (line) => process.stderr.write(`# ${line}\n`) }) {
  return async function fetchWithDeadline(input, init = {}) {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const log = logOf(url.origin);
    if (!log || init.signal || input instanceof Request) return fetch(input, init);
    const method = (init.method ?? 'GET').toUpperCase();
    const what = `${method} ${url.pathname}${url.search}`.slice(0, 300);
    const resendable = init.body == null || typeof init.body === 'string' || init.body instanceof Uint8Array;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let res;
      try {
        res = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        if (err?.name !== 'TimeoutError') throw err;
        if (attempt === 1 && (method === 'GET' || method === 'HEAD')) {
          note(`${what}: no answer in ${Date.now() - started} ms (parked by wrangler dev's proxy); sent again`);
          continue;
        }
        const tail = log.join('').replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(-80).join('\n');
        throw new Error(`${what}: no answer from the worker in ${Date.now() - started} ms\n`
          + `--- the worker's last log lines ---\n${tail}`);
      }
      if (attempt === 1 && resendable && res.status === 503 && res.headers.get('retry-after') === '0'
        && (await res.clone().text()).startsWith(PROXY_DROPPED)) {
        note(`${what}: wrangler dev's proxy could not forward it; sent again`);
        continue;
      }
      return res;
    }
  };
}
