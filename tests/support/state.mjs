// Reads a local wrangler state directory (D1, KV, R2) through wrangler's own platform proxy.
import { getPlatformProxy } from 'wrangler';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Opens the bindings of `worker/wrangler.toml` over the state that `wrangler dev --persist-to dir`
 * keeps, so tests read what the running worker wrote.
 */
export async function openState(persistDir) {
  const proxy = await getPlatformProxy({
    configPath: path.join(root, 'worker/wrangler.toml'),
    persist: { path: path.join(persistDir, 'v3') },
  });
  const { DB, TRACKING_R2 } = proxy.env;
  return {
    /** Rows of a D1 query. */
    async query(sql, ...params) {
      const { results } = await DB.prepare(sql).bind(...params).all();
      return results;
    },
    /** Every R2 key under `prefix`, sorted. */
    async listKeys(prefix) {
      const keys = [];
      let cursor;
      do {
        const page = await TRACKING_R2.list({ prefix, cursor });
        keys.push(...page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return keys.sort();
    },
    /** An R2 object's body parsed as JSON, or null when absent. */
    async getJson(key) {
      const obj = await TRACKING_R2.get(key);
      return obj ? JSON.parse(await obj.text()) : null;
    },
    /** An R2 object's raw bytes, or null when absent. */
    async getBytes(key) {
      const obj = await TRACKING_R2.get(key);
      return obj ? Buffer.from(await obj.arrayBuffer()) : null;
    },
    /** Writes an R2 object (to seed data for cron tests). */
    async put(key, body) {
      await TRACKING_R2.put(key, body);
    },
    dispose: () => proxy.dispose(),
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
