//! Size limits shared by both sides: the SDK truncates to them, the worker rejects what exceeds them.

/// Most events one batch may carry.
pub const MAX_EVENTS_PER_BATCH: usize = 200;
/// Largest accepted `POST /track/events/batch` body, in bytes.
pub const MAX_BATCH_BODY_BYTES: usize = 512 * 1024;
/// Largest accepted body for the small endpoints (session start and end), in bytes.
pub const MAX_SMALL_BODY_BYTES: usize = 16 * 1024;
/// What `navigator.sendBeacon` and `fetch(keepalive)` may carry while a page unloads; the SDK
/// splits batches to stay under it.
pub const MAX_UNLOAD_BODY_BYTES: usize = 60 * 1024;

/// Most rrweb events in one `POST /track/replay` batch.
pub const MAX_REPLAY_EVENTS_PER_BATCH: usize = 5_000;
/// Largest accepted `POST /track/replay` body as sent (gzip or plain JSON), in bytes.
pub const MAX_REPLAY_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Largest `POST /track/replay` body once decompressed, in bytes: a full snapshot of a
/// 30,000-element page is about 3 MB of JSON.
pub const MAX_REPLAY_JSON_BYTES: usize = 32 * 1024 * 1024;

/// Longest site key.
pub const MAX_SITE_KEY_LEN: usize = 64;
/// Longest URL or referrer, in bytes.
pub const MAX_URL_LEN: usize = 2048;
/// Longest page title, in bytes.
pub const MAX_TITLE_LEN: usize = 512;
/// Longest CSS selector describing a clicked element, in bytes.
pub const MAX_SELECTOR_LEN: usize = 512;
/// Longest visible text captured from a clicked element, in bytes.
pub const MAX_TEXT_LEN: usize = 256;
/// Longest event, form, field, user-id or property name, in bytes.
pub const MAX_NAME_LEN: usize = 128;
/// Longest string property value or error message, in bytes.
pub const MAX_VALUE_LEN: usize = 1024;
/// Most properties on one custom or identify event.
pub const MAX_PROPS: usize = 32;
/// Longest short descriptor (language tag, time-zone name), in bytes.
pub const MAX_SHORT_LEN: usize = 64;
/// Most entries of `device.languages`.
pub const MAX_LANGUAGES: usize = 8;
/// Most automation signals on one session start.
pub const MAX_BOT_SIGNALS: usize = 16;
/// Most `error` events the SDK sends for one page (a looping error must not flood ingest).
pub const MAX_ERRORS_PER_PAGE: usize = 10;
/// Largest engaged time one engagement event or session end may report, in ms (one day): a
/// session never lasts longer, and sums of many such values stay exact in a JSON number.
pub const MAX_ENGAGED_MS: u64 = 86_400_000;

/// Cuts `s` to at most `max` bytes without splitting a character.
///
/// ```
/// use pulsegate_schema::limits::truncate;
/// let mut s = String::from("héllo");
/// truncate(&mut s, 2); // 'é' is two bytes: it is dropped whole
/// assert_eq!(s, "h");
/// ```
pub fn truncate(s: &mut alloc::string::String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn truncate_keeps_a_valid_prefix(s in ".{0,64}", max in 0usize..80) {
            let mut t = s.clone();
            truncate(&mut t, max);
            prop_assert!(t.len() <= max);
            prop_assert!(s.starts_with(&t));
            if s.len() <= max { prop_assert_eq!(&t, &s); }
            // At most one character (4 bytes) is lost beyond the limit.
            prop_assert!(t.len() + 4 > max.min(s.len()));
        }
    }
}
