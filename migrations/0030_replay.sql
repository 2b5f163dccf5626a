-- Migration 0030: which sessions have a recording. Set by POST /track/replay when a page's
-- recording starts (once per page); the replay list reads only such sessions. The events
-- themselves live in R2 only, under the session's events/ prefix.
ALTER TABLE sessions ADD COLUMN has_replay INTEGER NOT NULL DEFAULT 0;

-- The replay list: recorded sessions of a site, newest first.
CREATE INDEX IF NOT EXISTS idx_sessions_replay ON sessions (has_replay, site_key, started_at);
CREATE INDEX IF NOT EXISTS idx_sessions_replay_started ON sessions (has_replay, started_at);
