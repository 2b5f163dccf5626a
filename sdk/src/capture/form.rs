//! Form interactions: the first focus in a form, each field change, the submit and, when the page
//! is left with a started form not submitted, its abandonment. Only field names and how many
//! fields hold a value are sent; values never leave the page (their length is read in JS, the
//! text itself is not even copied into the wasm).

use alloc::string::String;

use pulsegate_schema::limits::{MAX_NAME_LEN, truncate};
use pulsegate_schema::{Event, FormAction, FormInteraction};
use wasm_bindgen::JsValue;

use crate::callback::Listener;
use crate::js::{self, call, call_str, call0, flag, get, number, text};
use crate::text::u64_text;
use crate::tracker::{Signal, Tracker};

/// A form the visitor started on this page.
#[derive(Debug)]
pub(crate) struct Form {
    element: JsValue,
    id: String,
    submitted: bool,
}

/// Controls that are not fields a visitor fills in.
const NOT_FIELDS: &[&str] = &["submit", "button", "reset", "image", "hidden", "fieldset", "output"];

impl Tracker {
    /// `focusin`, `change` or `submit` somewhere in the document, or in an open shadow root a
    /// field was focused in.
    pub(super) fn on_form(&mut self, signal: Signal, event: &JsValue) {
        let target = real_target(event);
        if signal == Signal::FormFocus {
            self.watch_shadow_root(&target);
        }
        let form = if signal == Signal::Submit { target.clone() } else { get(&target, "form") };
        if !form.is_object() || Self::ignored(&form) || !is_field(&target, signal) {
            return;
        }
        let known = self.page.forms.iter().position(|f| f.element == form);
        // Only the first focus in a form is an event: "the visitor started it".
        if signal == Signal::FormFocus && known.is_some() {
            return;
        }
        let index = known.unwrap_or_else(|| {
            let id = form_id(&self.document, &form);
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
        let field = (signal != Signal::Submit).then(|| field_name(&target)).flatten();
        let counts = (signal == Signal::Submit).then(|| fill_state(&form));
        self.record(&Event::FormInteraction(FormInteraction {
            ts: js::now(),
            form_id: id,
            field,
            action,
            filled: counts.map(|c| c.0),
            fields: counts.map(|c| c.1),
        }));
    }

    /// Listens for `change` and `submit` in the open shadow root `target` is in (a web
    /// component's form, PulseGate's own `/form.js`): those events are not composed, so they
    /// never reach the document. `focusin` is composed: the document sees it first.
    fn watch_shadow_root(&mut self, target: &JsValue) {
        let root = call0(target, "getRootNode");
        if !get(&root, "host").is_object() || self.page.shadow_roots.contains(&root) {
            return;
        }
        for (kind, signal) in [("change", Signal::FormChange), ("submit", Signal::Submit)] {
            let listener = Listener::new(&root, kind, true, self.handler(signal));
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
            self.record(&Event::FormInteraction(FormInteraction {
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

/// The element the event happened on, also inside an open shadow root (where `target` is
/// retargeted to the host for listeners outside it).
fn real_target(event: &JsValue) -> JsValue {
    let first = get(&call0(event, "composedPath"), "0");
    if first.is_object() { first } else { get(event, "target") }
}

/// Whether `target` is a field (for focus and change) or the form (for submit).
fn is_field(target: &JsValue, signal: Signal) -> bool {
    if signal == Signal::Submit {
        return text(target, "localName").as_deref() == Some("form");
    }
    let kind = text(target, "type").unwrap_or_default();
    !NOT_FIELDS.contains(&kind.as_str())
}

/// The form's `id`, else its `name` attribute, else `form-<n>` by its position in the document.
fn form_id(document: &JsValue, form: &JsValue) -> String {
    let named = text(form, "id")
        .filter(|id| !id.is_empty())
        .or_else(|| call_str(form, "getAttribute", "name").as_string())
        .filter(|n| !n.is_empty());
    let mut id = named.unwrap_or_else(|| {
        let forms = get(document, "forms");
        let list = call(&get(&get(document, "defaultView"), "Array"), "from", &[&forms]);
        let index = call(&list, "indexOf", &[form]).as_f64().unwrap_or(-1.0);
        let mut id = String::from("form-");
        id.push_str(&u64_text((index + 1.0).max(0.0) as u64));
        id
    });
    truncate(&mut id, MAX_NAME_LEN);
    id
}

/// A field's `name`, else its `id`, else its `type`.
fn field_name(field: &JsValue) -> Option<String> {
    let mut name =
        ["name", "id", "type"].iter().filter_map(|key| text(field, key)).find(|n| !n.is_empty())?;
    truncate(&mut name, MAX_NAME_LEN);
    Some(name)
}

/// How many of the form's fields hold a value (checkboxes and radios: are checked), and how many
/// fields it has.
fn fill_state(form: &JsValue) -> (u16, u16) {
    let elements = get(form, "elements");
    let count = number(&elements, "length").unwrap_or(0.0).min(1_000.0) as u64;
    let (mut filled, mut fields) = (0u16, 0u16);
    for i in 0..count {
        let field = get(&elements, &u64_text(i));
        let kind = text(&field, "type").unwrap_or_default();
        if NOT_FIELDS.contains(&kind.as_str()) {
            continue;
        }
        fields = fields.saturating_add(1);
        let has_value = if kind == "checkbox" || kind == "radio" {
            flag(&field, "checked")
        } else {
            number(&get(&field, "value"), "length").is_some_and(|n| n > 0.0)
        };
        filled = filled.saturating_add(u16::from(has_value));
    }
    (filled, fields)
}
