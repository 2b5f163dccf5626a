// Every /analytics/* report on data sent through the real ingest routes (session start + event
// batches, aggregated by the worker into sessions, session_pages and session_events), checked
// against numbers this test computes from what it sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWorker } from '../support/worker.mjs';
import { openState, eventually } from '../support/state.mjs';
import { api, registerSite } from '../support/sites.mjs';

const DAY = 86_400_000;
const now = Date.now();
const today = now - (now % DAY); // UTC midnight; the site reports in UTC
const UA = {
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0',
  safari: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
};

/** What the test sends: 24 sessions over four days, 9 visitors, varied pages, sources and events. */
function plan() {
  const paths = ['/', '/pricing', '/blog/solar', '/contact'];
  const referrers = [undefined, 'https://search.example/q?solar', 'https://news.example/story'];
  const utms = [undefined, { source: 'newsletter', medium: 'email', campaign: 'spring' }, { source: 'ads', medium: 'cpc', campaign: 'brand' }];
  const visitors = Array.from({ length: 9 }, () => randomUUID());
  const browsers = ['chrome', 'firefox', 'safari'];
  return Array.from({ length: 24 }, (_, i) => {
    const day = i % 4; // 0 = today, 3 = three days ago
    const startedAt = today - day * DAY + 3_600_000 + i * 60_000;
    const views = [paths[i % 4], ...(i % 3 === 0 ? [] : [paths[(i + 1) % 4]]), ...(i % 5 === 0 ? [paths[(i + 2) % 4]] : [])];
    const custom = i % 3 === 0 ? [{ name: 'signup', props: { plan: i % 2 ? 'pro' : 'free' } }] : i % 4 === 1 ? [{ name: 'download', props: {} }, { name: 'download', props: {} }] : [];
    return {
      id: randomUUID(),
      startedAt,
      visitor: visitors[i % 9],
      landing: views[0],
      views,
      referrer: referrers[i % 3],
      utm: utms[i % 3],
      browser: browsers[i % 3],
      device: ['desktop', 'desktop', 'mobile'][i % 3],
      engaged: 1000 * (i + 1),
      custom,
      lastTs: startedAt + 1000 * views.length + 5000,
      // Far-apart visitor zones (+14:00, -12:00, +13:45 with daylight-saving time, +8:45) for the
      // series in the visitors' zones, and zones as Firefox and Safari name them where V8's ICU
      // (Chromium's, the worker's) names them otherwise: Asia/Kolkata (+5:30) is Asia/Calcutta to V8,
      // America/Argentina/Buenos_Aires (-3:00, so these sessions' local dates are the day before
      // their UTC dates) is America/Buenos_Aires.
      timezone: ['UTC', 'Pacific/Kiritimati', 'Etc/GMT+12', 'Pacific/Chatham', 'America/New_York', 'Australia/Eucla', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires'][i % 8],
    };
  });
}

let worker;
let state;
let sent;

async function post(path, body, ua, headers = {}) {
  const res = await fetch(`${worker.url}${path}`, { method: 'POST', headers: { 'user-agent': ua, ...headers }, body: JSON.stringify(body) });
  assert.equal(res.status, 202, `${path}: ${await res.text()}`);
}

before(async () => {
  worker = await startWorker();
  state = await openState(worker.state);
  await registerSite(worker, { siteKey: 'shop', name: 'Shop' });
  sent = plan();
  for (const s of sent) {
    const ua = UA[s.browser];
    await post('/track/session/start', {
      session_id: s.id, site_key: 'shop', started_at: s.startedAt, visitor_id: s.visitor, consent: 'analytics',
      page: { url: `https://shop.example${s.landing}`, ...(s.referrer ? { referrer: s.referrer } : {}) },
      device: { device_class: s.device, timezone: s.timezone },
      ...(s.utm ? { utm: s.utm } : {}),
    }, ua);
    const events = [
      ...s.views.map((p, k) => ({ type: 'pageview', ts: s.startedAt + 1000 * k, url: `https://shop.example${p}` })),
      ...s.custom.map((c, k) => ({ type: 'custom', ts: s.startedAt + 500 + k, name: c.name, props: c.props })),
      { type: 'engagement', ts: s.lastTs, engaged_ms: s.engaged },
    ];
    await post('/track/events/batch', { batch_id: randomUUID(), session_id: s.id, session_started_at: s.startedAt, sent_at: s.lastTs, events }, ua);
  }
  await eventually('every session aggregated', async () => {
    const [{ n }] = await state.query("SELECT count(*) AS n FROM sessions WHERE site_key = 'shop' AND aggregated_at IS NOT NULL AND page_views > 0");
    return n === sent.length;
  }, { tries: 120 });
});

after(async () => {
  await state?.dispose();
  await worker?.stop();
});

const q = `site=shop&tz=UTC&bots=include&from=${today - 3 * DAY}&to=${today + DAY}`;
const get = async (path) => {
  const r = await api(worker, path);
  assert.equal(r.res.status, 200, `${path}: ${r.text}`);
  return r.json;
};
const ratio = (a, b) => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);
const hostOf = (u) => (u ? new URL(u).host : null);

/** sessions, visitors, pageviews and bounce rate of a group of sent sessions. */
function stats(list) {
  const pv = list.reduce((a, s) => a + s.views.length, 0);
  return {
    sessions: list.length,
    visitors: new Set(list.map((s) => s.visitor)).size,
    pageviews: pv,
    bounce_rate: ratio(list.filter((s) => s.views.length <= 1).length, list.length),
  };
}

function groupBy(list, key) {
  const m = new Map();
  for (const s of list) {
    const k = key(s);
    m.set(k, [...(m.get(k) ?? []), s]);
  }
  return m;
}

test('overview', async () => {
  const o = await get(`/analytics/overview?${q}`);
  const durations = sent.map((s) => s.lastTs - s.startedAt).sort((a, b) => a - b);
  const engaged = sent.reduce((a, s) => a + s.engaged, 0);
  assert.deepEqual(
    { sessions: o.sessions, visitors: o.visitors, pageviews: o.pageviews, bounce_rate: o.bounce_rate, median: o.median_duration_ms, total: o.total_engaged_ms, avg: o.avg_engaged_ms },
    { ...stats(sent), median: durations[(durations.length - 1) / 2 | 0], total: engaged, avg: Math.floor(engaged / sent.length) },
  );
  assert.equal(o.pages_per_session, ratio(stats(sent).pageviews, sent.length));
});

test('time series by day', async () => {
  const t = await get(`/analytics/timeseries?${q}&interval=day`);
  assert.equal(t.points.length, 4);
  for (const p of t.points) {
    const mine = sent.filter((s) => s.startedAt >= p.start && s.startedAt < p.start + DAY);
    const { sessions, visitors, pageviews } = stats(mine);
    assert.deepEqual({ sessions: p.sessions, visitors: p.visitors, pageviews: p.pageviews }, { sessions, visitors, pageviews }, p.label);
  }
});

test('top, entry and exit pages', async () => {
  const top = await get(`/analytics/pages?${q}`);
  const views = new Map();
  for (const s of sent) {
    const seen = new Set();
    for (const p of s.views) {
      const v = views.get(p) ?? { pageviews: 0, sessions: 0 };
      v.pageviews += 1;
      if (!seen.has(p)) v.sessions += 1;
      seen.add(p);
      views.set(p, v);
    }
  }
  assert.deepEqual(Object.fromEntries(top.rows.map((r) => [r.path, { pageviews: r.pageviews, sessions: r.sessions }])), Object.fromEntries(views));
  for (const [path, key] of [['/analytics/pages/entry', (s) => s.landing], ['/analytics/pages/exit', (s) => s.views.at(-1)]]) {
    const r = await get(`${path}?${q}`);
    const want = Object.fromEntries([...groupBy(sent, key)].map(([k, l]) => [k, stats(l)]));
    assert.deepEqual(Object.fromEntries(r.rows.map(({ value, ...rest }) => [value, rest])), want, path);
  }
});

test('referrers and campaigns', async () => {
  const refs = await get(`/analytics/referrers?${q}`);
  const want = Object.fromEntries([...groupBy(sent, (s) => hostOf(s.referrer))].map(([k, l]) => [k, stats(l)]));
  assert.deepEqual(Object.fromEntries(refs.rows.map(({ value, ...rest }) => [value, rest])), want);
  const camps = await get(`/analytics/campaigns?${q}`);
  const withUtm = sent.filter((s) => s.utm);
  const wantC = Object.fromEntries([...groupBy(withUtm, (s) => `${s.utm.source}/${s.utm.medium}/${s.utm.campaign}`)].map(([k, l]) => [k, stats(l)]));
  assert.deepEqual(Object.fromEntries(camps.rows.map(({ source, medium, campaign, ...rest }) => [`${source}/${medium}/${campaign}`, rest])), wantC);
});

test('countries, devices and browsers', async () => {
  const devices = await get(`/analytics/devices?${q}`);
  assert.deepEqual(Object.fromEntries(devices.rows.map(({ value, ...r }) => [value, r])), Object.fromEntries([...groupBy(sent, (s) => s.device)].map(([k, l]) => [k, stats(l)])));
  const browsers = await get(`/analytics/browsers?${q}`);
  const name = { chrome: 'Chrome', firefox: 'Firefox', safari: 'Safari' };
  assert.deepEqual(Object.fromEntries(browsers.rows.map(({ value, ...r }) => [value, r])), Object.fromEntries([...groupBy(sent, (s) => name[s.browser])].map(([k, l]) => [k, stats(l)])));
  const countries = await get(`/analytics/countries?${q}`);
  assert.equal(countries.rows.reduce((a, r) => a + r.sessions, 0), sent.length, 'every session has one country row');
});

test('custom events with their properties', async () => {
  const e = await get(`/analytics/events?${q}`);
  const signups = sent.filter((s) => s.custom.some((c) => c.name === 'signup'));
  const downloads = sent.filter((s) => s.custom.some((c) => c.name === 'download'));
  const signup = e.events.find((x) => x.name === 'signup');
  assert.deepEqual({ count: signup.count, sessions: signup.sessions }, { count: signups.length, sessions: signups.length });
  const plans = Object.fromEntries(signup.properties.map((p) => [`${p.key}=${p.value}`, p.count]));
  assert.deepEqual(plans, {
    'plan="pro"': signups.filter((s) => s.custom[0].props.plan === 'pro').length,
    'plan="free"': signups.filter((s) => s.custom[0].props.plan === 'free').length,
  });
  const download = e.events.find((x) => x.name === 'download');
  assert.deepEqual({ count: download.count, sessions: download.sessions }, { count: downloads.length * 2, sessions: downloads.length });
});

test('sessions list: filters and cursor pages cover every match once', async () => {
  const seen = [];
  let cursor;
  do {
    const page = await get(`/analytics/sessions?${q}&limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.ok(page.sessions.length <= 5);
    seen.push(...page.sessions);
    cursor = page.next_cursor;
  } while (cursor);
  const want = [...sent].sort((a, b) => b.startedAt - a.startedAt || (b.id < a.id ? -1 : 1));
  assert.deepEqual(seen.map((s) => s.id), want.map((s) => s.id));
  for (const s of seen) {
    const x = sent.find((y) => y.id === s.id);
    assert.equal(s.page_views, x.views.length);
    assert.equal(s.landing_path, x.landing);
    assert.equal(s.exit_path, x.views.at(-1));
    assert.equal(s.duration_ms, x.lastTs - x.startedAt);
  }
  const pricing = await get(`/analytics/sessions?${q}&page=/pricing&limit=200`);
  assert.deepEqual(new Set(pricing.sessions.map((s) => s.id)), new Set(sent.filter((s) => s.views.includes('/pricing')).map((s) => s.id)));
  assert.equal((await get(`/analytics/sessions?${q}&has_lead=true`)).sessions.length, 0);
  assert.equal((await get(`/analytics/sessions?${q}&has_lead=false&limit=200`)).sessions.length, sent.length);
});

test('session detail: the row, its rollups and its R2 events', async () => {
  const s = sent.find((x) => x.views.length === 3);
  const d = await get(`/analytics/sessions/${s.id}`);
  assert.equal(d.session.page_views, 3);
  assert.equal(d.session.visitor_id, s.visitor);
  assert.deepEqual(d.pages.map((p) => p.path).sort(), [...new Set(s.views)].sort());
  assert.deepEqual(d.events.filter((e) => e.type === 'pageview').map((e) => new URL(e.url).pathname), s.views);
  assert.deepEqual(d.storage, { list_calls: 1, objects_listed: 1, objects_read: 1 });
});

/** Runs the ten-minute cron at `time` and returns its `analytics_rollups` log line. */
async function rollupCron(time) {
  const before = worker.jsonLines().length;
  const res = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/10 * * * *')}&time=${time}`);
  assert.equal(res.status, 200, await res.text());
  for (let i = 0; i < 200; i++) {
    const line = worker.jsonLines().slice(before).find((l) => l.job === 'analytics_rollups' && l.now === time);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no analytics_rollups line for the cron at ${time}`);
}

/**
 * `got` equals the exact answer `exact` but for visitor counts within 5 % and the median duration
 * within 2 % or 50 ms: the documented bounds of reports read through the daily dimension rollups.
 */
function assertWithinBounds(exact, got, what) {
  const walk = (a, b, at) => {
    if (a && typeof a === 'object') {
      assert.deepEqual(Object.keys(b ?? {}).sort(), Object.keys(a).sort(), `${what} ${at}`);
      for (const k of Object.keys(a)) {
        if (k === 'visitors') {
          assert.ok(Math.abs(b[k] - a[k]) <= Math.ceil(a[k] * 0.05), `${what} ${at}.visitors: ${b[k]}, exactly ${a[k]}`);
        } else if (k === 'median_duration_ms') {
          const d = Math.abs(b[k] - a[k]);
          assert.ok(d <= 50 || d <= a[k] * 0.02, `${what} median ${b[k]}, exactly ${a[k]}`);
        } else {
          walk(a[k], b[k], `${at}.${k}`);
        }
      }
    } else {
      assert.equal(b, a, `${what} ${at}`);
    }
  };
  walk(exact, got, '');
}

// Last: it changes a session after the build.
test('top pages, custom events and the day series from the rollups the cron built answer as the raw rows do', async () => {
  const series = `/analytics/timeseries?${q}&interval=day`;
  const visitorSeries = `/analytics/timeseries?site=shop&tz=visitor&interval=day&bots=include&from=${today - 3 * DAY}&to=${today + DAY}`;
  const reports = [
    `/analytics/pages?${q}`,
    `/analytics/pages?${q}&limit=2`,
    `/analytics/events?${q}`,
    `/analytics/pages?site=shop&tz=UTC&bots=exclude&from=${today - 3 * DAY + 1_234_567}&to=${today + DAY}`,
    `/analytics/events?site=shop&tz=Asia/Kolkata&bots=exclude&from=${today - 3 * DAY}&to=${today}`,
    series,
    `/analytics/timeseries?site=shop&interval=day&bots=exclude&from=${today - 3 * DAY + 1_234_567}&to=${today + DAY}`,
    visitorSeries,
    `/analytics/timeseries?site=shop&tz=visitor&interval=day&bots=exclude&from=${today - 5 * DAY + 1_234_567}&to=${today + 3 * DAY}`,
  ];
  const answers = async () => Promise.all(reports.map((r) => get(r)));
  const usesRollups = async (r) => (await get(`${r}&explain=1`)).queries.some((x) => x.sql.includes('rollup_'));
  const raw = await answers();
  assert.equal(await usesRollups(reports[0]), false, 'nothing built yet');
  // The overview and the breakdowns through the daily dimension rollups: exact but for visitors
  // and the median, which stay within their documented bounds.
  const partial = `site=shop&tz=UTC&bots=exclude&from=${today - 3 * DAY + 1_234_567}&to=${today + DAY}`;
  const dimReports = [
    `/analytics/overview?${q}`,
    `/analytics/overview?${partial}`,
    ...['pages/entry', 'pages/exit', 'referrers', 'countries', 'devices', 'browsers', 'os'].map((r) => `/analytics/${r}?${q}`),
    `/analytics/referrers?${partial}`,
    `/analytics/browsers?${partial}&limit=2`,
  ];
  const dimAnswers = async () => Promise.all(dimReports.map((r) => get(r)));
  const rawDims = await dimAnswers();
  for (const r of dimReports) assert.equal(await usesRollups(r), false, r);

  // The cron's "now" a day ahead, so every sent hour ended long enough ago; bounded runs.
  const later = today + 2 * DAY;
  const lines = [];
  for (let i = 0; i < 10; i++) {
    const line = await rollupCron(later + i * 600_000);
    assert.equal(line.error, undefined, JSON.stringify(line));
    lines.push(line);
    if (line.hours === 0) break;
  }
  assert.equal(lines.at(-1).hours, 0, 'the build finishes');
  assert.ok(lines.length > 2, 'a bounded number of hours per run');
  const [built] = await state.query("SELECT count(*) AS hours, sum(dirty) AS dirty FROM rollup_hours WHERE site_key = 'shop'");
  assert.ok(built.hours >= 3 * 24 && built.dirty === 0, JSON.stringify(built));
  const [views] = await state.query("SELECT sum(views) AS v FROM rollup_pages WHERE site_key = 'shop'");
  assert.equal(views.v, sent.reduce((a, s) => a + s.views.length, 0));
  const [days] = await state.query("SELECT count(*) AS days, sum(dirty) AS dirty, sum(sessions) AS sessions FROM rollup_days WHERE site_key = 'shop'");
  assert.deepEqual({ ...days }, { days: 4, dirty: 0, sessions: sent.length }, 'the four whole days that ended before the lag');
  // The dates in the visitors' zones: from the first session's at -12:00 to the last whose
  // 50-hour window ended before the cron's "now" less the lag, each session on one date.
  const [vdays] = await state.query("SELECT count(*) AS days, sum(dirty) AS dirty, sum(sessions) AS sessions FROM rollup_visitor_days WHERE site_key = 'shop'");
  assert.deepEqual({ ...vdays }, { days: 5, dirty: 0, sessions: sent.length });
  for (const r of reports) assert.equal(await usesRollups(r), true, r);
  assert.deepEqual(await answers(), raw);
  // Each point of the visitor series counts the sessions on its date in their own zones.
  const localDate = (s) => new Intl.DateTimeFormat('en-CA', { timeZone: s.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(s.startedAt);
  const byDate = groupBy(sent, localDate);
  const vs = await get(visitorSeries);
  assert.deepEqual(
    Object.fromEntries(vs.points.filter((p) => p.sessions > 0).map((p) => [p.label, { sessions: p.sessions, visitors: p.visitors, pageviews: p.pageviews }])),
    Object.fromEntries([...byDate].map(([d, l]) => { const { sessions, visitors, pageviews } = stats(l); return [d, { sessions, visitors, pageviews }]; })),
  );
  const [dims] = await state.query("SELECT count(*) AS rows, sum(sessions) AS sessions FROM rollup_dims WHERE site_key = 'shop' AND dim = ''");
  assert.deepEqual({ ...dims }, { rows: 4, sessions: sent.length }, 'a totals row per built day');
  const [current] = await state.query("SELECT count(*) AS n FROM rollup_days WHERE site_key = 'shop' AND dims_at = built_at");
  assert.equal(current.n, 4, 'every day has current dimension rows');
  for (const r of dimReports) assert.equal(await usesRollups(r), true, r);
  const builtDims = await dimAnswers();
  builtDims.forEach((a, k) => assertWithinBounds(rawDims[k], a, dimReports[k]));
  // The day series in another zone has no days built for it: read raw, the same answer.
  const kolkata = `/analytics/timeseries?site=shop&tz=Asia/Kolkata&interval=day&from=${today - 3 * DAY}&to=${today}`;
  assert.equal(await usesRollups(kolkata), false);

  // A late pageview of a session in a built hour: its aggregate marks the hour dirty, the hour is
  // read raw at once, and the next cron run rebuilds it. (It arrives after the crons' "now", so
  // their final aggregates do not throttle its own.)
  const s = sent.find((x) => x.startedAt < today - DAY);
  const arrives = later + 3_600_000;
  await post('/track/events/batch', {
    batch_id: randomUUID(), session_id: s.id, session_started_at: s.startedAt, sent_at: s.lastTs + 1000,
    events: [{ type: 'pageview', ts: s.lastTs + 500, url: 'https://shop.example/late' }],
  }, UA[s.browser], { 'x-pulsegate-now': String(arrives) });
  const hour = s.startedAt - (s.startedAt % 3_600_000);
  const dayStart = s.startedAt - (s.startedAt % DAY);
  const seriesViews = async () => (await get(series)).points.reduce((a, p) => a + p.pageviews, 0);
  const late = async () => {
    const top = await get(reports[0]);
    return top.rows.find((r) => r.path === '/late');
  };
  await eventually('the late pageview aggregated', async () => (await late()) !== undefined, { tries: 100 });
  assert.deepEqual(await late(), { path: '/late', pageviews: 1, sessions: 1 });
  const [dirty] = await state.query("SELECT dirty FROM rollup_hours WHERE site_key = 'shop' AND hour = ?", hour);
  assert.equal(dirty.dirty, 1, 'read raw until rebuilt');
  const [dirtyDay] = await state.query("SELECT dirty FROM rollup_days WHERE site_key = 'shop' AND day_start = ?", dayStart);
  assert.equal(dirtyDay.dirty, 1, 'its day is read raw until rebuilt');
  const viewsBefore = raw[5].points.reduce((a, p) => a + p.pageviews, 0);
  assert.equal(await seriesViews(), viewsBefore + 1);
  assert.equal((await get(dimReports[0])).pageviews, rawDims[0].pageviews + 1, 'the dirty day read raw');
  const visitorViews = async () => (await get(visitorSeries)).points.reduce((a, p) => a + p.pageviews, 0);
  const [dirtyDates] = await state.query("SELECT count(*) AS n FROM rollup_visitor_days WHERE site_key = 'shop' AND dirty = 1");
  assert.ok(dirtyDates.n >= 2, 'the dates whose window holds the session are read raw until rebuilt');
  assert.equal(await visitorViews(), viewsBefore + 1);
  const rebuilt = await rollupCron(arrives + 600_000);
  assert.equal(rebuilt.dirty_hours, 1);
  assert.equal(rebuilt.stale_days, 1);
  assert.equal(rebuilt.stale_visitor_days, dirtyDates.n);
  assert.equal(await usesRollups(visitorSeries), true);
  assert.equal(await visitorViews(), viewsBefore + 1);
  const [cleanDay] = await state.query("SELECT dirty FROM rollup_days WHERE site_key = 'shop' AND day_start = ?", dayStart);
  assert.equal(cleanDay.dirty, 0, 'its day rebuilt');
  assert.equal(await usesRollups(series), true);
  assert.equal(await seriesViews(), viewsBefore + 1);
  const [h] = await state.query("SELECT dirty FROM rollup_hours WHERE site_key = 'shop' AND hour = ?", hour);
  assert.equal(h.dirty, 0, 'rebuilt');
  const [lateRow] = await state.query("SELECT views, sessions FROM rollup_pages WHERE site_key = 'shop' AND hour = ? AND path = '/late'", hour);
  assert.deepEqual({ ...lateRow }, { views: 1, sessions: 1 });
  assert.deepEqual(await late(), { path: '/late', pageviews: 1, sessions: 1 });
  // The overview counts the late pageview through the rebuilt day's dimension rows, exactly.
  assert.equal(await usesRollups(dimReports[0]), true);
  assert.equal((await get(dimReports[0])).pageviews, rawDims[0].pageviews + 1);
  const top = await get(reports[0]);
  const before = raw[0].rows.reduce((a, r) => a + r.pageviews, 0);
  assert.equal(top.rows.reduce((a, r) => a + r.pageviews, 0), before + 1);
});
