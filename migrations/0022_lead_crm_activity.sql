-- Migration 0022: what the CRM reports about a lead (POST /webhooks/crm/lead), appended.
CREATE TABLE IF NOT EXISTS LeadCrmActivity (
  Id          INTEGER PRIMARY KEY AUTOINCREMENT,
  LeadId      INTEGER NOT NULL REFERENCES Leads (Id) ON DELETE CASCADE,
  Event       TEXT    NOT NULL,                  -- e.g. status_changed
  Status      TEXT,
  CrmLeadId   TEXT,
  EventId     TEXT,                              -- the CRM's event id: a retried delivery is stored once
  OccurredAt  INTEGER,                           -- the CRM's time (ms), as sent
  PayloadJson TEXT    NOT NULL,                  -- the body as received (sanitized)
  ReceivedAt  INTEGER NOT NULL,
  UNIQUE (LeadId, EventId)
);
CREATE INDEX IF NOT EXISTS idx_lead_crm_activity_lead ON LeadCrmActivity (LeadId, ReceivedAt);
CREATE INDEX IF NOT EXISTS idx_lead_crm_activity_received ON LeadCrmActivity (ReceivedAt);
