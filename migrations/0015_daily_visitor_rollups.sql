-- Migration 0015: daily totals for the day series of /analytics/timeseries
-- (worker/src/analytics/rollup_days.rs).
--
-- Unique visitors do not add up over hours, but a day series needs them per local day only: the
-- */10 cron stores each whole local day of a site (in the site's zone) once it ended a while ago,
-- with its exact sessions, unique visitors and pageviews, for all sessions and for the sessions
-- under the bot-detection threshold in force at the build. A day series in the site's zone reads
-- these rows for its whole, clean days and the sessions for the rest: the same answer as the
-- sessions alone. Any change to a session that these totals count marks its day dirty (the
-- triggers below) until the next run rebuilds it; a day built under another threshold is read
-- raw (and rebuilt) too.

CREATE TABLE IF NOT EXISTS rollup_days (
  site_key        TEXT    NOT NULL,
  day_start       INTEGER NOT NULL,            -- local midnight, UTC ms
  zone            TEXT    NOT NULL,            -- the site's zone at the build
  day_end         INTEGER NOT NULL,            -- the next local midnight (23 to 25 hours later)
  bucket          INTEGER NOT NULL,            -- the local date as days since 1970-01-01
  threshold       INTEGER NOT NULL,            -- the suspicion threshold of the human_* columns
  sessions        INTEGER NOT NULL,
  visitors        INTEGER NOT NULL,
  pageviews       INTEGER NOT NULL,
  human_sessions  INTEGER NOT NULL,            -- sessions with suspicion_score < threshold
  human_visitors  INTEGER NOT NULL,
  human_pageviews INTEGER NOT NULL,
  built_at        INTEGER NOT NULL,
  dirty           INTEGER NOT NULL DEFAULT 0,  -- 1: a session of the day changed since the build
  PRIMARY KEY (site_key, day_start, zone)
);
CREATE INDEX IF NOT EXISTS idx_rollup_days_day ON rollup_days (day_start);

-- A session of a built day that is added, removed or changes a counted column marks the day
-- dirty. A day is at most 25 hours long, so the days holding an instant start within 25 hours
-- before it (the bound keeps each lookup a short primary-key range).
CREATE TRIGGER IF NOT EXISTS rollup_days_dirty_session_insert AFTER INSERT ON sessions
BEGIN
  UPDATE rollup_days SET dirty = 1
   WHERE site_key = NEW.site_key AND day_start <= NEW.started_at AND day_start > NEW.started_at - 90000000
     AND day_end > NEW.started_at AND dirty = 0;
END;
CREATE TRIGGER IF NOT EXISTS rollup_days_dirty_session_delete AFTER DELETE ON sessions
BEGIN
  UPDATE rollup_days SET dirty = 1
   WHERE site_key = OLD.site_key AND day_start <= OLD.started_at AND day_start > OLD.started_at - 90000000
     AND day_end > OLD.started_at AND dirty = 0;
END;
CREATE TRIGGER IF NOT EXISTS rollup_days_dirty_session_update
AFTER UPDATE OF site_key, started_at, visitor_key, page_views, suspicion_score ON sessions
WHEN OLD.site_key IS NOT NEW.site_key OR OLD.started_at IS NOT NEW.started_at
  OR OLD.visitor_key IS NOT NEW.visitor_key OR OLD.page_views IS NOT NEW.page_views
  OR OLD.suspicion_score IS NOT NEW.suspicion_score
BEGIN
  UPDATE rollup_days SET dirty = 1
   WHERE site_key = OLD.site_key AND day_start <= OLD.started_at AND day_start > OLD.started_at - 90000000
     AND day_end > OLD.started_at AND dirty = 0;
  UPDATE rollup_days SET dirty = 1
   WHERE site_key = NEW.site_key AND day_start <= NEW.started_at AND day_start > NEW.started_at - 90000000
     AND day_end > NEW.started_at AND dirty = 0;
END;
