// `cargo xtask bench analytics`: seeds 100,000 sessions (and rollups for 1,000,000 events) into a
// fresh local D1, then times every /analytics/* report through a real wrangler dev (p50 of 20)
// and prints D1's own query plans. For each statement it also times, on the same data in the same
// run, the same SQL with the indexes disabled (`NOT INDEXED`, a full scan): the ratio says what
// the indexes buy. Each report is timed twice: before the hourly rollups exist and after the
// */10 cron (through wrangler's scheduled handler, as production runs it) has built them; the
// two answers must be the same. A report, not a test: nothing here fails on a number.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { startWorker } from '../tests/support/worker.mjs';
import { openState } from '../tests/support/state.mjs';
import { api, registerSite } from '../tests/support/sites.mjs';

const SESSIONS = 100_000;
const DAYS = 30;
const RUNS = 20;
const GOAL_MS = 50;
const DAY = 86_400_000;
const now = Date.now();
const to = now - (now % DAY) + DAY;
const from = to - DAYS * DAY;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const p90 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)]; };
const ms = (x) => x.toFixed(1);

/** Documented bounds (API docs): visitors through sketches within 5 %, the median within 2 % or 50 ms. */
const VISITOR_BOUND = 0.05;
const MEDIAN_BOUND = 0.02;
/** Whether `after` equals `exact` but for visitor counts and the median, each within its bound. */
function approxSame(exact, after) {
  let worstVisitors = 0;
  let worstMedian = 0;
  let ok = true;
  const walk = (a, b) => {
    if (Array.isArray(a) || (a && typeof a === 'object')) {
      if (typeof b !== 'object' || b === null || Object.keys(a).length !== Object.keys(b).length) { ok = false; return; }
      for (const key of Object.keys(a)) {
        if (key === 'visitors' && typeof a[key] === 'number') {
          const err = a[key] ? Math.abs(b[key] - a[key]) / a[key] : Number(b[key] !== 0);
          worstVisitors = Math.max(worstVisitors, err);
          if (Math.abs(b[key] - a[key]) > Math.ceil(a[key] * VISITOR_BOUND)) ok = false;
        } else if (key === 'median_duration_ms') {
          const d = Math.abs(b[key] - a[key]);
          worstMedian = Math.max(worstMedian, a[key] ? d / a[key] : 0);
          if (d > 50 && d > a[key] * MEDIAN_BOUND) ok = false;
        } else {
          walk(a[key], b[key]);
        }
      }
    } else if (a !== b) {
      ok = false;
    }
  };
  walk(exact, after);
  return { ok, worstVisitors, worstMedian };
}

const loadBefore = os.loadavg()[0];
const worker = await startWorker();
const state = await openState(worker.state);
try {
  await registerSite(worker, { siteKey: 'bench', name: 'Bench', timezone: 'Europe/Berlin' });
  await registerSite(worker, { siteKey: 'other', name: 'Other site' });

  // ---- seed -------------------------------------------------------------------------------
  const seedStarted = performance.now();
  const seq = (n) => `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${n - 1})`;
  const statements = [
    `${seq(SESSIONS)}
     INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url, visitor_key,
       consent, landing_path, exit_path, referrer_host, utm_source, utm_medium, utm_campaign, device_class, browser,
       os, country, timezone, duration_ms, page_views, event_count, engaged_ms, custom_events, engagement_score,
       suspicion_score, lead_count, aggregated_at)
     SELECT printf('%08x-0000-4000-8000-%012x', n, n), 'bench', ${from} + (n * 25919) % ${DAYS * DAY},
       ${from}, ${from}, 'sessions/x/', 'https://bench.example/', 'v' || ((n * 7919) % 60000), 'analytics',
       '/p' || ((n * 31) % 50), '/p' || ((n * 17) % 50),
       CASE n % 4 WHEN 0 THEN NULL WHEN 1 THEN 'search.example' WHEN 2 THEN 'news.example' ELSE 'r' || (n % 200) || '.example' END,
       CASE WHEN n % 5 = 0 THEN 'newsletter' WHEN n % 7 = 0 THEN 'ads' END,
       CASE WHEN n % 5 = 0 THEN 'email' WHEN n % 7 = 0 THEN 'cpc' END,
       CASE WHEN n % 5 = 0 THEN 'spring' WHEN n % 7 = 0 THEN 'c' || (n % 30) END,
       CASE n % 3 WHEN 0 THEN 'desktop' WHEN 1 THEN 'mobile' ELSE 'tablet' END,
       CASE n % 5 WHEN 0 THEN 'Chrome' WHEN 1 THEN 'Safari' WHEN 2 THEN 'Firefox' WHEN 3 THEN 'Edge' ELSE 'Other' END,
       CASE n % 4 WHEN 0 THEN 'Windows' WHEN 1 THEN 'macOS' WHEN 2 THEN 'iOS' ELSE 'Android' END,
       CASE n % 6 WHEN 0 THEN 'DE' WHEN 1 THEN 'US' WHEN 2 THEN 'FR' WHEN 3 THEN 'GB' WHEN 4 THEN 'NL' ELSE 'IN' END,
       CASE n % 4 WHEN 0 THEN 'Europe/Berlin' WHEN 1 THEN 'America/New_York' WHEN 2 THEN 'Asia/Kolkata' ELSE 'UTC' END,
       (n * 37) % 900000, 1 + (n * 13) % 8, 9 + n % 3, (n * 11) % 300000, CASE WHEN n % 3 = 0 THEN 1 ELSE 0 END,
       (n * 7) % 101, CASE WHEN n % 20 = 0 THEN 90 ELSE (n * 3) % 40 END, CASE WHEN n % 50 = 0 THEN 1 ELSE 0 END,
       ${from}
     FROM seq`,
    `${seq(SESSIONS)}, k(i) AS (SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2)
     INSERT INTO session_pages (session_id, site_key, started_at, path, views)
     SELECT printf('%08x-0000-4000-8000-%012x', n, n), 'bench', ${from} + (n * 25919) % ${DAYS * DAY},
       '/p' || ((n * 31 + i * 7) % 50), 1 + (n + i) % 3
     FROM seq, k WHERE i < 1 + (n * 13) % 8`,
    `${seq(SESSIONS)}
     INSERT INTO session_events (session_id, site_key, started_at, name, prop_key, prop_value, count)
     SELECT printf('%08x-0000-4000-8000-%012x', n, n), 'bench', ${from} + (n * 25919) % ${DAYS * DAY}, 'signup', '', '', 1
     FROM seq WHERE n % 3 = 0
     UNION ALL
     SELECT printf('%08x-0000-4000-8000-%012x', n, n), 'bench', ${from} + (n * 25919) % ${DAYS * DAY}, 'signup', 'plan',
       CASE n % 2 WHEN 0 THEN '"pro"' ELSE '"free"' END, 1
     FROM seq WHERE n % 3 = 0`,
    // Another site's sessions in the same range, so the site filter has something to skip.
    `${seq(20_000)}
     INSERT INTO sessions (id, site_key, started_at, received_at, last_seen_at, r2_prefix, landing_url, page_views)
     SELECT printf('%08x-1111-4000-8000-%012x', n, n), 'other', ${from} + (n * 129593) % ${DAYS * DAY}, 0, 0, 'x/', 'https://o.example/', 1
     FROM seq`,
  ];
  for (const sql of statements) await state.query(sql);
  const [counts] = await state.query(
    "SELECT (SELECT count(*) FROM sessions WHERE site_key = 'bench') AS sessions, (SELECT sum(event_count) FROM sessions WHERE site_key = 'bench') AS events, (SELECT count(*) FROM session_pages) AS page_rows, (SELECT count(*) FROM session_events) AS event_rows",
  );

  // Five sessions through the real ingest routes, ten batch objects each, for session detail.
  const detailIds = [];
  for (let s = 0; s < 5; s++) {
    const id = randomUUID();
    const t = now - 3_600_000 + s * 1000;
    detailIds.push(id);
    const post = (path, body) => fetch(`${worker.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => {
      if (r.status !== 202) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    });
    await post('/track/session/start', { session_id: id, site_key: 'bench', started_at: t, page: { url: 'https://bench.example/' } });
    for (let b = 0; b < 10; b++) {
      const events = Array.from({ length: 20 }, (_, i) => ({ type: 'scroll', ts: t + b * 1000 + i, percent: i }));
      await post('/track/events/batch', { batch_id: randomUUID(), session_id: id, session_started_at: t, sent_at: t + 60_000, events });
    }
    // The end's aggregate is not throttled: it counts all ten batches, so the cron's final
    // aggregate below changes no answer.
    await post('/track/session/end', { session_id: id, session_started_at: t, ended_at: t + 60_000 });
  }
  for (let i = 0; ; i++) {
    const [{ n }] = await state.query(`SELECT count(*) AS n FROM sessions WHERE agg_batches = 10 AND id IN (${detailIds.map(() => '?').join(', ')})`, ...detailIds);
    if (n === detailIds.length) break;
    if (i > 200) throw new Error('the detail sessions were not aggregated');
    await new Promise((r) => setTimeout(r, 50));
  }
  const seedMs = performance.now() - seedStarted;

  // ---- time -------------------------------------------------------------------------------
  const q = `site=bench&from=${from}&to=${to}`;
  const cases = [
    ['overview', `/analytics/overview?${q}`],
    ['timeseries (day, site zone)', `/analytics/timeseries?${q}&interval=day`],
    ['timeseries (day, visitor zones)', `/analytics/timeseries?${q}&interval=day&tz=visitor`],
    ['timeseries (hour, 7 days)', `/analytics/timeseries?site=bench&from=${to - 7 * DAY}&to=${to}&interval=hour`],
    ['top pages', `/analytics/pages?${q}`],
    ['entry pages', `/analytics/pages/entry?${q}`],
    ['exit pages', `/analytics/pages/exit?${q}`],
    ['referrers', `/analytics/referrers?${q}`],
    ['campaigns', `/analytics/campaigns?${q}`],
    ['countries', `/analytics/countries?${q}`],
    ['devices', `/analytics/devices?${q}`],
    ['browsers', `/analytics/browsers?${q}`],
    ['os', `/analytics/os?${q}`],
    ['custom events', `/analytics/events?${q}`],
    ['sessions list', `/analytics/sessions?${q}`],
    ['sessions list (filtered)', `/analytics/sessions?${q}&min_engagement=50&country=DE&page=/p3`],
    ['session detail (10 R2 objects)', `/analytics/sessions/${detailIds[0]}`],
  ];
  /** p50/p90 wall ms of every report, and its answer (to compare before and after the rollups). */
  const timeAll = async () => {
    const out = [];
    for (const [name, path] of cases) {
      const wall = [];
      const d1 = [];
      let answer;
      for (let i = 0; i < RUNS + 3; i++) {
        const started = performance.now();
        const r = await api(worker, path);
        const took = performance.now() - started;
        if (r.res.status !== 200) throw new Error(`${name}: ${r.res.status} ${r.text}`);
        answer = r.text;
        if (i < 3) continue; // warm-up
        wall.push(took);
        const t = /dur=([\d.]+)/.exec(r.res.headers.get('server-timing') ?? '');
        if (t) d1.push(Number(t[1]));
      }
      out.push({ name, path, answer, p50: median(wall), p90: p90(wall), d1: d1.length ? median(d1) : NaN });
    }
    return out;
  };
  const before = await timeAll();

  // ---- build the rollups the way production does: the */10 cron, until it has caught up ------
  const cronRuns = [];
  for (let i = 0; i < 200; i++) {
    const time = now + i; // a distinct "now" per run, to find its log line
    const mark = worker.jsonLines().length;
    const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/10 * * * *')}&time=${time}`);
    if (res.status !== 200) throw new Error(`cron: ${res.status} ${await res.text()}`);
    let line;
    for (let k = 0; k < 600 && !line; k++) {
      line = worker.jsonLines().slice(mark).find((l) => l.job === 'analytics_rollups' && l.now === time);
      if (!line) await new Promise((r) => setTimeout(r, 50));
    }
    if (!line) throw new Error('no analytics_rollups line');
    if (line.error) throw new Error(`rollup build: ${line.error}`);
    if (line.hours === 0 && (line.days ?? 0) === 0 && (line.visitor_days ?? 0) === 0) break;
    cronRuns.push(line);
  }
  const [sizes] = await state.query(
    "SELECT (SELECT count(*) FROM rollup_hours WHERE site_key = 'bench') AS hours, (SELECT count(*) FROM rollup_pages WHERE site_key = 'bench') AS page_rows, (SELECT count(*) FROM rollup_events WHERE site_key = 'bench') AS event_rows, (SELECT count(*) FROM rollup_days WHERE site_key = 'bench') AS days, (SELECT count(*) FROM rollup_visitor_days WHERE site_key = 'bench') AS visitor_days, (SELECT count(*) FROM rollup_dims WHERE site_key = 'bench') AS dim_rows, (SELECT sum(length(sketch) + length(human_sketch)) FROM rollup_dims WHERE site_key = 'bench') AS sketch_bytes",
  );
  let bytes = {};
  try {
    const pages = await state.query("SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE name LIKE '%rollup%' OR name IN ('session_pages', 'session_events', 'sessions') OR name LIKE 'idx_session%' GROUP BY name");
    bytes = Object.fromEntries(pages.map((r) => [r.name, r.bytes]));
  } catch { /* dbstat is not compiled in everywhere */ }

  // One proxy for the direct timings, opened after every write (a proxy reads a snapshot).
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const proxy = await getPlatformProxy({
    configPath: path.join(root, 'worker/wrangler.toml'),
    persist: { path: path.join(worker.state, 'v3') },
  });
  const direct = (sql, params) => proxy.env.DB.prepare(sql).bind(...params).all();
  const rows = await timeAll();
  const plans = [];
  for (const [k, row] of rows.entries()) {
    row.before = before[k];
    row.same = before[k].answer === row.answer;
    if (!row.same) {
      // Visitors through the daily sketches and the median through the duration histogram are
      // estimates within documented bounds; everything else must be byte for byte the same.
      const check = approxSame(JSON.parse(before[k].answer), JSON.parse(row.answer));
      if (check.ok) {
        row.same = true;
        row.approx = check;
      }
    }
    const path = row.path;
    if (!path.includes('/sessions/')) {
      const explained = await api(worker, `${path}&explain=1`);
      for (const st of explained.json.queries) {
        plans.push({ name: row.name, ...st });
        // The same statement straight on D1, with and without its indexes.
        const viaBinding = [];
        const scan = [];
        const noIndex = st.sql.replace(/FROM (sessions|session_pages|session_events|rollup_pages|rollup_events|rollup_hours|rollup_dims|rollup_visitor_days) WHERE/g, 'FROM $1 NOT INDEXED WHERE');
        if (row.directFailed) continue;
        try {
          for (let i = 0; i < 5; i++) {
            let t0 = performance.now();
            await direct(st.sql, st.params);
            viaBinding.push(performance.now() - t0);
            t0 = performance.now();
            await direct(noIndex, st.params);
            scan.push(performance.now() - t0);
          }
        } catch (e) {
          // The platform proxy is a side channel: its failure leaves the report's own timings.
          console.error(`direct timing of ${row.name} failed: ${e.message ?? e}`);
          row.directFailed = true;
          row.direct = undefined;
          row.scan = undefined;
          continue;
        }
        row.direct = (row.direct ?? 0) + median(viaBinding);
        row.scan = (row.scan ?? 0) + median(scan);
      }
    }
  }

  // ---- report -----------------------------------------------------------------------------
  console.log(`\nanalytics benchmark: ${counts.sessions} sessions of site "bench" (+20,000 of another site), ${counts.events} events`);
  console.log(`(rollups: ${counts.page_rows} session_pages rows, ${counts.event_rows} session_events rows), ${DAYS} days; seeded in ${(seedMs / 1000).toFixed(1)} s`);
  console.log(`each report: ${RUNS} timed requests after 3 warm-ups, through wrangler dev on local D1; p50 / p90 wall ms;`);
  console.log(`machine: ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0].toFixed(1)} after (other work on the machine slows every number alike)`);
  console.log('D1 = the query time D1 reports (Server-Timing); direct = the same SQL via the D1 binding; full scan = that SQL NOT INDEXED\n');
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log('before = no rollups built yet; after = once the */10 cron has built them; same = the same answer, byte for byte');
  console.log(`(~ = the same but for visitors within ${VISITOR_BOUND * 100} % and the median within ${MEDIAN_BOUND * 100} %, the documented bounds; worst errors listed below)\n`);
  console.log(`${pad('report', 34)}${lpad('before p50', 11)}${lpad('p90', 8)}${lpad('after p50', 11)}${lpad('p90', 8)}${lpad('D1', 8)}${lpad('direct', 9)}${lpad('full scan', 11)}${lpad('scan/index', 12)}${lpad('same', 6)}  goal ${GOAL_MS} ms`);
  for (const r of rows) {
    const ratio = r.scan && r.direct ? `${(r.scan / r.direct).toFixed(1)}x` : '-';
    console.log(`${pad(r.name, 34)}${lpad(ms(r.before.p50), 11)}${lpad(ms(r.before.p90), 8)}${lpad(ms(r.p50), 11)}${lpad(ms(r.p90), 8)}${lpad(Number.isNaN(r.d1) ? '-' : ms(r.d1), 8)}${lpad(r.direct ? ms(r.direct) : '-', 9)}${lpad(r.scan ? ms(r.scan) : '-', 11)}${lpad(ratio, 12)}${lpad(r.same ? (r.approx ? '~' : 'yes') : 'NO', 6)}  ${r.p50 <= GOAL_MS ? 'ok' : 'OVER'}`);
  }
  const sum = (k) => cronRuns.reduce((a, l) => a + (l[k] ?? 0), 0);
  console.log(`\nrollups: ${sizes.hours} hours and ${sizes.days} days built by ${cronRuns.length} runs of the */10 cron (at most 24 new hours and 7 new days per site per run, each day with its dimension rows);`);
  console.log(`  ${sizes.visitor_days} rollup_visitor_days rows (one per date in the visitors' zones whose 50-hour window ended; up to 7 new per site per run)`);
  console.log(`  ${sizes.dim_rows} rollup_dims rows (${sizes.days} days × values of 7 dimensions + totals; sketches ${(sizes.sketch_bytes / 1024).toFixed(0)} KiB of text)`);
  console.log(`  ${sizes.page_rows} rollup_pages rows (from ${counts.page_rows} session_pages rows), ${sizes.event_rows} rollup_events rows (from ${counts.event_rows} session_events rows)`);
  if (Object.keys(bytes).length) console.log(`  bytes on disk: ${Object.entries(bytes).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KiB`).join(', ')}`);
  if (cronRuns.length) {
    console.log(`  per run: ${(sum('d1_reads') / cronRuns.length).toFixed(1)} D1 reads + ${(sum('d1_writes') / cronRuns.length).toFixed(1)} D1 writes (statements), median ${ms(median(cronRuns.map((l) => l.ms)))} ms (max ${ms(Math.max(...cronRuns.map((l) => l.ms)))} ms)`);
  }
  const approx = rows.filter((r) => r.approx);
  if (approx.length) {
    console.log(`\nestimates vs the exact answers: ${approx.map((r) => `${r.name}: visitors ${(r.approx.worstVisitors * 100).toFixed(2)} %${r.approx.worstMedian ? `, median ${(r.approx.worstMedian * 100).toFixed(2)} %` : ''}`).join('; ')}`);
  }
  const differ = rows.filter((r) => !r.same && !r.name.startsWith('session detail'));
  if (differ.length) console.log(`\nANSWERS DIFFER after the build: ${differ.map((r) => r.name).join(', ')}`);
  console.log('\nsession detail reads R2: 1 list call (10 keys) and 10 object reads for a 10-batch session (see storage in its answer).');
  console.log('\nquery plans (EXPLAIN QUERY PLAN from D1):');
  for (const p of plans) console.log(`  ${p.name}:\n${p.plan.map((s) => `      ${s}`).join('\n')}`);
  await proxy.dispose();
  const over = rows.filter((r) => r.p50 > GOAL_MS);
  if (differ.length) process.exitCode = 1;
  console.log(over.length ? `\n${over.length} report(s) over the ${GOAL_MS} ms goal: ${over.map((r) => r.name).join(', ')}` : `\nevery report within the ${GOAL_MS} ms goal (p50)`);
} finally {
  await state.dispose();
  await worker.stop();
}
