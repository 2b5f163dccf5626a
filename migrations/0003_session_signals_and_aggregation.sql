-- Migration 0003: what ingest learns about a session beyond 0002's columns (edge network facts,
-- automation and identity signals that feed the suspicion score) and the state of the throttled
-- aggregate update (worker/src/jobs/aggregate.rs; ARCHITECTURE.md, "Session aggregates").

-- Signals, stored so every aggregate update can recompute both scores from the row alone.
ALTER TABLE sessions ADD COLUMN bot_signals TEXT NOT NULL DEFAULT '[]';   -- JSON array of the SDK's BotSignal names
ALTER TABLE sessions ADD COLUMN network_kind TEXT;               -- hosting | vpn | relay | tor; NULL for an ordinary (eyeball) network
ALTER TABLE sessions ADD COLUMN is_eu INTEGER;                   -- request.cf.isEUCountry: 1, 0, or NULL when unknown
ALTER TABLE sessions ADD COLUMN fingerprint_confidence INTEGER;  -- 0-100, from the SDK
ALTER TABLE sessions ADD COLUMN fp_ips_24h INTEGER;              -- distinct IP hashes this fingerprint used in the 24 h before the start
ALTER TABLE sessions ADD COLUMN fp_countries_24h INTEGER;        -- distinct countries of those
ALTER TABLE sessions ADD COLUMN fp_country_hop INTEGER;          -- 1 when the fingerprint came from another country in the hour before
ALTER TABLE sessions ADD COLUMN ip_fingerprints_24h INTEGER;     -- distinct fingerprints behind this IP hash in the 24 h before
ALTER TABLE sessions ADD COLUMN peak_events_per_s INTEGER NOT NULL DEFAULT 0;  -- densest second of interaction events

-- Session end (POST /track/session/end).
ALTER TABLE sessions ADD COLUMN end_engaged_ms INTEGER;          -- engaged time the SDK reported on the end

-- Aggregate state: recomputed from R2, so these say how far D1 has caught up.
ALTER TABLE sessions ADD COLUMN agg_batches INTEGER NOT NULL DEFAULT 0;        -- distinct batches in the latest aggregate (a guard: never overwritten by a smaller listing)
ALTER TABLE sessions ADD COLUMN aggregate_updates INTEGER NOT NULL DEFAULT 0;  -- aggregate writes so far (the 20 s throttle is visible here)
ALTER TABLE sessions ADD COLUMN finalized_at INTEGER;            -- server ms of the final aggregate (the */10 cron, once the session is quiet)

-- The */10 cron finds sessions that went quiet without being finalised.
CREATE INDEX IF NOT EXISTS idx_sessions_open ON sessions (last_seen_at) WHERE finalized_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_session_pages_started ON session_pages (started_at);
CREATE INDEX IF NOT EXISTS idx_session_events_started ON session_events (started_at);
