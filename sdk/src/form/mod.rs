//! The lead form builder behind `form.js`: one [`Form`] per element the loader found.
//!
//! ```text
//! mount → GET /forms/config (the page's origin must be one of the site's domains; otherwise
//!         403 and nothing is rendered)
//!       → render in a shadow root (js/form-view.js, view.rs)
//!       → as the visitor types: the schema's rules (`pulsegate_schema::lead::rules`, the ones
//!         /lead.capture runs) on a field they left or are fixing
//!       → submit: every field checked, focus to the first invalid one; a tracker still
//!         starting on the page is waited for (up to 2 s) so the lead carries its session; then
//!         POST /lead.capture
//!         (submit.rs) with one submission id for every try of this fill, the button off while
//!         it travels
//!       → 2xx: the success message; 4xx: the server's message at its field; network error,
//!         429 or 5xx: a message above the button, the values kept, the button back on.
//! ```
//!
//! The form lives as long as the page (leaked; its one callback holds a `&'static` to it, like
//! the tracker's), and nothing it does throws into the page: the callback is guarded. Every event,
//! promise and timer reaches it through `js/form-view.js` with the [`Signal`]'s number bound
//! there: one closure instead of one per signal, each with its listener or timer guard, was a
//! thousand bytes of wasm.

mod config;
mod submit;
mod view;

use alloc::boxed::Box;
use core::cell::{OnceCell, RefCell};
use core::mem::ManuallyDrop;

use pulsegate_schema::lead::FillSignals;
use pulsegate_schema::{SiteKey, is_form_id};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;

use self::view::View;
use crate::callback::Handler;
use crate::js::{self, call0, get, text};

/// How long a submit waits at most for a starting tracker's session: `WAIT_LOOKS` looks,
/// `WAIT_STEP_MS` apart.
const WAIT_LOOKS: u8 = 20;
const WAIT_STEP_MS: i32 = 100;

/// What the browser calls a form back for: the second argument of the form's one handler (the
/// numbers are `js/form-view.js`'s too: `listen` names the events').
#[derive(Clone, Copy, Debug)]
enum Signal {
    /// The config's JSON body, parsed (`0` when the request was refused: 403 for an origin
    /// that is not one of the site's domains, 404, 5xx).
    ConfigJson = 0,
    /// `submit` on the form element (its default prevented by the listener).
    Submit = 1,
    /// `input` in a field.
    Input = 2,
    /// `keydown` or `pointerdown` in the form that would not submit it.
    Press = 3,
    /// `focusin` in the form.
    Focus = 4,
    /// `focusout` of a field.
    Leave = 5,
    /// The submission answered (a `Response`).
    Sent = 6,
    /// The JSON body of an error answer.
    Refused = 7,
    /// The submission (or reading an answer) failed: no network, CORS, a blocked request.
    Failed = 8,
    /// The config request failed: nothing to render.
    Ignore = 9,
    /// The wait for the tracker's session is over (or due for another look).
    Waited = 10,
    /// `keydown` or `pointerdown` that would submit the form: Enter, or a press on the button
    /// (pointer, Space).
    SubmitPress = 11,
}

/// Every signal, by its number.
const SIGNALS: [Signal; 12] = [
    Signal::ConfigJson,
    Signal::Submit,
    Signal::Input,
    Signal::Press,
    Signal::Focus,
    Signal::Leave,
    Signal::Sent,
    Signal::Refused,
    Signal::Failed,
    Signal::Ignore,
    Signal::Waited,
    Signal::SubmitPress,
];

#[wasm_bindgen(module = "/js/form-view.js")]
extern "C" {
    /// `promise.then` delivering its value to `handler` as signal `ok`, its error as `failed`.
    #[wasm_bindgen(js_name = then)]
    fn then_signal(promise: &JsValue, handler: &JsValue, ok: u8, failed: u8);
    /// Signal `signal` to `handler` in `ms` milliseconds.
    fn later(handler: &JsValue, signal: u8, ms: i32);
    /// The form's event listeners, each delivering its event to `handler` with its signal.
    fn listen(view: &JsValue, handler: &JsValue);
    /// `el`'s new open shadow root; `undefined` when it has one already (or cannot have one).
    fn attach(el: &JsValue) -> JsValue;
    /// `GET <endpoint>/forms/config?site=…&form=…&lang=…` of the target's texts as `mount`
    /// checked them (the endpoint without its trailing slashes; no `lang` unless `lang` is `1`),
    /// its parsed JSON body to `handler` as [`Signal::ConfigJson`] (`0` for an answer that is not
    /// `ok`), a failure as [`Signal::Ignore`].
    #[wasm_bindgen(js_name = load)]
    fn load_config(target: &JsValue, lang: i32, handler: &JsValue);
}

/// One mounted form.
#[derive(Debug)]
struct Form {
    /// The shadow root everything is rendered in.
    root: JsValue,
    /// The tracker to link leads to: `target.tracker` (the npm package's API) when it is an
    /// object, else `window.PulseGate` when the form is submitted (`js/form-view.js`'s `page`).
    tracker: JsValue,
    view: Option<View>,
    /// When the form appeared (`Date.now()`), for the fill time.
    shown_at: u64,
    /// When the visitor first interacted with the form (a trusted press, focus or input).
    first_touch: Option<u64>,
    /// The latest trusted press would submit (Enter, or a press on the button): a submit that
    /// follows none came from a script (`requestSubmit()` fires a trusted `submit` too).
    submit_press: bool,
    /// The submission id of this fill: the same for every retry, so the server makes one lead.
    submission_id: Option<[u8; 16]>,
    sending: bool,
    done: bool,
    /// Looks taken for this submit (at most [`WAIT_LOOKS`]), and the submit's pressed flag.
    looks: u8,
    waiting_pressed: bool,
    /// The one guarded function every signal comes through (events, promises, the timer),
    /// kept as long as the form (the page).
    handler: Handler,
}

/// Mounts the form described by `target` (`{el, siteKey, formId, endpoint, lang?, tracker?}`); `false` when the
/// target is unusable (see `crate::mount`).
#[cfg_attr(
    not(feature = "tracker"),
    expect(clippy::semicolon_if_nothing_returned, reason = "the callback's `Answer`, `()` here")
)]
pub(crate) fn mount(target: &JsValue) -> bool {
    // The target's texts, never dropped (a few dozen bytes per form, for the page's life): no
    // drop of a text is linked at any of the ways out below.
    let texts = ManuallyDrop::new([
        text(target, "siteKey"),
        text(target, "formId"),
        text(target, "endpoint"),
        text(target, "lang"),
    ]);
    let [Some(site_key), Some(form_id), Some(endpoint), lang] = &*texts else {
        return false;
    };
    if !(SiteKey::is_valid(site_key)
        && is_form_id(form_id)
        && pulsegate_schema::is_web_url(endpoint))
    {
        return false;
    }
    // An `el` that is not an element (or has a shadow root already) gets none.
    // Tested in place, not by `js::object`'s out-of-line `Option`.
    let root = attach(&get(target, "el"));
    if !root.is_object() {
        return false;
    }
    // The form lives as long as the page: leaked, and its one callback holds a `&'static` to it.
    let me: &'static OnceCell<RefCell<Form>> = Box::leak(Box::new(OnceCell::new()));
    // Dropped while the form is busy: a re-entrant call (from a page script the form itself
    // triggered) is not delivered.
    let handler =
        Handler::new(Closure::own_aborting(move |a: JsValue, signal: JsValue, field: JsValue| {
            if let Some(Ok(mut form)) = me.get().map(RefCell::try_borrow_mut)
                && let Some(&signal) = SIGNALS.get(js::host_float(&signal) as usize)
            {
                // `-1` (or nothing: `NaN`, which is not `>= 0` either) for none; `as` truncates and
                // saturates, and an index past the fields finds none.
                let field = js::host_float(&field);
                form.on(signal, &a, (field >= 0.0).then_some(field as usize));
            }
            // `undefined` where the tracker shares the callback type (pulse.js), else nothing.
            crate::callback::Answer::default()
        }));
    let form = Form {
        root,
        tracker: get(target, "tracker"),
        view: None,
        shown_at: 0,
        first_touch: None,
        submit_press: false,
        looks: 0,
        waiting_pressed: false,
        submission_id: None,
        sending: false,
        done: false,
        handler,
    };
    // The visitor's languages for `/forms/config?lang=` (`de` from `data-lang`, else the
    // browser's, like `de-CH,de,en`), from the loader: asked for once, so not kept. Tags and
    // commas only: nothing else ever reaches the URL (nor does an empty list).
    let lang = lang.as_deref().is_some_and(|l| {
        (1..=200).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b',')
    });
    // Asked for before the form is in its cell: the answer comes in a later task, when it is.
    // `load` (`js/form-view.js`) reads the target's texts it was handed as checked here (a plain
    // object of strings: the loader's, the npm package's), not copied back out of the wasm; the
    // endpoint, the site key and the form's id come back with the config, for the markup and the
    // submission: the form keeps none of them.
    load_config(target, i32::from(lang), form.handler());
    // The cell was empty, so `set` cannot hand the form back; forgotten rather than dropped all
    // the same (no drop of a form is linked).
    core::mem::forget(me.set(RefCell::new(form)));
    true
}

impl Form {
    /// The guarded JS function delivering a signal (its second argument) to this form; an event
    /// in a field comes with the field's index (its third).
    fn handler(&self) -> &JsValue {
        self.handler.js()
    }

    /// `promise.then(ok, failed)`.
    fn then(&self, promise: &JsValue, ok: Signal, failed: Signal) {
        then_signal(promise, self.handler(), ok as u8, failed as u8);
    }

    fn on(&mut self, signal: Signal, a: &JsValue, field: Option<usize>) {
        // Whether `a` is a trusted event (the visitor's, or the browser's autofill; never a page
        // script's): read once for every signal (what is not an event has no `isTrusted`).
        let trusted = js::flag(a, "isTrusted");
        match signal {
            // Not a config (a refused request's `0`): nothing shows.
            Signal::ConfigJson => self.render(a),
            Signal::Submit => {
                let pressed = trusted && self.submit_press;
                self.submit_press = false;
                self.submit(pressed);
            }
            Signal::Input => {
                self.noticed(trusted, field, view::FieldView::touched);
                self.recheck(field, false);
            }
            Signal::Press | Signal::SubmitPress => {
                if trusted {
                    self.submit_press = matches!(signal, Signal::SubmitPress);
                }
                self.noticed(trusted, field, view::FieldView::pressed);
            }
            Signal::Focus => self.noticed(trusted, field, |_| {}),
            Signal::Leave => self.recheck(field, true),
            Signal::Sent => self.answered(a),
            Signal::Refused => self.refused(a),
            Signal::Failed => self.failed("failure"),
            Signal::Ignore => {}
            Signal::Waited => {
                self.sending = false;
                // Back on, so a check that fails now leaves the form usable.
                if let Some(view) = &self.view {
                    view.busy(false);
                }
                self.submit(self.waiting_pressed);
            }
        }
    }

    fn render(&mut self, json: &JsValue) {
        if self.view.is_some() {
            return;
        }
        let Some(fields) = config::read(json) else { return };
        let Some(view) = view::render(&self.root, json, fields) else { return };
        listen(view.js(), self.handler());
        self.shown_at = js::now();
        // There was none (see above): forgotten, so no drop of a view is linked.
        core::mem::forget(self.view.replace(view));
    }

    /// An event in the form, noted when `trusted`: the first one starts the active time, and
    /// `note` records it on its field (`i`).
    #[inline(never)]
    fn noticed(
        &mut self,
        trusted: bool,
        i: Option<usize>,
        note: impl FnOnce(&mut view::FieldView),
    ) {
        if !trusted {
            return;
        }
        self.first_touch.get_or_insert_with(js::now);
        if let Some(view) = &mut self.view
            && let Some(field) = i.and_then(|i| view.fields.get_mut(i))
        {
            note(field);
        }
    }

    /// How the form was filled, for the submission (but for the fields the browser shows as
    /// autofilled: `js/form-view.js`'s `body` counts them as it writes the submission), its
    /// active time up to `now` (the submit's one clock reading).
    fn fill_signals(&self, trusted_submit: bool, now: u64) -> FillSignals {
        let mut fill = FillSignals { trusted_submit, ..FillSignals::default() };
        if let Some(view) = &self.view {
            for field in &view.fields {
                if field.fill.typed {
                    fill.typed += 1;
                } else if field.fill.keyless {
                    fill.keyless += 1;
                }
            }
        }
        fill.active_ms = self.first_touch.map(|t| now.saturating_sub(t));
        fill
    }

    /// Checks field `i` (of an `input` event) again while it shows an error (so the error goes
    /// as soon as it is fixed), or (of a `focusout`) once something was entered.
    fn recheck(&mut self, i: Option<usize>, leaving: bool) {
        let Some(view) = &mut self.view else { return };
        let Some(i) = i else { return };
        let invalid = view.fields.get(i).is_some_and(|f| f.invalid);
        let value = view::value(&view.values(), i);
        if invalid || (leaving && view::filled(value.as_ref())) {
            view.check(i, value.as_ref());
        }
    }

    fn submit(&mut self, trusted: bool) {
        if self.sending || self.done {
            return;
        }
        let Some(view) = &mut self.view else { return };
        let values = view.values();
        let mut first_invalid = None;
        // Last to first, so the first invalid field is the one noted last.
        for i in (0..view.fields.len()).rev() {
            if !view.check(i, view::value(&values, i).as_ref()) {
                first_invalid = Some(i);
            }
        }
        if let Some(i) = first_invalid {
            view.say("fix_fields", &JsValue::UNDEFINED);
            view.focus(i);
            return;
        }
        let page = submit::page(&self.tracker);
        // The tracker is on the page but still starting (its wasm on the way): wait a little
        // for its session, so the lead is linked to it; then send whatever it has.
        if self.looks < WAIT_LOOKS && config::item(&page, 5) == JsValue::TRUE {
            self.looks += 1;
            self.waiting_pressed = trusted;
            self.sending = true;
            if let Some(view) = &self.view {
                view.busy(true);
            }
            // One look at a time: `sending` holds every other submit off until it fires.
            later(self.handler(), Signal::Waited as u8, WAIT_STEP_MS);
            return;
        }
        self.looks = 0;
        // One clock reading for the fill time and the active time.
        let now = js::now();
        let fill = self.fill_signals(trusted, now);
        let Some(id) = self.submission_id.or_else(js::random_bytes) else {
            return self.failed("failure");
        };
        self.submission_id = Some(id);
        let Some(view) = &self.view else { return };
        let envelope = submit::Envelope {
            submission_id: id,
            page,
            fill_ms: now.saturating_sub(self.shown_at),
            fill,
        };
        view.say("", &JsValue::UNDEFINED);
        view.busy(true);
        self.sending = true;
        let request = submit::send(view, &envelope);
        self.then(&request, Signal::Sent, Signal::Failed);
    }

    /// The answer to a submission.
    fn answered(&mut self, response: &JsValue) {
        // `NaN` when there is none: in no range below, so a failure (as `0` was).
        let status = js::host_num(response, "status");
        if (200.0..300.0).contains(&status) {
            self.sending = false;
            self.done = true;
            if let Some(view) = &self.view {
                view.succeed();
            }
        } else if status == 429.0 {
            self.failed("too_many");
        } else if (400.0..500.0).contains(&status) {
            let body = call0(response, "json");
            self.then(&body, Signal::Refused, Signal::Failed);
        } else {
            self.failed("failure");
        }
    }

    /// A `4xx` answer's body (`{"error": {"code", "message", "field"?}}`): the message at its
    /// field (`fields.email`), or above the button.
    fn refused(&mut self, body: &JsValue) {
        let error = get(body, "error");
        let field = text(&error, "field");
        self.failed("");
        let Some(view) = &mut self.view else { return };
        // Handed to the view as it came: no copy into the wasm and back.
        let message = get(&error, "message");
        let at = field.as_deref().and_then(|f| f.strip_prefix("fields."));
        // Without a message of its own, the refusal reads as the form's failure message.
        match at.and_then(|name| view.fields.iter().position(|f| f.field.name == name)) {
            Some(i) => {
                view.show(i, &message);
                view.focus(i);
                view.say("fix_fields", &JsValue::UNDEFINED);
            }
            None => view.say("failure", &message),
        }
    }

    /// The submission did not go through: say so above the button (the message `key`, in the
    /// form's language: `failure` when it was not sent or the server failed, `too_many` for a
    /// `429`, none when the answer's own message goes elsewhere), keep every value, allow another
    /// try.
    fn failed(&mut self, key: &str) {
        self.sending = false;
        if let Some(view) = &self.view {
            view.busy(false);
            view.say(key, &JsValue::UNDEFINED);
        }
    }
}
