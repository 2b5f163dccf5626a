// Reads a local wrangler state directory (D1, KV, R2) through wrangler's own platform proxy.
//
// The proxy is a second workerd process on the same SQLite files as the running `wrangler dev`.
// A long-lived proxy can keep reading an old snapshot while the worker writes (and a read that
// collides with a write fails with "internal error"), so every call here opens a fresh proxy,
// retries a colliding read, and closes the proxy again: slower (about half a second per call),
// but always current. Batch reads with `getJsonMany` and wait on the worker's log lines rather
// than polling D1.
import { getPlatformProxy } from 'wrangler';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `fn(env)` on a fresh proxy of `persistDir`, retrying reads that collide with a write. */
async function withProxy(persistDir, fn) {
  for (let attempt = 1; ; attempt++) {
    const proxy = await getPlatformProxy({
      configPath: path.join(root, 'worker/wrangler.toml'),
      persist: { path: path.join(persistDir, 'v3') },
    });
    try {
      return await fn(proxy.env);
    } catch (err) {
      if (attempt >= 5 || !/internal error|SQLITE_BUSY|database is locked/i.test(String(err))) throw err;
    } finally {
      await proxy.dispose();
    }
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
}

async function listAll(bucket, prefix) {
  const keys = [];
  let cursor;
  do {
    const page = await bucket.list({ prefix, cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}

/**
 * Opens the bindings of `worker/wrangler.toml` over the state that `wrangler dev --persist-to dir`
 * keeps, so tests read what the running worker wrote.
 */
export async function openState(persistDir) {
  const use = (fn) => withProxy(persistDir, fn);
  return {
    /** Rows of a D1 query. */
    query: (sql, ...params) => use(async ({ DB }) => (await DB.prepare(sql).bind(...params).all()).results),
    /** Every R2 key under `prefix`, sorted. */
    listKeys: (prefix) => use(({ TRACKING_R2 }) => listAll(TRACKING_R2, prefix)),
    /** How many R2 objects are under `prefix` (paging past 1,000 like any client must). */
    countKeys: (prefix) => use(async ({ TRACKING_R2 }) => (await listAll(TRACKING_R2, prefix)).length),
    /** An R2 object's body parsed as JSON, or null when absent. */
    getJson: (key) => use(async ({ TRACKING_R2 }) => {
      const obj = await TRACKING_R2.get(key);
      return obj ? JSON.parse(await obj.text()) : null;
    }),
    /** Every object under `prefix` whose key passes `keep`, parsed, in key order. */
    getJsonMany: (prefix, keep = () => true) => use(async ({ TRACKING_R2 }) => {
      const keys = (await listAll(TRACKING_R2, prefix)).filter(keep);
      return Promise.all(keys.map(async (key) => ({ key, body: JSON.parse(await (await TRACKING_R2.get(key)).text()) })));
    }),
    /** Writes R2 objects (to seed data for cron tests): `[key, body]` pairs. */
    putMany: (entries) => use(async ({ TRACKING_R2 }) => {
      for (let i = 0; i < entries.length; i += 100) {
        await Promise.all(entries.slice(i, i + 100).map(([key, body]) => TRACKING_R2.put(key, body)));
      }
    }),
    /** Writes one R2 object. */
    put: (key, body) => use(async ({ TRACKING_R2 }) => { await TRACKING_R2.put(key, body); }),
    /** An R2 object's raw bytes, or null when absent. */
    getBytes: (key) => use(async ({ TRACKING_R2 }) => {
      const obj = await TRACKING_R2.get(key);
      return obj ? Buffer.from(await obj.arrayBuffer()) : null;
    }),
    /** Deletes an R2 object. */
    delete: (key) => use(async ({ TRACKING_R2 }) => { await TRACKING_R2.delete(key); }),
    /** Nothing to close: every call closed its own proxy. */
    dispose: async () => {},
  };
}

/** `YYYY/MM/DD`, the UTC date of `ms` as R2 keys spell it (`sessions/YYYY/MM/DD/…`). */
export const datePath = (ms) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '/');

/**
 * Polls `probe` until it returns a truthy value; bounded so a broken path fails, not hangs. A
 * probe that throws counts as "not yet" (reading local D1 while the worker writes it can fail
 * now and then with a busy database); if it never succeeds, its last error is thrown.
 */
export async function eventually(what, probe, { tries = 60, everyMs = 250 } = {}) {
  let last;
  let error;
  for (let i = 0; i < tries; i++) {
    try {
      last = await probe();
      error = undefined;
      if (last) return last;
    } catch (err) {
      error = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  if (error) throw error;
  throw new Error(`gave up waiting for ${what} (last value: ${JSON.stringify(last)})`);
}
