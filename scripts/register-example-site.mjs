// Registers the example site with a running worker (cargo xtask dev runs this): site key `demo`,
// allowed on the example site's origin, with the admin key from worker/.dev.vars.
// Usage: node scripts/register-example-site.mjs --api http://127.0.0.1:8787 --site http://127.0.0.1:8080
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerSite, hostOf } from '../tests/support/sites.mjs';

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
