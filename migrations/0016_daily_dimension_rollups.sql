-- Migration 0016: daily rollups per dimension value for the overview and the breakdowns
-- (entry and exit pages, referrers, countries, devices, browsers, OS) of /analytics/*
-- (worker/src/analytics/rollup_dims.rs).
--
-- Built by the */10 cron together with the day's `rollup_days` row (migration 0015), for the
-- same whole local days in the site's zone: per dimension value (and once for the site's totals,
-- dim = ''), the day's sessions, pageviews, bounces and engaged time, for all sessions and for
-- those under the bot threshold of the `rollup_days` row, plus a HyperLogLog sketch of the
-- visitors (text, worker/src/analytics/sketch.rs) and, for the totals, a histogram of session
-- durations. Sums are exact; visitors over several days are an estimate (error bound in the API
-- docs); the median duration comes from the histogram (bucket bound in the API docs).
--
-- A report reads these rows only for days whose `rollup_days` row is clean and whose dimension
-- rows belong to its latest build (`dims_at = built_at`), and the sessions for the rest. The
-- trigger below marks a built day dirty when a session changes a column these rows count and the
-- 0015 triggers do not watch.

CREATE TABLE IF NOT EXISTS rollup_dims (
  site_key         TEXT    NOT NULL,
  day_start        INTEGER NOT NULL,   -- rollup_days.day_start
  zone             TEXT    NOT NULL,   -- rollup_days.zone
  dim              TEXT    NOT NULL,   -- '' (the site's totals) or a dimension's name
  value            TEXT,               -- the dimension's value (NULL: none)
  sessions         INTEGER NOT NULL,
  pageviews        INTEGER NOT NULL,
  bounces          INTEGER NOT NULL,   -- sessions with at most one pageview
  engaged_ms       INTEGER NOT NULL,
  sketch           TEXT    NOT NULL,   -- the visitors (HyperLogLog, text form)
  durations        TEXT,               -- totals only: session durations per histogram bucket
  human_sessions   INTEGER NOT NULL,   -- the same for sessions under rollup_days.threshold
  human_pageviews  INTEGER NOT NULL,
  human_bounces    INTEGER NOT NULL,
  human_engaged_ms INTEGER NOT NULL,
  human_sketch     TEXT    NOT NULL,
  human_durations  TEXT
);
CREATE INDEX IF NOT EXISTS idx_rollup_dims_report ON rollup_dims (site_key, dim, zone, day_start);
CREATE INDEX IF NOT EXISTS idx_rollup_dims_day ON rollup_dims (day_start);

-- The build of the dimension rows a day's rollup_days row belongs to (= built_at when current).
ALTER TABLE rollup_days ADD COLUMN dims_at INTEGER;

CREATE TRIGGER IF NOT EXISTS rollup_dims_dirty_session_update
AFTER UPDATE OF landing_path, exit_path, referrer_host, country, device_class, browser, os,
  duration_ms, engaged_ms ON sessions
WHEN OLD.landing_path IS NOT NEW.landing_path OR OLD.exit_path IS NOT NEW.exit_path
  OR OLD.referrer_host IS NOT NEW.referrer_host OR OLD.country IS NOT NEW.country
  OR OLD.device_class IS NOT NEW.device_class OR OLD.browser IS NOT NEW.browser
  OR OLD.os IS NOT NEW.os OR OLD.duration_ms IS NOT NEW.duration_ms
  OR OLD.engaged_ms IS NOT NEW.engaged_ms
BEGIN
  UPDATE rollup_days SET dirty = 1
   WHERE site_key = NEW.site_key AND day_start <= NEW.started_at AND day_start > NEW.started_at - 90000000
     AND day_end > NEW.started_at AND dirty = 0;
END;
