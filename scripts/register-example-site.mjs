// Registers the example site with a running worker (cargo xtask dev runs this): site key `demo`,
// allowed on the example site's origin, its lead form `quote` (examples/site/quote.html), and an
// integration key for the server-side example (examples/server; made once, kept in the state
// directory), with the admin key from worker/.dev.vars.
// Usage: node scripts/register-example-site.mjs --api http://127.0.0.1:8787 --site http://127.0.0.1:8080 [--state .state/dev]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, registerSite, hostOf } from '../tests/support/sites.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) throw new Error(`--${name} is required`);
  return process.argv[i + 1];
};
const url = arg('api');
const site = arg('site');

const vars = await readFile(path.join(root, 'worker/.dev.vars'), 'utf8');
const key = /^ANALYTICS_API_KEY=(.*)$/m.exec(vars)?.[1]?.trim();
if (!key) throw new Error('worker/.dev.vars has no ANALYTICS_API_KEY');

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/health`)).ok) break;
  } catch { /* not up yet */ }
  if (i > 480) throw new Error(`the worker at ${url} did not start`);
  await new Promise((r) => setTimeout(r, 250));
}
const registered = await registerSite({ url }, { siteKey: 'demo', name: 'Brightside Solar (example)', domains: [hostOf(site)] }, key);
console.log(`registered site "demo" for ${registered.domains.join(', ')} (admin key from worker/.dev.vars)`);

// The lead form of examples/site/quote.html (PUT creates or replaces it).
const form = JSON.parse(await readFile(path.join(root, 'examples/quote-form.json'), 'utf8'));
const saved = await api({ url }, '/analytics/forms/quote', { key, method: 'PUT', body: form });
if (saved.res.status !== 200 && saved.res.status !== 201) throw new Error(`cannot save the example form: ${saved.text}`);
console.log('saved lead form "quote" of site "demo" (examples/site/quote.html)');

// The server-side example's integration key: shown once when made, so kept in the state directory.
const stateArg = process.argv.indexOf('--state');
if (stateArg > 0) {
  const file = path.join(process.argv[stateArg + 1], 'example-integration-key');
  let stored = (await readFile(file, 'utf8').catch(() => '')).trim();
  const live = stored && (await api({ url }, '/analytics/integrations', { key })).json?.integrations
    ?.some((i) => stored.startsWith(i.key_prefix) && !i.revoked_at);
  if (!live) {
    const made = await api({ url }, '/analytics/integrations', { method: 'POST', body: { name: 'Example server', site_key: 'demo' }, key });
    if (!made.res.ok) throw new Error(`cannot make an integration key: ${made.res.status} ${made.text}`);
    stored = made.json.key;
    await writeFile(file, `${stored}\n`, { mode: 0o600 });
  }
  console.log(`integration key for examples/server: PULSEGATE_KEY=$(cat ${file})`);
}
