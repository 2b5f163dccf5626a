// Prints what a local PulseGate state holds: recent sessions (D1) with their aggregates and
// scores, and their R2 objects.
// Usage: node scripts/show-data.mjs [.state/dev]   (cargo xtask data runs it)
import { openState } from '../tests/support/state.mjs';

const dir = process.argv[2] ?? '.state/dev';
const state = await openState(dir);
const sessions = await state.query(
  `SELECT id, site_key, datetime(started_at / 1000, 'unixepoch') AS started, landing_url, r2_prefix,
          event_count, page_views, clicks, duration_ms, engagement_score, suspicion_score, network_kind
     FROM sessions ORDER BY started_at DESC LIMIT 10`,
);
if (sessions.length === 0) console.log('No sessions yet: open the example site and click around.');
for (const s of sessions) {
  console.log(`\n${s.started} UTC  site=${s.site_key}  session=${s.id}\n  landed on ${s.landing_url}`);
  console.log(`  ${s.event_count} events, ${s.page_views} pageviews, ${s.clicks} clicks, ${Math.round(s.duration_ms / 1000)} s; ` +
    `engagement ${s.engagement_score}, suspicion ${s.suspicion_score}${s.network_kind ? ` (${s.network_kind} network)` : ''}`);
  for (const { key, body } of await state.getJsonMany(s.r2_prefix)) {
    const kinds = Array.isArray(body?.events) ? `  (${body.events.map((e) => e.type).join(', ')})` : '';
    console.log(`  r2: ${key}${kinds}`);
  }
}
