//! The visit: one session id shared by the site's tabs (through first-party storage), renewed after
//! 30 idle minutes and at the latest after 24 hours. Without storage (cookieless counting, or a
//! browser that refuses it) the session lives in the page's memory only.
//!
//! Stored as `id|started_at|last_activity|engaged_ms`, e.g.
//! `0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c|1764097200000|1764097260000|42000`: short enough for the
//! cookie fallback, read back without a JSON parser in the wasm.

use alloc::string::String;

use pulsegate_schema::{SessionId, UnixMillis};

use crate::ids;
use crate::text::{cut, push_u64, split_u64, uuid_text};

/// A session with no activity for longer than this ends; the next event starts a new one.
pub(crate) const IDLE_TIMEOUT_MS: UnixMillis = 30 * 60 * 1000;
/// No session lasts longer than this, however active.
pub(crate) const MAX_AGE_MS: UnixMillis = 24 * 60 * 60 * 1000;

/// A session as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    /// Sent with every batch.
    pub(crate) id: SessionId,
    /// Sent with every batch as `session_started_at`.
    pub(crate) started_at: UnixMillis,
    /// The last event's time; decides expiry.
    pub(crate) last_activity: UnixMillis,
    /// Engaged (visible and focused) time of all its pages so far, for the session end.
    pub(crate) engaged_ms: u64,
}

impl Session {
    /// A new session starting `now`; `None` only without Web Crypto.
    pub(crate) fn new(now: UnixMillis) -> Option<Self> {
        Some(Self { id: ids::session_id()?, started_at: now, last_activity: now, engaged_ms: 0 })
    }

    /// Whether the session is over at `now`: idle for more than [`IDLE_TIMEOUT_MS`], or
    /// [`MAX_AGE_MS`] old. A clock that went backwards counts as no time passing.
    pub(crate) fn expired(&self, now: UnixMillis) -> bool {
        now.saturating_sub(self.last_activity) > IDLE_TIMEOUT_MS
            || now.saturating_sub(self.started_at) >= MAX_AGE_MS
    }

    /// The stored text.
    pub(crate) fn encode(&self) -> String {
        let mut text = uuid_text(self.id.0.as_bytes());
        for &n in &[self.started_at, self.last_activity, self.engaged_ms] {
            text.push('|');
            push_u64(&mut text, n);
        }
        text
    }

    /// Reads [`Session::encode`]'s text back; `None` for anything else.
    pub(crate) fn decode(text: &str) -> Option<Self> {
        // No `|`: the rest is `""`, which `split_u64` refuses.
        let (id, rest) = cut(text, b'|');
        let [started_at, last_activity, engaged_ms] = split_u64(rest)?;
        Some(Self {
            id: SessionId::from_bytes(ids::parse_uuid(id)?),
            started_at,
            last_activity,
            engaged_ms,
        })
    }
}

/// Of the stored session and the one this page last used, the more recent: storage normally
/// wins (another tab or page may have moved on), but not when saving to it failed.
pub(crate) fn latest(stored: Option<Session>, mine: Option<Session>) -> Option<Session> {
    match (stored, mine) {
        (Some(stored), Some(mine)) if mine.last_activity > stored.last_activity => Some(mine),
        (stored, mine) => stored.or(mine),
    }
}

/// What activity at `now` does to the `current` session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Touch {
    /// The session goes on, its activity moved to `now`.
    Continue(Session),
    /// A new session starts; `ended` is the expired one, to close on the server.
    Start { session: Session, ended: Option<Session> },
}

/// Applies activity at `now` to `current`; `None` only when a new id cannot be made.
pub(crate) fn touch(current: Option<Session>, now: UnixMillis) -> Option<Touch> {
    match current {
        Some(session) if !session.expired(now) => Some(Touch::Continue(Session {
            last_activity: now.max(session.last_activity),
            ..session
        })),
        ended => Some(Touch::Start { session: Session::new(now)?, ended }),
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    const T0: UnixMillis = 1_764_097_200_000;

    fn session(last_activity: UnixMillis) -> Session {
        Session {
            id: SessionId::from_random_bytes([7; 16]),
            started_at: T0,
            last_activity,
            engaged_ms: 5,
        }
    }

    #[test]
    fn idle_and_age_limits() {
        assert!(!session(T0).expired(T0 + IDLE_TIMEOUT_MS));
        assert!(session(T0).expired(T0 + IDLE_TIMEOUT_MS + 1));
        // Active all day long: still over after 24 hours.
        let busy = session(T0 + MAX_AGE_MS - 1);
        assert!(!busy.expired(T0 + MAX_AGE_MS - 1));
        assert!(busy.expired(T0 + MAX_AGE_MS));
        // A clock that went backwards keeps the session.
        assert!(!session(T0).expired(T0 - 60_000));
    }

    #[test]
    fn touch_continues_or_starts() {
        let Some(Touch::Continue(s)) = touch(Some(session(T0)), T0 + 1000) else { panic!() };
        assert_eq!(s.last_activity, T0 + 1000);
        assert_eq!(s.id, session(T0).id);
        let Some(Touch::Continue(s)) = touch(Some(session(T0)), T0 - 1000) else { panic!() };
        assert_eq!(s.last_activity, T0, "activity never moves backwards");
        // Starting a new one needs Web Crypto: tests/web.rs covers it in the browser.
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
    fn stored_text_round_trips() {
        let s = session(T0 + 1);
        let text = s.encode();
        assert_eq!(text, format!("{}|{T0}|{}|5", SessionId::from_random_bytes([7; 16]), T0 + 1));
        assert_eq!(Session::decode(&text), Some(s));
        for junk in ["", "x|1|2|3", "not a session", &text.replace("|5", ""), &format!("{text}|9")]
        {
            assert_eq!(Session::decode(junk), None, "{junk}");
        }
    }
}
