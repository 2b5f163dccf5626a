//! Incremental snapshot data (`"type": 3`): one variant per rrweb `IncrementalSource`.

use crate::prelude::*;

use serde::de::{self, Deserializer};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_repr::{Deserialize_repr, Serialize_repr};

use super::event::from;
use super::node::{Attributes, NodeId, SerializedNode};

/// rrweb's `IncrementalSource`, the numeric `"source"` of incremental data.
///
/// JSON: `0` (Mutation)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum IncrementalSource {
    /// DOM changes: [`MutationData`].
    Mutation = 0,
    /// Pointer positions: [`MousePosition`]s.
    MouseMove = 1,
    /// [`MouseInteraction`].
    MouseInteraction = 2,
    /// [`ScrollData`].
    Scroll = 3,
    /// [`ViewportResize`].
    ViewportResize = 4,
    /// [`InputData`].
    Input = 5,
    /// Touch positions: [`MousePosition`]s.
    TouchMove = 6,
    /// [`MediaInteraction`].
    MediaInteraction = 7,
    /// [`StyleSheetRule`].
    StyleSheetRule = 8,
    /// Canvas drawing (not recorded by PulseGate).
    CanvasMutation = 9,
    /// Web fonts (not recorded by PulseGate).
    Font = 10,
    /// Console log (rrweb 1.x; not recorded by PulseGate).
    Log = 11,
    /// Drag positions: [`MousePosition`]s.
    Drag = 12,
    /// `CSSStyleDeclaration` changes (not recorded by PulseGate).
    StyleDeclaration = 13,
    /// Text selection (not recorded by PulseGate).
    Selection = 14,
    /// Constructed style sheets (not recorded by PulseGate).
    AdoptedStyleSheet = 15,
    /// `customElements.define` (not recorded by PulseGate).
    CustomElement = 16,
}

impl IncrementalSource {
    /// The source with this number.
    pub fn from_u8(n: u8) -> Option<Self> {
        use IncrementalSource::*;
        const ALL: [IncrementalSource; 17] = [
            Mutation,
            MouseMove,
            MouseInteraction,
            Scroll,
            ViewportResize,
            Input,
            TouchMove,
            MediaInteraction,
            StyleSheetRule,
            CanvasMutation,
            Font,
            Log,
            Drag,
            StyleDeclaration,
            Selection,
            AdoptedStyleSheet,
            CustomElement,
        ];
        ALL.get(usize::from(n)).copied()
    }
}

/// What changed, by source. Sources PulseGate does not record are kept verbatim in `Other`.
///
/// JSON: `{"source":3,"id":1,"x":0,"y":400}`
#[derive(Clone, Debug, PartialEq)]
pub enum Incremental {
    /// `source` 0.
    Mutation(MutationData),
    /// `source` 1: `{"positions":[…]}`.
    MouseMove(Vec<MousePosition>),
    /// `source` 2.
    MouseInteraction(MouseInteraction),
    /// `source` 3.
    Scroll(ScrollData),
    /// `source` 4.
    ViewportResize(ViewportResize),
    /// `source` 5.
    Input(InputData),
    /// `source` 6: `{"positions":[…]}`.
    TouchMove(Vec<MousePosition>),
    /// `source` 7.
    MediaInteraction(MediaInteraction),
    /// `source` 8.
    StyleSheetRule(StyleSheetRule),
    /// `source` 12: `{"positions":[…]}`.
    Drag(Vec<MousePosition>),
    /// Any other source, with its fields as they are.
    Other {
        /// The `source` number. Example: `14`.
        source: IncrementalSource,
        /// The other fields.
        data: Map<String, Value>,
    },
}

impl Incremental {
    /// The `"source"` this data is written with.
    pub fn source(&self) -> IncrementalSource {
        match self {
            Self::Mutation(_) => IncrementalSource::Mutation,
            Self::MouseMove(_) => IncrementalSource::MouseMove,
            Self::MouseInteraction(_) => IncrementalSource::MouseInteraction,
            Self::Scroll(_) => IncrementalSource::Scroll,
            Self::ViewportResize(_) => IncrementalSource::ViewportResize,
            Self::Input(_) => IncrementalSource::Input,
            Self::TouchMove(_) => IncrementalSource::TouchMove,
            Self::MediaInteraction(_) => IncrementalSource::MediaInteraction,
            Self::StyleSheetRule(_) => IncrementalSource::StyleSheetRule,
            Self::Drag(_) => IncrementalSource::Drag,
            Self::Other { source, .. } => *source,
        }
    }
}

/// DOM changes in one microtask, applied by the Replayer in this order: removes, adds, texts,
/// attributes.
///
/// JSON: `{"texts":[{"id":13,"value":"Welcome back"}],"attributes":[{"id":8,"attributes":{"data-state":null}}],"removes":[{"parentId":7,"id":16}],"adds":[{"parentId":7,"nextId":14,"node":{"type":2,"id":16,"tagName":"span","attributes":{},"childNodes":[]}}]}`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MutationData {
    /// Text (or comment) nodes whose data changed; the last entry per id wins.
    pub texts: Vec<TextMutation>,
    /// Elements whose attributes changed.
    pub attributes: Vec<AttributeMutation>,
    /// Nodes taken out of their parent, with their subtrees.
    pub removes: Vec<RemovedNode>,
    /// Nodes put in: one node per entry, parents before children, siblings in document order;
    /// an entry's `nextId` is a node the Replayer had before the event (`null` appends), and a
    /// node is in the list once.
    pub adds: Vec<AddedNode>,
    /// rrweb marks the event that attaches a same-origin iframe's document; never set by PulseGate.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub is_attach_iframe: bool,
}

/// JSON: `{"id":13,"value":"Welcome back"}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextMutation {
    /// The Text or Comment node. Example: `13`.
    pub id: NodeId,
    /// Its new data (masked like snapshot text). Example: `"Welcome back"`.
    pub value: Option<String>,
}

/// JSON: `{"id":12,"attributes":{"class":"ok","data-state":null}}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeMutation {
    /// The element. Example: `12`.
    pub id: NodeId,
    /// New values; `null` removes an attribute (see [`super::AttributeValue`]).
    pub attributes: Attributes,
}

/// JSON: `{"parentId":7,"id":16}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedNode {
    /// The parent it was removed from. Example: `7`.
    pub parent_id: NodeId,
    /// The removed node. Example: `16`.
    pub id: NodeId,
    /// It was a shadow-root child of its parent.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub is_shadow: bool,
}

/// JSON: `{"parentId":7,"nextId":14,"node":{"type":3,"id":17,"textContent":"Saved"}}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedNode {
    /// The new parent. Example: `7`.
    pub parent_id: NodeId,
    /// The sibling to insert before; `null` appends. Always written. Example: `14`.
    pub next_id: Option<NodeId>,
    /// Legacy rrweb field, read and written back when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<NodeId>,
    /// The node alone: its children arrive as their own adds.
    pub node: SerializedNode,
}

/// One sampled pointer position.
///
/// JSON: `{"x":20,"y":10,"id":9,"timeOffset":-80}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MousePosition {
    /// `clientX`, CSS pixels. Example: `20`.
    pub x: f64,
    /// `clientY`, CSS pixels. Example: `10`.
    pub y: f64,
    /// The node under the pointer. Example: `9`.
    pub id: NodeId,
    /// ms relative to the event's timestamp, ≤ 0. Example: `-80`.
    pub time_offset: i64,
}

/// The positions of a MouseMove, TouchMove or Drag event.
#[derive(Serialize, Deserialize)]
struct Positions {
    positions: Vec<MousePosition>,
}

/// rrweb's `MouseInteractions`.
///
/// JSON: `2` (Click)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum MouseInteractionType {
    /// `mouseup`.
    MouseUp = 0,
    /// `mousedown`.
    MouseDown = 1,
    /// `click`.
    Click = 2,
    /// `contextmenu`.
    ContextMenu = 3,
    /// `dblclick`.
    DblClick = 4,
    /// `focus`.
    Focus = 5,
    /// `blur`.
    Blur = 6,
    /// `touchstart`.
    TouchStart = 7,
    /// Unused by rrweb 2 (kept for numbering).
    TouchMoveDeparted = 8,
    /// `touchend`.
    TouchEnd = 9,
    /// `touchcancel`.
    TouchCancel = 10,
}

/// rrweb's `PointerTypes`.
///
/// JSON: `0` (Mouse)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum PointerType {
    /// A mouse.
    Mouse = 0,
    /// A pen.
    Pen = 1,
    /// A finger.
    Touch = 2,
}

/// A click, press, focus or touch on a node.
///
/// JSON: `{"type":2,"id":10,"x":180,"y":12,"pointerType":0}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MouseInteraction {
    /// What happened. Example: `2`.
    #[serde(rename = "type")]
    pub kind: MouseInteractionType,
    /// The target node. Example: `10`.
    pub id: NodeId,
    /// `clientX` (absent for focus and blur). Example: `180`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    /// `clientY`. Example: `12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
    /// Mouse, pen or touch, where the browser says. Example: `0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer_type: Option<PointerType>,
}

/// The page (`id` of the Document) or an element scrolled.
///
/// JSON: `{"id":1,"x":0,"y":400}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScrollData {
    /// The scrolled node; the Document for the window. Example: `1`.
    pub id: NodeId,
    /// `scrollLeft`. Example: `0`.
    pub x: f64,
    /// `scrollTop`. Example: `400`.
    pub y: f64,
}

/// The window's inner size changed.
///
/// JSON: `{"width":700,"height":500}`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewportResize {
    /// `innerWidth`. Example: `700`.
    pub width: u32,
    /// `innerHeight`. Example: `500`.
    pub height: u32,
}

/// A form field's value or checked state changed.
///
/// JSON: `{"id":9,"text":"****************","isChecked":false}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputData {
    /// The input, textarea or select. Example: `9`.
    pub id: NodeId,
    /// The value, masked unless the field opted in (`*` per character). Example: `"****"`.
    pub text: String,
    /// For radios and checkboxes. Example: `false`.
    pub is_checked: bool,
    /// rrweb 1.x field; the Replayer ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_triggered: Option<bool>,
}

/// rrweb's `MediaInteractions`.
///
/// JSON: `0` (Play)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum MediaInteractionType {
    /// `play`.
    Play = 0,
    /// `pause`.
    Pause = 1,
    /// `seeked`.
    Seeked = 2,
    /// `volumechange`.
    VolumeChange = 3,
    /// `ratechange`.
    RateChange = 4,
}

/// A `<video>` or `<audio>` played, paused, seeked or changed volume or rate.
///
/// JSON: `{"type":0,"id":73,"currentTime":12.5,"volume":1,"muted":false,"playbackRate":1,"loop":false}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaInteraction {
    /// What happened. Example: `0`.
    #[serde(rename = "type")]
    pub kind: MediaInteractionType,
    /// The media element. Example: `73`.
    pub id: NodeId,
    /// Seconds. Example: `12.5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_time: Option<f64>,
    /// 0–1. Example: `1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<f64>,
    /// Example: `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    /// Example: `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#loop: Option<bool>,
    /// Example: `1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playback_rate: Option<f64>,
}

/// CSS rules inserted into or deleted from a `<style>` or `<link>` sheet through the CSSOM.
///
/// JSON: `{"id":11,"adds":[{"rule":".x { color: blue; }","index":1}]}`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StyleSheetRule {
    /// The owning `<style>`/`<link>` node. Example: `11`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<NodeId>,
    /// A constructed sheet's id (not recorded by PulseGate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style_id: Option<i64>,
    /// Rules inserted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adds: Option<Vec<StyleRule>>,
    /// Rules deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removes: Option<Vec<StyleRuleRemove>>,
    /// `replace(text)` on a constructed sheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace: Option<String>,
    /// `replaceSync(text)` on a constructed sheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_sync: Option<String>,
}

/// JSON: `{"rule":".x { color: blue; }","index":1}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyleRule {
    /// The rule's text. Example: `".x { color: blue; }"`.
    pub rule: String,
    /// Where it went; absent means at the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<StyleRuleIndex>,
}

/// JSON: `{"index":1}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyleRuleRemove {
    /// The deleted rule's position.
    pub index: StyleRuleIndex,
}

/// A rule position: a number, or a path `[outer, …, inner]` into nested rules.
///
/// JSON: `1` or `[2,0]`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StyleRuleIndex {
    /// Top-level position. Example: `1`.
    Top(u32),
    /// Nested position. Example: `[2,0]`.
    Nested(Vec<u32>),
}

/// `{"source":N, …fields}` on the wire.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    source: IncrementalSource,
    #[serde(flatten)]
    data: &'a T,
}

impl Serialize for Incremental {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let source = self.source();
        let positions = |p: &Vec<MousePosition>| Positions { positions: p.clone() };
        match self {
            Self::Mutation(d) => Tagged { source, data: d }.serialize(s),
            Self::MouseMove(p) | Self::TouchMove(p) | Self::Drag(p) => {
                Tagged { source, data: &positions(p) }.serialize(s)
            }
            Self::MouseInteraction(d) => Tagged { source, data: d }.serialize(s),
            Self::Scroll(d) => Tagged { source, data: d }.serialize(s),
            Self::ViewportResize(d) => Tagged { source, data: d }.serialize(s),
            Self::Input(d) => Tagged { source, data: d }.serialize(s),
            Self::MediaInteraction(d) => Tagged { source, data: d }.serialize(s),
            Self::StyleSheetRule(d) => Tagged { source, data: d }.serialize(s),
            Self::Other { data, .. } => Tagged { source, data }.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Incremental {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(d)?;
        let source = map.remove("source").ok_or_else(|| de::Error::missing_field("source"))?;
        let number = source
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| de::Error::custom("source must be a small number"))?;
        let source = IncrementalSource::from_u8(number)
            .ok_or_else(|| de::Error::custom(format_args!("unknown source {number}")))?;
        if matches!(
            source,
            IncrementalSource::CanvasMutation
                | IncrementalSource::Font
                | IncrementalSource::Log
                | IncrementalSource::StyleDeclaration
                | IncrementalSource::Selection
                | IncrementalSource::AdoptedStyleSheet
                | IncrementalSource::CustomElement
        ) {
            return Ok(Self::Other { source, data: map });
        }
        let data = Value::Object(map);
        let positions = |data| from::<Positions, D::Error>(data).map(|p| p.positions);
        Ok(match source {
            IncrementalSource::Mutation => Self::Mutation(from(data)?),
            IncrementalSource::MouseMove => Self::MouseMove(positions(data)?),
            IncrementalSource::TouchMove => Self::TouchMove(positions(data)?),
            IncrementalSource::Drag => Self::Drag(positions(data)?),
            IncrementalSource::MouseInteraction => Self::MouseInteraction(from(data)?),
            IncrementalSource::Scroll => Self::Scroll(from(data)?),
            IncrementalSource::ViewportResize => Self::ViewportResize(from(data)?),
            IncrementalSource::Input => Self::Input(from(data)?),
            IncrementalSource::MediaInteraction => Self::MediaInteraction(from(data)?),
            // The rest returned above.
            _ => Self::StyleSheetRule(from(data)?),
        })
    }
}
