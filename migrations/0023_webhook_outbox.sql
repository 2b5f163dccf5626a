-- Migration 0023: signed webhooks (spec lib/webhook.ts) delivered from an outbox in D1, driven by
-- the */10 cron: the first attempt right after the lead is stored, retries with backoff and
-- jitter for about a day (worker/src/webhook/backoff.rs), then a dead letter an admin can re-send.

-- WebhookOutbox: messages not delivered yet. PayloadJson is frozen by the first attempt (a lead
-- message is built from D1 then), so every retry sends the same bytes under the same MessageId.
CREATE TABLE IF NOT EXISTS WebhookOutbox (
  Id             INTEGER PRIMARY KEY AUTOINCREMENT,
  MessageId      TEXT    NOT NULL UNIQUE,        -- the webhook-id header: "msg_" + 32 hex
  Kind           TEXT    NOT NULL,               -- lead.created | lead.updated | lead.drought
  LeadId         INTEGER REFERENCES Leads (Id) ON DELETE CASCADE,
  SubmissionId   INTEGER REFERENCES LeadSubmissions (Id) ON DELETE CASCADE,
  PayloadJson    TEXT,
  BaseUrl        TEXT,                           -- the deployment's origin the lead came through (for links)
  Attempts       INTEGER NOT NULL DEFAULT 0,
  NextAttemptAt  INTEGER NOT NULL,
  LeaseUntil     INTEGER,                        -- an attempt is in flight until then
  LastAttemptAt  INTEGER,
  LastStatus     INTEGER,                        -- HTTP status; NULL after a network error or timeout
  LastError      TEXT,
  CreatedAt      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_webhook_outbox_due ON WebhookOutbox (NextAttemptAt);
CREATE INDEX IF NOT EXISTS idx_webhook_outbox_lead ON WebhookOutbox (LeadId);

-- WebhookDeadLetters: messages given up on (retries exhausted, or refused with a 4xx), kept with
-- their payload until an admin re-sends them (POST /analytics/webhooks/dead-letters/{id}/resend).
CREATE TABLE IF NOT EXISTS WebhookDeadLetters (
  Id             INTEGER PRIMARY KEY AUTOINCREMENT,
  MessageId      TEXT    NOT NULL UNIQUE,
  Kind           TEXT    NOT NULL,
  LeadId         INTEGER REFERENCES Leads (Id) ON DELETE CASCADE,
  SubmissionId   INTEGER REFERENCES LeadSubmissions (Id) ON DELETE SET NULL,
  PayloadJson    TEXT,
  BaseUrl        TEXT,
  Attempts       INTEGER NOT NULL,
  LastAttemptAt  INTEGER,
  LastStatus     INTEGER,
  LastError      TEXT,
  CreatedAt      INTEGER NOT NULL,
  DeadAt         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_webhook_dead_letters_dead ON WebhookDeadLetters (DeadAt, Id);
CREATE INDEX IF NOT EXISTS idx_webhook_dead_letters_lead ON WebhookDeadLetters (LeadId);

-- MakeWebhookSends: messages the receiver accepted (2xx), with what was sent; the Make execution
-- URL arrives later through POST /lead.capture/make-callback.
CREATE TABLE IF NOT EXISTS MakeWebhookSends (
  Id              INTEGER PRIMARY KEY AUTOINCREMENT,
  MessageId       TEXT    NOT NULL UNIQUE,
  Kind            TEXT    NOT NULL,
  LeadId          INTEGER REFERENCES Leads (Id) ON DELETE CASCADE,
  SubmissionId    INTEGER REFERENCES LeadSubmissions (Id) ON DELETE SET NULL,
  Url             TEXT    NOT NULL,
  PayloadJson     TEXT    NOT NULL,
  Attempts        INTEGER NOT NULL,
  StatusCode      INTEGER NOT NULL,
  ExecutionUrl    TEXT,
  ExecutionUrlAt  INTEGER,
  CreatedAt       INTEGER NOT NULL,              -- when the message was created
  SentAt          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_make_webhook_sends_lead ON MakeWebhookSends (LeadId, SentAt);
CREATE INDEX IF NOT EXISTS idx_make_webhook_sends_sent ON MakeWebhookSends (SentAt);

-- WebhookAttempts: every attempt, in order (a delivery log that outlives the outbox row).
CREATE TABLE IF NOT EXISTS WebhookAttempts (
  Id         INTEGER PRIMARY KEY AUTOINCREMENT,
  MessageId  TEXT    NOT NULL,
  At         INTEGER NOT NULL,
  Status     INTEGER,
  Ms         INTEGER NOT NULL,
  Error      TEXT
);
CREATE INDEX IF NOT EXISTS idx_webhook_attempts_message ON WebhookAttempts (MessageId, At);
CREATE INDEX IF NOT EXISTS idx_webhook_attempts_at ON WebhookAttempts (At);
