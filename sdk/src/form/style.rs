//! The form's style sheet, inside its shadow root: page rules cannot reach the form's elements
//! and these rules cannot reach the page. The wrapper resets every inherited property
//! (`all: initial`), so not even the host element's inherited font or colour seeps in; only the
//! custom properties below do (custom properties inherit through shadow boundaries), and they
//! are the theming interface (README, "Lead capture"):
//!
//! `--pg-accent` (button, focus ring, checked boxes), `--pg-accent-text`, `--pg-text`, `--pg-bg`,
//! `--pg-input-bg`, `--pg-input-text`, `--pg-border`, `--pg-error`, `--pg-success-bg`,
//! `--pg-success-text`, `--pg-help`, `--pg-radius`, `--pg-font`, `--pg-font-size`, `--pg-gap`, `--pg-max-width`.

/// The style sheet. `:where()` keeps the element reset at zero specificity, so every rule after
/// it wins over it.
pub(crate) const CSS: &str = concat!(
    ":host{display:block}",
    ".pg{all:initial;display:block;box-sizing:border-box;max-width:var(--pg-max-width,36em);",
    "font-family:var(--pg-font,system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif);",
    "font-size:var(--pg-font-size,16px);line-height:1.5;color:var(--pg-text,#1f2328);",
    "background:var(--pg-bg,transparent)}",
    ":where(.pg) *{box-sizing:border-box;margin:0}",
    "[hidden]{display:none!important}",
    "form{display:grid;gap:var(--pg-gap,1em)}",
    "label,legend{display:block;font-weight:600;margin-bottom:.25em;padding:0}",
    ".req{color:var(--pg-error,#b42318);margin-left:.2em}",
    "input,select,textarea,button{font:inherit}",
    "input,select,textarea{display:block;width:100%;padding:.55em .7em;",
    "border:1px solid var(--pg-border,#8c959f);border-radius:var(--pg-radius,6px);",
    "background:var(--pg-input-bg,#fff);color:var(--pg-input-text,#1f2328)}",
    "textarea{min-height:6em;resize:vertical}",
    ":focus-visible{outline:3px solid var(--pg-accent,#0b62d6);outline-offset:2px}",
    "[aria-invalid=true]{border-color:var(--pg-error,#b42318)}",
    "fieldset{border:0;padding:0;min-width:0}",
    ".opt,.check{display:flex;align-items:center;gap:.5em}",
    ".opt{font-weight:400;margin:0}",
    ".opt input,.check input{width:auto;margin:0;accent-color:var(--pg-accent,#0b62d6)}",
    ".check label{font-weight:400;margin:0}",
    ".help{color:var(--pg-help,#59636e);font-size:.875em;margin-top:.25em}",
    ".err{color:var(--pg-error,#b42318);font-size:.875em;margin-top:.25em}",
    ".err:empty{display:none}",
    "button{justify-self:start;padding:.65em 1.25em;border:0;border-radius:var(--pg-radius,6px);",
    "background:var(--pg-accent,#0b62d6);color:var(--pg-accent-text,#fff);font-weight:600;",
    "cursor:pointer}",
    "button:disabled{opacity:.65;cursor:progress}",
    ".status{color:var(--pg-error,#b42318)}",
    ".status:empty{display:none}",
    ".ok{padding:1em;border-radius:var(--pg-radius,6px);background:var(--pg-success-bg,#e7f6ec);",
    "color:var(--pg-success-text,#14532d)}",
    ".hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}",
);
