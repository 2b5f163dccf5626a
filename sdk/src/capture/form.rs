//! Form interactions: the first focus in a form, each field change, the submit and, when the page
//! is left with a started form not submitted, its abandonment. Only field names and how many
//! fields hold a value are sent; values never leave the page (their length is read in JS, the
//! text itself is not even copied into the wasm). What an event is about is read in one JS call
//! (`js/fields.js`).

use alloc::string::String;

use pulsegate_schema::limits::{MAX_NAME_LEN, truncate};
use pulsegate_schema::{Event, FormAction, FormInteraction};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::callback::Listener;
use crate::js::{self, flag, get, text};
use crate::tracker::{Signal, Tracker};

/// A form the visitor started on this page.
#[derive(Debug)]
pub(crate) struct Form {
    element: JsValue,
    id: String,
    submitted: bool,
}

impl Tracker {
    /// `focusin`, `change` or `submit` somewhere in the document, or in an open shadow root a
    /// field was focused in.
    pub(super) fn on_form(&mut self, signal: Signal, event: &JsValue) {
        let submit = signal == Signal::Submit;
        let about = host_about(event, i32::from(submit));
        if signal == Signal::FormFocus {
            self.watch_shadow_root(get(&about, "3"));
        }
        let form = get(&about, "0");
        if !form.is_object() {
            return;
        }
        let known = self.page.forms.iter().position(|f| f.element == form);
        // Only the first focus in a form is an event: "the visitor started it".
        if signal == Signal::FormFocus && known.is_some() {
            return;
        }
        let index = known.unwrap_or_else(|| {
            let mut id = js::text_or_empty(&about, "1");
            truncate(&mut id, MAX_NAME_LEN);
            self.page.forms.push(Form { element: form.clone(), id, submitted: false });
            self.page.forms.len() - 1
        });
        let Some(state) = self.page.forms.get_mut(index) else { return };
        let id = state.id.clone();
        let action = match signal {
            Signal::Submit => {
                state.submitted = true;
                FormAction::Submit
            }
            Signal::FormChange => FormAction::Change,
            _ => FormAction::Focus,
        };
        let counts = submit.then(|| fill_state(&form));
        self.record(Event::FormInteraction(FormInteraction {
            ts: js::now(),
            form_id: id,
            field: name(text(&about, "2")),
            action,
            filled: counts.map(|c| c.0),
            fields: counts.map(|c| c.1),
        }));
    }

    /// Listens for `change` and `submit` in `root`, the open shadow root a focused field is in (a
    /// web component's form, PulseGate's own `/form.js`; `undefined` for none): those events are
    /// not composed, so they never reach the document. `focusin` is composed: the document sees
    /// it first.
    fn watch_shadow_root(&mut self, root: JsValue) {
        if !root.is_object() || self.page.shadow_roots.contains(&root) {
            return;
        }
        for &(kind, signal) in &[("change", Signal::FormChange), ("submit", Signal::Submit)] {
            let listener = Listener::new(&root, kind, true, self.callback.js(), signal as u8);
            self.listeners.push(listener);
        }
        self.page.shadow_roots.push(root);
    }

    /// Reports forms started and not submitted as abandoned (`gone_only`: only those no longer in
    /// the document, after a single-page-app navigation), and forgets them.
    pub(super) fn abandon_forms(&mut self, gone_only: bool) {
        let forms = core::mem::take(&mut self.page.forms);
        for form in forms {
            let gone = !flag(&form.element, "isConnected");
            if form.submitted || (gone_only && !gone) {
                if !form.submitted {
                    self.page.forms.push(form);
                }
                continue;
            }
            let (filled, fields) = fill_state(&form.element);
            self.record(Event::FormInteraction(FormInteraction {
                ts: js::now(),
                form_id: form.id,
                field: None,
                action: FormAction::Abandon,
                filled: Some(filled),
                fields: Some(fields),
            }));
        }
    }
}

#[wasm_bindgen(module = "/js/fields.js")]
extern "C" {
    #[wasm_bindgen(js_name = about)]
    fn host_about(event: &JsValue, submit: i32) -> JsValue;
    #[wasm_bindgen(js_name = fill)]
    fn host_fill(form: &JsValue) -> u32;
}

/// A form id or field name cut to [`MAX_NAME_LEN`].
fn name(value: Option<String>) -> Option<String> {
    let mut name = value?;
    truncate(&mut name, MAX_NAME_LEN);
    Some(name)
}

/// How many of the form's fields hold a value (checkboxes and radios: are checked), and how many
/// fields it has; counted in one JS call (`js/fields.js`).
fn fill_state(form: &JsValue) -> (u16, u16) {
    let both = host_fill(form);
    // Both counts are at most 1,000: the casts are exact.
    ((both >> 16) as u16, both as u16)
}
