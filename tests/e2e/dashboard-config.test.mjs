// What a misconfigured worker does: without ANALYTICS_API_KEY admin access is off (never open)
// and the deep health check says so; without IP_HASH_SALT the admin's deep health check says so.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, ADMIN_KEY, LEGACY_MARKETING_KEY } from '../support/worker.mjs';
import { api } from '../support/sites.mjs';

const workers = [];
after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

test('without ANALYTICS_API_KEY nothing admin opens, whatever key is sent', async () => {
  const worker = await startWorker({ secrets: { ANALYTICS_API_KEY: null } });
  workers.push(worker);
  for (const key of [null, '', ADMIN_KEY, 'undefined', 'null', `pgm_${'0'.repeat(40)}`]) {
    const r = await api(worker, '/analytics/settings', { key });
    assert.equal(r.res.status, 401, `key ${JSON.stringify(key)}: ${r.text}`);
    assert.equal(r.res.headers.get('www-authenticate'), 'Bearer');
  }
  const told = await api(worker, '/analytics/keys', { key: ADMIN_KEY });
  assert.match(told.json.error.message, /admin access is off.*ANALYTICS_API_KEY/);
  const deep = await api(worker, '/health?deep=1', { key: ADMIN_KEY });
  assert.equal(deep.res.status, 401);
  assert.match(deep.json.error.message, /admin access is off.*ANALYTICS_API_KEY/);
  assert.equal((await fetch(`${worker.url}/health`)).status, 200, 'the public health check stays up');
  // The legacy marketing key still works on its pages, and only there.
  assert.equal((await api(worker, '/analytics/me', { key: LEGACY_MARKETING_KEY })).res.status, 200);
  assert.equal((await api(worker, '/analytics/settings', { key: LEGACY_MARKETING_KEY })).res.status, 403);
});

test('an empty ANALYTICS_API_KEY is no key at all', async () => {
  const worker = await startWorker({ secrets: { ANALYTICS_API_KEY: '' } });
  workers.push(worker);
  const r = await api(worker, '/analytics/settings', { key: null, headers: { authorization: 'Bearer ' } });
  assert.equal(r.res.status, 401, r.text);
  assert.equal((await api(worker, '/analytics/settings', { key: ' ' })).res.status, 401);
});

test('without IP_HASH_SALT the deep health check reports it, and nothing else is wrong', async () => {
  const worker = await startWorker({ vars: { IP_HASH_SALT: null } });
  workers.push(worker);
  const deep = await api(worker, '/health?deep=1');
  assert.equal(deep.res.status, 503, deep.text);
  assert.equal(deep.json.status, 'degraded');
  const failed = deep.json.checks.filter((c) => !c.ok);
  assert.deepEqual(failed.map((c) => c.name), ['ip_hash_salt']);
  assert.match(failed[0].error, /IP_HASH_SALT is not set/);
  assert.equal((await fetch(`${worker.url}/health`)).status, 200);
});
