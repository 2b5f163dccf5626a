-- Migration 0001: visitor sessions with their aggregates. Raw events live in R2 only.
CREATE TABLE IF NOT EXISTS sessions (
  id                  TEXT PRIMARY KEY,          -- SessionId (UUID v4 chosen by the SDK)
  site_key            TEXT    NOT NULL,          -- data-site-key of the script tag
  started_at          INTEGER NOT NULL,          -- client clock, ms since epoch
  received_at         INTEGER NOT NULL,          -- server clock, ms since epoch
  last_seen_at        INTEGER NOT NULL,          -- server clock of the latest aggregate update
  ended_at            INTEGER,                   -- set by /track/session/end
  r2_prefix           TEXT    NOT NULL,          -- sessions/YYYY/MM/DD/{id}/
  landing_url         TEXT    NOT NULL,
  referrer            TEXT,
  title               TEXT,
  language            TEXT,
  timezone            TEXT,
  screen_width        INTEGER,
  screen_height       INTEGER,
  viewport_width      INTEGER,
  viewport_height     INTEGER,
  pixel_ratio         REAL,
  user_agent          TEXT,
  country             TEXT,                      -- from the edge (request.cf.country)
  ip_hash             TEXT,                      -- salted SHA-256; the raw IP is never stored
  event_count         INTEGER NOT NULL DEFAULT 0,
  page_views          INTEGER NOT NULL DEFAULT 0,
  clicks              INTEGER NOT NULL DEFAULT 0,
  max_scroll_percent  INTEGER NOT NULL DEFAULT 0,
  engaged_ms          INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS idx_sessions_site_started ON sessions (site_key, started_at);
CREATE INDEX IF NOT EXISTS idx_sessions_started ON sessions (started_at);
