//! Session aggregates, computed exactly from what R2 holds.
//!
//! Each stored batch carries its own [`BatchSummary`] in its R2 custom metadata. An aggregate
//! update lists the session's `events/` prefix with that metadata (one list call per 1,000
//! batches, no GETs), keeps one summary per `batch_id` (a retried batch overwrote its own object,
//! so it is counted once by construction) and adds them up into [`SessionTotals`]. The same
//! function summarises a batch when it is stored and when an object without metadata is read
//! back, so both paths agree.

use std::collections::{BTreeMap, BTreeSet};

use pulsegate_schema::{Event, EventBatch, FormAction, PropValue, UnixMillis};
use serde::{Deserialize, Serialize};

use super::attribution::path_of;

/// Version of the metadata format; summaries of another version are recomputed from the body.
pub(crate) const SUMMARY_VERSION: u8 = 1;
/// Largest summary kept in metadata (R2 allows 8,192 bytes of metadata per object); larger ones
/// are left out and the aggregate update reads that batch's body instead.
pub(crate) const MAX_METADATA_SUMMARY: usize = 6_000;

/// One custom-event rollup row: event name, property key (`""` for the event's own count), the
/// property value as JSON text (`"pro"`, `3`, `true`; `""` for the count row), and a count.
pub(crate) type CustomRow = (String, String, String, u64);

/// What one batch adds to its session. Field names are short: this travels in R2 metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BatchSummary {
    #[serde(rename = "v")]
    pub(crate) version: u8,
    #[serde(rename = "n")]
    pub(crate) events: u32,
    #[serde(rename = "pv")]
    pub(crate) page_views: u32,
    #[serde(rename = "cl")]
    pub(crate) clicks: u32,
    #[serde(rename = "rc")]
    pub(crate) rage_clicks: u32,
    #[serde(rename = "fs")]
    pub(crate) form_submits: u32,
    #[serde(rename = "er")]
    pub(crate) errors: u32,
    #[serde(rename = "cu")]
    pub(crate) custom_events: u32,
    #[serde(rename = "sc")]
    pub(crate) max_scroll: u8,
    #[serde(rename = "en")]
    pub(crate) engaged_ms: u64,
    /// Earliest and latest event time (client clock).
    #[serde(rename = "t0")]
    pub(crate) first_ts: UnixMillis,
    #[serde(rename = "t1")]
    pub(crate) last_ts: UnixMillis,
    /// Server time the batch was stored.
    #[serde(rename = "rx")]
    pub(crate) received_at: UnixMillis,
    /// Interaction events in the batch's densest second.
    #[serde(rename = "pk")]
    pub(crate) peak_per_s: u32,
    /// The batch's latest pageview: its time and path.
    #[serde(rename = "ex", default, skip_serializing_if = "Option::is_none")]
    pub(crate) exit: Option<(UnixMillis, String)>,
    /// Pageviews per path.
    #[serde(rename = "pg", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) pages: BTreeMap<String, u32>,
    /// Forms the visitor started (focused, changed or submitted).
    #[serde(rename = "fm", default, skip_serializing_if = "BTreeSet::is_empty")]
    pub(crate) forms_started: BTreeSet<String>,
    /// Custom-event rollup rows, sorted.
    #[serde(rename = "ce", default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) custom: Vec<CustomRow>,
}

/// Events that take a human a deliberate action: the velocity signal counts these.
fn is_interaction(event: &Event) -> bool {
    matches!(
        event,
        Event::Pageview(_)
            | Event::Click(_)
            | Event::RageClick(_)
            | Event::FormInteraction(_)
            | Event::Custom(_)
    )
}

/// The JSON text of a property value, as stored in `session_events.prop_value`.
pub(crate) fn prop_text(value: &PropValue) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl BatchSummary {
    /// Summarises `batch`, stored at server time `received_at`.
    pub(crate) fn of(batch: &EventBatch, received_at: UnixMillis) -> Self {
        let mut s = Self {
            version: SUMMARY_VERSION,
            events: u32::try_from(batch.events.len()).unwrap_or(u32::MAX),
            received_at,
            first_ts: batch.events.iter().map(Event::ts).min().unwrap_or(batch.sent_at),
            last_ts: batch.events.iter().map(Event::ts).max().unwrap_or(batch.sent_at),
            ..Self::default()
        };
        let mut custom: BTreeMap<(String, String, String), u64> = BTreeMap::new();
        let mut interactions: Vec<UnixMillis> = Vec::new();
        for event in &batch.events {
            if is_interaction(event) {
                interactions.push(event.ts());
            }
            match event {
                Event::Pageview(e) => {
                    s.page_views += 1;
                    let path = path_of(&e.url);
                    *s.pages.entry(path.clone()).or_default() += 1;
                    if s.exit.as_ref().is_none_or(|(ts, _)| e.ts >= *ts) {
                        s.exit = Some((e.ts, path));
                    }
                }
                Event::Click(_) => s.clicks += 1,
                Event::RageClick(_) => s.rage_clicks += 1,
                Event::Scroll(e) => s.max_scroll = s.max_scroll.max(e.percent.min(100)),
                Event::Engagement(e) => s.engaged_ms = s.engaged_ms.saturating_add(e.engaged_ms),
                Event::FormInteraction(e) => {
                    if matches!(
                        e.action,
                        FormAction::Focus | FormAction::Change | FormAction::Submit
                    ) {
                        s.forms_started.insert(e.form_id.clone());
                    }
                    if e.action == FormAction::Submit {
                        s.form_submits += 1;
                    }
                }
                Event::Custom(e) => {
                    s.custom_events += 1;
                    *custom.entry((e.name.clone(), String::new(), String::new())).or_default() += 1;
                    for (key, value) in &e.props {
                        *custom
                            .entry((e.name.clone(), key.clone(), prop_text(value)))
                            .or_default() += 1;
                    }
                }
                Event::Error(_) => s.errors += 1,
                Event::Identify(_) => {}
            }
        }
        s.custom = custom.into_iter().map(|((n, k, v), c)| (n, k, v, c)).collect();
        s.peak_per_s = densest_second(&mut interactions);
        s
    }

    /// The summary as R2 custom metadata (ASCII-only JSON: anything else is `\u` escaped, as
    /// metadata may travel as HTTP headers), or `None` when it is too large to ride there.
    pub(crate) fn to_metadata(&self) -> Option<String> {
        let json = ascii_json(&serde_json::to_string(self).ok()?);
        (json.len() <= MAX_METADATA_SUMMARY).then_some(json)
    }

    /// A summary read back from metadata; `None` when absent, malformed or of another version.
    pub(crate) fn from_metadata(json: &str) -> Option<Self> {
        serde_json::from_str::<Self>(json).ok().filter(|s| s.version == SUMMARY_VERSION)
    }
}

/// `json` with every non-ASCII character written as `\uXXXX` (surrogate pairs beyond the BMP).
/// Inside JSON strings this is the same text; outside them JSON has only ASCII anyway.
fn ascii_json(json: &str) -> String {
    if json.is_ascii() {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// The most timestamps within any 1,000 ms window.
fn densest_second(ts: &mut [UnixMillis]) -> u32 {
    ts.sort_unstable();
    let mut best = 0;
    let mut start = 0;
    for end in 0..ts.len() {
        while ts[end] - ts[start] >= 1000 {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    u32::try_from(best).unwrap_or(u32::MAX)
}

/// A session's aggregates: the sum of its distinct batches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SessionTotals {
    pub(crate) batches: u32,
    pub(crate) events: u64,
    pub(crate) page_views: u64,
    pub(crate) clicks: u64,
    pub(crate) rage_clicks: u64,
    pub(crate) form_starts: u64,
    pub(crate) form_submits: u64,
    pub(crate) errors: u64,
    pub(crate) custom_events: u64,
    pub(crate) max_scroll: u8,
    pub(crate) engaged_ms: u64,
    pub(crate) last_ts: Option<UnixMillis>,
    pub(crate) last_received_at: Option<UnixMillis>,
    pub(crate) exit_path: Option<String>,
    pub(crate) peak_per_s: u32,
    pub(crate) pages: BTreeMap<String, u64>,
    pub(crate) custom: BTreeMap<(String, String, String), u64>,
}

impl SessionTotals {
    /// Adds up `summaries`, which must hold one summary per distinct batch. The result does not
    /// depend on their order.
    pub(crate) fn of<'a>(summaries: impl IntoIterator<Item = &'a BatchSummary>) -> Self {
        let mut t = Self::default();
        let mut forms: BTreeSet<&str> = BTreeSet::new();
        let mut exit: Option<(UnixMillis, &str)> = None;
        for s in summaries {
            t.batches += 1;
            t.events += u64::from(s.events);
            t.page_views += u64::from(s.page_views);
            t.clicks += u64::from(s.clicks);
            t.rage_clicks += u64::from(s.rage_clicks);
            t.form_submits += u64::from(s.form_submits);
            t.errors += u64::from(s.errors);
            t.custom_events += u64::from(s.custom_events);
            t.max_scroll = t.max_scroll.max(s.max_scroll);
            t.engaged_ms = t.engaged_ms.saturating_add(s.engaged_ms);
            if s.events > 0 {
                t.last_ts = t.last_ts.max(Some(s.last_ts));
            }
            t.last_received_at = t.last_received_at.max(Some(s.received_at));
            t.peak_per_s = t.peak_per_s.max(s.peak_per_s);
            if let Some((ts, path)) = &s.exit {
                // Latest pageview wins; equal times fall to the larger path, whatever the order.
                if exit.is_none_or(|best| (*ts, path.as_str()) > best) {
                    exit = Some((*ts, path));
                }
            }
            for (path, views) in &s.pages {
                *t.pages.entry(path.clone()).or_default() += u64::from(*views);
            }
            forms.extend(s.forms_started.iter().map(String::as_str));
            for (name, key, value, count) in &s.custom {
                *t.custom.entry((name.clone(), key.clone(), value.clone())).or_default() += count;
            }
        }
        t.form_starts = forms.len() as u64;
        t.exit_path = exit.map(|(_, path)| path.to_owned());
        t
    }

    /// `session_pages` as one JSON object `{"/path": views}` (bound as a single D1 parameter).
    pub(crate) fn pages_json(&self) -> String {
        serde_json::to_string(&self.pages).unwrap_or_else(|_| "{}".to_owned())
    }

    /// `session_events` as one JSON array of `[name, prop_key, prop_value, count]`.
    pub(crate) fn custom_json(&self) -> String {
        let rows: Vec<(&str, &str, &str, u64)> = self
            .custom
            .iter()
            .map(|((n, k, v), c)| (n.as_str(), k.as_str(), v.as_str(), *c))
            .collect();
        serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use pulsegate_schema::{
        BatchId, Click, Custom, EngagementTime, ErrorEvent, FormInteraction, Identify, Pageview,
        RageClick, Scroll, SessionId,
    };

    use super::*;

    fn batch(events: Vec<Event>) -> EventBatch {
        EventBatch {
            batch_id: BatchId::from_random_bytes([1; 16]),
            session_id: SessionId::from_random_bytes([2; 16]),
            session_started_at: 1_000,
            sent_at: 9_000,
            events,
        }
    }

    fn pv(ts: u64, url: &str) -> Event {
        Event::Pageview(Pageview { ts, url: url.into(), ..Pageview::default() })
    }

    fn form(ts: u64, id: &str, action: FormAction) -> Event {
        Event::FormInteraction(FormInteraction {
            ts,
            form_id: id.into(),
            action,
            ..FormInteraction::default()
        })
    }

    #[test]
    fn a_batch_summary_counts_every_kind() {
        let b = batch(vec![
            pv(2_000, "https://a.example/pricing?plan=pro#top"),
            Event::Click(Click { ts: 2_100, selector: "a".into(), ..Click::default() }),
            Event::RageClick(RageClick {
                ts: 2_200,
                selector: "b".into(),
                clicks: 4,
                ..RageClick::default()
            }),
            Event::Scroll(Scroll { ts: 2_300, percent: 40 }),
            Event::Scroll(Scroll { ts: 2_400, percent: 75 }),
            Event::Engagement(EngagementTime { ts: 2_500, engaged_ms: 1_500 }),
            Event::Engagement(EngagementTime { ts: 2_600, engaged_ms: 2_500 }),
            form(2_700, "contact", FormAction::Focus),
            form(2_800, "contact", FormAction::Submit),
            form(2_900, "newsletter", FormAction::Abandon),
            Event::Custom(Custom {
                ts: 3_000,
                name: "signup".into(),
                props: [
                    ("plan".to_owned(), PropValue::String("pro".into())),
                    ("seats".to_owned(), PropValue::Number(3.0)),
                ]
                .into(),
            }),
            Event::Identify(Identify { ts: 3_100, user_id: "u".into(), ..Identify::default() }),
            Event::Error(ErrorEvent { ts: 3_200, message: "x".into(), ..ErrorEvent::default() }),
            pv(5_000, "https://a.example/"),
        ]);
        let s = BatchSummary::of(&b, 77);
        assert_eq!(
            (
                s.events,
                s.page_views,
                s.clicks,
                s.rage_clicks,
                s.form_submits,
                s.errors,
                s.custom_events
            ),
            (14, 2, 1, 1, 1, 1, 1)
        );
        assert_eq!(
            (s.max_scroll, s.engaged_ms, s.first_ts, s.last_ts, s.received_at),
            (75, 4_000, 2_000, 5_000, 77)
        );
        assert_eq!(s.exit, Some((5_000, "/".to_owned())));
        assert_eq!(s.pages, [("/pricing".to_owned(), 1), ("/".to_owned(), 1)].into());
        assert_eq!(s.forms_started, ["contact".to_owned()].into());
        assert_eq!(
            s.custom,
            vec![
                ("signup".into(), String::new(), String::new(), 1),
                ("signup".into(), "plan".into(), "\"pro\"".into(), 1),
                ("signup".into(), "seats".into(), "3".into(), 1),
            ]
        );
        // Pageview, click, rage click and 3 form events within 2,000–2,999 ms; custom at 3,000.
        assert_eq!(s.peak_per_s, 6);
        let back = BatchSummary::from_metadata(&s.to_metadata().unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn metadata_is_ascii_and_reads_back_exactly() {
        let b = batch(vec![
            pv(1, "https://a.example/preise-für-dich"),
            Event::Custom(Custom {
                ts: 2,
                name: "anmeldung ✓".into(),
                props: [("plan".to_owned(), PropValue::String("grün 😀".into()))].into(),
            }),
        ]);
        let s = BatchSummary::of(&b, 3);
        let meta = s.to_metadata().unwrap();
        assert!(meta.is_ascii(), "{meta}");
        assert!(meta.contains("\\u00fc") && meta.contains("\\ud83d\\ude00"), "{meta}");
        assert_eq!(BatchSummary::from_metadata(&meta), Some(s));
    }

    #[test]
    fn oversized_summaries_stay_out_of_metadata() {
        let events = (0..200)
            .map(|i| pv(i, &format!("https://a.example/{}", "p".repeat(40) + &i.to_string())))
            .collect();
        let s = BatchSummary::of(&batch(events), 1);
        assert!(s.to_metadata().is_none());
        assert!(BatchSummary::from_metadata("{\"v\":99}").is_none());
        assert!(BatchSummary::from_metadata("not json").is_none());
    }

    #[test]
    fn totals_add_up_distinct_batches() {
        let a = BatchSummary::of(
            &batch(vec![pv(10, "https://a.example/x"), form(11, "f", FormAction::Focus)]),
            100,
        );
        let b = BatchSummary::of(
            &batch(vec![
                pv(20, "https://a.example/y"),
                pv(20, "https://a.example/x"),
                form(21, "f", FormAction::Submit),
            ]),
            200,
        );
        let t = SessionTotals::of([&a, &b]);
        assert_eq!(
            (t.batches, t.events, t.page_views, t.form_starts, t.form_submits),
            (2, 5, 3, 1, 1)
        );
        assert_eq!(t.pages, [("/x".to_owned(), 2), ("/y".to_owned(), 1)].into());
        assert_eq!(t.exit_path.as_deref(), Some("/x"), "within a batch the later of equal times");
        assert_eq!((t.last_ts, t.last_received_at), (Some(21), Some(200)));
        assert_eq!(t, SessionTotals::of([&b, &a]));
        assert_eq!(t.pages_json(), r#"{"/x":2,"/y":1}"#);
        assert_eq!(SessionTotals::of([]).custom_json(), "[]");
    }

    #[test]
    fn the_densest_second() {
        assert_eq!(densest_second(&mut []), 0);
        assert_eq!(densest_second(&mut [5]), 1);
        assert_eq!(densest_second(&mut [0, 999, 1_000, 1_999, 2_000]), 2);
        assert_eq!(densest_second(&mut [3, 1, 2, 1_500]), 3);
    }

    fn any_event() -> impl Strategy<Value = Event> {
        let ts = 0u64..10_000;
        prop_oneof![
            (ts.clone(), 0usize..4).prop_map(|(ts, p)| pv(ts, &format!("https://a.example/{p}"))),
            ts.clone().prop_map(|ts| Event::Click(Click {
                ts,
                selector: "a".into(),
                ..Click::default()
            })),
            (ts.clone(), 0u8..=100).prop_map(|(ts, percent)| Event::Scroll(Scroll { ts, percent })),
            (ts.clone(), 0u64..100_000)
                .prop_map(|(ts, engaged_ms)| Event::Engagement(EngagementTime { ts, engaged_ms })),
            (ts.clone(), 0usize..3).prop_map(|(ts, f)| form(
                ts,
                &format!("f{f}"),
                FormAction::Focus
            )),
            (ts, 0usize..3).prop_map(|(ts, n)| Event::Custom(Custom {
                ts,
                name: format!("e{n}"),
                props: [("k".to_owned(), PropValue::Bool(n % 2 == 0))].into(),
            })),
        ]
    }

    proptest! {
        /// Summing per-batch summaries equals summarising all events as one batch.
        #[test]
        fn splitting_a_session_into_batches_changes_nothing(
            events in proptest::collection::vec(any_event(), 1..60),
            cuts in proptest::collection::vec(1usize..60, 0..6),
        ) {
            let whole = SessionTotals::of([&BatchSummary::of(&batch(events.clone()), 5)]);
            let mut bounds: Vec<usize> = cuts.into_iter().filter(|c| *c < events.len()).collect();
            bounds.sort_unstable();
            bounds.dedup();
            let mut parts = Vec::new();
            let mut start = 0;
            for end in bounds.into_iter().chain([events.len()]) {
                if end > start {
                    parts.push(BatchSummary::of(&batch(events[start..end].to_vec()), 5));
                    start = end;
                }
            }
            let split = SessionTotals::of(parts.iter());
            prop_assert_eq!(split.events, whole.events);
            prop_assert_eq!(split.page_views, whole.page_views);
            prop_assert_eq!(split.clicks, whole.clicks);
            prop_assert_eq!(split.max_scroll, whole.max_scroll);
            prop_assert_eq!(split.engaged_ms, whole.engaged_ms);
            prop_assert_eq!(split.form_starts, whole.form_starts);
            prop_assert_eq!(split.custom_events, whole.custom_events);
            prop_assert_eq!(&split.pages, &whole.pages);
            prop_assert_eq!(&split.custom, &whole.custom);
            prop_assert_eq!(split.last_ts, whole.last_ts);
            prop_assert!(split.peak_per_s <= whole.peak_per_s);
            // Metadata round trips whenever it fits.
            for p in &parts {
                if let Some(meta) = p.to_metadata() {
                    let back = BatchSummary::from_metadata(&meta);
                    prop_assert_eq!(back.as_ref(), Some(p));
                }
            }
        }
    }
}
