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
//! the wasm. What decides stays here: the rules, the messages, the traps, the state.

use alloc::string::String;
use alloc::vec::Vec;

use pulsegate_schema::lead::FieldValue;
use pulsegate_schema::lead::rules::{self, Problem, max_chars};
use pulsegate_schema::{FieldType, FormField};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use super::config::{Config, items};
use crate::js::{self, call_str, call_str2, flag, get, set, set_str, text};
use crate::text::{push_u64, u64_text};

/// The rendered form.
#[derive(Debug)]
pub(crate) struct View {
    pub(crate) form: JsValue,
    pub(crate) button: JsValue,
    /// The form-level message (network and server errors), a live region.
    pub(crate) status: JsValue,
    /// The success message, shown instead of the form.
    pub(crate) success: JsValue,
    pub(crate) honeypot: JsValue,
    pub(crate) fields: Vec<FieldView>,
}

/// One visible field and its elements.
#[derive(Debug)]
pub(crate) struct FieldView {
    pub(crate) field: FormField,
    /// The input, select or textarea; a radio group's radios.
    inputs: Vec<JsValue>,
    error: JsValue,
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
    /// Builds the markup of `config` (the parsed `/forms/config` answer) for form `form_id` in
    /// `root`: `[form, button, status, success, trap, ...fields]`, each field `[error, input…]`;
    /// `undefined` when it failed. See `js/form-view.js`.
    #[wasm_bindgen(js_name = render)]
    fn build(root: &JsValue, config: &JsValue, form_id: &str) -> JsValue;
}

/// Renders `config` (read from `json`, the form `form_id`) into `root` (the shadow root); its
/// fields move into the view.
pub(crate) fn render(
    root: &JsValue,
    json: &JsValue,
    config: &mut Config,
    form_id: &str,
) -> Option<View> {
    let parts = items(&build(root, json, form_id));
    let mut parts = parts.into_iter();
    let (Some(form), Some(button), Some(status), Some(success), Some(honeypot)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let count = config.fields.len();
    let mut fields = Vec::with_capacity(count);
    for (field, part) in core::mem::take(&mut config.fields).into_iter().zip(parts) {
        let mut inputs = items(&part).into_iter();
        let error = inputs.next()?;
        let inputs: Vec<JsValue> = inputs.collect();
        // The limit the rules apply, on every text-like control (the schema's `max_chars`).
        if !field.field_type.has_options() && field.field_type != FieldType::Checkbox {
            call_str2(
                inputs.first()?,
                "setAttribute",
                "maxlength",
                &u64_text(max_chars(&field).into()),
            );
        }
        fields.push(FieldView { field, inputs, error, invalid: false, fill: FieldFill::default() });
    }
    (fields.len() == count).then_some(())?;
    Some(View { form, button, status, success, honeypot, fields })
}

impl FieldView {
    /// The value as the submission carries it: a checkbox's state, a chosen radio's value, or
    /// the text without surrounding whitespace; `None` when empty.
    pub(crate) fn value(&self) -> Option<FieldValue> {
        match self.field.field_type {
            FieldType::Checkbox => Some(FieldValue::Bool(flag(self.inputs.first()?, "checked"))),
            FieldType::Radio => {
                let chosen = self.inputs.iter().find(|r| flag(r, "checked"))?;
                text(chosen, "value").map(FieldValue::Text)
            }
            _ => {
                let value = text(self.inputs.first()?, "value")?;
                let trimmed = value.trim();
                (!trimmed.is_empty()).then(|| FieldValue::Text(trimmed.into()))
            }
        }
    }

    /// Whether the field has anything in it (a ticked box, a choice, text).
    pub(crate) fn filled(&self) -> bool {
        !matches!(self.value(), None | Some(FieldValue::Bool(false)))
    }

    /// Checks the value with the server's rules.
    pub(crate) fn check(&self) -> Result<(), Problem> {
        rules::check(&self.field, self.value().as_ref(), &mut |pattern, value| {
            js::matches(pattern, value)
        })
    }

    /// Shows `problem` (or clears the error): the text under the field, `aria-invalid` on it.
    pub(crate) fn mark(&mut self, problem: Option<Problem>, config: &Config) {
        let message = problem.map(|p| message(config, p, self.field.field_type));
        self.show(message.as_deref());
    }

    /// Shows a message under the field (the server's, or a rule's); `None` clears it.
    pub(crate) fn show(&mut self, message: Option<&str>) {
        set_str(&self.error, "textContent", message.unwrap_or_default());
        let invalid = if message.is_some() { "true" } else { "false" };
        for input in &self.inputs {
            call_str2(input, "setAttribute", "aria-invalid", invalid);
        }
        self.invalid = message.is_some();
    }

    /// Moves keyboard focus to the field (a radio group's first radio).
    pub(crate) fn focus(&self) {
        if let Some(input) = self.inputs.first() {
            js::call0(input, "focus");
        }
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

    /// Whether the browser shows the field as autofilled now (`:autofill`, or the prefixed
    /// `:-webkit-autofill` where only that one is known: `matches` throws on an unknown one).
    pub(crate) fn autofilled(&self) -> bool {
        self.inputs.iter().any(|input| {
            let standard = call_str(input, "matches", ":autofill");
            let answer = if standard.is_undefined() {
                call_str(input, "matches", ":-webkit-autofill")
            } else {
                standard
            };
            answer.as_bool() == Some(true)
        })
    }

    /// Whether `name` is this field's.
    pub(crate) fn is(&self, name: &str) -> bool {
        self.field.name == name
    }
}

/// The visitor-facing text of `problem` in the form's language (`{max}` filled in).
pub(crate) fn message(config: &Config, problem: Problem, field_type: FieldType) -> String {
    let text = config.say(problem.key(field_type));
    // A char search, not a substring one: `str::find(&str)` would link a whole string searcher.
    let slot = text.find('{').filter(|&i| text[i..].starts_with("{max}"));
    match (problem, slot) {
        (Problem::TooLong { max }, Some(i)) => {
            let mut out = String::from(&text[..i]);
            push_u64(&mut out, max.into());
            out.push_str(&text[i + 5..]);
            out
        }
        _ => text,
    }
}

impl View {
    /// Turns the submit button on or off (off while a submission is on its way).
    pub(crate) fn busy(&self, busy: bool) {
        set(&self.button, "disabled", &JsValue::from_bool(busy));
        call_str2(&self.form, "setAttribute", "aria-busy", if busy { "true" } else { "false" });
    }

    /// The form-level message (empty hides it).
    pub(crate) fn say(&self, message: &str) {
        set_str(&self.status, "textContent", message);
    }

    /// Replaces the form with the success message and moves focus to it.
    pub(crate) fn succeed(&self, message: &str) {
        set_str(&self.success, "textContent", message);
        set(&self.form, "hidden", &JsValue::TRUE);
        set(&self.success, "hidden", &JsValue::FALSE);
        js::call0(&self.success, "focus");
    }

    /// What the trap input holds.
    pub(crate) fn honeypot(&self) -> String {
        text(&self.honeypot, "value").unwrap_or_default()
    }

    /// The field an event happened in (by its target's `name`).
    pub(crate) fn field_of(&mut self, event: &JsValue) -> Option<&mut FieldView> {
        let name = text(&get(event, "target"), "name")?;
        self.fields.iter_mut().find(|f| f.is(&name))
    }
}
