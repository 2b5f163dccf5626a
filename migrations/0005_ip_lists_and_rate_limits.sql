-- Migration 0005: IP allow and block lists (spec tables, PascalCase as named there) and the
-- fixed-window rate limiter's counters. A list entry names either one address by its salted
-- hash (IpHash = sha256(IP_HASH_SALT ":" ip), as stored in sessions.ip_hash) or a CIDR range;
-- for a range, RangeStart/RangeEnd hold its first and last address as 32 hex digits of the
-- IPv6 form (IPv4 as ::ffff:a.b.c.d), so the worker matches it with two comparisons.
-- worker/src/net/ip.rs computes them; scripts/ip-list.mjs writes correct rows.

CREATE TABLE IF NOT EXISTS BlockedIPs (
  Id          INTEGER PRIMARY KEY AUTOINCREMENT,
  IpHash      TEXT,                 -- one address, salted hash
  Cidr        TEXT,                 -- or a range as entered, e.g. 203.0.113.0/24
  RangeStart  TEXT,                 -- 32 hex digits, with Cidr
  RangeEnd    TEXT,                 -- 32 hex digits, with Cidr
  Reason      TEXT,
  CreatedAt   INTEGER NOT NULL,     -- ms
  CHECK ((IpHash IS NOT NULL) <> (Cidr IS NOT NULL)),
  CHECK (Cidr IS NULL OR (length(RangeStart) = 32 AND length(RangeEnd) = 32 AND RangeStart <= RangeEnd))
);
CREATE INDEX IF NOT EXISTS idx_blocked_ips_hash ON BlockedIPs (IpHash);
CREATE INDEX IF NOT EXISTS idx_blocked_ips_range ON BlockedIPs (RangeStart, RangeEnd);

CREATE TABLE IF NOT EXISTS WhitelistedIPs (
  Id          INTEGER PRIMARY KEY AUTOINCREMENT,
  IpHash      TEXT,
  Cidr        TEXT,
  RangeStart  TEXT,
  RangeEnd    TEXT,
  Reason      TEXT,
  CreatedAt   INTEGER NOT NULL,
  CHECK ((IpHash IS NOT NULL) <> (Cidr IS NOT NULL)),
  CHECK (Cidr IS NULL OR (length(RangeStart) = 32 AND length(RangeEnd) = 32 AND RangeStart <= RangeEnd))
);
CREATE INDEX IF NOT EXISTS idx_whitelisted_ips_hash ON WhitelistedIPs (IpHash);
CREATE INDEX IF NOT EXISTS idx_whitelisted_ips_range ON WhitelistedIPs (RangeStart, RangeEnd);

-- One row per (route family, salted IP hash, window); one atomic UPSERT per /track request.
CREATE TABLE IF NOT EXISTS rate_limit_windows (
  key           TEXT    NOT NULL,   -- "{family}:{ip_hash}"
  window_start  INTEGER NOT NULL,   -- ms, a multiple of the window length
  count         INTEGER NOT NULL,
  PRIMARY KEY (key, window_start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_rate_limit_windows_start ON rate_limit_windows (window_start);
