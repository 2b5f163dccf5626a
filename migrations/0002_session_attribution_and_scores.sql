-- Migration 0002: what the analytics and lead APIs read about a session, kept current by the
-- throttled aggregate update (worker/src/track/aggregates.rs). Raw events stay in R2 only.

-- Identity and consent.
ALTER TABLE sessions ADD COLUMN visitor_id TEXT;                 -- VisitorId; NULL under consent "count"
ALTER TABLE sessions ADD COLUMN visitor_key TEXT;                -- counts unique visitors: visitor_id, else a daily-salted hash
ALTER TABLE sessions ADD COLUMN consent TEXT NOT NULL DEFAULT 'count';   -- count | analytics | marketing
ALTER TABLE sessions ADD COLUMN fingerprint_id TEXT;             -- fingerprints.id (64 hex), when consent allows

-- Attribution.
ALTER TABLE sessions ADD COLUMN landing_path TEXT;               -- path of landing_url, no query or fragment
ALTER TABLE sessions ADD COLUMN referrer_host TEXT;              -- host of the referrer; NULL when direct or same-site
ALTER TABLE sessions ADD COLUMN utm_source TEXT;
ALTER TABLE sessions ADD COLUMN utm_medium TEXT;
ALTER TABLE sessions ADD COLUMN utm_campaign TEXT;
ALTER TABLE sessions ADD COLUMN utm_term TEXT;
ALTER TABLE sessions ADD COLUMN utm_content TEXT;

-- Device and network (from the SDK, the User-Agent and request.cf; never the raw IP).
ALTER TABLE sessions ADD COLUMN device_class TEXT;               -- desktop | mobile | tablet
ALTER TABLE sessions ADD COLUMN browser TEXT;                    -- Chrome, Edge, Firefox, Safari, Opera, Samsung Internet, Other
ALTER TABLE sessions ADD COLUMN os TEXT;                         -- Windows, macOS, iOS, Android, Linux, ChromeOS, Other
ALTER TABLE sessions ADD COLUMN asn INTEGER;
ALTER TABLE sessions ADD COLUMN as_org TEXT;
ALTER TABLE sessions ADD COLUMN edge_timezone TEXT;              -- request.cf.timezone

-- Aggregates beyond 0001's event_count, page_views, clicks, max_scroll_percent, engaged_ms.
ALTER TABLE sessions ADD COLUMN exit_path TEXT;                  -- path of the latest pageview
ALTER TABLE sessions ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;   -- latest event ts (or ended_at) - started_at
ALTER TABLE sessions ADD COLUMN rage_clicks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN form_starts INTEGER NOT NULL DEFAULT 0;   -- forms focused for the first time
ALTER TABLE sessions ADD COLUMN form_submits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN custom_events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN aggregated_at INTEGER;           -- server ms of the latest aggregate write

-- Scores, 0-100, with the reasons that produced them (JSON arrays of {"reason":…,"points":…}).
ALTER TABLE sessions ADD COLUMN engagement_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN engagement_reasons TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sessions ADD COLUMN suspicion_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN suspicion_reasons TEXT NOT NULL DEFAULT '[]';

CREATE INDEX IF NOT EXISTS idx_sessions_visitor ON sessions (visitor_id);
CREATE INDEX IF NOT EXISTS idx_sessions_fingerprint ON sessions (fingerprint_id);

-- Per-session rollups, rewritten whole by each aggregate update (so a retried batch is never
-- counted twice): the pages a session viewed and the custom events it sent. Analytics sums them.
CREATE TABLE IF NOT EXISTS session_pages (
  session_id  TEXT    NOT NULL,
  site_key    TEXT    NOT NULL,
  started_at  INTEGER NOT NULL,   -- the session's started_at, so date filters need no join
  path        TEXT    NOT NULL,   -- pathname only, no query or fragment
  views       INTEGER NOT NULL,
  PRIMARY KEY (session_id, path)
);
CREATE INDEX IF NOT EXISTS idx_session_pages_site ON session_pages (site_key, started_at);

CREATE TABLE IF NOT EXISTS session_events (
  session_id  TEXT    NOT NULL,
  site_key    TEXT    NOT NULL,
  started_at  INTEGER NOT NULL,
  name        TEXT    NOT NULL,           -- custom event name
  prop_key    TEXT    NOT NULL DEFAULT '',  -- '' for the event's own count row
  prop_value  TEXT    NOT NULL DEFAULT '',  -- the property value as text (JSON scalar)
  count       INTEGER NOT NULL,
  PRIMARY KEY (session_id, name, prop_key, prop_value)
);
CREATE INDEX IF NOT EXISTS idx_session_events_site ON session_events (site_key, started_at, name);
