//! Pure logic behind `GET /replay/sessions/{id}/events`: which R2 objects a time window needs,
//! how each object's events become rrweb events, and the merge by timestamp.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use pulsegate_schema::replay::LeadMarker;
use pulsegate_schema::{EventBatch, UnixMillis};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::store::r2_keys::{self, EventObjectKind};

/// A tracker batch's events span at most this long after its first one (the SDK flushes every
/// few seconds; this leaves room for a tab that was offline). Its objects carry no end time.
pub(crate) const TRACKER_BATCH_SPAN_MS: u64 = 30 * 60 * 1000;

/// One object under the session's `events/` prefix, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EventObject {
    pub(crate) key: String,
    pub(crate) kind: EventObjectKind,
    pub(crate) first_ts: UnixMillis,
    /// From the object's `last_ts` custom metadata (replay batches).
    pub(crate) last_ts: Option<UnixMillis>,
}

impl EventObject {
    /// Reads a listed key and its metadata; `None` for keys that are not event objects.
    pub(crate) fn from_listing(key: String, last_ts: Option<&str>) -> Option<Self> {
        let (first_ts, kind) = r2_keys::parse_event_key(&key)?;
        Some(Self { key, kind, first_ts, last_ts: last_ts.and_then(|v| v.parse().ok()) })
    }

    fn end(&self) -> UnixMillis {
        match self.kind {
            // A lead marker is one instant.
            EventObjectKind::Lead => self.first_ts,
            _ => self.last_ts.unwrap_or(self.first_ts.saturating_add(TRACKER_BATCH_SPAN_MS)),
        }
    }
}

/// The objects that may hold events in `[from, to)`, by first timestamp.
pub(crate) fn select(
    objects: &[EventObject],
    from: UnixMillis,
    to: UnixMillis,
) -> Vec<EventObject> {
    let mut chosen: Vec<EventObject> =
        objects.iter().filter(|o| o.first_ts < to && o.end() >= from).cloned().collect();
    chosen.sort_by(|a, b| a.first_ts.cmp(&b.first_ts).then_with(|| a.key.cmp(&b.key)));
    chosen
}

/// Where the next window starts: `to` when some object reaches past it, else `None`.
pub(crate) fn next_window(objects: &[EventObject], to: UnixMillis) -> Option<UnixMillis> {
    objects.iter().any(|o| o.first_ts >= to || o.last_ts.is_some_and(|l| l >= to)).then_some(to)
}

/// The first event time of the session (the default window start).
pub(crate) fn earliest(objects: &[EventObject]) -> Option<UnixMillis> {
    objects.iter().map(|o| o.first_ts).min()
}

/// One event ready to write: its time and its JSON.
pub(crate) type Item = (UnixMillis, String);

#[derive(Deserialize)]
struct RawBatch<'a> {
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Stamp {
    timestamp: UnixMillis,
}

/// The events of one object in `[from, to)`, as rrweb event JSON, oldest first. Tracker events
/// and lead markers become rrweb Custom events tagged `pulsegate.<type>` and `pulsegate.lead`
/// (the viewer's timeline markers).
pub(crate) fn events_of(
    kind: EventObjectKind,
    json: &[u8],
    from: UnixMillis,
    to: UnixMillis,
) -> Result<Vec<Item>, String> {
    let keep = |ts: UnixMillis| ts >= from && ts < to;
    let mut items = Vec::new();
    match kind {
        EventObjectKind::Replay => {
            let mut de = serde_json::Deserializer::from_slice(json);
            de.disable_recursion_limit();
            let batch = RawBatch::deserialize(&mut de).map_err(|e| e.to_string())?;
            for raw in batch.events {
                let stamp: Stamp = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
                if keep(stamp.timestamp) {
                    items.push((stamp.timestamp, raw.get().to_owned()));
                }
            }
        }
        EventObjectKind::Tracker => {
            let batch: EventBatch = serde_json::from_slice(json).map_err(|e| e.to_string())?;
            for event in &batch.events {
                let ts = event.ts();
                if keep(ts) {
                    let custom = serde_json::json!({
                        "type": 5,
                        "timestamp": ts,
                        "data": { "tag": format!("pulsegate.{}", event.kind()), "payload": event },
                    });
                    items.push((ts, custom.to_string()));
                }
            }
        }
        EventObjectKind::Lead => {
            let marker: LeadMarker = serde_json::from_slice(json).map_err(|e| e.to_string())?;
            if keep(marker.ts) {
                let custom = serde_json::json!({
                    "type": 5,
                    "timestamp": marker.ts,
                    "data": { "tag": "pulsegate.lead", "payload": marker },
                });
                items.push((marker.ts, custom.to_string()));
            }
        }
    }
    items.sort_by_key(|(ts, _)| *ts);
    Ok(items)
}

/// A k-way merge of sorted event lists; ties keep the order the lists were added in (so a
/// Meta stays before its FullSnapshot, and uploads keep their order).
#[derive(Debug, Default)]
pub(crate) struct Merge {
    lists: Vec<std::vec::IntoIter<Item>>,
    heads: BinaryHeap<Reverse<(UnixMillis, usize, usize)>>,
    pending: Vec<Option<String>>,
    seq: usize,
}

impl Merge {
    /// Adds one sorted list.
    pub(crate) fn add(&mut self, items: Vec<Item>) {
        let list = self.lists.len();
        let mut iter = items.into_iter();
        self.pending.push(None);
        if let Some((ts, json)) = iter.next() {
            self.pending[list] = Some(json);
            self.heads.push(Reverse((ts, self.seq, list)));
            self.seq += 1;
        }
        self.lists.push(iter);
    }

    /// The time of the next event, if any.
    pub(crate) fn peek(&self) -> Option<UnixMillis> {
        self.heads.peek().map(|Reverse((ts, _, _))| *ts)
    }

    /// The next event by time.
    pub(crate) fn pop(&mut self) -> Option<Item> {
        let Reverse((ts, _, list)) = self.heads.pop()?;
        let json = self.pending[list].take()?;
        if let Some((next_ts, next)) = self.lists[list].next() {
            self.pending[list] = Some(next);
            self.heads.push(Reverse((next_ts, self.seq, list)));
            self.seq += 1;
        }
        Some((ts, json))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(key_ts: u64, kind: EventObjectKind, last: Option<u64>) -> EventObject {
        let suffix = match kind {
            EventObjectKind::Replay => "replay.json.gz",
            EventObjectKind::Tracker => "json",
            EventObjectKind::Lead => "lead.json",
        };
        EventObject::from_listing(
            format!("sessions/2025/11/25/s/events/{key_ts:013}-7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f.{suffix}"),
            last.map(|l| l.to_string()).as_deref(),
        )
        .unwrap()
    }

    #[test]
    fn windows_pick_overlapping_objects() {
        let objects = vec![
            obj(1_000, EventObjectKind::Replay, Some(5_000)),
            obj(6_000, EventObjectKind::Replay, Some(9_000)),
            obj(2_000, EventObjectKind::Tracker, None),
            obj(20_000, EventObjectKind::Replay, Some(21_000)),
        ];
        let picked: Vec<u64> = select(&objects, 4_000, 7_000).iter().map(|o| o.first_ts).collect();
        assert_eq!(picked, vec![1_000, 2_000, 6_000]);
        assert_eq!(select(&objects, 10_000, 19_000).len(), 1, "only the tracker batch may reach");
        assert_eq!(next_window(&objects, 7_000), Some(7_000));
        assert_eq!(next_window(&objects, 30_000), None);
        assert_eq!(earliest(&objects), Some(1_000));
    }

    #[test]
    fn replay_and_tracker_events_merge_by_time() {
        let replay = br#"{"batch_id":"x","events":[{"type":4,"timestamp":10,"data":{"href":"https://a.example/","width":1,"height":1}},{"type":2,"timestamp":10,"data":{}},{"type":3,"timestamp":30,"data":{"source":3,"id":1,"x":0,"y":1}}]}"#;
        let tracker = br#"{"batch_id":"7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f","session_id":"0b5a3c9e-8f1d-4e2a-9c7b-2d4e6f8a0b1c","session_started_at":1,"sent_at":40,"events":[{"type":"pageview","ts":20,"url":"https://a.example/"},{"type":"click","ts":35,"selector":"a","x":1,"y":2}]}"#;
        let mut merge = Merge::default();
        merge.add(events_of(EventObjectKind::Replay, replay, 0, 100).unwrap());
        merge.add(events_of(EventObjectKind::Tracker, tracker, 0, 100).unwrap());
        let mut out = Vec::new();
        while let Some(item) = merge.pop() {
            out.push(item);
        }
        let times: Vec<u64> = out.iter().map(|i| i.0).collect();
        assert_eq!(times, vec![10, 10, 20, 30, 35]);
        assert!(out[0].1.contains("\"type\":4"), "Meta stays before its snapshot");
        assert!(out[2].1.contains("pulsegate.pageview"), "{}", out[2].1);
        let custom: serde_json::Value = serde_json::from_str(&out[4].1).unwrap();
        assert_eq!(custom["data"]["payload"]["selector"], "a");
        let windowed = events_of(EventObjectKind::Replay, replay, 11, 31).unwrap();
        assert_eq!(windowed.len(), 1);
        assert!(events_of(EventObjectKind::Replay, b"{", 0, 1).is_err());
    }

    #[test]
    fn lead_markers_are_instants_on_the_timeline() {
        let key = "sessions/2025/11/25/s/events/0000000025000-sub_0a1b2c3d4e5f60718293a4b5c6d7e8f9.lead.json";
        let lead = EventObject::from_listing(key.to_owned(), None).unwrap();
        assert_eq!(lead.kind, EventObjectKind::Lead);
        assert!(
            select(std::slice::from_ref(&lead), 25_001, 90_000).is_empty(),
            "not a 30 min span"
        );
        assert_eq!(select(std::slice::from_ref(&lead), 20_000, 25_001).len(), 1);
        let json = br#"{"lead_id":"ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b","submission_id":"sub_0a1b2c3d4e5f60718293a4b5c6d7e8f9","form_id":"quote","ts":25000,"test":false}"#;
        let items = events_of(EventObjectKind::Lead, json, 0, 100_000).unwrap();
        assert_eq!(items.len(), 1);
        let custom: serde_json::Value = serde_json::from_str(&items[0].1).unwrap();
        assert_eq!(custom["type"], 5);
        assert_eq!(custom["timestamp"], 25_000);
        assert_eq!(custom["data"]["tag"], "pulsegate.lead");
        assert_eq!(custom["data"]["payload"]["lead_id"], "ld_4f3a9c0e1b2d4e6f8a0b1c2d3e4f5a6b");
        assert!(events_of(EventObjectKind::Lead, json, 0, 25_000).unwrap().is_empty());
        assert!(events_of(EventObjectKind::Lead, b"{\"lead_id\":1}", 0, 1).is_err());
    }
}
