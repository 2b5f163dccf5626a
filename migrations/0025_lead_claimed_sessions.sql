-- Migration 0025: a submission that names a session the worker has not seen yet (the visitor's
-- tracker still starting, or its session start still on the way) keeps that id here; the
-- session's start links it (LeadSubmissions.SessionId, Leads.SessionId, sessions.lead_count).
ALTER TABLE LeadSubmissions ADD COLUMN ClaimedSessionId TEXT;
CREATE INDEX IF NOT EXISTS idx_lead_submissions_claimed ON LeadSubmissions (ClaimedSessionId)
  WHERE ClaimedSessionId IS NOT NULL;
