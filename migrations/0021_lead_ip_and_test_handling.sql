-- Migration 0021: submissions set aside instead of becoming leads, and the rules that mark test
-- leads (spec: "BlockedIPs, BlockedIPLeads, WhitelistedIPs, TestingLeads — IP and test-lead
-- handling").

-- BlockedIPLeads: a submission from a BlockedIPs address, or one that tripped a bot trap (the
-- honeypot field was filled, or it came faster than the form's minimum fill time). The sender
-- got the same answer as for a lead (no oracle); nothing is sent anywhere.
CREATE TABLE IF NOT EXISTS BlockedIPLeads (
  Id              INTEGER PRIMARY KEY AUTOINCREMENT,
  PublicId        TEXT    NOT NULL UNIQUE,       -- the "ld_" id the sender was told
  SiteKey         TEXT    NOT NULL,
  FormId          TEXT    NOT NULL,
  IdempotencyKey  TEXT    NOT NULL,
  Reason          TEXT    NOT NULL,              -- blocked_ip | honeypot | too_fast
  PayloadJson     TEXT    NOT NULL,
  Source          TEXT    NOT NULL,              -- form | api
  Origin          TEXT,
  IpHash          TEXT,
  Country         TEXT,
  UserAgent       TEXT,
  CreatedAt       INTEGER NOT NULL,
  UNIQUE (SiteKey, IdempotencyKey)
);
CREATE INDEX IF NOT EXISTS idx_blocked_ip_leads_created ON BlockedIPLeads (CreatedAt, Id);

-- TestingLeads: rules that mark a lead as a test (stored and shown, never sent to the CRM): an
-- exact email, every email of a domain (both lower-case), one address by its salted hash, or a
-- CIDR range as its first and last address (32 hex digits, as BlockedIPs).
CREATE TABLE IF NOT EXISTS TestingLeads (
  Id           INTEGER PRIMARY KEY AUTOINCREMENT,
  Email        TEXT,
  EmailDomain  TEXT,
  IpHash       TEXT,
  Cidr         TEXT,
  RangeStart   TEXT,
  RangeEnd     TEXT,
  Reason       TEXT,
  CreatedAt    INTEGER NOT NULL,
  CHECK ((Email IS NOT NULL) + (EmailDomain IS NOT NULL) + (IpHash IS NOT NULL) + (Cidr IS NOT NULL) = 1),
  CHECK (Cidr IS NULL OR (length(RangeStart) = 32 AND length(RangeEnd) = 32 AND RangeStart <= RangeEnd))
);
CREATE INDEX IF NOT EXISTS idx_testing_leads_email ON TestingLeads (Email);
CREATE INDEX IF NOT EXISTS idx_testing_leads_domain ON TestingLeads (EmailDomain);
CREATE INDEX IF NOT EXISTS idx_testing_leads_hash ON TestingLeads (IpHash);
CREATE INDEX IF NOT EXISTS idx_testing_leads_range ON TestingLeads (RangeStart, RangeEnd);
