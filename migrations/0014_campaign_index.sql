-- Migration 0014: a partial covering index for /analytics/campaigns (worker/src/analytics/sql.rs).
--
-- The campaigns report reads only the sessions that carry a UTM parameter, usually a minority of
-- a site's sessions. Indexing just those, with every column the report reads, makes the report
-- one range scan over them instead of over all of the range's sessions (idx_sessions_report).
-- SQLite uses a partial index only when the query repeats its WHERE term, so
-- `sql::campaigns` writes the same `(utm_source IS NOT NULL OR …)` term, and a native test
-- checks the plan names this index. Its cost: one more index entry per session with UTM
-- parameters, rewritten when the aggregate update changes `page_views` or `suspicion_score`.

CREATE INDEX IF NOT EXISTS idx_sessions_campaigns ON sessions (
  site_key, started_at, suspicion_score, utm_source, utm_medium, utm_campaign, visitor_key, page_views
) WHERE utm_source IS NOT NULL OR utm_medium IS NOT NULL OR utm_campaign IS NOT NULL;
