-- Migration 0020: leads and their submissions (spec tables, PascalCase columns as the spec names
-- them). A lead is one person on one site: submissions with the same email (else the same
-- phone) on the same site add to the same lead; each accepted submission keeps the full body.

CREATE TABLE IF NOT EXISTS Leads (
  Id               INTEGER PRIMARY KEY AUTOINCREMENT,
  PublicId         TEXT    NOT NULL UNIQUE,      -- "ld_" + 32 hex: the id in URLs, answers and webhooks
  SiteKey          TEXT    NOT NULL,
  IdentityKey      TEXT    NOT NULL,             -- "email:<lower-case>", "phone:<digits>" or "submission:<id>"
  FormId           TEXT    NOT NULL,             -- the latest submission's form
  Email            TEXT,                         -- the form's first email field, as typed (trimmed)
  Phone            TEXT,                         -- the form's first phone field
  Name             TEXT,                         -- a "name"/"full_name" field, or first + last name
  Source           TEXT    NOT NULL,             -- latest submission: form (browser origin) | api (integration key)
  SessionId        TEXT,                         -- latest submission's linked session (sessions.id)
  VisitorId        TEXT,
  EngagementScore  INTEGER NOT NULL DEFAULT 0,   -- copied from the session at capture (latest submission)
  SuspicionScore   INTEGER NOT NULL DEFAULT 0,
  Country          TEXT,                         -- request.cf.country of the latest submission
  IsTest           INTEGER NOT NULL DEFAULT 0,   -- matched a TestingLeads rule: never sent to the CRM
  CrmLeadId        TEXT,                         -- set by POST /lead.capture/crm-callback
  CrmLeadIdAt      INTEGER,
  SubmissionCount  INTEGER NOT NULL DEFAULT 1,
  CreatedAt        INTEGER NOT NULL,             -- first submission, server ms
  UpdatedAt        INTEGER NOT NULL,             -- latest submission (the retention window counts from it)
  UNIQUE (SiteKey, IdentityKey)
);
CREATE INDEX IF NOT EXISTS idx_leads_created ON Leads (CreatedAt, Id);
CREATE INDEX IF NOT EXISTS idx_leads_site_created ON Leads (SiteKey, CreatedAt, Id);
CREATE INDEX IF NOT EXISTS idx_leads_updated ON Leads (UpdatedAt);
CREATE INDEX IF NOT EXISTS idx_leads_crm ON Leads (CrmLeadId) WHERE CrmLeadId IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_leads_identity ON Leads (IdentityKey);

-- LeadSubmissions: one row per accepted submission. PayloadJson is the full body (sanitized, with
-- the hidden values the server filled in); (SiteKey, IdempotencyKey) makes a double submit one row.
CREATE TABLE IF NOT EXISTS LeadSubmissions (
  Id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  PublicId           TEXT    NOT NULL UNIQUE,    -- "sub_" + 32 hex
  LeadId             INTEGER NOT NULL REFERENCES Leads (Id) ON DELETE CASCADE,
  SiteKey            TEXT    NOT NULL,
  FormId             TEXT    NOT NULL,
  IdempotencyKey     TEXT    NOT NULL,           -- "key:<Idempotency-Key>", "submission:<uuid>" or "body:<sha-256>"
  PayloadJson        TEXT    NOT NULL,
  Source             TEXT    NOT NULL,           -- form | api
  IntegrationId      TEXT,                       -- Integrations.Id for api
  Origin             TEXT,                       -- the page's origin for form
  SessionId          TEXT,                       -- only when that session exists on the same site
  VisitorId          TEXT,
  FingerprintId      TEXT,
  EngagementScore    INTEGER NOT NULL DEFAULT 0, -- the session's scores at capture
  EngagementReasons  TEXT    NOT NULL DEFAULT '[]',
  SuspicionScore     INTEGER NOT NULL DEFAULT 0,
  SuspicionReasons   TEXT    NOT NULL DEFAULT '[]',
  PageUrl            TEXT,
  Referrer           TEXT,
  UtmSource          TEXT,
  UtmMedium          TEXT,
  UtmCampaign        TEXT,
  UtmTerm            TEXT,
  UtmContent         TEXT,
  Country            TEXT,
  IpHash             TEXT,                       -- salted SHA-256; the raw IP is never stored
  UserAgent          TEXT,
  FillMs             INTEGER,
  IsTest             INTEGER NOT NULL DEFAULT 0,
  TestReason         TEXT,
  CreatedAt          INTEGER NOT NULL,
  UNIQUE (SiteKey, IdempotencyKey)
);
CREATE INDEX IF NOT EXISTS idx_lead_submissions_lead ON LeadSubmissions (LeadId, CreatedAt);
CREATE INDEX IF NOT EXISTS idx_lead_submissions_created ON LeadSubmissions (CreatedAt);
CREATE INDEX IF NOT EXISTS idx_lead_submissions_session ON LeadSubmissions (SessionId) WHERE SessionId IS NOT NULL;
