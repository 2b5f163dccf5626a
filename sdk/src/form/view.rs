//! The form's markup, built in its shadow root, and reading and marking its fields.
//!
//! ```text
//! <div class="pg">
//!   <form novalidate name="contact" lang="de">
//!     <div><label for="f0">Email<span class="req" aria-hidden="true">*</span></label>
//!          <input id="f0" name="email" type="email" required aria-describedby="h0 e0">
//!          <p id="h0" class="help">Only for your quote.</p>
//!          <p id="e0" class="err"></p></div>
//!     <fieldset aria-describedby="e1"><legend>Roof</legend>
//!          <label class="opt"><input type="radio" name="roof" value="flat"> Flat</label> …
//!          <p id="e1" class="err"></p></fieldset>
//!     <div class="check"><input id="f2" type="checkbox" …><label for="f2">I agree</label></div> …
//!     <div class="hp" aria-hidden="true"><label for="hp">…</label><input id="hp" tabindex="-1"></div>
//!     <p class="status" role="alert"></p>
//!     <button type="submit">Get my quote</button>
//!   </form>
//!   <p class="ok" role="status" tabindex="-1" hidden>Thanks!</p>
//! </div>
//! ```
//!
//! Native elements only (labels, fieldsets, real buttons), so keyboard use and screen readers
//! work as on any form; `required`, `aria-invalid` and an error text linked by `aria-describedby`
//! say what is wrong. The browser's own validation is off (`novalidate`): the schema's rules
//! decide, as on the server.
//!
//! The elements and the style sheet are created by `js/form-view.js` from the config as answered
//! (element by element, no HTML parsing): in JS they cost a third of what the same calls cost in
//! the wasm. The same module reads every field's value in one call and writes the texts the wasm
//! decides on (an error by its message key, the form's status, the success message), so the wasm
//! holds one handle to the view instead of its elements. What decides stays here: the rules,
//! which message shows where, the traps, the state.

use alloc::vec::Vec;
use core::mem::ManuallyDrop;

use pulsegate_schema::FormField;
use pulsegate_schema::lead::FieldValue;
use pulsegate_schema::lead::rules::{self, Problem, max_chars};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::config::item;
use crate::js;

/// The rendered form.
#[derive(Debug)]
pub(crate) struct View {
    /// What `js/form-view.js` answered: the handle its other functions take.
    js: JsValue,
    pub(crate) fields: Vec<FieldView>,
}

/// One visible field.
#[derive(Debug)]
pub(crate) struct FieldView {
    pub(crate) field: FormField,
    /// Whether the error text shows a problem now.
    pub(crate) invalid: bool,
    /// How the visitor filled it (trusted events only): see [`FieldView::touched`].
    pub(crate) fill: FieldFill,
}

/// How one field got its value.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FieldFill {
    /// A key or pointer press in the field since its last input.
    pressed: bool,
    /// An input followed a press: the visitor typed, clicked or chose.
    pub(crate) typed: bool,
    /// An input came with no press: autofill, a password manager, a context-menu paste.
    pub(crate) keyless: bool,
}

#[wasm_bindgen(module = "/js/form-view.js")]
extern "C" {
    /// Builds the markup of `config` (the parsed `/forms/config` answer, with the form's id that
    /// `load` put in it) in `root`: the view (`[form, button, status, success, trap, ...fields]`); `undefined` when
    /// it failed or `config` has no success message, language or messages. See `js/form-view.js`.
    #[wasm_bindgen(js_name = render)]
    fn build(root: &JsValue, config: &JsValue) -> JsValue;
    /// Sets field `i`'s `maxlength` to `max` when it takes text.
    fn limit(view: &JsValue, i: i32, max: i32);
    /// Every field's value: `true`/`false`, a string, or `undefined` when empty.
    #[wasm_bindgen(js_name = values)]
    fn read(view: &JsValue) -> JsValue;
    /// Field `i`'s error: `text` when it is a string (with the key `failure`), else the message
    /// `key` (`{max}` filled in); `aria-invalid` with it. An empty key clears both.
    fn mark(view: &JsValue, i: i32, key: &str, max: i32, text: &JsValue);
    /// The form-level message: `text` when it is a string, else the message `key` (neither hides
    /// it).
    #[wasm_bindgen(js_name = say)]
    fn status(view: &JsValue, key: &str, text: &JsValue);
    /// Turns the submit button off (`aria-busy` on the form) or on.
    #[wasm_bindgen(js_name = busy)]
    fn set_busy(view: &JsValue, on: i32);
    /// Replaces the form with the success message and moves focus to it.
    #[wasm_bindgen(js_name = succeed)]
    fn show_success(view: &JsValue);
    /// Moves keyboard focus to field `i` (a radio group's first radio).
    #[wasm_bindgen(js_name = focus)]
    fn focus_field(view: &JsValue, i: i32);
}

/// Renders the config `json` (its `fields` read by `config::read`) into `root` (the shadow
/// root).
pub(crate) fn render(root: &JsValue, json: &JsValue, fields: Vec<FieldView>) -> Option<View> {
    // Not dropped when the markup fails (see `config::read`).
    let fields = ManuallyDrop::new(fields);
    // Tested in place, not by `js::object`'s out-of-line `Option`.
    let js = build(root, json);
    if !js.is_object() {
        return None;
    }
    let fields = ManuallyDrop::into_inner(fields);
    for (i, f) in fields.iter().enumerate() {
        // The limit the rules apply, on every text-like control (the schema's `max_chars`).
        limit(&js, i as i32, max_chars(&f.field) as i32);
    }
    Some(View { js, fields })
}

impl FieldView {
    /// `field`, not yet checked or touched.
    pub(crate) fn new(field: FormField) -> Self {
        Self { field, invalid: false, fill: FieldFill::default() }
    }

    /// Notes a trusted key or pointer press in the field.
    pub(crate) fn pressed(&mut self) {
        self.fill.pressed = true;
    }

    /// Notes a trusted input: typed after a press, else keyless (the browser or a password
    /// manager filled it).
    pub(crate) fn touched(&mut self) {
        if self.fill.pressed {
            self.fill.typed = true;
        } else {
            self.fill.keyless = true;
        }
        self.fill.pressed = false;
    }
}

/// Field `i`'s value of `values` (what [`View::values`] read) as the submission carries it: a
/// checkbox's state, a chosen radio's value, or the text without surrounding whitespace; `None`
/// when empty. Taken one by one, not collected into a vector of them.
pub(crate) fn value(values: &JsValue, i: usize) -> Option<FieldValue> {
    let v = item(values, i as i32);
    // `true` or `false` by the `===` import, not `as_bool`'s glue shim.
    let on = v == JsValue::TRUE;
    if on || v == JsValue::FALSE {
        return Some(FieldValue::Bool(on));
    }
    v.as_string().map(FieldValue::Text)
}

/// Whether a value has anything in it (a ticked box, a choice, text).
pub(crate) fn filled(value: Option<&FieldValue>) -> bool {
    !matches!(value, None | Some(FieldValue::Bool(false)))
}

impl View {
    /// Every field's value, read in one call: each taken by [`value`].
    pub(crate) fn values(&self) -> JsValue {
        read(&self.js)
    }

    /// Checks field `i`'s `value` with the server's rules and shows the outcome (the rule's
    /// message under the field, `aria-invalid`); whether it passed.
    pub(crate) fn check(&mut self, i: usize, value: Option<&FieldValue>) -> bool {
        let Some(field) = self.fields.get_mut(i) else { return true };
        let problem =
            rules::check(&field.field, value, &mut |pattern, value| js::matches(pattern, value))
                .err();
        field.invalid = problem.is_some();
        let (key, max) = match problem {
            Some(Problem::TooLong { max }) => ("too_long", max),
            Some(problem) => (problem.key(field.field.field_type), 0),
            None => ("", 0),
        };
        mark(&self.js, i as i32, key, max as i32, &JsValue::UNDEFINED);
        problem.is_none()
    }

    /// Shows the server's `message` under field `i` (the failure message when it is no text).
    pub(crate) fn show(&mut self, i: usize, message: &JsValue) {
        if let Some(field) = self.fields.get_mut(i) {
            field.invalid = true;
            mark(&self.js, i as i32, "failure", 0, message);
        }
    }

    /// Moves keyboard focus to field `i`.
    pub(crate) fn focus(&self, i: usize) {
        focus_field(&self.js, i as i32);
    }

    /// Turns the submit button on or off (off while a submission is on its way).
    pub(crate) fn busy(&self, busy: bool) {
        set_busy(&self.js, i32::from(busy));
    }

    /// The form-level message: `text` (the server's) when it is a string, else the one named
    /// `key` (`fix_fields`, `failure`, …; empty hides it).
    pub(crate) fn say(&self, key: &str, text: &JsValue) {
        status(&self.js, key, text);
    }

    /// Replaces the form with the success message and moves focus to it.
    pub(crate) fn succeed(&self) {
        show_success(&self.js);
    }

    /// The handle `js/form-view.js`'s functions take.
    pub(crate) fn js(&self) -> &JsValue {
        &self.js
    }
}
