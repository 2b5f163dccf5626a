//! Session-replay wire types: the event format of rrweb 2.x (`@rrweb/types`), so a PulseGate
//! recording plays in rrweb's own `Replayer` and any tool built on it.
//!
//! A recording is a list of [`ReplayEvent`]s in timestamp order: a [`Meta`], a
//! [`FullSnapshot`] of the serialized DOM, then [`Incremental`] changes. Numeric tags
//! (`"type"`, `"source"`) follow rrweb's enums exactly ([`EventType`], [`IncrementalSource`]).
//!
//! ```json
//! [
//!   { "type": 4, "timestamp": 1764097200000, "data": { "href": "https://shop.example/signup", "width": 1280, "height": 720 } },
//!   { "type": 2, "timestamp": 1764097200000, "data": { "node": { "type": 0, "id": 1, "childNodes": [] }, "initialOffset": { "top": 0, "left": 0 } } },
//!   { "type": 3, "timestamp": 1764097200500, "data": { "source": 3, "id": 1, "x": 0, "y": 400 } }
//! ]
//! ```
//!
//! The recorder in the SDK writes this JSON directly (to stay small) and its browser tests parse
//! what it writes with these types; the worker parses every uploaded [`ReplayBatch`] with them
//! before storing it.

mod api;
mod batch;
mod event;
mod incremental;
mod node;

pub use api::{
    LeadMarker, ReplayEventsPage, ReplaySessionDetail, ReplaySessionList, ReplaySessionSummary,
};
pub use batch::ReplayBatch;
pub use event::{
    CustomEvent, EventType, FullSnapshot, InitialOffset, Meta, PluginEvent, ReplayEvent,
    ReplayEventData,
};
pub use incremental::{
    AddedNode, AttributeMutation, Incremental, InputData, MediaInteraction, MediaInteractionType,
    MouseInteraction, MouseInteractionType, MousePosition, MutationData, PointerType, RemovedNode,
    ScrollData, StyleRule, StyleRuleIndex, StyleRuleRemove, StyleSheetRule, TextMutation,
    ViewportResize,
};
pub use node::{AttributeValue, Attributes, NodeId, NodeKind, SerializedNode};
