-- Migration 0026: a submission that named a session the worker had not seen yet
-- (LeadSubmissions.ClaimedSessionId, migration 0025) had no session scores to copy at capture.
-- It is captured with ScoresPending = 1, its SuspicionScore/SuspicionReasons holding only what the
-- form itself saw (a fast fill). When its session's scores are next computed (the aggregate's
-- UPDATE of sessions.aggregated_at, once the start has linked the submission), this trigger copies
-- the session's engagement, adds the session's suspicion to the form's own, clears
-- ScoresPending, and gives each lead whose latest submission that is the same scores. It runs
-- inside SQLite, so no aggregate pays a D1 statement for it; an aggregate of a session without
-- pending submissions costs one probe of the partial index below.
ALTER TABLE LeadSubmissions ADD COLUMN ScoresPending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS idx_lead_submissions_scores_pending ON LeadSubmissions (SessionId)
  WHERE ScoresPending = 1;

CREATE TRIGGER IF NOT EXISTS lead_scores_from_session
AFTER UPDATE OF aggregated_at ON sessions
WHEN NEW.aggregated_at IS NOT NULL
  AND EXISTS (SELECT 1 FROM LeadSubmissions WHERE SessionId = NEW.id AND ScoresPending = 1)
BEGIN
  UPDATE LeadSubmissions SET
    EngagementScore = NEW.engagement_score,
    EngagementReasons = NEW.engagement_reasons,
    SuspicionScore = max(0, min(100, NEW.suspicion_score + (
      SELECT coalesce(sum(json_extract(r.value, '$.points')), 0) FROM json_each(CASE WHEN json_valid(LeadSubmissions.SuspicionReasons) THEN LeadSubmissions.SuspicionReasons ELSE '[]' END) r))),
    SuspicionReasons = (
      SELECT json_group_array(json(u.value)) FROM (
        SELECT value FROM json_each(CASE WHEN json_valid(NEW.suspicion_reasons) THEN NEW.suspicion_reasons ELSE '[]' END)
        UNION ALL
        SELECT value FROM json_each(CASE WHEN json_valid(LeadSubmissions.SuspicionReasons) THEN LeadSubmissions.SuspicionReasons ELSE '[]' END)) u),
    ScoresPending = 0
  WHERE SessionId = NEW.id AND ScoresPending = 1;
  UPDATE Leads SET
    EngagementScore = (SELECT s.EngagementScore FROM LeadSubmissions s WHERE s.Id =
      (SELECT max(x.Id) FROM LeadSubmissions x WHERE x.LeadId = Leads.Id)),
    SuspicionScore = (SELECT s.SuspicionScore FROM LeadSubmissions s WHERE s.Id =
      (SELECT max(x.Id) FROM LeadSubmissions x WHERE x.LeadId = Leads.Id))
  WHERE Id IN (SELECT LeadId FROM LeadSubmissions WHERE SessionId = NEW.id);
END;
