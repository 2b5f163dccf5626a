//! The visit: one session id per tab, kept in `sessionStorage` across reloads and renewed after
//! 30 idle minutes; kept in this page's memory only where storage is unavailable.

use js_sys::JSON;
use pulsegate_schema::{SessionId, UnixMillis};
use serde::Serialize;
use web_sys::{Storage, Window};

use crate::js::{millis, object, property};
use crate::{ids, json};

/// The `sessionStorage` key holding `{"id":…,"started_at":…,"last_activity":…}`.
pub(crate) const STORAGE_KEY: &str = "pulsegate.session";
/// A session with no activity for longer than this ends; the next event starts a new one.
pub(crate) const IDLE_TIMEOUT_MS: UnixMillis = 30 * 60 * 1000;

/// A session as stored: its id, when it started and when it last saw activity (client ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Session {
    /// Sent with every batch.
    pub(crate) id: SessionId,
    /// Sent with every batch as `session_started_at`.
    pub(crate) started_at: UnixMillis,
    /// The last event's time; decides expiry.
    pub(crate) last_activity: UnixMillis,
}

impl Session {
    /// Reads the stored JSON back; `None` for anything else (hand-edited, another format).
    pub(crate) fn decode(text: &str) -> Option<Self> {
        let value = JSON::parse(text).ok()?;
        Some(Self {
            id: ids::parse_session_id(&property(&value, "id").as_string()?)?,
            started_at: millis(&property(&value, "started_at"))?,
            last_activity: millis(&property(&value, "last_activity"))?,
        })
    }
}

/// The rotation rule: resume `previous` (with `last_activity` moved to `now`) unless it is missing
/// or was idle for more than [`IDLE_TIMEOUT_MS`]; `None` means "start a new session".
///
/// A clock that went backwards counts as no idle time.
pub(crate) fn resume(previous: Option<Session>, now: UnixMillis) -> Option<Session> {
    let session = previous?;
    (now.saturating_sub(session.last_activity) <= IDLE_TIMEOUT_MS)
        .then(|| Session { last_activity: now.max(session.last_activity), ..session })
}

/// Of the stored session and the one this page last used, the more recent: storage normally
/// wins (another page of the tab may have moved on), but not when saving to it failed.
pub(crate) fn latest(stored: Option<Session>, mine: Option<Session>) -> Option<Session> {
    match (stored, mine) {
        (Some(stored), Some(mine)) if mine.last_activity > stored.last_activity => Some(mine),
        (stored, mine) => stored.or(mine),
    }
}

/// Where the session lives: `sessionStorage` when the page may use it, else this page's memory.
#[derive(Debug)]
pub(crate) struct SessionStore {
    storage: Option<Storage>,
    current: Option<Session>,
}

impl SessionStore {
    /// Uses `window.sessionStorage`, or memory only when it is missing or reading it throws
    /// (sandboxed iframe, storage disabled).
    pub(crate) fn open(window: &Window) -> Self {
        Self { storage: object(property(window, "sessionStorage")), current: None }
    }

    /// A store that never touches storage, as `open` gives where storage is unavailable.
    #[cfg(all(test, target_family = "wasm"))]
    pub(crate) fn in_memory() -> Self {
        Self { storage: None, current: None }
    }

    /// Records activity at `now`: resumes the stored (or in-memory) session or starts a new one,
    /// saves it, and returns it with `true` when it is new. `None` only without random ids.
    pub(crate) fn touch(&mut self, now: UnixMillis) -> Option<(Session, bool)> {
        let (session, is_new) = match resume(latest(self.load(), self.current), now) {
            Some(session) => (session, false),
            None => (Session { id: ids::session_id()?, started_at: now, last_activity: now }, true),
        };
        self.current = Some(session);
        self.save(&session);
        Some((session, is_new))
    }

    /// The stored session, if storage holds a readable one.
    pub(crate) fn load(&self) -> Option<Session> {
        let text = self.storage.as_ref()?.get_item(STORAGE_KEY).ok()??;
        Session::decode(&text)
    }

    fn save(&self, session: &Session) {
        if let (Some(storage), Some(text)) = (&self.storage, json::to_string(session)) {
            // A full or revoked storage only costs reload continuity: the page keeps `current`.
            let _ = storage.set_item(STORAGE_KEY, &text);
        }
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    const T0: UnixMillis = 1_764_097_200_000;

    fn session(last_activity: UnixMillis) -> Session {
        Session { id: SessionId::from_random_bytes([7; 16]), started_at: T0, last_activity }
    }

    #[test]
    fn no_previous_session_starts_one() {
        assert_eq!(resume(None, T0), None);
    }

    #[test]
    fn resumes_within_30_minutes_and_moves_activity() {
        let now = T0 + IDLE_TIMEOUT_MS;
        assert_eq!(resume(Some(session(T0)), now), Some(session(now)));
    }

    #[test]
    fn expires_after_30_idle_minutes() {
        assert_eq!(resume(Some(session(T0)), T0 + IDLE_TIMEOUT_MS + 1), None);
    }

    #[test]
    fn clock_going_backwards_keeps_the_session() {
        assert_eq!(resume(Some(session(T0)), T0 - 5_000), Some(session(T0)));
    }

    #[test]
    fn the_more_recent_of_storage_and_memory_wins() {
        let (old, new) = (session(T0), session(T0 + 1));
        assert_eq!(latest(Some(old), Some(new)), Some(new));
        assert_eq!(latest(Some(new), Some(old)), Some(new));
        assert_eq!(latest(None, Some(old)), Some(old));
        assert_eq!(latest(Some(old), None), Some(old));
        assert_eq!(latest(None, None), None);
    }

    #[test]
    fn stored_form_is_the_documented_json() {
        let text = json::to_string(&session(T0 + 1)).unwrap();
        assert_eq!(
            text,
            format!(
                "{{\"id\":\"{}\",\"started_at\":{T0},\"last_activity\":{}}}",
                SessionId::from_random_bytes([7; 16]),
                T0 + 1
            )
        );
    }
}
