-- Migration 0024: the lead drought alert's memory (spec lib/leadDroughtAlert.ts): which drought
-- the last alert was for, so the */10 cron alerts once per drought and the next lead re-arms it.
CREATE TABLE IF NOT EXISTS LeadDroughtState (
  Id                INTEGER PRIMARY KEY CHECK (Id = 1),
  AlertedForLeadAt  INTEGER NOT NULL,            -- the newest lead's time the alert was for (0: no lead yet)
  AlertedAt         INTEGER NOT NULL,
  MessageId         TEXT    NOT NULL             -- the alert's webhook message
);
