//! Form values (source 5): `input` and `change` events and values set by script (the `value`,
//! `checked` and `selectedIndex` setters are hooked), masked by the field's policy.

use alloc::string::String;

use wasm_bindgen::JsValue;

use super::super::dom::Ev;
use super::super::dom::{self, Node, NodeList};
use super::super::json;
use super::super::mask;
use super::super::mirror::UNMASK;
use super::super::recorder::{INCREMENTAL, Recorder};
use super::super::serialize::{self, events_dropped};

/// The DOM events listened to (on the document, capturing); both are handled alike. The setters
/// that change a field's value without an event (`value` of `HTMLInputElement`,
/// `HTMLTextAreaElement` and `HTMLSelectElement`, `checked`, `selectedIndex`) are hooked by
/// `pgInstall` (`replay/js/hooks.js`).
pub(super) const KINDS: &str = "input change";

/// Handles an `input` or `change` event.
pub(super) fn dispatch(r: &mut Recorder, ev: &Ev) {
    if let Some(target) = dom::origin(ev) {
        r.on_input(&target, true);
    }
}

/// Handles a value set by script (every hook tag that is not a style rule's).
pub(super) fn on_hook(r: &mut Recorder, this: &JsValue) {
    if let Some(el) = dom::node(this.clone()) {
        r.on_input(&el, true);
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// The other radios of a radio's group in its document (`replay/js/hooks.js`): the
    /// elements of its `name` whose `type` is `radio`; none without a name or for another kind
    /// of field.
    #[wasm_bindgen(js_name = pgRadios)]
    fn radios(el: &Node) -> NodeList;
}

impl Recorder {
    /// Records the value of `el` if it is a form field the Replayer has; with `group`, the other
    /// radios of its group too (they were unchecked by this one).
    pub(crate) fn on_input(&mut self, el: &Node, group: bool) {
        if el.node_type() != dom::ELEMENT {
            return;
        }
        let Some(id) = self.mirror.present_id(el) else { return };
        let flags = self.mirror.flags(id);
        if events_dropped(flags) {
            return;
        }
        if serialize::own_flags(el) & serialize::FIELD == 0 {
            return;
        }
        let checked = dom::is_true(el, "checked");
        let Some(text) = mask::input_value(el, i32::from(flags & UNMASK)).as_string() else {
            return;
        };
        let mut data = String::from("{\"source\":5,\"id\":");
        json::uint(&mut data, u64::from(id));
        data.push_str(",\"text\":");
        json::string(&mut data, &text);
        data.push_str(",\"isChecked\":");
        data.push_str(if checked { "true" } else { "false" });
        data.push('}');
        // The same value and state as last time (the same event data): not sent again.
        let last = self.last_input.iter().position(|(i, _)| *i == id);
        if let Some(i) = last
            && self.last_input.get(i).is_some_and(|(_, l)| *l == data)
        {
            return;
        }
        self.emit(INCREMENTAL, &data);
        match last.and_then(|i| self.last_input.get_mut(i)) {
            Some(entry) => entry.1 = data,
            None => self.last_input.push((id, data)),
        }
        if group && checked {
            let others = radios(el);
            for i in 0..others.length() {
                if let Some(other) = dom::item(&others, i) {
                    self.on_input(&other, false);
                }
            }
        }
    }
}
