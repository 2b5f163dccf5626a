//! The outbox and the events not yet batched, mirrored to `localStorage` so that a reload, a crash
//! or a closed tab does not lose them: the next page of the site adopts what a gone page left.
//!
//! Each page writes its own key, `pulsegate.q.<page id>`. A page marks its key `closed` when it is
//! hidden or unloads (it has batched everything by then); a key that is closed, or that nobody has
//! written for [`ADOPT_AFTER_MS`] (its page crashed), is adopted by the next page that starts. Adopted
//! requests keep their bodies, so a batch that did arrive after all is stored once (same
//! `batch_id`). The text is length-prefixed records, parsed without a JSON parser in the wasm:
//!
//! ```text
//! pg1|<updated_at>|<closed 0/1>|<session id>|<session started_at>
//! r|<path>|<attempts>|<byte length>
//! <request body>
//! e|<byte length>
//! <event JSON>
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::{SessionId, UnixMillis};

use crate::ids;
use crate::text::{cut, cut_last, fields, parse_u64, push_u64, push_uuid};
use crate::transport::Request;

/// Prefix of every page's mirror key.
pub(crate) const KEY_PREFIX: &str = "pulsegate.q.";
/// A mirror nobody wrote for this long belongs to a page that is gone.
pub(crate) const ADOPT_AFTER_MS: UnixMillis = 5 * 60 * 1000;
/// A mirror is kept under this many bytes (the oldest requests are left out beyond it), to stay
/// far from the site's storage quota.
pub(crate) const MAX_MIRROR_BYTES: usize = 256 * 1024;

/// What one page has not delivered yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mirror {
    /// When the page last wrote it (client ms).
    pub(crate) updated_at: UnixMillis,
    /// The page is hidden or gone: everything it had is in `requests`.
    pub(crate) closed: bool,
    /// Requests not yet delivered, oldest first.
    pub(crate) requests: Vec<Request>,
    /// The session the loose `events` belong to.
    pub(crate) session: Option<(SessionId, UnixMillis)>,
    /// Events recorded but not yet batched, oldest first (each one event's JSON).
    pub(crate) events: Vec<String>,
}

impl Mirror {
    /// Whether a page starting at `now` may take this mirror over.
    pub(crate) fn adoptable(&self, now: UnixMillis) -> bool {
        self.closed || now.saturating_sub(self.updated_at) > ADOPT_AFTER_MS
    }

    /// [`encode`] of this mirror.
    #[cfg(test)]
    pub(crate) fn encode(&self) -> String {
        encode(self.updated_at, self.closed, self.session, &self.requests, &self.events)
    }

    /// Reads [`encode`]'s text back; `None` when it is damaged anywhere.
    #[cfg(test)]
    pub(crate) fn decode(text: &str) -> Option<Self> {
        let mut mirror = Self::default();
        mirror.read(text)?;
        Some(mirror)
    }

    /// Reads [`encode`]'s text into this mirror, its requests and events appended to the ones
    /// it has (so a page adopting several mirrors collects their requests in one list); `None`
    /// when the text is damaged anywhere (what was appended then is the caller's to drop).
    pub(crate) fn read(&mut self, text: &str) -> Option<()> {
        let (header, mut rest) = cut(text, b'\n');
        if header.len() == text.len() {
            return None;
        }
        let mut parts = fields(header, b'|');
        if parts.next()? != "pg1" {
            return None;
        }
        self.updated_at = parse_u64(parts.next()?)?;
        self.closed = parts.next()? == "1";
        self.session = match (parts.next()?, parts.next()?) {
            ("", "") => None,
            (id, started_at) => {
                Some((SessionId::from_bytes(ids::parse_uuid(id)?), parse_u64(started_at)?))
            }
        };
        while !rest.is_empty() {
            // A missing `\n` or `|` leaves `""` where a length or the body's `\n` must be.
            let (line, after) = cut(rest, b'\n');
            let (kind, length) = cut_last(line, b'|');
            let length = usize::try_from(parse_u64(length)?).ok()?;
            let (body, tail) = after.split_at_checked(length)?;
            rest = tail.strip_prefix('\n')?;
            if kind == "e" {
                self.events.push(String::from(body));
            } else {
                let (path, attempts) = cut(kind.strip_prefix("r|")?, b'|');
                // Read before the texts are copied, so that a damaged count drops no copy.
                let attempts = u32::try_from(parse_u64(attempts)?).ok()?;
                self.requests.push(Request {
                    path: String::from(path),
                    body: String::from(body),
                    attempts,
                    not_before: 0,
                });
            }
        }
        Some(())
    }
}

/// The stored text of a page's mirror (see [`Mirror`] for the parts), written from the page's
/// own outbox and queue without copying them; requests that would pass [`MAX_MIRROR_BYTES`] are
/// left out, oldest first (events are small and recent, so they are always kept).
pub(crate) fn encode(
    updated_at: UnixMillis,
    closed: bool,
    session: Option<(SessionId, UnixMillis)>,
    requests: &[Request],
    events: &[String],
) -> String {
    let mut out = String::from("pg1|");
    push_u64(&mut out, updated_at);
    out.push_str(if closed { "|1|" } else { "|0|" });
    if let Some((id, started_at)) = session {
        push_uuid(&mut out, id.0.as_bytes());
        out.push('|');
        push_u64(&mut out, started_at);
    } else {
        out.push('|');
    }
    out.push('\n');
    let events_len: usize = events.iter().map(|e| e.len() + 24).sum();
    let mut room = MAX_MIRROR_BYTES.saturating_sub(out.len() + events_len);
    // The newest requests that fit: from `first` on.
    let mut first = requests.len();
    while let Some(request) = first.checked_sub(1).and_then(|i| requests.get(i)) {
        let size = request.body.len() + request.path.len() + 32;
        if size > room {
            break;
        }
        room -= size;
        first -= 1;
    }
    for request in requests.get(first..).unwrap_or_default() {
        out.push_str("r|");
        out.push_str(&request.path);
        out.push('|');
        push_u64(&mut out, u64::from(request.attempts));
        record(&mut out, &request.body);
    }
    for event in events {
        out.push('e');
        record(&mut out, event);
    }
    out
}

/// `|<byte length>\n<body>\n`
fn record(out: &mut String, body: &str) {
    out.push('|');
    push_u64(out, body.len() as u64);
    out.push('\n');
    out.push_str(body);
    out.push('\n');
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use alloc::vec;

    use super::*;

    fn sample() -> Mirror {
        Mirror {
            updated_at: 1_764_097_200_000,
            closed: false,
            requests: vec![
                Request {
                    path: "/track/session/start".into(),
                    body: "{\"a\":\"line\\nbreak|pipe\"}".into(),
                    attempts: 3,
                    not_before: 0,
                },
                Request::new("/track/events/batch", "{\"é\":1}\n{raw newline}".into()),
            ],
            session: Some((SessionId::from_random_bytes([9; 16]), 1_764_097_100_000)),
            events: vec!["{\"type\":\"pageview\"}".into(), "{\"x\":\"\\n\"}".into()],
        }
    }

    #[test]
    fn round_trips() {
        let m = sample();
        assert_eq!(Mirror::decode(&m.encode()), Some(m));
        let empty = Mirror { updated_at: 5, closed: true, ..Mirror::default() };
        assert_eq!(empty.encode(), "pg1|5|1||\n");
        assert_eq!(Mirror::decode(&empty.encode()), Some(empty));
    }

    #[test]
    fn damaged_text_is_refused() {
        let text = sample().encode();
        for cut in [1, 10, text.len() / 2, text.len() - 1] {
            assert_eq!(Mirror::decode(&text[..cut]), None, "cut at {cut}");
        }
        assert_eq!(Mirror::decode("pg2|1|0||\n"), None);
        assert_eq!(Mirror::decode(""), None);
        assert_eq!(Mirror::decode(&text.replace("r|/track", "x|/track")), None);
    }

    #[test]
    fn adoption_rule() {
        let mut m = sample();
        assert!(!m.adoptable(m.updated_at + ADOPT_AFTER_MS));
        assert!(m.adoptable(m.updated_at + ADOPT_AFTER_MS + 1));
        m.closed = true;
        assert!(m.adoptable(m.updated_at));
    }

    #[test]
    fn oversized_mirrors_keep_the_newest_requests() {
        let big = |c: char| Request::new("/track/events/batch", c.to_string().repeat(100_000));
        let m = Mirror {
            requests: vec![big('a'), big('b'), big('c')],
            events: vec!["{}".into()],
            ..Mirror::default()
        };
        let text = m.encode();
        assert!(text.len() <= MAX_MIRROR_BYTES);
        let back = Mirror::decode(&text).unwrap();
        let kept: Vec<char> =
            back.requests.iter().map(|r| r.body.chars().next().unwrap()).collect();
        assert_eq!(kept, ['b', 'c']);
        assert_eq!(back.events, m.events);
    }
}
