// The lead form's markup and style sheet, built from the config `/forms/config` answered (the
// parsed JSON, as `src/form/view.rs` hands it over). Elements are created one by one
// (createElement, setAttribute, textContent: no HTML parsing, so Trusted Types and any CSP that
// allows the script allow this too). Everything that decides stays in the wasm: the rules, the
// messages shown, the bot traps, the submission, double-submit protection, the form's state.
//
// The style sheet works inside the form's shadow root, adopted as a constructed sheet (so a strict
// `style-src` lets it apply) or, in browsers without those, as a `<style>` element: page rules
// cannot reach the form's elements and these rules cannot reach the page. The wrapper resets every
// inherited property (`all: initial`), so not even the host element's inherited font or colour
// seeps in; only the custom properties below do (custom properties inherit through shadow
// boundaries), and they are the theming interface (README, "Lead capture"):
//
// `--pg-accent` (button, focus ring, checked boxes), `--pg-accent-text`, `--pg-text`, `--pg-bg`,
// `--pg-input-bg`, `--pg-input-text`, `--pg-border`, `--pg-error`, `--pg-success-bg`,
// `--pg-success-text`, `--pg-help`, `--pg-radius`, `--pg-font`, `--pg-font-size`, `--pg-gap`,
// `--pg-max-width`. `:where()` keeps the element reset at zero specificity, so every rule after it
// wins over it.

import { post } from "./host.js";

const CSS =
  ":host{display:block}" +
  ".pg{all:initial;display:block;box-sizing:border-box;max-width:var(--pg-max-width,36em);" +
  'font-family:var(--pg-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);' +
  "font-size:var(--pg-font-size,16px);line-height:1.5;color:var(--pg-text,#1f2328);" +
  "background:var(--pg-bg,transparent)}" +
  ":where(.pg) *{box-sizing:border-box;margin:0}" +
  "[hidden]{display:none!important}" +
  "form{display:grid;gap:var(--pg-gap,1em)}" +
  "label,legend{display:block;font-weight:600;margin-bottom:.25em;padding:0}" +
  ".req{margin-left:.2em}" +
  "input,select,textarea,button{font:inherit;border-radius:var(--pg-radius,6px)}" +
  "input,select,textarea{display:block;width:100%;padding:.55em .7em;" +
  "border:1px solid var(--pg-border,#8c959f);" +
  "background:var(--pg-input-bg,#fff);color:var(--pg-input-text,#1f2328)}" +
  "textarea{min-height:6em;resize:vertical}" +
  ":focus-visible{outline:3px solid var(--pg-accent,#0b62d6);outline-offset:2px}" +
  "[aria-invalid=true]{border-color:var(--pg-error,#b42318)}" +
  "fieldset{border:0;padding:0;min-width:0}" +
  ".opt,.check{display:flex;align-items:center;gap:.5em}" +
  ".opt,.check label{font-weight:400;margin:0}" +
  ".opt input,.check input{width:auto;margin:0;accent-color:var(--pg-accent,#0b62d6)}" +
  ".help,.err{font-size:.875em;margin-top:.25em}" +
  ".help{color:var(--pg-help,#59636e)}" +
  "button{justify-self:start;padding:.65em 1.25em;border:0;" +
  "background:var(--pg-accent,#0b62d6);color:var(--pg-accent-text,#fff);font-weight:600;" +
  "cursor:pointer}" +
  "button:disabled{opacity:.65;cursor:progress}" +
  ".req,.err,.status{color:var(--pg-error,#b42318)}" +
  ".err:empty,.status:empty{display:none}" +
  ".ok{padding:1em;border-radius:var(--pg-radius,6px);background:var(--pg-success-bg,#e7f6ec);" +
  "color:var(--pg-success-text,#14532d)}" +
  ".hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}";

/** The constructed style sheet, made once and shared by every form on the page. */
let sheet;

/**
 * Gives shadow root `root` the style sheet as a constructed sheet: a Content-Security-Policy
 * without `'unsafe-inline'` in `style-src` refuses a `<style>` element but not this. False where
 * the browser has none (Safari before 16.4, Firefox before 101) or refuses it: the caller falls
 * back to the element.
 */
function adopt(root) {
  try {
    // Made once (replaceSync does not throw on a fresh constructed sheet), then shared.
    sheet || (sheet = new CSSStyleSheet()).replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    return "adoptedStyleSheets" in root;
  } catch (_) {
    return false;
  }
}

/** The `autocomplete` token by field name, so browsers offer the visitor's own details. */
const NAMED = {
  name: "name",
  full_name: "name",
  fullname: "name",
  first_name: "given-name",
  firstname: "given-name",
  given_name: "given-name",
  last_name: "family-name",
  lastname: "family-name",
  family_name: "family-name",
  company: "organization",
  organization: "organization",
  organisation: "organization",
};

/** The schema's field types, in the order of `TYPES` in `src/form/config.rs`. */
const TYPES = ["text", "email", "tel", "textarea", "select", "radio", "checkbox", "number", "url", "date"];

/** The index of field `f`'s type in `TYPES` (`-1` for an unknown one: the wasm then renders nothing). */
export const kind = (f) => TYPES.indexOf(f && f.type);

/** Field types that are their own input type, with their autocomplete token (none for number and date). */
const TYPED = { email: "email", tel: "tel", url: "url", number: "", date: "" };

/**
 * Renders config `c` (as `load` answered it, with the form's id) into the shadow root `root`.
 * Answers the view the functions below take: `[form, button, status, success, trap input,
 * ...fields]` with the config as `c`, each field as `[error element, input, …]` (a radio group's
 * radios), in the config's order; `undefined`, with nothing built, for a config without its success
 * message, language or messages, and when anything fails (nothing throws).
 */
export function render(root, c) {
  try {
    const doc = root.ownerDocument;
    const say = c.messages;
    // Without its success message, its language or its messages it is not a config: nothing renders.
    if (typeof c.success_message != "string" || typeof c.lang != "string" || !say || typeof say != "object") return;
    /** `<tag attrs…>text</tag>` appended to `parent` (no `attrs`: none; `for … in` skips `0` and `undefined`). */
    const add = (parent, tag, attrs, text) => {
      const el = doc.createElement(tag);
      for (const name in attrs) el.setAttribute(name, attrs[name]);
      if (text != null) el.textContent = text;
      parent.appendChild(el);
      return el;
    };
    /** A label's text with the required marker. */
    const label = (el, f) => {
      el.append(f.label);
      if (f.required) add(el, "span", { class: "req", "aria-hidden": "true" }, "*");
    };
    if (!adopt(root)) add(root, "style", 0, CSS);
    const wrapper = add(root, "div", { class: "pg", part: "root" });
    // Named by its id, so the tracker's form interactions (which follow focus into this shadow
    // root) report it as the form it is.
    const form = add(wrapper, "form", { novalidate: "", name: c.$[1], lang: c.lang });
    const fields = c.fields.map((f, n) => {
      const id = "f" + n;
      const errorId = "e" + n;
      const helpId = "h" + n;
      // The hint (when there is one) and the error, both read out with the field.
      const described = f.help != null ? helpId + " " + errorId : errorId;
      const help = (parent) => {
        if (f.help != null) add(parent, "p", { id: helpId, class: "help" }, f.help);
      };
      const inputs = [];
      let at;
      if (f.type == "radio") {
        at = add(form, "fieldset", { "aria-describedby": described });
        label(add(at, "legend"), f);
        f.options.forEach((o, i) => {
          const row = add(at, "label", { class: "opt" });
          const radio = add(row, "input", { type: "radio", id: id + i, name: f.name, value: o.value });
          row.append(o.label);
          radio.required = !!f.required;
          inputs.push(radio);
        });
        help(at);
      } else if (f.type == "checkbox") {
        const row = add(form, "div", { class: "check" });
        inputs.push(add(row, "input", { type: "checkbox", id, name: f.name, "aria-describedby": described }));
        label(add(row, "label", { for: id }), f);
        help(form);
        at = form;
      } else {
        at = add(form, "div");
        label(add(at, "label", { for: id }), f);
        const common = { id, name: f.name, "aria-describedby": described };
        let input;
        if (f.type == "select") {
          input = add(at, "select", common);
          add(input, "option", { value: "" }, say.choose);
          for (const o of f.options || []) add(input, "option", { value: o.value }, o.label);
        } else {
          if (f.type == "textarea") {
            input = add(at, "textarea", common);
          } else {
            input = add(at, "input", common);
            input.setAttribute("type", f.type in TYPED ? f.type : "text");
            const auto = TYPED[f.type] || NAMED[f.name];
            if (auto) input.setAttribute("autocomplete", auto);
          }
          if (f.placeholder != null) input.setAttribute("placeholder", f.placeholder);
        }
        input.required = !!f.required;
        inputs.push(input);
        help(at);
      }
      return [add(at, "p", { id: errorId, class: "err" }), ...inputs];
    });
    // The trap: out of sight, out of the tab order and hidden from assistive technology; a person
    // never fills it, a form-filling bot often does. Its label, read only by bots and password
    // managers, is in the form's language like every other text.
    const trap = add(form, "div", { class: "hp", "aria-hidden": "true" });
    add(trap, "label", { for: "hp" }, say.leave_empty);
    const hp = add(trap, "input", { id: "hp", name: c.honeypot, tabindex: "-1", autocomplete: "off" });
    const status = add(form, "p", { class: "status", role: "alert" });
    const button = add(form, "button", { type: "submit" }, c.submit_text);
    const success = add(wrapper, "p", { class: "ok", role: "status", tabindex: "-1", hidden: "" });
    const view = [form, button, status, success, hp, ...fields];
    view.c = c;
    return view;
  } catch (_) {
    return undefined;
  }
}

// The view's other functions, for the wasm (`src/form/view.rs`): `v` is what `render` answered,
// field `i` is `v[FIRST + i]` (`[error, input…]`). None of them throws.

const FIRST = 5;

/**
 * `text` (the server's) when it is a string, else message `key` of the config's `messages`, its
 * `{max}` filled in with `max` ("" without one).
 */
const word = (v, key, max, text) =>
  typeof text == "string" ? text : typeof (text = key && v.c.messages[key]) == "string" ? text.replace("{max}", max) : "";

/** Text as the wasm reads any JS string: a lone surrogate (not valid UTF-8, nor JSON the server takes) becomes U+FFFD. */
const whole = (text) => text.replace(/\p{Cs}/gu, "\ufffd");

/**
 * Every field's value, in the config's order: a checkbox's state, the chosen radio's value, else
 * the text without surrounding whitespace; `undefined` when there is none (or empty text).
 */
export function values(v) {
  try {
    return v.slice(FIRST).map(([, input, ...more]) => {
      if (input.type == "checkbox") return input.checked;
      if (input.type == "radio") {
        const chosen = [input, ...more].find((radio) => radio.checked);
        return chosen && whole(chosen.value);
      }
      return whole(input.value.trim()) || undefined;
    });
  } catch (_) {
    return [];
  }
}

/** Field `i`'s `maxlength` (the rules' limit), on the controls that take text. */
export function limit(v, i, max) {
  try {
    const input = v[FIRST + i][1];
    if (!/^(checkbox|radio|select-one)$/.test(input.type)) input.setAttribute("maxlength", max);
  } catch (_) {
    // Never into the page.
  }
}

/**
 * Field `i`'s error text: `text` (the server's, which comes with the key `failure`), else message
 * `key` (a rule's, `{max}` filled in with `max`); `aria-invalid` on its inputs with it. An empty
 * key clears both.
 */
export function mark(v, i, key, max, text) {
  try {
    const [error, ...inputs] = v[FIRST + i];
    error.textContent = word(v, key, max, text);
    for (const input of inputs) input.setAttribute("aria-invalid", !!key);
  } catch (_) {
    // Never into the page.
  }
}

/** The form-level message (a live region): `text`, else message `key`; neither hides it. */
export function say(v, key, text) {
  try {
    v[2].textContent = word(v, key, 0, text);
  } catch (_) {
    // Never into the page.
  }
}

/** The submit button off (and `aria-busy` on the form) while a submission travels, or on again. */
export function busy(v, on) {
  try {
    // `on` is `1` or `0` (the wasm's `i32`): `aria-busy` reads `true` or `false`.
    v[0].setAttribute("aria-busy", (v[1].disabled = !!on));
  } catch (_) {
    // Never into the page.
  }
}

/** The success message instead of the form, focused so that it is read out. */
export function succeed(v) {
  try {
    const success = v[3];
    success.textContent = v.c.success_message;
    v[0].hidden = true;
    success.hidden = false;
    success.focus();
  } catch (_) {
    // Never into the page.
  }
}

/** Keyboard focus to field `i` (a radio group's first radio). */
export function focus(v, i) {
  try {
    v[FIRST + i][1].focus();
  } catch (_) {
    // Never into the page.
  }
}

/**
 * How many fields the browser shows as autofilled now (`:autofill`, or the prefixed
 * `:-webkit-autofill` where only that one is known: `matches` throws on an unknown one).
 */
function autofilled(v) {
  const filled = (input) => {
    try {
      return input.matches(":autofill");
    } catch (_) {
      try {
        return input.matches(":-webkit-autofill");
      } catch (_) {
        return false;
      }
    }
  };
  try {
    return v.slice(FIRST).filter(([, ...inputs]) => inputs.some(filled)).length;
  } catch (_) {
    return 0;
  }
}

/** The hidden fields' sources the browser knows; the first five are the UTM query parameters. */
const SOURCES = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "page_url", "referrer"];

/** `text` cut to at most `max` UTF-8 bytes at a character's end (the schema's `truncate`). */
const cut = (text, max) => {
  let end = 0;
  for (const c of text) {
    max -= c.length > 1 ? 4 : c < "\x80" ? 1 : c < "\u0800" ? 2 : 3;
    if (max < 0) break;
    end += c.length;
  }
  return text.slice(0, end);
};

/**
 * The submission's JSON text (`pulsegate_schema::lead::LeadSubmission`): the fields' values (as
 * `values` reads them), the UTM parameters of the page's query (decoded, each cut to `max` bytes;
 * of a repeated one the first that is not empty), and the hidden fields the browser fills from
 * those, `pageUrl` and `referrer` (a string or `undefined`), the trap input's value (cut to
 * `maxHoneypot` bytes), the tracker's ids of `p` (what `page` answered) the wasm checked (bit 0 of
 * `ids` the session id, 1 the visitor id, 2 the fingerprint id), how many fields the browser shows
 * as autofilled (`autofilled`), the site key and the form's id `load` put in the config, with
 * what else the wasm decided.
 * Absent members (`undefined`) are left out.
 */
function body(v, id, p, ids, maxHoneypot, fillMs,
  typed, keyless, activeMs, trusted, max, pageUrl, referrer) {
  try {
    const [session, visitor, fingerprint] = [2, 3, 4].map((i) => (ids >> (i - 2)) & 1 ? p[i] : undefined);
    const query = new URLSearchParams(location.search);
    const page = SOURCES.slice(0, 5).map((name) => query.getAll(name).map((x) => cut(x, max)).find((x) => x));
    page.push(pageUrl, referrer);
    // No prototype: a field named `__proto__` is a member like any other.
    const fields = Object.create(null);
    const read = values(v);
    v.c.fields.forEach((f, i) => {
      if (read[i] != null) fields[f.name] = read[i];
    });
    for (const h of v.c.hidden_fields || []) {
      // The landing page and constants are the server's to fill; unknown sources are skipped.
      const value = page[SOURCES.indexOf(h.source)];
      if (typeof h.name == "string" && value != null) fields[h.name] = value;
    }
    const [source, medium, campaign, term, content] = page;
    return JSON.stringify({
      form_id: v.c.$[1],
      site_key: v.c.$[0],
      submission_id: id,
      fields,
      session_id: session,
      visitor_id: visitor,
      fingerprint,
      utm: page.slice(0, 5).some((x) => x != null) ? { source, medium, campaign, term, content } : undefined,
      page_url: pageUrl,
      referrer,
      fill_ms: fillMs,
      fill: { typed, keyless, autofilled: autofilled(v), active_ms: activeMs, trusted_submit: trusted },
      honeypot: cut(whole(v[4].value), maxHoneypot),
      // The form's language: a refusal's field messages come back in it.
      lang: v.c.lang,
    });
  } catch (_) {
    return "";
  }
}

/**
 * `POST <endpoint>/lead.capture` of the submission `body` writes from the same arguments (the
 * endpoint `load` put in the config): the request's promise, `undefined` when the page's `fetch`
 * throws. The JSON text goes from here to the request, not through the wasm.
 */
export const send = (v, ...args) => post(v.c.$[2] + "/lead.capture", body(v, ...args), false);

/**
 * What a submission needs from the page and from tracker `t` (the target's, else
 * `window.PulseGate`): `[location.href, document.referrer, session id, visitor id, fingerprint
 * id, starting]`, the ids as the tracker's API answers them (the wasm checks them); `starting`
 * when its loader put it there (`_l`) and it is neither off (`_off`) nor running with a session.
 */
export function page(t) {
  const read = (f) => {
    try {
      return f();
    } catch (_) {
      return undefined;
    }
  };
  try {
    const obj = (x) => x && typeof x == "object";
    t = [t, self.PulseGate, {}].find(obj);
    const session = read(() => t.getSessionId());
    return [location.href, document.referrer, session, read(() => t.getVisitorId()),
      read(() => t._state().fingerprint.id), obj(t._l) && t._off !== true && typeof session != "string"];
  } catch (_) {
    return [];
  }
}

// The form's one handler (`src/form/mod.rs`, guarded: it never throws) takes what happened, the
// signal's number and, for an event in a field, the field's index: these are the `Signal` numbers
// of the events (a press, 3, is 11 when it would submit the form: Enter, or a pointer or Space on
// the button).
const EVENTS = [["submit", 1], ["input", 2], ["keydown", 3], ["pointerdown", 3], ["focusin", 4], ["focusout", 5]];

/**
 * The form's event listeners: each event to handler `h` with its signal and its field's index (-1
 * for none). A `submit` never reaches the page's URL: its default is prevented here, even when
 * the handler is busy and drops it.
 */
export function listen(v, h) {
  try {
    const field = (event) => v.slice(FIRST).findIndex(([, ...inputs]) => inputs.includes(event.target));
    const submits = ({ key, target }) => key == "Enter" || ((key == null || key == " ") && target.type == "submit");
    for (const [kind, signal] of EVENTS)
      v[0].addEventListener(kind, (event) => {
        if (signal == 1) event.preventDefault();
        h(event, signal == 3 && submits(event) ? 11 : signal, field(event));
      });
  } catch (_) {
    // Never into the page.
  }
}

/** `promise.then`: its value to `h` as signal `ok`, its error as signal `failed`. */
export function then(promise, h, ok, failed) {
  try {
    promise.then((value) => h(value, ok), (error) => h(error, failed));
  } catch (_) {
    // Not a promise (the page's `fetch` threw): nothing comes.
  }
}

/**
 * The config of form `t.formId` of site `t.siteKey` from `t.endpoint` without its trailing
 * slashes (in language list `t.lang` when `lang` is 1; the wasm checked all four in target `t`):
 * its parsed JSON body to `h` as signal 0, with the site key, the form's id and the endpoint as its
 * `$` (`[site, form, endpoint]`: `render`, `body` and `send` read them there, so the wasm keeps none
 * of them); `0` instead when the answer is not `ok` (403 for an origin that is not one of the
 * site's domains, 404, 5xx); a failure as signal 9.
 */
export function load(t, lang, h) {
  try {
    const $ = [t.siteKey, t.formId, t.endpoint.replace(/\/+$/, "")];
    const url = $[2] + "/forms/config?site=" + $[0] + "&form=" + $[1] + (lang ? "&lang=" + t.lang : "");
    then(fetch(url).then((r) => (r.ok ? r.json() : 0)).then((c) => (c && (c.$ = $), c)), h, 0, 9);
  } catch (_) {
    // The page's `fetch` threw: nothing comes.
  }
}

/** Signal `signal` to `h` in `ms` milliseconds. */
export function later(h, signal, ms) {
  try {
    setTimeout(() => h(undefined, signal), ms);
  } catch (_) {
    // Never into the page.
  }
}

/** `el`'s new open shadow root; `undefined` when it has one already or cannot have one. */
export function attach(el) {
  try {
    return el.attachShadow({ mode: "open" });
  } catch (_) {
    return undefined;
  }
}
