// The dashboard API from tests: authenticated calls, and registering the sites a test tracks.
import assert from 'node:assert/strict';
import { ADMIN_KEY } from './worker.mjs';

/**
 * Calls the worker's API and returns `{ res, json, text }`. `key` goes in `Authorization:
 * Bearer` (pass `header: 'x-api-key'` for the other form); `body` is sent as JSON.
 */
export async function api(worker, path, { key = ADMIN_KEY, method = 'GET', body, headers = {}, header = 'authorization' } = {}) {
  const h = { ...headers };
  if (key) h[header] = header === 'authorization' ? `Bearer ${key}` : key;
  if (body !== undefined) h['content-type'] ??= 'application/json';
  const res = await fetch(`${worker.url}${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { res, json, text };
}

/**
 * Registers (or updates) a site through the admin API: `PUT /analytics/sites/{siteKey}` with its
 * allowed domains (hosts such as `127.0.0.1:8080`; none means anywhere).
 */
export async function registerSite(worker, { siteKey, name = siteKey, domains = [], timezone } = {}, key = ADMIN_KEY) {
  const body = { name, domains, ...(timezone ? { timezone } : {}) };
  const { res, json, text } = await api(worker, `/analytics/sites/${encodeURIComponent(siteKey)}`, { method: 'PUT', body, key });
  assert.ok(res.status === 200 || res.status === 201, `registering ${siteKey}: ${res.status} ${text}`);
  return json;
}

/** The host (and port) of an origin URL, as a site domain: `http://127.0.0.1:8080` → `127.0.0.1:8080`. */
export const hostOf = (url) => new URL(url).host;
