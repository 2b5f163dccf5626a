//! The mutation buffer: `MutationObserver` records of one microtask become one rrweb mutation
//! event, in the order the Replayer needs (document order: parents before children, siblings left
//! to right, each node added on its own before the next node the Replayer already had).
//!
//! Records are judged against what the Replayer's copy of the page holds ([`Mirror::present`]),
//! which makes the same rules right while a sliced snapshot is running: a change to a node not
//! written yet is dropped (the walk will see its new state), a change to one already written is
//! kept. Removals are resolved at once (the ids are known now); additions, attribute and text
//! changes are read when the buffer is flushed, from the live page.

use alloc::{string::String, vec, vec::Vec};

use js_sys::{Array, Set};
use wasm_bindgen::{JsCast, JsValue};

use super::dom::{self, MutationObserver, MutationRecord, Node};
use super::json;
use super::mirror::{self, BLOCKED, CHILDLESS, IGNORE, MASK_TEXT, Mirror, STYLE, UNMASK};
use super::serialize::{self, Place, Written};

/// Changes waiting for the next flush.
#[derive(Debug)]
pub(crate) struct Buffer {
    /// `{"parentId":…,"id":…}` entries, resolved when the node was removed.
    removes: String,
    adds: Vec<Node>,
    add_set: Set,
    /// Changed attributes grouped by node, in first-seen order, each name once.
    attributes: Vec<(Node, u32, Vec<String>)>,
    texts: Vec<(Node, u32)>,
    /// `<style>` elements whose text changed: their `_cssText` is written again.
    styles: Vec<(Node, u32)>,
    /// By id: 1 + the index of the node's group in `attributes` (0: none), emptied by each flush.
    group_of: Vec<u32>,
}

impl Default for Buffer {
    fn default() -> Self {
        Self {
            removes: String::new(),
            adds: Vec::new(),
            add_set: Set::new(&JsValue::UNDEFINED),
            attributes: Vec::new(),
            texts: Vec::new(),
            styles: Vec::new(),
            group_of: Vec::new(),
        }
    }
}

/// The id under which children of `parent` are added, and whether they are shadow children.
fn parent_slot(mirror: &Mirror, parent: &Node) -> Option<(u32, bool)> {
    // A shadow root's children are added under its host.
    let host = if parent.node_type() == dom::FRAGMENT { Some(parent.host()?) } else { None };
    let id = mirror.present_id(host.as_ref().unwrap_or(parent))?;
    Some((id, host.is_some()))
}

impl Buffer {
    /// Whether nothing waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.removes.is_empty()
            && self.adds.is_empty()
            && self.attributes.is_empty()
            && self.texts.is_empty()
            && self.styles.is_empty()
    }

    /// Takes in one batch of records.
    pub(crate) fn take(&mut self, mirror: &mut Mirror, records: &Array) {
        for i in 0..records.length() {
            let record: MutationRecord = records.get(i).unchecked_into();
            let target = record.target();
            // The kind without reading `type` (a string): only attribute records name an
            // attribute, and a childList record always lists a node.
            if let Some(name) = record.attribute_name().as_string() {
                if let Some(id) = mirror.present_id(&target) {
                    self.attribute(target, id, name);
                }
                continue;
            }
            let removed = record.removed();
            let added = record.added();
            let (removed_n, added_n) = (removed.length(), added.length());
            if removed_n == 0 && added_n == 0 {
                // characterData
                if let Some(parent) = target.parent_node()
                    && self.style_of(mirror, &parent)
                {
                    continue;
                }
                if let Some(id) = mirror.present_id(&target) {
                    self.texts.push((target, id));
                }
                continue;
            }
            let style = self.style_of(mirror, &target);
            for i in 0..removed_n {
                if let Some(node) = dom::item(&removed, i) {
                    self.remove(mirror, &node);
                }
            }
            if style {
                continue;
            }
            if added_n == 0 || parent_slot(mirror, &target).is_none() {
                continue;
            }
            for i in 0..added_n {
                if let Some(node) = dom::item(&added, i)
                    && !self.add_set.has(&node)
                {
                    self.add_set.add(&node);
                    self.adds.push(node);
                }
            }
        }
    }

    /// Records that attribute `name` of `node` (id `id`) changed, in the node's group, found
    /// through `group_of` (linear time: a page may change thousands of attributes in one task).
    fn attribute(&mut self, node: Node, id: u32, name: String) {
        let slot = id as usize;
        if self.group_of.len() <= slot {
            self.group_of.resize(slot + 1, 0);
        }
        match self.group_of.get(slot).copied().unwrap_or(0) {
            0 => {
                self.attributes.push((node, id, vec![name]));
                if let Some(g) = self.group_of.get_mut(slot) {
                    *g = self.attributes.len() as u32;
                }
            }
            g => {
                if let Some(group) = self.attributes.get_mut(g as usize - 1)
                    && !group.2.contains(&name)
                {
                    group.2.push(name);
                }
            }
        }
    }

    /// For a `<style>` (present in the Replayer): queues its `_cssText` and says so.
    fn style_of(&mut self, mirror: &Mirror, node: &Node) -> bool {
        match mirror.present_id(node) {
            Some(id) if mirror.flags(id) & STYLE != 0 => {
                if !self.styles.iter().any(|(_, s)| *s == id) {
                    self.styles.push((node.clone(), id));
                }
                true
            }
            _ => false,
        }
    }

    /// A node left its parent: if the Replayer has it, it leaves there too.
    fn remove(&mut self, mirror: &mut Mirror, node: &Node) {
        let Some(id) = mirror.present_id(node) else { return };
        let (parent, shadow) = mirror.parent_of(id);
        if parent == mirror::ROOT {
            return;
        }
        // A node whose parent has left the Replayer's page already (in this batch: the page
        // removed an ancestor, then moved this node out of it, which the live DOM no longer
        // shows under the ancestor) left with it: a removal naming that parent would name a
        // node the Replayer no longer has.
        if mirror.present(parent) {
            push_remove(&mut self.removes, parent, id, shadow);
        }
        mirror.take_out(id);
        mirror.forget_subtree(node);
    }

    /// Writes the mutation data (`{"source":0,…}`) into `out`, starting a new round; `observer`
    /// watches the shadow roots met in added subtrees. Leaves the buffer empty.
    pub(crate) fn flush(
        &mut self,
        mirror: &mut Mirror,
        out: &mut String,
        base: &str,
        observer: &MutationObserver,
    ) {
        mirror.next_round();
        let added = core::mem::take(&mut self.adds);
        // Class changes may add more nodes to rewrite, so attributes are read first. Those go
        // first: a node rewritten takes its subtree out of the Replayer's page, so nodes added
        // under it are then written once, with it, by its own privacy rules; a node below
        // another one written in this flush is written only with it (see [`Adds::chain`]).
        self.changed_attributes(mirror);
        let rewritten = core::mem::take(&mut self.adds);
        // The adds, usually the bulk of the event, are written straight into it, first (the
        // Replayer reads the keys by name: their order is free).
        out.push_str("{\"source\":0,\"adds\":[");
        let mut adds = Adds { out, removes: &mut self.removes, base, observer, below: Vec::new() };
        // The two lists walked in turn, not joined into a third.
        for list in [&rewritten, &added] {
            for node in list {
                adds.chain(&self.add_set, mirror, node);
            }
        }
        adds.below(mirror);
        self.add_set.clear();
        out.push_str("],\"texts\":[");
        // By reference, then cleared: no owning iterator and its drop of what is left.
        for &(ref node, id) in &self.texts {
            if !mirror.kept(id) {
                continue;
            }
            let value = serialize::text_value(node, mirror.flags(id));
            id_entry(out, id);
            out.push_str(",\"value\":");
            json::string(out, &value);
            out.push('}');
        }
        self.texts.clear();
        out.push_str("],\"attributes\":[");
        write_attributes(out, mirror, &self.attributes, base);
        self.attributes.clear();
        for &(ref node, id) in &self.styles {
            if !mirror.present(id) {
                continue;
            }
            let css = serialize::stylesheet_text(node, base).unwrap_or_default();
            id_entry(out, id);
            out.push_str(",\"attributes\":{\"_cssText\":");
            json::string(out, &css);
            out.push_str("}}");
        }
        self.styles.clear();
        out.push_str("],\"removes\":[");
        out.push_str(&self.removes);
        out.push_str("]}");
        self.removes.clear();
    }

    /// Reads the changed attributes' groups (by reference; the flush clears them after writing
    /// them) and empties their index by id; a node whose privacy class changed is queued to be
    /// written again whole (its entry is then left out: the add carries its attributes).
    fn changed_attributes(&mut self, mirror: &Mirror) {
        for (node, id, names) in &self.attributes {
            if let Some(g) = self.group_of.get_mut(*id as usize) {
                *g = 0;
            }
            if mirror.present(*id)
                && names
                    .iter()
                    .any(|n| matches!(n.as_str(), "class" | "contenteditable" | "data-pg-unmask"))
            {
                let flags = mirror.flags(*id);
                let (parent, _) = mirror.parent_of(*id);
                // Only privacy bits are compared.
                let now = serialize::element_flags(node, mirror.flags(parent)) as u8;
                let privacy = BLOCKED | MASK_TEXT | IGNORE | UNMASK;
                if now & privacy != flags & privacy && !self.add_set.has(node) {
                    self.add_set.add(node);
                    self.adds.push(node.clone());
                }
            }
        }
    }
}

/// Writes `{"id":…,"attributes":{…}}` entries for the changed attributes of nodes still in the
/// Replayer's page and not written whole in this flush (an add carries the node's state, by the
/// privacy rules it has now).
fn write_attributes(
    out: &mut String,
    mirror: &Mirror,
    groups: &[(Node, u32, Vec<String>)],
    base: &str,
) {
    for &(ref node, id, ref names) in groups {
        let flags = mirror.flags(id);
        // A blocked element's placeholder keeps no attribute but its first id and class.
        if !mirror.kept(id) || flags & BLOCKED != 0 {
            continue;
        }
        let read = serialize::Element::read(node);
        let mut entry = String::new();
        let mut any = false;
        for name in names {
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("on")
                || (lower == "value" || lower == "checked")
                    && serialize::own_flags(node) & serialize::FIELD != 0
            {
                continue;
            }
            let value = read.attr(name);
            if any {
                entry.push(',');
            }
            any = true;
            json::key(&mut entry, name);
            match value {
                None => entry.push_str("null"),
                Some(v) => {
                    let v = serialize::attribute_value(node, &lower, v, flags, base);
                    json::string(&mut entry, &v);
                }
            }
        }
        if any {
            id_entry(out, id);
            out.push_str(",\"attributes\":{");
            out.push_str(&entry);
            out.push_str("}}");
        }
    }
}

/// Writes the adds of one flush: the runs of new siblings under nodes the Replayer has, then
/// everything below them, level by level.
struct Adds<'a> {
    out: &'a mut String,
    removes: &'a mut String,
    base: &'a str,
    /// Watches the shadow roots met in added subtrees.
    observer: &'a MutationObserver,
    /// The queue of nodes below the runs: children of written nodes, with their parent's id and
    /// whether they are shadow children.
    below: Vec<(Node, u32, bool)>,
}

impl Adds<'_> {
    /// Adds the run of new siblings `node` belongs to, left to right, once.
    ///
    /// A run is the stretch of siblings between two nodes the Replayer had before this batch (or
    /// the ends of the parent): every added node in it is inserted before the same node, the one
    /// after the run (`nextId`; `null` appends), so writing them in document order puts them in
    /// order, and the repeated `nextId` compresses away.
    fn chain(&mut self, add_set: &Set, mirror: &mut Mirror, node: &Node) {
        // A node added or written again in this flush writes its subtree itself, in order.
        if mirror.done(node) || below_add(add_set, node) {
            return;
        }
        let Some(parent) = node.parent_node() else { return };
        let Some((parent_id, shadow)) = parent_slot(mirror, &parent) else { return };
        let (start, _) = edge(add_set, mirror, node, true);
        let (end, next) = edge(add_set, mirror, node, false);
        let mut cur = Some(start);
        while let Some(n) = cur {
            cur = if n == end { None } else { n.next_sibling() };
            if add_set.has(&n) && !mirror.done(&n) {
                self.node(mirror, &n, parent_id, shadow, next);
            }
        }
    }

    /// Writes what is below the runs, a level at a time (one queue, first in, first out): a
    /// new node's children are appended one after the other (`nextId` `null`), and like nodes
    /// at one depth (the rows of a list, the cells of the rows) follow each other, which
    /// compresses well.
    fn below(&mut self, mirror: &mut Mirror) {
        let mut i = 0;
        while let Some((node, parent_id, shadow)) = self.below.get_mut(i) {
            let (parent_id, shadow) = (*parent_id, *shadow);
            // Taken out of the queue (`undefined` left in its place, which needs no drop).
            let node = core::mem::replace(node, JsValue::UNDEFINED.unchecked_into());
            i += 1;
            self.node(mirror, &node, parent_id, shadow, None);
        }
        self.below.clear();
    }

    /// Writes `node` as one add under `parent_id`, before `next` (`None`: at the end), and
    /// queues its children (then its shadow root's children).
    #[inline(never)]
    fn node(
        &mut self,
        mirror: &mut Mirror,
        node: &Node,
        parent_id: u32,
        shadow: bool,
        next: Option<u32>,
    ) {
        let ty = node.node_type();
        if !matches!(ty, dom::ELEMENT | dom::TEXT | dom::CDATA | dom::COMMENT) {
            return;
        }
        let parent_flags = mirror.flags(parent_id);
        if parent_flags & CHILDLESS != 0 {
            return;
        }
        // Already in the Replayer's page elsewhere (moved): take it out there first.
        let known = mirror.id(node);
        if let Some(old) = known
            && mirror.kept(old)
        {
            // (Unless its old parent has left, or was written again in this flush: it left with
            // the Replayer's old copy of that parent.)
            let (p, s) = mirror.parent_of(old);
            if mirror.kept(p) {
                push_remove(self.removes, p, old, s);
            }
            mirror.take_out(old);
            mirror.forget_subtree(node);
        }
        let id = mirror.id_for_write_known(node, known);
        let adds = &mut *self.out;
        // After the list's `[` or an entry's `}`.
        if !adds.ends_with('[') {
            adds.push(',');
        }
        adds.push_str("{\"parentId\":");
        json::uint(adds, u64::from(parent_id));
        adds.push_str(",\"nextId\":");
        match next {
            Some(next) => json::uint(adds, u64::from(next)),
            None => adds.push_str("null"),
        }
        adds.push_str(",\"node\":");
        let at = Place { id, ty, parent_flags, shadow, in_add: true };
        match serialize::node(adds, node, at, self.base) {
            Written::Open(flags) => {
                adds.push_str("]}");
                mirror.place(id, parent_id, shadow, flags);
                let mut child = node.first_child();
                while let Some(c) = child {
                    child = c.next_sibling();
                    self.below.push((c, id, false));
                }
                if let Some(root) = node.shadow_root() {
                    let mut child = root.first_child();
                    while let Some(c) = child {
                        child = c.next_sibling();
                        self.below.push((c, id, true));
                    }
                    dom::observe(self.observer, &root);
                }
            }
            Written::Closed(flags) => mirror.place(id, parent_id, shadow, flags),
            Written::Skipped => {}
        }
        adds.push('}');
    }
}

/// From `n`, the farthest sibling before (`back`) or after it that is not an [`anchor`], and the
/// id of the anchor beyond it.
#[inline(never)]
fn edge(add_set: &Set, mirror: &Mirror, n: &Node, back: bool) -> (Node, Option<u32>) {
    let mut last = n.clone();
    loop {
        let Some(s) = (if back { last.previous_sibling() } else { last.next_sibling() }) else {
            return (last, None);
        };
        if let Some(id) = anchor(add_set, mirror, &s) {
            return (last, Some(id));
        }
        last = s;
    }
}

/// Whether an ancestor of `n` (through shadow hosts) is added or written again in this flush:
/// then `n` is written once, with it, by the privacy rules it has there. (Written first on its
/// own, under its parent's old rules, it would reach the Replayer twice, the first time
/// unmasked when an ancestor has just taken `pg-mask`.)
fn below_add(add_set: &Set, n: &Node) -> bool {
    let mut up = n.parent_node();
    while let Some(p) = up {
        if add_set.has(&p) {
            return true;
        }
        up = if p.node_type() == dom::FRAGMENT { p.host() } else { p.parent_node() };
    }
    false
}

/// The id of `n` if the Replayer had it before this flush and keeps it where it is (not added
/// again): runs of new siblings end there.
fn anchor(add_set: &Set, mirror: &Mirror, n: &Node) -> Option<u32> {
    mirror.id(n).filter(|id| mirror.kept(*id) && !add_set.has(n))
}

/// Opens a `{"id":…` entry of a list, after a comma unless it is the first (the list's `[` is
/// the text's last byte).
fn id_entry(out: &mut String, id: u32) {
    if !out.ends_with('[') {
        out.push(',');
    }
    out.push_str("{\"id\":");
    json::uint(out, u64::from(id));
}

fn push_remove(out: &mut String, parent: u32, id: u32, shadow: bool) {
    if !out.is_empty() {
        out.push(',');
    }
    out.push_str("{\"parentId\":");
    json::uint(out, u64::from(parent));
    out.push_str(",\"id\":");
    json::uint(out, u64::from(id));
    if shadow {
        out.push_str(",\"isShadow\":true");
    }
    out.push('}');
}
