//! The serialized DOM: rrweb's `serializedNodeWithId`, a node tree with numeric ids.

use crate::prelude::*;

use alloc::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::event::from;

/// A node's id: positive, unique within a recording, given in pre-order (Document = 1) and kept
/// across snapshots while the node lives. `-1` means "unknown" in a few events; never 0.
///
/// JSON: `42`
pub type NodeId = i64;

/// Attribute values of an element: text for ordinary attributes, `true` for boolean state
/// (`checked`, `selected`), numbers only for rrweb's `rr_*` attributes.
///
/// JSON: `{"class":"cta","href":"https://shop.example/signup","rr_width":"120px"}`
pub type Attributes = BTreeMap<String, AttributeValue>;

/// One attribute value.
///
/// JSON: `"cta"`, `true`, `12.5`, or `null` (in a mutation: the attribute was removed), or for
/// `style` in a mutation an object of changed properties
/// (`{"color":"green","font-weight":["bold","important"],"margin":false}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeValue {
    /// Text. Example: `"cta"`.
    Text(String),
    /// Boolean state. Example: `true`.
    Flag(bool),
    /// A number (`rr_scrollTop`, `rr_mediaCurrentTime`). Example: `12.5`.
    Number(f64),
    /// Removed (mutations only).
    Null,
    /// Changed `style` properties (mutations only): a value, `[value, "important"]`, or `false`
    /// for a removed property.
    Style(BTreeMap<String, Value>),
}

/// A DOM node with its id and, for containers, its children.
///
/// JSON: `{"type":2,"id":12,"tagName":"p","attributes":{"id":"msg"},"childNodes":[{"type":3,"id":13,"textContent":"Hello"}]}`
#[derive(Clone, Debug, PartialEq)]
pub struct SerializedNode {
    /// See [`NodeId`]. Example: `12`.
    pub id: NodeId,
    /// Only inside a same-origin iframe: the id of that iframe's Document. Example: `40`.
    pub root_id: Option<NodeId>,
    /// The element hosts a shadow root; its shadow children follow its light children.
    pub is_shadow_host: bool,
    /// The node is a child of a shadow root.
    pub is_shadow: bool,
    /// The kind of node and its kind-specific fields; written as `"type"` plus those fields.
    pub kind: NodeKind,
}

/// rrweb's `NodeType` (`"type"` 0–5) with each kind's fields.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `type` 0: `{"childNodes":[…],"compatMode":"BackCompat"}` (`compatMode` only in quirks mode).
    Document {
        /// The doctype and `<html>`.
        child_nodes: Vec<SerializedNode>,
        /// `document.compatMode` when it is not `CSS1Compat`. Example: `"BackCompat"`.
        compat_mode: Option<String>,
    },
    /// `type` 1: `{"name":"html","publicId":"","systemId":""}`.
    DocumentType {
        /// Example: `"html"`.
        name: String,
        /// Example: `""`.
        public_id: String,
        /// Example: `""`.
        system_id: String,
    },
    /// `type` 2: `{"tagName":"input","attributes":{"type":"email"},"childNodes":[]}`.
    Element {
        /// Lower-case tag name. Example: `"input"`.
        tag_name: String,
        /// See [`Attributes`].
        attributes: Attributes,
        /// Children in document order (empty in a mutation's add: each node is added on its own).
        child_nodes: Vec<SerializedNode>,
        /// An SVG element (`<svg>` or inside one): the Replayer creates it in the SVG namespace.
        is_svg: bool,
        /// A custom element (registered with `customElements`).
        is_custom: bool,
        /// rrweb-internal; accepted for compatibility, never written by PulseGate.
        need_block: bool,
    },
    /// `type` 3: `{"textContent":"Hello"}`.
    Text {
        /// The text, masked where the page or the defaults say so. Example: `"Hello"`.
        text_content: String,
        /// Deprecated rrweb flag for text inside `<style>`.
        is_style: bool,
    },
    /// `type` 4: `{"textContent":""}`.
    Cdata {
        /// Always `""`.
        text_content: String,
    },
    /// `type` 5: `{"textContent":" end of content "}`.
    Comment {
        /// The comment's text. Example: `" end of content "`.
        text_content: String,
    },
}

impl NodeKind {
    /// The numeric `"type"`.
    pub fn type_id(&self) -> u8 {
        match self {
            Self::Document { .. } => 0,
            Self::DocumentType { .. } => 1,
            Self::Element { .. } => 2,
            Self::Text { .. } => 3,
            Self::Cdata { .. } => 4,
            Self::Comment { .. } => 5,
        }
    }
}

impl SerializedNode {
    /// Calls `f` on this node and every descendant, parents before children.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a SerializedNode)) {
        f(self);
        if let NodeKind::Document { child_nodes, .. } | NodeKind::Element { child_nodes, .. } =
            &self.kind
        {
            for child in child_nodes {
                child.walk(f);
            }
        }
    }
}

impl Serialize for SerializedNode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", &self.kind.type_id())?;
        map.serialize_entry("id", &self.id)?;
        match &self.kind {
            NodeKind::Document { child_nodes, compat_mode } => {
                map.serialize_entry("childNodes", child_nodes)?;
                if let Some(mode) = compat_mode {
                    map.serialize_entry("compatMode", mode)?;
                }
            }
            NodeKind::DocumentType { name, public_id, system_id } => {
                map.serialize_entry("name", name)?;
                map.serialize_entry("publicId", public_id)?;
                map.serialize_entry("systemId", system_id)?;
            }
            NodeKind::Element {
                tag_name,
                attributes,
                child_nodes,
                is_svg,
                is_custom,
                need_block,
            } => {
                map.serialize_entry("tagName", tag_name)?;
                map.serialize_entry("attributes", attributes)?;
                map.serialize_entry("childNodes", child_nodes)?;
                for (flag, name) in
                    [(is_svg, "isSVG"), (is_custom, "isCustom"), (need_block, "needBlock")]
                {
                    if *flag {
                        map.serialize_entry(name, &true)?;
                    }
                }
            }
            NodeKind::Text { text_content, is_style } => {
                map.serialize_entry("textContent", text_content)?;
                if *is_style {
                    map.serialize_entry("isStyle", &true)?;
                }
            }
            NodeKind::Cdata { text_content } | NodeKind::Comment { text_content } => {
                map.serialize_entry("textContent", text_content)?;
            }
        }
        if let Some(root) = self.root_id {
            map.serialize_entry("rootId", &root)?;
        }
        if self.is_shadow_host {
            map.serialize_entry("isShadowHost", &true)?;
        }
        if self.is_shadow {
            map.serialize_entry("isShadow", &true)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for SerializedNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        Self::from_map(map)
    }
}

impl SerializedNode {
    fn from_map<E: de::Error>(mut map: Map<String, Value>) -> Result<Self, E> {
        let id: NodeId = field(&mut map, "id")?;
        if id == 0 {
            return Err(E::custom("node id must not be 0"));
        }
        let root_id: Option<NodeId> = opt(&mut map, "rootId")?;
        let is_shadow_host = flag(&mut map, "isShadowHost")?;
        let is_shadow = flag(&mut map, "isShadow")?;
        let kind = match field::<u8, E>(&mut map, "type")? {
            0 => NodeKind::Document {
                child_nodes: children(&mut map)?,
                compat_mode: opt(&mut map, "compatMode")?,
            },
            1 => NodeKind::DocumentType {
                name: field(&mut map, "name")?,
                public_id: field(&mut map, "publicId")?,
                system_id: field(&mut map, "systemId")?,
            },
            2 => NodeKind::Element {
                tag_name: field(&mut map, "tagName")?,
                attributes: field(&mut map, "attributes")?,
                child_nodes: children(&mut map)?,
                is_svg: flag(&mut map, "isSVG")?,
                is_custom: flag(&mut map, "isCustom")?,
                need_block: flag(&mut map, "needBlock")?,
            },
            3 => NodeKind::Text {
                text_content: field(&mut map, "textContent")?,
                is_style: flag(&mut map, "isStyle")?,
            },
            4 => NodeKind::Cdata { text_content: field(&mut map, "textContent")? },
            5 => NodeKind::Comment { text_content: field(&mut map, "textContent")? },
            other => return Err(E::custom(format_args!("unknown node type {other}"))),
        };
        Ok(Self { id, root_id, is_shadow_host, is_shadow, kind })
    }
}

fn field<T: de::DeserializeOwned, E: de::Error>(
    map: &mut Map<String, Value>,
    name: &'static str,
) -> Result<T, E> {
    let value = map.remove(name).ok_or_else(|| E::missing_field(name))?;
    serde_json::from_value(value).map_err(|e| E::custom(format_args!("{name}: {e}")))
}

fn opt<T: de::DeserializeOwned, E: de::Error>(
    map: &mut Map<String, Value>,
    name: &'static str,
) -> Result<Option<T>, E> {
    match map.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => from(value).map(Some),
    }
}

fn flag<E: de::Error>(map: &mut Map<String, Value>, name: &'static str) -> Result<bool, E> {
    Ok(opt::<bool, E>(map, name)?.unwrap_or(false))
}

/// `childNodes`, built node by node so a deep tree needs no second buffering.
fn children<E: de::Error>(map: &mut Map<String, Value>) -> Result<Vec<SerializedNode>, E> {
    match map.remove("childNodes") {
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(child) => SerializedNode::from_map(child),
                _ => Err(E::custom("childNodes: every child must be an object")),
            })
            .collect(),
        Some(_) => Err(E::custom("childNodes must be an array")),
        None => Err(E::missing_field("childNodes")),
    }
}
