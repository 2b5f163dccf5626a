-- Migration 0004: cross-session identity. A fingerprint is the SDK's SHA-256 over browser entropy
-- (sent only under consent "analytics" or above); identity_network links it to the salted IP
-- hashes, networks and countries it was seen from. No raw IP is stored anywhere.

CREATE TABLE IF NOT EXISTS fingerprints (
  id                TEXT PRIMARY KEY,          -- 64 lower-case hex digits
  first_seen_at     INTEGER NOT NULL,          -- server ms
  last_seen_at      INTEGER NOT NULL,          -- server ms
  sessions          INTEGER NOT NULL DEFAULT 0,
  last_confidence   INTEGER,                   -- 0-100, from the latest session
  signals           TEXT NOT NULL DEFAULT '[]',-- JSON array: every BotSignal ever seen with this fingerprint
  bot_sessions      INTEGER NOT NULL DEFAULT 0,-- sessions that carried at least one bot signal
  hosting_sessions  INTEGER NOT NULL DEFAULT 0,-- sessions from a datacenter / hosting network
  vpn_sessions      INTEGER NOT NULL DEFAULT 0,-- sessions from a known VPN or Tor network
  relay_sessions    INTEGER NOT NULL DEFAULT 0,-- sessions through a privacy relay (iCloud Private Relay): not fraud
  max_suspicion     INTEGER NOT NULL DEFAULT 0,-- highest session suspicion score at start
  is_vpn            INTEGER NOT NULL DEFAULT 0,-- flag: ever seen through a VPN, Tor or hosting network
  is_fraud          INTEGER NOT NULL DEFAULT 0 -- flag: a session reached suspicion >= 70
);
CREATE INDEX IF NOT EXISTS idx_fingerprints_last_seen ON fingerprints (last_seen_at);

CREATE TABLE IF NOT EXISTS identity_network (
  fingerprint_id  TEXT    NOT NULL,
  ip_hash         TEXT    NOT NULL,            -- salted SHA-256 of the IP
  asn             INTEGER,                     -- latest ASN seen for this pair
  country         TEXT,                        -- latest country seen for this pair
  sessions        INTEGER NOT NULL DEFAULT 0,
  first_seen_at   INTEGER NOT NULL,
  last_seen_at    INTEGER NOT NULL,
  PRIMARY KEY (fingerprint_id, ip_hash)
);
CREATE INDEX IF NOT EXISTS idx_identity_network_ip ON identity_network (ip_hash, last_seen_at);
CREATE INDEX IF NOT EXISTS idx_identity_network_last_seen ON identity_network (last_seen_at);
