// Prints what a local PulseGate state holds: recent sessions (D1) with their aggregates and
// scores, and their R2 objects; recent leads with their webhook deliveries.
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
  // Replay batches (gzip rrweb events) share the prefix: listed, not parsed.
  const isReplay = (key) => key.endsWith('.replay.json.gz');
  const parsed = new Map((await state.getJsonMany(s.r2_prefix, (key) => !isReplay(key))).map((o) => [o.key, o.body]));
  for (const key of await state.listKeys(s.r2_prefix)) {
    const body = parsed.get(key);
    const kinds = isReplay(key) ? '  (replay: rrweb events, gzip)'
      : Array.isArray(body?.events) ? `  (${body.events.map((e) => e.type).join(', ')})`
      : key.endsWith('.lead.json') ? '  (lead marker)' : '';
    console.log(`  r2: ${key}${kinds}`);
  }
}

// Leads, their webhook deliveries and anything set aside.
const leads = await state.query(
  `SELECT l.PublicId, l.SiteKey, l.FormId, l.Email, l.Name, l.SubmissionCount, l.EngagementScore, l.SuspicionScore,
          l.IsTest, l.CrmLeadId, l.SessionId, datetime(l.UpdatedAt / 1000, 'unixepoch') AS updated,
          (SELECT count(*) FROM MakeWebhookSends w WHERE w.LeadId = l.Id) AS delivered,
          (SELECT count(*) FROM WebhookOutbox o WHERE o.LeadId = l.Id) AS pending,
          (SELECT count(*) FROM WebhookDeadLetters d WHERE d.LeadId = l.Id) AS dead
     FROM Leads l ORDER BY l.UpdatedAt DESC LIMIT 10`,
).catch(() => []);
if (leads.length) console.log('\nLeads (newest first):');
for (const l of leads) {
  console.log(`\n${l.updated} UTC  ${l.PublicId}  site=${l.SiteKey} form=${l.FormId}${l.IsTest ? '  [test]' : ''}`);
  console.log(`  ${l.Name ?? '(no name)'} <${l.Email ?? 'no email'}>, ${l.SubmissionCount} submission(s), engagement ${l.EngagementScore}, suspicion ${l.SuspicionScore}` +
    `${l.SessionId ? `, session ${l.SessionId}` : ''}${l.CrmLeadId ? `, CRM ${l.CrmLeadId}` : ''}`);
  console.log(`  webhooks: ${l.delivered} delivered, ${l.pending} pending, ${l.dead} dead`);
}
const aside = await state.query('SELECT Reason, count(*) AS n FROM BlockedIPLeads GROUP BY Reason').catch(() => []);
if (aside.length) console.log(`\nSet aside: ${aside.map((a) => `${a.n} ${a.Reason}`).join(', ')}`);
