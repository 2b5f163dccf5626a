-- Migration 0006: where each retention sweep stopped, so a backlog of any size drains over
-- successive cron runs (worker/src/jobs/retention.rs).

CREATE TABLE IF NOT EXISTS retention_cursors (
  store       TEXT PRIMARY KEY,     -- a store of the retention table: events, sessions, …
  cursor      TEXT,                 -- R2: the last key handled (list resumes after it); NULL to start over
  done        INTEGER NOT NULL DEFAULT 1,  -- 0 while a backlog remains (the */10 cron continues it)
  updated_at  INTEGER NOT NULL
);
