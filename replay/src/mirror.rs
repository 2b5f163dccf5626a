//! Node ids, as rrweb numbers them: positive, handed out in pre-order from 1, kept for a node's
//! life; plus what the Replayer's copy of the page looks like for each id (its parent there, and
//! the privacy flags its subtree was recorded with).

use alloc::{vec, vec::Vec};

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::dom::Node;

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// A new id book: ids live on the nodes under a symbol of its own (`replay/js/hooks.js`;
    /// much cheaper than a `WeakMap`, which the GC must trace as ephemerons).
    #[wasm_bindgen(js_name = pgIds)]
    fn new_book() -> JsValue;
    /// The node's id in `book`, 0 for none.
    #[wasm_bindgen(js_name = pgIdOf)]
    fn id_of(node: &Node, book: &JsValue) -> u32;
    #[wasm_bindgen(js_name = pgSetId)]
    fn set_id(node: &Node, book: &JsValue, id: i32);
}

/// Children of this element are not recorded (`.pg-block`, `<textarea>`, `<iframe>`).
pub(crate) const CHILDLESS: u8 = 1;
/// Text inside is masked whole (`.pg-mask`, `contenteditable`).
pub(crate) const MASK_TEXT: u8 = 2;
/// Input events inside are dropped (`.pg-ignore`).
pub(crate) const IGNORE: u8 = 4;
/// A `<style>`: its text is recorded as the element's `_cssText`, its text nodes as `""`.
pub(crate) const STYLE: u8 = 8;
/// An SVG element (children are SVG too, except inside `foreignObject`).
pub(crate) const SVG: u8 = 16;
/// A form field or `<select>` whose value was opted in to be recorded as typed.
pub(crate) const UNMASK: u8 = 32;
/// A `<script>`: its text is never recorded.
pub(crate) const SCRIPT: u8 = 64;
/// A `.pg-block` placeholder (also [`CHILDLESS`]): no events inside are recorded.
pub(crate) const BLOCKED: u8 = 128;

/// Flags a child inherits from its parent.
pub(crate) const INHERITED: u8 = MASK_TEXT | IGNORE | BLOCKED;

/// Set in [`Entry::parent`]: the node is a shadow-root child of its parent.
const SHADOW_BIT: u32 = 1 << 31;
/// The parent entry of the Document: present, but under nothing.
pub(crate) const ROOT: u32 = SHADOW_BIT - 1;

/// What the book knows of one id (one entry, not three parallel lists: one bounds check and
/// one growth each).
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    /// The parent id in the Replayer's page (0: not there), with [`SHADOW_BIT`].
    parent: u32,
    /// The round (snapshot or mutation flush) that last wrote the node.
    round: u32,
    /// The privacy flags it was recorded with.
    flags: u8,
}

/// The id book.
#[derive(Debug)]
pub(crate) struct Mirror {
    ids: JsValue,
    /// By id.
    entries: Vec<Entry>,
    /// The current round; bumped by every snapshot and every mutation flush.
    pub(crate) round: u32,
    /// The round of the latest full snapshot: the Replayer's page holds nothing older.
    pub(crate) snapshot_round: u32,
}

impl Default for Mirror {
    fn default() -> Self {
        Self { ids: new_book(), entries: vec![Entry::default()], round: 0, snapshot_round: 0 }
    }
}

impl Mirror {
    /// The node's id, if it ever had one.
    pub(crate) fn id(&self, node: &Node) -> Option<u32> {
        Some(id_of(node, &self.ids)).filter(|id| *id != 0)
    }

    /// The node's id, if the Replayer's page holds it now.
    pub(crate) fn present_id(&self, node: &Node) -> Option<u32> {
        self.id(node).filter(|id| self.present(*id))
    }

    /// The id to record `node` with in the current round: its old id, unless that id was already
    /// written in this round (the node moved while a sliced snapshot was running and is met a
    /// second time), which gets a fresh one.
    pub(crate) fn id_for_write(&mut self, node: &Node) -> u32 {
        let known = self.id(node);
        self.id_for_write_known(node, known)
    }

    /// [`Self::id_for_write`] for a node whose [`Self::id`] was just read.
    pub(crate) fn id_for_write_known(&mut self, node: &Node, known: Option<u32>) -> u32 {
        if let Some(id) = known
            && !self.written_now(id)
        {
            return id;
        }
        let id = self.entries.len() as u32;
        self.entries.push(Entry::default());
        set_id(node, &self.ids, id as i32);
        id
    }

    /// Records that `id` now sits under `parent` in the Replayer's page, with `flags`.
    pub(crate) fn place(&mut self, id: u32, parent: u32, shadow: bool, flags: u8) {
        let round = self.round;
        if let Some(e) = self.entries.get_mut(id as usize) {
            *e = Entry { parent: parent | if shadow { SHADOW_BIT } else { 0 }, round, flags };
        }
    }

    /// Whether the Replayer's page holds `id` now.
    pub(crate) fn present(&self, id: u32) -> bool {
        self.entries
            .get(id as usize)
            .is_some_and(|e| e.parent != 0 && e.round >= self.snapshot_round)
    }

    /// Whether the Replayer's page holds `id` from before the current round (not written in it).
    pub(crate) fn kept(&self, id: u32) -> bool {
        self.present(id) && !self.written_now(id)
    }

    /// Whether `node` was written in the current round (a mutation flush or a snapshot).
    pub(crate) fn done(&self, node: &Node) -> bool {
        self.id(node).is_some_and(|id| self.written_now(id))
    }

    /// Whether `id` was written in the current round.
    pub(crate) fn written_now(&self, id: u32) -> bool {
        self.entries.get(id as usize).is_some_and(|e| e.round == self.round)
    }

    /// Its parent in the Replayer's page and whether it is a shadow child there.
    pub(crate) fn parent_of(&self, id: u32) -> (u32, bool) {
        let p = self.entries.get(id as usize).map_or(0, |e| e.parent);
        (p & !SHADOW_BIT, p & SHADOW_BIT != 0)
    }

    /// Takes `id` out of the Replayer's page (not its descendants: see [`Self::forget_subtree`]).
    pub(crate) fn take_out(&mut self, id: u32) {
        if let Some(e) = self.entries.get_mut(id as usize) {
            e.parent = 0;
        }
    }

    /// Takes every node under `root` (in the live DOM, shadow roots included: a host taken out
    /// of the Replayer's page takes its shadow content with it) out of the Replayer's page too.
    pub(crate) fn forget_subtree(&mut self, root: &Node) {
        // Containers whose children are still to be walked (a loop, not recursion: pages nest
        // deep).
        let mut open = vec![root.clone()];
        while let Some(parent) = open.pop() {
            if let Some(shadow) = parent.shadow_root() {
                open.push(shadow);
            }
            let mut next = parent.first_child();
            while let Some(node) = next {
                next = node.next_sibling();
                if let Some(id) = self.id(&node) {
                    self.take_out(id);
                }
                open.push(node);
            }
        }
    }

    /// The flags `id` was recorded with (0 for unknown ids).
    pub(crate) fn flags(&self, id: u32) -> u8 {
        self.entries.get(id as usize).map_or(0, |e| e.flags)
    }

    /// Starts a new round.
    pub(crate) fn next_round(&mut self) -> u32 {
        self.round += 1;
        self.round
    }
}
