-- Migration 0010: dashboard settings and generated API keys (spec tables, PascalCase columns).

-- AppSettings: one row (Id = 1), the settings document as JSON plus its write-only secret,
-- versioned for optimistic concurrency (GET answers ETag "<Version>", PUT needs If-Match).
-- No row means every setting has its default (version 0).
CREATE TABLE IF NOT EXISTS AppSettings (
  Id                 INTEGER PRIMARY KEY CHECK (Id = 1),
  SettingsJson       TEXT    NOT NULL,   -- pulsegate_schema::AppSettings without secrets
  MakeSigningSecret  TEXT,               -- HMAC key for the Make.com webhook; never returned
  Version            INTEGER NOT NULL,   -- 1 after the first save, +1 per save
  UpdatedAt          INTEGER NOT NULL    -- server ms of the last save
);

-- MarketingApiKeys: dashboard-generated keys with the marketing role. Only the SHA-256 of the
-- key is stored; the key is shown once, when created.
CREATE TABLE IF NOT EXISTS MarketingApiKeys (
  Id            TEXT    PRIMARY KEY,     -- KeyId (UUID v4), the key's handle in URLs
  Name          TEXT    NOT NULL,
  KeyHash       TEXT    NOT NULL UNIQUE, -- hex SHA-256 of the key ("pgm_" + 40 hex)
  KeyPrefix     TEXT    NOT NULL,        -- first 12 characters, to recognise the key in lists
  VisiblePages  TEXT,                    -- JSON array of dashboard pages; NULL = AppSettings default
  CreatedAt     INTEGER NOT NULL,
  LastUsedAt    INTEGER,                 -- updated at most once a minute
  RevokedAt     INTEGER                  -- set once; a revoked key gets 401
);
