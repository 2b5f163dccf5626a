//! Daily dimension rollups (migration 0016): per whole local day of a site (the days of
//! [`super::rollup_days`]) and per value of each breakdown dimension, plus once for the site's
//! totals, the day's sessions, pageviews, bounces and engaged time (exact sums) with a visitor
//! [`Sketch`] and, for the totals, a duration histogram. Pure: the rows a build writes, the SQL
//! that reads them and the merge of rollup rows with the raw sessions of the rest of a range;
//! run natively against SQLite in the unit tests.
//!
//! A report over a range reads the rows of its whole, clean days (dimension rows of the day's
//! latest build, under the report's bot threshold) and the sessions of the rest, then merges:
//! sessions, pageviews, bounces and engaged time are the exact raw answer; visitors are a
//! HyperLogLog estimate within 5 % ([`super::sketch`]); the median duration is the middle of the
//! histogram bucket holding the raw median, so within 2 % of it (50 ms under a second).

use std::collections::BTreeMap;

use pulsegate_schema::UnixMillis;
use serde::{Deserialize, Serialize};

use super::rollup::Split;
use super::rollup_days::Day;
use super::sketch::Sketch;
use super::sql::{Dimension, Scope};
use crate::sql::Query;

/// The `dim` of the site's totals.
pub(crate) const TOTALS: &str = "";
/// Histogram buckets are 4 % wide from one second up, so the median read is within 2 % …
#[cfg(test)]
pub(crate) const DURATION_BOUND_PCT: u64 = 2;
/// … or 50 ms (100 ms wide buckets below a second).
#[cfg(test)]
pub(crate) const DURATION_BOUND_MS: u64 = 50;

/// The lower edges of the duration buckets: 0, 100, …, 900 ms, then 1 s growing by 4 % a step
/// (integer steps, the same on every platform) up to about 30 years.
fn edges() -> Vec<u64> {
    let mut e: Vec<u64> = (0..10).map(|i| i * 100).collect();
    let mut x = 1000u64;
    while x < 1_000_000_000_000 {
        e.push(x);
        x = x * 104 / 100;
    }
    e
}

/// The histogram bucket of a duration.
pub(crate) fn bucket(edges: &[u64], duration_ms: u64) -> usize {
    edges.partition_point(|&e| e <= duration_ms).saturating_sub(1)
}

/// The value a bucket reports: its middle (the last bucket reports its lower edge).
fn bucket_value(edges: &[u64], b: usize) -> u64 {
    match edges.get(b + 1) {
        Some(&hi) => (edges[b] + hi) / 2,
        None => edges[b],
    }
}

/// One session of a day, as the build reads it.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct SessionRow {
    pub(crate) visitor: String,
    pub(crate) page_views: u64,
    pub(crate) engaged_ms: u64,
    pub(crate) duration_ms: u64,
    pub(crate) suspicion_score: u32,
    pub(crate) landing_path: Option<String>,
    pub(crate) exit_path: Option<String>,
    pub(crate) referrer_host: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) device_class: Option<String>,
    pub(crate) browser: Option<String>,
    pub(crate) os: Option<String>,
}

impl SessionRow {
    fn value(&self, dim: Dimension) -> Option<&str> {
        match dim {
            Dimension::EntryPage => self.landing_path.as_deref(),
            Dimension::ExitPage => self.exit_path.as_deref(),
            Dimension::Referrer => self.referrer_host.as_deref(),
            Dimension::Country => self.country.as_deref(),
            Dimension::Device => self.device_class.as_deref(),
            Dimension::Browser => self.browser.as_deref(),
            Dimension::Os => self.os.as_deref(),
        }
    }
}

/// The visitor a session counts as: its visitor key, or (without one) the session itself. The
/// same expression is used on raw sessions at report time.
const VISITOR_SQL: &str = "coalesce(visitor_key, char(1) || id)";

/// The sessions of one day of a site, for its build.
pub(crate) fn day_sessions(site: &str, day: Day) -> Query {
    Query::new(
        format!(
            "SELECT {VISITOR_SQL} AS visitor, page_views, engaged_ms, duration_ms, suspicion_score,
                    landing_path, exit_path, referrer_host, country, device_class, browser, os
               FROM sessions WHERE site_key = ?1 AND started_at >= ?2 AND started_at < ?3"
        ),
        vec![site.into(), day.day_start.into(), day.day_end.into()],
    )
}

/// Sums of sessions (one half of a row: all, or under the threshold).
#[derive(Clone, Debug, Default)]
struct Part {
    sessions: u64,
    pageviews: u64,
    bounces: u64,
    engaged_ms: u64,
    hashes: Vec<u64>,
    durations: BTreeMap<usize, u64>,
}

impl Part {
    fn add(&mut self, s: &SessionRow, hash: u64, duration_bucket: Option<usize>) {
        self.sessions += 1;
        self.pageviews += s.page_views;
        self.bounces += u64::from(s.page_views <= 1);
        self.engaged_ms += s.engaged_ms;
        self.hashes.push(hash);
        if let Some(b) = duration_bucket {
            *self.durations.entry(b).or_default() += 1;
        }
    }

    fn sketch(&self) -> String {
        let mut s = Sketch::default();
        self.hashes.iter().for_each(|&h| s.insert(h));
        s.to_text()
    }
}

fn durations_text(d: &BTreeMap<usize, u64>) -> String {
    d.iter().map(|(b, n)| format!("{b}:{n}")).collect::<Vec<_>>().join(",")
}

/// One row of `rollup_dims` for the build's insert (short names keep the JSON small).
#[derive(Debug, Serialize)]
struct RowJson {
    v: Option<String>,
    s: u64,
    p: u64,
    b: u64,
    e: u64,
    k: String,
    d: Option<String>,
    hs: u64,
    hp: u64,
    hb: u64,
    he: u64,
    hk: String,
    hd: Option<String>,
}

/// The statements that replace a day's dimension rows with those of `sessions`, then mark the
/// rows current for the day's build made at `built_at` (only if that build is still the latest).
pub(crate) fn rebuild(
    site: &str,
    zone: &str,
    day: Day,
    threshold: u32,
    sessions: &[SessionRow],
    built_at: UnixMillis,
) -> Vec<Query> {
    let edges = edges();
    let mut out = vec![Query::new(
        "DELETE FROM rollup_dims WHERE site_key = ?1 AND day_start = ?2 AND zone = ?3",
        vec![site.into(), day.day_start.into(), zone.into()],
    )];
    let hashes: Vec<u64> = sessions.iter().map(|s| super::sketch::hash(&s.visitor)).collect();
    let dims: Vec<Option<Dimension>> =
        std::iter::once(None).chain(Dimension::ALL.into_iter().map(Some)).collect();
    for dim in dims {
        let mut parts: BTreeMap<Option<&str>, (Part, Part)> = BTreeMap::new();
        for (s, &h) in sessions.iter().zip(&hashes) {
            let value = dim.and_then(|d| s.value(d));
            let b = dim.is_none().then(|| bucket(&edges, s.duration_ms));
            let (all, human) = parts.entry(value).or_default();
            all.add(s, h, b);
            if s.suspicion_score < threshold {
                human.add(s, h, b);
            }
        }
        if dim.is_none() && parts.is_empty() {
            parts.insert(None, Default::default());
        }
        let rows: Vec<RowJson> = parts
            .into_iter()
            .map(|(v, (a, h))| RowJson {
                v: v.map(str::to_owned),
                s: a.sessions,
                p: a.pageviews,
                b: a.bounces,
                e: a.engaged_ms,
                k: a.sketch(),
                d: dim.is_none().then(|| durations_text(&a.durations)),
                hs: h.sessions,
                hp: h.pageviews,
                hb: h.bounces,
                he: h.engaged_ms,
                hk: h.sketch(),
                hd: dim.is_none().then(|| durations_text(&h.durations)),
            })
            .collect();
        let json = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned());
        out.push(Query::new(
            "INSERT INTO rollup_dims (site_key, day_start, zone, dim, value, sessions, pageviews, bounces,
               engaged_ms, sketch, durations, human_sessions, human_pageviews, human_bounces,
               human_engaged_ms, human_sketch, human_durations)
             SELECT ?1, ?2, ?3, ?4, json_extract(j.value, '$.v'), json_extract(j.value, '$.s'),
                    json_extract(j.value, '$.p'), json_extract(j.value, '$.b'), json_extract(j.value, '$.e'),
                    json_extract(j.value, '$.k'), json_extract(j.value, '$.d'), json_extract(j.value, '$.hs'),
                    json_extract(j.value, '$.hp'), json_extract(j.value, '$.hb'), json_extract(j.value, '$.he'),
                    json_extract(j.value, '$.hk'), json_extract(j.value, '$.hd')
               FROM json_each(?5) AS j",
            vec![
                site.into(),
                day.day_start.into(),
                zone.into(),
                dim.map_or(TOTALS, Dimension::name).into(),
                json.into(),
            ],
        ));
    }
    out.push(Query::new(
        "UPDATE rollup_days SET dims_at = built_at
          WHERE site_key = ?1 AND day_start = ?2 AND zone = ?3 AND built_at = ?4 AND threshold = ?5",
        vec![site.into(), day.day_start.into(), zone.into(), built_at.into(), threshold.into()],
    ));
    out
}

/// The clean days of `s`'s range whose dimension rows are current, in `zone` (under `s`'s bot
/// threshold when bots are left out), oldest first.
pub(crate) fn built_days(s: &Scope, zone: &str) -> Query {
    let mut q = super::rollup_days::built_days(s, zone);
    q.sql = q.sql.replace(" ORDER BY day_start", " AND dims_at = built_at ORDER BY day_start");
    q
}

/// The rollup rows of `dim` (or the totals) over the built spans of `split`, one row per value:
/// the sums, and the day rows' sketches and duration histograms as JSON arrays (a few rows cross
/// from D1 into the worker rather than one per day and value).
pub(crate) fn rollup_rows(s: &Scope, zone: &str, dim: Option<Dimension>, split: &Split) -> Query {
    let mut q = Query::new("", vec![]);
    let (site, zone, d) =
        (q.bind(s.site.as_str()), q.bind(zone), q.bind(dim.map_or(TOTALS, Dimension::name)));
    let h = if s.bot_threshold.is_some() { "human_" } else { "" };
    let arms: Vec<String> = split
        .built
        .iter()
        .map(|&(a, b)| {
            format!(
                "SELECT value, {h}sessions AS sessions, {h}pageviews AS pageviews, {h}bounces AS bounces,
                        {h}engaged_ms AS engaged_ms, {h}sketch AS sketch, {h}durations AS durations
                   FROM rollup_dims WHERE site_key = {site} AND dim = {d} AND zone = {zone}
                    AND day_start >= {a} AND day_start < {b} AND {h}sessions > 0"
            )
        })
        .collect();
    let durations = if dim.is_none() { "json_group_array(durations)" } else { "'[]'" };
    q.sql = format!(
        "SELECT value, sum(sessions) AS sessions, sum(pageviews) AS pageviews, sum(bounces) AS bounces,
                sum(engaged_ms) AS engaged_ms, json_group_array(sketch) AS sketches, {durations} AS durations
           FROM (\n {}) GROUP BY value",
        arms.join("\n UNION ALL ")
    );
    q
}

/// The sessions of the raw spans of `split`, one row per value: the sums, the visitors and (for
/// the totals) the durations as JSON arrays.
pub(crate) fn raw_rows(s: &Scope, dim: Option<Dimension>, split: &Split) -> Query {
    let mut q = Query::new("", vec![]);
    let site = q.bind(s.site.as_str());
    let bots =
        s.bot_threshold.map_or(String::new(), |t| format!(" AND suspicion_score < {}", q.bind(t)));
    let col = dim.map_or("NULL", Dimension::column);
    let arms: Vec<String> = split
        .raw
        .iter()
        .map(|&(a, b)| {
            format!(
                "SELECT {col} AS value, {VISITOR_SQL} AS visitor, page_views, engaged_ms, duration_ms
                   FROM sessions WHERE site_key = {site} AND started_at >= {a} AND started_at < {b}{bots}"
            )
        })
        .collect();
    let durations = if dim.is_none() { "json_group_array(duration_ms)" } else { "'[]'" };
    q.sql = format!(
        "SELECT value, count(*) AS sessions, sum(page_views) AS pageviews,
                sum(page_views <= 1) AS bounces, sum(engaged_ms) AS engaged_ms,
                json_group_array(visitor) AS visitors, {durations} AS durations
           FROM (\n {}) GROUP BY value",
        arms.join("\n UNION ALL ")
    );
    q
}

/// A value's rollup rows as [`rollup_rows`] reads them.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct RollupRow {
    pub(crate) value: Option<String>,
    pub(crate) sessions: u64,
    pub(crate) pageviews: u64,
    pub(crate) bounces: u64,
    pub(crate) engaged_ms: u64,
    /// JSON array of sketches (text form).
    pub(crate) sketches: String,
    /// JSON array of histograms (`bucket:count,…`, or null off the totals).
    pub(crate) durations: String,
}

/// A value's raw sessions as [`raw_rows`] reads them.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct RawRow {
    pub(crate) value: Option<String>,
    pub(crate) sessions: u64,
    pub(crate) pageviews: u64,
    pub(crate) bounces: u64,
    pub(crate) engaged_ms: u64,
    /// JSON array of visitor keys.
    pub(crate) visitors: String,
    /// JSON array of durations, ms (empty off the totals).
    pub(crate) durations: String,
}

/// The merged answer for one value (or the totals).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Merged {
    pub(crate) value: Option<String>,
    pub(crate) sessions: u64,
    pub(crate) visitors: u64,
    pub(crate) pageviews: u64,
    pub(crate) bounces: u64,
    pub(crate) engaged_ms: u64,
    /// Totals only: the histogram's median duration (0 without sessions).
    pub(crate) median_duration_ms: u64,
}

#[derive(Default)]
struct Acc<'a> {
    sessions: u64,
    pageviews: u64,
    bounces: u64,
    engaged_ms: u64,
    rollup: Option<&'a RollupRow>,
    raw: Option<&'a RawRow>,
}

fn add_histogram(into: &mut BTreeMap<usize, u64>, text: Option<&str>) -> Result<(), &'static str> {
    for pair in text.unwrap_or("").split(',').filter(|p| !p.is_empty()) {
        let (b, n) = pair.split_once(':').ok_or("bad duration histogram")?;
        let b: usize = b.parse().map_err(|_| "bad duration bucket")?;
        let n: u64 = n.parse().map_err(|_| "bad duration count")?;
        *into.entry(b).or_default() += n;
    }
    Ok(())
}

/// Merges the rollup rows and raw sessions of each value; keeps the `limit` values with most
/// sessions (ties by value, as the raw SQL orders them), reading sketches and estimating visitors
/// only for those. Rows that do not parse are an error.
pub(crate) fn merge(
    rollups: &[RollupRow],
    raw: &[RawRow],
    limit: usize,
) -> Result<Vec<Merged>, &'static str> {
    let edges = edges();
    let mut acc: BTreeMap<Option<&str>, Acc<'_>> = BTreeMap::new();
    for r in rollups {
        let a = acc.entry(r.value.as_deref()).or_default();
        a.sessions += r.sessions;
        a.pageviews += r.pageviews;
        a.bounces += r.bounces;
        a.engaged_ms += r.engaged_ms;
        a.rollup = Some(r);
    }
    for r in raw {
        let a = acc.entry(r.value.as_deref()).or_default();
        a.sessions += r.sessions;
        a.pageviews += r.pageviews;
        a.bounces += r.bounces;
        a.engaged_ms += r.engaged_ms;
        a.raw = Some(r);
    }
    let mut ranked: Vec<(Option<&str>, Acc<'_>)> = acc.into_iter().collect();
    ranked.sort_by(|x, y| y.1.sessions.cmp(&x.1.sessions).then(x.0.cmp(&y.0)));
    ranked.truncate(limit);
    let mut out = Vec::with_capacity(ranked.len());
    for (value, a) in ranked {
        let mut sketch = Sketch::default();
        let mut durations: BTreeMap<usize, u64> = BTreeMap::new();
        if let Some(r) = a.rollup {
            let texts: Vec<String> =
                serde_json::from_str(&r.sketches).map_err(|_| "bad sketch list")?;
            for text in &texts {
                sketch.merge_text(text)?;
            }
            let hists: Vec<Option<String>> =
                serde_json::from_str(&r.durations).map_err(|_| "bad histogram list")?;
            for h in &hists {
                add_histogram(&mut durations, h.as_deref())?;
            }
        }
        if let Some(r) = a.raw {
            let visitors: Vec<String> =
                serde_json::from_str(&r.visitors).map_err(|_| "bad visitor list")?;
            visitors.iter().for_each(|v| sketch.insert_key(v));
            let ds: Vec<u64> = serde_json::from_str(&r.durations).map_err(|_| "bad durations")?;
            for d in ds {
                *durations.entry(bucket(&edges, d)).or_default() += 1;
            }
        }
        // The lower median's rank, as the raw SQL takes it.
        let mut median = 0;
        if a.sessions > 0 {
            let rank = (a.sessions - 1) / 2;
            let mut seen = 0;
            for (&b, &n) in &durations {
                seen += n;
                if seen > rank {
                    median = bucket_value(&edges, b);
                    break;
                }
            }
        }
        out.push(Merged {
            value: value.map(str::to_owned),
            sessions: a.sessions,
            visitors: sketch.estimate(),
            pageviews: a.pageviews,
            bounces: a.bounces,
            engaged_ms: a.engaged_ms,
            median_duration_ms: median,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_buckets_bound_the_median() {
        let e = edges();
        assert_eq!(bucket(&e, 0), 0);
        assert_eq!(bucket(&e, 999), 9);
        assert_eq!(bucket(&e, 1000), 10);
        assert_eq!(bucket(&e, u64::MAX), e.len() - 1);
        for d in (0..5_000_000).step_by(777).chain([3_400_000_000, 86_400_000]) {
            let v = bucket_value(&e, bucket(&e, d));
            let err = v.abs_diff(d);
            assert!(err <= DURATION_BOUND_MS || err * 100 <= d * DURATION_BOUND_PCT, "{d} → {v}");
        }
        assert!(e.windows(2).all(|w| w[0] < w[1]));
    }
}
