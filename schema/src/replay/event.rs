//! The event envelope `{type, data, timestamp}` and the non-incremental event kinds.

use crate::prelude::*;

use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_repr::{Deserialize_repr, Serialize_repr};

use super::incremental::Incremental;
use super::node::SerializedNode;
use crate::UnixMillis;

/// rrweb's `EventType`, the numeric `"type"` of every event.
///
/// JSON: `4` (Meta)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum EventType {
    /// The page's `DOMContentLoaded` fired (rrweb emits it only when recording before load).
    DomContentLoaded = 0,
    /// The page's `load` fired.
    Load = 1,
    /// The whole serialized DOM: [`FullSnapshot`].
    FullSnapshot = 2,
    /// A change since the last snapshot: [`Incremental`].
    IncrementalSnapshot = 3,
    /// Page URL and viewport size: [`Meta`].
    Meta = 4,
    /// An application event: [`CustomEvent`].
    Custom = 5,
    /// Data for a replay plugin: [`PluginEvent`].
    Plugin = 6,
    /// An asset captured by rrweb's `captureAssets` (2.x); kept as it is.
    Asset = 7,
}

/// One recorded event: when it happened and what it says.
///
/// JSON: `{"type":4,"data":{"href":"https://shop.example/","width":1280,"height":720},"timestamp":1764097200000}`
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayEvent {
    /// `Date.now()` when the event was taken, ms. Example: `1764097200000`.
    pub timestamp: UnixMillis,
    /// The event's kind and data; the kind is written as `"type"`.
    pub data: ReplayEventData,
}

/// What an event carries, by [`EventType`].
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayEventData {
    /// `type` 0, data `{}`.
    DomContentLoaded,
    /// `type` 1, data `{}`.
    Load,
    /// `type` 2.
    FullSnapshot(FullSnapshot),
    /// `type` 3.
    Incremental(Incremental),
    /// `type` 4.
    Meta(Meta),
    /// `type` 5.
    Custom(CustomEvent),
    /// `type` 6.
    Plugin(PluginEvent),
    /// `type` 7: rrweb's asset event, kept verbatim.
    Asset(Value),
}

impl ReplayEventData {
    /// The numeric `"type"` this data is written with.
    pub fn event_type(&self) -> EventType {
        match self {
            Self::DomContentLoaded => EventType::DomContentLoaded,
            Self::Load => EventType::Load,
            Self::FullSnapshot(_) => EventType::FullSnapshot,
            Self::Incremental(_) => EventType::IncrementalSnapshot,
            Self::Meta(_) => EventType::Meta,
            Self::Custom(_) => EventType::Custom,
            Self::Plugin(_) => EventType::Plugin,
            Self::Asset(_) => EventType::Asset,
        }
    }
}

/// Where the page is and how big its viewport is; the Replayer sizes its frame from it.
///
/// JSON: `{"href":"https://shop.example/signup","width":1280,"height":720}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// `location.href`. Example: `"https://shop.example/signup"`.
    pub href: String,
    /// `innerWidth`, CSS pixels. Example: `1280`.
    pub width: u32,
    /// `innerHeight`, CSS pixels. Example: `720`.
    pub height: u32,
}

/// The whole document, serialized, and the window's scroll position at that moment.
///
/// JSON: `{"node":{"type":0,"id":1,"childNodes":[]},"initialOffset":{"top":0,"left":0}}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FullSnapshot {
    /// The Document node with every descendant (see [`SerializedNode`]).
    pub node: SerializedNode,
    /// Window scroll when the snapshot was taken.
    pub initial_offset: InitialOffset,
}

/// Window scroll offsets, CSS pixels.
///
/// JSON: `{"top":400,"left":0}`
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitialOffset {
    /// `scrollY`. Example: `400`.
    pub top: f64,
    /// `scrollX`. Example: `0`.
    pub left: f64,
}

/// An application event shown on the timeline; the Replayer skips it while seeking.
///
/// JSON: `{"tag":"pageview","payload":{"url":"https://shop.example/pricing"}}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomEvent {
    /// What happened. Example: `"pageview"`.
    pub tag: String,
    /// Anything JSON. Example: `{"url":"https://shop.example/pricing"}`.
    pub payload: Value,
}

/// Data for a replay plugin, e.g. `rrweb/console@1`.
///
/// JSON: `{"plugin":"rrweb/console@1","payload":{"level":"log","payload":["\"hi\""]}}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginEvent {
    /// The plugin's name and version. Example: `"rrweb/console@1"`.
    pub plugin: String,
    /// The plugin's own data.
    pub payload: Value,
}

/// The envelope as it is on the wire; `delay` is computed by the Replayer, accepted and dropped.
#[derive(Serialize)]
struct WireOut<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: EventType,
    data: &'a T,
    timestamp: UnixMillis,
}

#[derive(Deserialize)]
struct WireIn {
    #[serde(rename = "type")]
    kind: EventType,
    #[serde(default)]
    data: Value,
    timestamp: UnixMillis,
    #[serde(default, rename = "delay")]
    _delay: Option<Value>,
}

/// `{}`: the data of DomContentLoaded and Load.
#[derive(Serialize)]
struct Empty {}

impl Serialize for ReplayEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kind = self.data.event_type();
        let timestamp = self.timestamp;
        match &self.data {
            ReplayEventData::DomContentLoaded | ReplayEventData::Load => {
                WireOut { kind, data: &Empty {}, timestamp }.serialize(s)
            }
            ReplayEventData::FullSnapshot(d) => WireOut { kind, data: d, timestamp }.serialize(s),
            ReplayEventData::Incremental(d) => WireOut { kind, data: d, timestamp }.serialize(s),
            ReplayEventData::Meta(d) => WireOut { kind, data: d, timestamp }.serialize(s),
            ReplayEventData::Custom(d) => WireOut { kind, data: d, timestamp }.serialize(s),
            ReplayEventData::Plugin(d) => WireOut { kind, data: d, timestamp }.serialize(s),
            ReplayEventData::Asset(d) => WireOut { kind, data: d, timestamp }.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ReplayEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = WireIn::deserialize(d)?;
        let data = match wire.kind {
            EventType::DomContentLoaded => ReplayEventData::DomContentLoaded,
            EventType::Load => ReplayEventData::Load,
            EventType::FullSnapshot => ReplayEventData::FullSnapshot(from(wire.data)?),
            EventType::IncrementalSnapshot => ReplayEventData::Incremental(from(wire.data)?),
            EventType::Meta => ReplayEventData::Meta(from(wire.data)?),
            EventType::Custom => ReplayEventData::Custom(from(wire.data)?),
            EventType::Plugin => ReplayEventData::Plugin(from(wire.data)?),
            EventType::Asset => ReplayEventData::Asset(wire.data),
        };
        Ok(Self { timestamp: wire.timestamp, data })
    }
}

/// Reads the buffered `data` as `T` (objects only where a struct is read, as every body is:
/// [`crate::strict`]), reporting errors as `data: …`.
pub(super) fn from<T: de::DeserializeOwned, E: de::Error>(value: Value) -> Result<T, E> {
    crate::strict::deserialize(value).map_err(|e| E::custom(format_args!("data: {e}")))
}
