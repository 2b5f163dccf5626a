// Prints what a local PulseGate state holds: recent sessions (D1) and their R2 objects.
// Usage: node scripts/show-data.mjs [.state/dev]   (cargo xtask data runs it)
import { openState } from '../tests/support/state.mjs';

const dir = process.argv[2] ?? '.state/dev';
const state = await openState(dir);
try {
  const sessions = await state.query(
    `SELECT id, site_key, datetime(started_at / 1000, 'unixepoch') AS started, landing_url, r2_prefix
       FROM sessions ORDER BY started_at DESC LIMIT 10`,
  );
  if (sessions.length === 0) console.log('No sessions yet: open the example site and click around.');
  for (const s of sessions) {
    console.log(`\n${s.started} UTC  site=${s.site_key}  session=${s.id}\n  landed on ${s.landing_url}`);
    for (const key of await state.listKeys(s.r2_prefix)) {
      const body = key.endsWith('meta.json') ? null : await state.getJson(key);
      const kinds = body ? `  (${body.events.map((e) => e.type).join(', ')})` : '';
      console.log(`  r2: ${key}${kinds}`);
    }
  }
} finally {
  await state.dispose();
}
