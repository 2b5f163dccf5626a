-- Migration 0011: sites and their allowed domains, lead forms, integration keys, and the lead
-- count analytics filters sessions by.

-- Sites: every site key the tracker may use (unless AppSettings accepts unregistered keys).
CREATE TABLE IF NOT EXISTS Sites (
  SiteKey    TEXT    PRIMARY KEY,        -- data-site-key of the script tag
  Name       TEXT    NOT NULL,
  TimeZone   TEXT    NOT NULL DEFAULT 'UTC',   -- IANA zone the site's reports use
  CreatedAt  INTEGER NOT NULL,
  UpdatedAt  INTEGER NOT NULL
);

-- SiteDomains: where a site's tag and forms may run: an exact host (optionally with a port) or
-- a "*.example.com" wildcard. No rows means anywhere.
CREATE TABLE IF NOT EXISTS SiteDomains (
  SiteKey    TEXT    NOT NULL REFERENCES Sites (SiteKey),
  Domain     TEXT    NOT NULL,
  CreatedAt  INTEGER NOT NULL,
  PRIMARY KEY (SiteKey, Domain)
);

-- Forms: a lead form's field schema (pulsegate_schema::FormDefinition as JSON), rendered by
-- /forms/config and the form builder.
CREATE TABLE IF NOT EXISTS Forms (
  FormId      TEXT    PRIMARY KEY,
  SiteKey     TEXT    NOT NULL REFERENCES Sites (SiteKey),
  Name        TEXT    NOT NULL,
  SchemaJson  TEXT    NOT NULL,
  CreatedAt   INTEGER NOT NULL,
  UpdatedAt   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_forms_site ON Forms (SiteKey);

-- Integrations: server-to-server keys ("pgi_" + 40 hex) for X-API-Key on /lead.capture,
-- stored as SHA-256 like marketing keys, optionally limited to one site.
CREATE TABLE IF NOT EXISTS Integrations (
  Id          TEXT    PRIMARY KEY,
  Name        TEXT    NOT NULL,
  SiteKey     TEXT    REFERENCES Sites (SiteKey),
  KeyHash     TEXT    NOT NULL UNIQUE,
  KeyPrefix   TEXT    NOT NULL,
  CreatedAt   INTEGER NOT NULL,
  LastUsedAt  INTEGER,
  RevokedAt   INTEGER
);

-- Leads captured in a session: the lead flow increments it, the sessions list filters on it
-- (has_lead) without touching the lead tables.
ALTER TABLE sessions ADD COLUMN lead_count INTEGER NOT NULL DEFAULT 0;
