-- Migration 0012: covering indexes for the /analytics/* reports (EXPLAIN QUERY PLAN checked by
-- worker/src/analytics/native_tests.rs and the analytics benchmark).
--
-- Every report reads one site's sessions in a time range. These indexes lead with
-- (site_key, started_at) and carry every column a report reads, so a report is one index range
-- scan that never touches the table rows. Their cost: the throttled aggregate update rewrites one
-- entry of idx_sessions_report per session update (the columns it changes are in it).

CREATE INDEX IF NOT EXISTS idx_sessions_report ON sessions (
  site_key, started_at, suspicion_score, visitor_key, id, page_views, duration_ms, engaged_ms,
  engagement_score, lead_count, event_count, landing_path, exit_path, referrer_host, country,
  device_class, browser, os, utm_source, utm_medium, utm_campaign, timezone
);

-- Top pages (and the sessions list's page filter): views per path in a range.
CREATE INDEX IF NOT EXISTS idx_session_pages_report ON session_pages (site_key, started_at, session_id, path, views);

-- Custom events and their property values in a range.
CREATE INDEX IF NOT EXISTS idx_session_events_report ON session_events (
  site_key, started_at, name, prop_key, prop_value, count, session_id
);
