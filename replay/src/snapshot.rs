//! The full snapshot, time-sliced: a depth-first walk with an explicit stack that stops after
//! [`Walk::step`]'s budget and resumes in a later task, streaming its JSON as it goes.
//!
//! The page keeps running between slices. The mutation observer is already on, and its records
//! are applied to what was written (see `mutation.rs`): a change inside the part already written
//! becomes an ordinary mutation after the snapshot, a change ahead of the walk is simply seen by
//! it. The walk checks each step that the node it resumes at is still where it was.

use alloc::{string::String, vec, vec::Vec};

use super::dom::{self, MutationObserver, Node};
use super::json;
use super::mirror::{Mirror, ROOT};
use super::serialize::{self, Place, Written};

/// One open container: its children are being written.
#[derive(Debug)]
struct Frame {
    /// The node whose children are walked (an element, the document, or, once its light
    /// children are done, an element's shadow root).
    container: Node,
    id: u32,
    flags: u8,
    next: Option<Node>,
    first: bool,
    shadow: bool,
}

/// A full snapshot in progress.
#[derive(Debug)]
pub(crate) struct Walk {
    stack: Vec<Frame>,
}

/// Node types written as nodes (everything else, e.g. processing instructions, is skipped).
fn recorded(ty: u32) -> bool {
    matches!(ty, dom::ELEMENT | dom::TEXT | dom::CDATA | dom::COMMENT | dom::DOCTYPE)
}

impl Walk {
    /// Starts a snapshot of `doc`: writes the Document node's head into `out`.
    pub(crate) fn start(mirror: &mut Mirror, doc: &Node, out: &mut String, base: &str) -> Self {
        mirror.next_round();
        mirror.snapshot_round = mirror.round;
        let id = mirror.id_for_write(doc);
        serialize::node(
            out,
            doc,
            Place { id, ty: dom::DOCUMENT, parent_flags: 0, shadow: false, in_add: false },
            base,
        );
        mirror.place(id, ROOT, false, 0);
        let frame = Frame {
            container: doc.clone(),
            id,
            flags: 0,
            next: doc.first_child(),
            first: true,
            shadow: false,
        };
        Self { stack: vec![frame] }
    }

    /// Walks until done (true) or until `deadline` (a `performance.now()` time) passes;
    /// `observer` watches the shadow roots met.
    pub(crate) fn step(
        &mut self,
        mirror: &mut Mirror,
        out: &mut String,
        base: &str,
        deadline: f64,
        observer: &MutationObserver,
    ) -> bool {
        let mut budget_check = 0u32;
        while let Some(frame) = self.stack.last_mut() {
            budget_check += 1;
            if budget_check.is_multiple_of(32) && dom::perf_now() > deadline {
                return false;
            }
            let Some(child) = frame.next.take() else {
                // Light children done: the shadow root's children come next, marked isShadow.
                if !frame.shadow
                    && frame.container.node_type() == dom::ELEMENT
                    && let Some(root) = frame.container.shadow_root()
                {
                    frame.next = root.first_child();
                    frame.shadow = true;
                    dom::observe(observer, &root);
                    frame.container = root;
                    continue;
                }
                out.push_str("]}");
                self.stack.pop();
                continue;
            };
            if child.parent_node().as_ref() != Some(&frame.container) {
                // The page moved the node we were about to write: resume at the first child not
                // written yet (mutations account for the rest).
                frame.next = first_unwritten(mirror, &frame.container);
                continue;
            }
            frame.next = child.next_sibling();
            let ty = child.node_type();
            if !recorded(ty) {
                continue;
            }
            if !frame.first {
                out.push(',');
            }
            frame.first = false;
            let (parent, parent_flags, shadow) = (frame.id, frame.flags, frame.shadow);
            let id = mirror.id_for_write(&child);
            let at = Place { id, ty, parent_flags, shadow, in_add: false };
            let written = serialize::node(out, &child, at, base);
            if let Written::Open(flags) | Written::Closed(flags) = written {
                mirror.place(id, parent, shadow, flags);
                // Under a container the page took out meanwhile (a removal waits for the
                // Replayer): the node leaves with it, so it is not in the Replayer's page (a
                // change to it must not name this id; where the walk meets it again, it gets
                // another).
                if !mirror.present(parent) {
                    mirror.take_out(id);
                }
            }
            if let Written::Open(flags) = written {
                self.stack.push(Frame {
                    container: child.clone(),
                    id,
                    flags,
                    next: child.first_child(),
                    first: true,
                    shadow: false,
                });
            }
        }
        true
    }
}

/// The first child of `container` not written in this round.
fn first_unwritten(mirror: &Mirror, container: &Node) -> Option<Node> {
    let mut next = container.first_child();
    while let Some(node) = next {
        if !mirror.done(&node) {
            return Some(node);
        }
        next = node.next_sibling();
    }
    None
}

/// The window's scroll position (`doc`'s) as `"initialOffset"`, closing the snapshot's data and
/// event.
pub(crate) fn finish(out: &mut String, doc: &Node) {
    out.push_str(",\"initialOffset\":{\"left\":");
    json::round(out, dom::scroll(doc, 0));
    out.push_str(",\"top\":");
    json::round(out, dom::scroll(doc, 1));
    out.push_str("}}}");
}
