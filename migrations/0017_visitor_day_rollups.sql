-- Migration 0017: daily totals by the VISITOR's local date, for the day series of
-- /analytics/timeseries with tz=visitor (worker/src/analytics/rollup_visitor_days.rs).
--
-- A session has exactly one local date in its own zone (the `timezone` it reported; the site's
-- zone when it reported none the runtime knows). Every zone in use lies between -12:00 and
-- +14:00, so the sessions of local date D started between D 00:00 at +14:00 and D+1 00:00 at
-- -12:00: a 50-hour window, `[day_start, day_end)` below. Once that window ended a while ago the
-- */10 cron stores the date's exact sessions, unique visitors and pageviews, for all sessions and
-- for those under the bot-detection threshold at the build. A visitor series reads these rows for
-- the dates whose whole window lies in its range and the sessions for the rest: the same answer
-- as the sessions alone. A change to a session these totals count marks every date whose window
-- holds it dirty (the triggers below: two or three dates) until the next run rebuilds them.

CREATE TABLE IF NOT EXISTS rollup_visitor_days (
  site_key        TEXT    NOT NULL,
  day_start       INTEGER NOT NULL,            -- the date's first instant anywhere (00:00 at +14:00), UTC ms
  zone            TEXT    NOT NULL,            -- the site's zone at the build (for sessions without one)
  day_end         INTEGER NOT NULL,            -- the date's last instant anywhere (24:00 at -12:00), 50 h later
  bucket          INTEGER NOT NULL,            -- the local date as days since 1970-01-01
  threshold       INTEGER NOT NULL,            -- the suspicion threshold of the human_* columns
  sessions        INTEGER NOT NULL,
  visitors        INTEGER NOT NULL,
  pageviews       INTEGER NOT NULL,
  human_sessions  INTEGER NOT NULL,            -- sessions with suspicion_score < threshold
  human_visitors  INTEGER NOT NULL,
  human_pageviews INTEGER NOT NULL,
  built_at        INTEGER NOT NULL,
  dirty           INTEGER NOT NULL DEFAULT 0,  -- 1: a session of the window changed since the build
  PRIMARY KEY (site_key, day_start, zone)
);
CREATE INDEX IF NOT EXISTS idx_rollup_visitor_days_day ON rollup_visitor_days (day_start);

-- The windows holding an instant start within 50 hours before it (the bound keeps each lookup a
-- short primary-key range). `timezone` decides a session's date, so its change counts too.
CREATE TRIGGER IF NOT EXISTS rollup_visitor_days_dirty_session_insert AFTER INSERT ON sessions
BEGIN
  UPDATE rollup_visitor_days SET dirty = 1
   WHERE site_key = NEW.site_key AND day_start <= NEW.started_at AND day_start > NEW.started_at - 180000000
     AND dirty = 0;
END;
CREATE TRIGGER IF NOT EXISTS rollup_visitor_days_dirty_session_delete AFTER DELETE ON sessions
BEGIN
  UPDATE rollup_visitor_days SET dirty = 1
   WHERE site_key = OLD.site_key AND day_start <= OLD.started_at AND day_start > OLD.started_at - 180000000
     AND dirty = 0;
END;
CREATE TRIGGER IF NOT EXISTS rollup_visitor_days_dirty_session_update
AFTER UPDATE OF site_key, started_at, visitor_key, page_views, suspicion_score, timezone ON sessions
WHEN OLD.site_key IS NOT NEW.site_key OR OLD.started_at IS NOT NEW.started_at
  OR OLD.visitor_key IS NOT NEW.visitor_key OR OLD.page_views IS NOT NEW.page_views
  OR OLD.suspicion_score IS NOT NEW.suspicion_score OR OLD.timezone IS NOT NEW.timezone
BEGIN
  UPDATE rollup_visitor_days SET dirty = 1
   WHERE site_key = OLD.site_key AND day_start <= OLD.started_at AND day_start > OLD.started_at - 180000000
     AND dirty = 0;
  UPDATE rollup_visitor_days SET dirty = 1
   WHERE site_key = NEW.site_key AND day_start <= NEW.started_at AND day_start > NEW.started_at - 180000000
     AND dirty = 0;
END;
