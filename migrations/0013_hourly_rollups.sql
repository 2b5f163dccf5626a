-- Migration 0013: hourly rollups for the /analytics/* reports (worker/src/analytics/rollup.rs).
--
-- The */10 cron sums `session_pages` and `session_events` per site and UTC hour once an hour
-- can no longer change much (the hour ended a while ago), and records the hour in
-- `rollup_hours`. A report sums the rollups of the built, clean hours of its range and reads the
-- raw per-session rows only for the rest, so its answer is the same as from the raw rows alone.
--
-- A built hour is marked dirty by the triggers below whenever a session of that hour rewrites its
-- pages or events (a late batch, a late session start, the final aggregate); a dirty hour is read
-- raw until the cron rebuilds it. Rows of a rollup carry every session, bots included: reports
-- that leave bots out subtract the bot sessions' raw rows.

CREATE TABLE IF NOT EXISTS rollup_hours (
  site_key  TEXT    NOT NULL,
  hour      INTEGER NOT NULL,            -- start of the UTC hour, ms
  built_at  INTEGER NOT NULL,            -- server ms of the latest build
  dirty     INTEGER NOT NULL DEFAULT 0,  -- 1: a session of the hour changed since the build
  PRIMARY KEY (site_key, hour)
);
CREATE INDEX IF NOT EXISTS idx_rollup_hours_hour ON rollup_hours (hour);
CREATE INDEX IF NOT EXISTS idx_rollup_hours_dirty ON rollup_hours (site_key, hour) WHERE dirty = 1;

-- Views and sessions per page and hour (the sum of `session_pages`).
CREATE TABLE IF NOT EXISTS rollup_pages (
  site_key  TEXT    NOT NULL,
  hour      INTEGER NOT NULL,
  path      TEXT    NOT NULL,
  views     INTEGER NOT NULL,
  sessions  INTEGER NOT NULL,
  PRIMARY KEY (site_key, hour, path)
);
CREATE INDEX IF NOT EXISTS idx_rollup_pages_report ON rollup_pages (site_key, hour, path, views, sessions);
CREATE INDEX IF NOT EXISTS idx_rollup_pages_hour ON rollup_pages (hour);

-- Custom events and their property values per hour (the sum of `session_events`).
CREATE TABLE IF NOT EXISTS rollup_events (
  site_key    TEXT    NOT NULL,
  hour        INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  prop_key    TEXT    NOT NULL,
  prop_value  TEXT    NOT NULL,
  count       INTEGER NOT NULL,
  sessions    INTEGER NOT NULL,
  PRIMARY KEY (site_key, hour, name, prop_key, prop_value)
);
CREATE INDEX IF NOT EXISTS idx_rollup_events_report ON rollup_events (
  site_key, hour, name, prop_key, prop_value, count, sessions
);
CREATE INDEX IF NOT EXISTS idx_rollup_events_hour ON rollup_events (hour);

-- The bot sessions of a range, for the reports that subtract them from a rollup.
CREATE INDEX IF NOT EXISTS idx_sessions_bots ON sessions (site_key, suspicion_score, started_at, id);

-- A change to a built hour's per-session rows makes the hour dirty.
CREATE TRIGGER IF NOT EXISTS rollup_dirty_page_insert AFTER INSERT ON session_pages
BEGIN
  UPDATE rollup_hours SET dirty = 1
   WHERE site_key = NEW.site_key AND hour = NEW.started_at - NEW.started_at % 3600000 AND dirty = 0;
END;
CREATE TRIGGER IF NOT EXISTS rollup_dirty_page_delete AFTER DELETE ON session_pages
BEGIN
  UPDATE rollup_hours SET dirty = 1
   WHERE site_key = OLD.site_key AND hour = OLD.started_at - OLD.started_at % 3600000 AND dirty = 0;
END;
CREATE TRIGGER IF NOT EXISTS rollup_dirty_event_insert AFTER INSERT ON session_events
BEGIN
  UPDATE rollup_hours SET dirty = 1
   WHERE site_key = NEW.site_key AND hour = NEW.started_at - NEW.started_at % 3600000 AND dirty = 0;
END;
CREATE TRIGGER IF NOT EXISTS rollup_dirty_event_delete AFTER DELETE ON session_events
BEGIN
  UPDATE rollup_hours SET dirty = 1
   WHERE site_key = OLD.site_key AND hour = OLD.started_at - OLD.started_at % 3600000 AND dirty = 0;
END;
