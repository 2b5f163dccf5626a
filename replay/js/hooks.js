/*
 * PulseGate replay chunk, part 1: what the recorder cannot do (or do fast) from Rust. The wasm
 * imports these from this module (a wasm-bindgen snippet the glue imports, bundled into the
 * chunk), each one that needs no conversion of its arguments or answer without a glue shim.
 *
 * Node ids (replay/src/mirror.rs) live on the nodes, under a symbol of the recorder's own:
 * pgIds() makes the book, pgIdOf(node, ids) reads an id (0: none), pgSetId(node, ids, id) sets
 * one. A property is several times cheaper to set than a WeakMap entry, and leaves the GC no
 * ephemeron to trace; a symbol key is invisible to for-in, Object.keys and JSON.stringify. A
 * node that takes no property (made non-extensible by the page) gets its id in a WeakMap.
 *
 * The recorder hands every flag (`capture`, `setter`, `all`, `unmask`) as a number, non-zero for
 * yes, and counts and tags as numbers too: the glue then passes them on as they are.
 */
export function pgIds() {
  return { s: Symbol("pulsegate.id"), w: new WeakMap(), n: 0 };
}
export function pgIdOf(node, ids) {
  var id = node[ids.s];
  return id === undefined ? (ids.n && ids.w.get(node)) || 0 : id;
}
export function pgSetId(node, ids, id) {
  try {
    node[ids.s] = id;
  } catch (_) {
    /* not extensible (strict mode throws, sloppy mode ignores it): checked below */
  }
  if (node[ids.s] !== id) {
    ids.w.set(node, id);
    ids.n = 1;
  }
}

/*
 * It listens to each of `kinds` (event types separated by spaces) on target and hands each event
 * to callback(tag + i, event), i the position of its type in the list, so the recorder dispatches
 * on a small number instead of comparing the event's type string.
 *
 * pgListen(target, kinds, capture, callback, tag) returns a function that removes the listeners.
 * Neither throws, even where the page made `addEventListener` or `removeEventListener` throw.
 */
export function pgListen(target, kinds, capture, callback, tag) {
  kinds = kinds.split(" ");
  var f = function (e) {
    callback(tag + kinds.indexOf(e.type), e);
  };
  kinds.forEach(function (kind) {
    try { target.addEventListener(kind, f, capture); } catch (_) { /* a page's own patch threw */ }
  });
  return function () {
    kinds.forEach(function (kind) {
      try { target.removeEventListener(kind, f, capture); } catch (_) { /* a page's own patch threw */ }
    });
  };
}

/*
 * It wraps a prototype method (or property setter) so the recorder hears about calls, with `this`.
 *
 * pgHook(cls, name, setter, callback, tag) hooks window[cls].prototype[name], runs
 * callback(tag, this, arg0, result) after the original and returns a function that puts the
 * original back (a function that does nothing where there is no such class or member). It never
 * throws, and a failing callback never breaks the page's own call.
 */
export function pgHook(cls, name, setter, callback, tag) {
  var noop = function () {};
  try {
    var proto = window[cls].prototype;
    var d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !d.configurable) return noop;
    var patched = {};
    for (var k in d) patched[k] = d[k];
    if (setter) {
      if (!d.set) return noop;
      patched.set = function (v) {
        d.set.call(this, v);
        try { callback(tag, this, v, undefined); } catch (_) { /* recorder gone */ }
      };
    } else {
      var original = d.value;
      if (typeof original !== "function") return noop;
      patched.value = function (a) {
        var result = original.apply(this, arguments);
        try { callback(tag, this, a, result); } catch (_) { /* recorder gone */ }
        return result;
      };
    }
    Object.defineProperty(proto, name, patched);
    return function () {
      try { Object.defineProperty(proto, name, d); } catch (_) { /* leave it */ }
    };
  } catch (_) {
    return noop;
  }
}

/*
 * Every listener and hook of the recorder, each calling callback(tag, …) with its tag
 * (replay/src/observers/mod.rs numbers them): on doc, capturing, the pointer events 0–11, scroll
 * 12, input and change 14–15, the media events 16–20; resize 13 on the window; the input setters
 * 22–26 (21 is the mutation observer's); insertRule and deleteRule 100–101. One import for the
 * wasm, with no text to hand over.
 *
 * pgInstall(doc, callback) returns a function that removes them all.
 */
export function pgInstall(doc, callback) {
  var undo = [
    pgListen(doc, "mousemove touchmove mouseup mousedown click contextmenu dblclick focus blur touchstart touchend touchcancel scroll", 1, callback, 0),
    pgListen(window, "resize", 0, callback, 13),
    pgListen(doc, "input change play pause seeked volumechange ratechange", 1, callback, 14),
    pgHook("HTMLInputElement", "value", 1, callback, 22),
    pgHook("HTMLInputElement", "checked", 1, callback, 23),
    pgHook("HTMLTextAreaElement", "value", 1, callback, 24),
    pgHook("HTMLSelectElement", "value", 1, callback, 25),
    pgHook("HTMLSelectElement", "selectedIndex", 1, callback, 26),
    pgHook("CSSStyleSheet", "insertRule", 0, callback, 100),
    pgHook("CSSStyleSheet", "deleteRule", 0, callback, 101),
  ];
  return function () {
    undo.forEach(function (f) { f(); });
  };
}

/*
 * The rules of a <style> or <link> element's sheet as text, read from the CSSOM (so rules
 * inserted by script are there), each url(…) made absolute against the sheet's own URL (base for
 * a <style>): its ASCII whitespace trimmed, its quote (" or ', the closing one may be missing)
 * put back around the URL, data: and #… URLs kept as they are. undefined where there is no sheet
 * or its rules cannot be read (a cross-origin sheet throws).
 *
 * pgSheet(el, base) → css | undefined
 */
export function pgSheet(el, base) {
  try {
    var sheet = el.sheet;
    var rules = sheet.cssRules;
    var href = sheet.href || base;
    for (var css = "", i = 0; i < rules.length; i++) css += rules[i].cssText;
    return css.replace(/url\(([^)]*)\)/g, function (_, url) {
      url = url.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
      var q = url[0] == '"' || url[0] == "'" ? url[0] : "";
      if (q) url = url.slice(1, url.length > 1 && url.slice(-1) == q ? -1 : url.length);
      return "url(" + q + (/^(data:|#)/.test(url) ? url : pgUrl(url, href)) + q + ")";
    });
  } catch (_) {
    /* no sheet, or not ours to read */
  }
}

/*
 * An element's attributes in one call (not one per name and value): each name and value followed
 * by a NUL (a NUL in a value, which only script can put there, reads as U+FFFD).
 *
 * pgAttrs(el) → ("name\0value\0")*
 */
export function pgAttrs(el) {
  for (var a = el.attributes, s = "", i = 0; i < a.length; i++) s += a[i].name + "\0" + a[i].value.replace(/\0/g, "\ufffd") + "\0";
  return s;
}

/*
 * A URL resolved against a base, or the text itself when it is not a URL (new URL throws); the
 * recorder writes URLs absolute, as the Replayer never resolves relative ones. (Used by the
 * functions here, not by the wasm.)
 *
 * pgUrl(url, base) → string
 */
export function pgUrl(url, base) {
  try {
    return new URL(url, base).href;
  } catch (_) {
    return url;
  }
}

/*
 * A property read that never throws (a getter may): undefined then.
 *
 * pgGet(target, name) → value
 */
export function pgGet(target, name) {
  try {
    return target[name];
  } catch (_) {
    /* undefined */
  }
}

/*
 * A MutationObserver that hands its records to the listeners' callback, as callback(tag, records),
 * so the recorder needs no function of its own for them.
 *
 * pgObserver(callback, tag) → observer
 */
export function pgObserver(callback, tag) {
  return new MutationObserver(function (records) {
    callback(tag, records);
  });
}

/*
 * The mutation observer on a subtree: child lists, attributes and text.
 *
 * pgObserve(observer, target)
 */
export function pgObserve(observer, target) {
  observer.observe(target, { childList: true, subtree: true, attributes: true, characterData: true });
}

/*
 * Where an event really happened: the innermost node of its composed path (inside a shadow
 * root, not the retargeted target), or its target when the path is empty.
 *
 * pgOrigin(event) → node | null
 */
export function pgOrigin(e) {
  return e.composedPath()[0] || e.target;
}

/*
 * Every URL of a srcset made absolute: candidates split at commas and joined by ", ", each one's
 * ASCII whitespace trimmed, its URL (up to the first ASCII whitespace) through pgUrl, its
 * descriptor (trimmed) after one space.
 *
 * pgSrcset(value, base) → string
 */
export function pgSrcset(value, base) {
  var ws = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;
  return value.split(",").map(function (c) {
    c = c.replace(ws, "");
    var at = c.search(/[\t\n\f\r ]/);
    if (at < 0) at = c.length;
    var d = c.slice(at).replace(ws, "");
    return pgUrl(c.slice(0, at), base) + (d ? " " + d : "");
  }).join(", ");
}

/*
 * A value as a number: itself when it is one, else 0 (a number crosses into the wasm as it is,
 * with no shim of the glue writing an optional number into the wasm's memory).
 *
 * pgNum(value) → number
 */
export function pgNum(v) {
  return typeof v == "number" ? v : 0;
}

/*
 * An event's viewport position, the first changed touch's for a touch event (k 0: clientX, 1:
 * clientY; 0 where there is none), or with k 2 its pointer type as rrweb's number (mouse 0, pen
 * 1, touch 2; -1 for any other or none).
 *
 * pgPoint(ev, k) → number
 */
export function pgPoint(ev, k) {
  if (k > 1) return "mouse pen touch".split(" ").indexOf(pgGet(ev, "pointerType"));
  var t = pgGet(ev, "changedTouches");
  return pgNum(pgGet(t ? t[0] : ev, k ? "clientY" : "clientX"));
}

/*
 * A number property as JSON with up to three decimals (trailing zeros dropped), 0 when it is not
 * a finite number: a media element's time, volume and rate.
 *
 * pgMilli(target, name) → string
 */
export function pgMilli(target, name) {
  var v = target[name];
  return "" + (typeof v == "number" && isFinite(v) ? Math.round(v * 1000) / 1000 : 0);
}

/*
 * Masked text (.pg-mask): every code point but whitespace becomes "*". Whitespace is Unicode's
 * White_Space set, as Rust's char::is_whitespace has it (with U+0085, without U+FEFF, unlike \s).
 *
 * pgMaskAll(text) → string
 */
export function pgMaskAll(text) {
  return text.replace(/[^\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/gu, "*");
}

/*
 * Page text with email addresses masked (local@domain.tld, the domain's last label two letters
 * or more: every character but the @ and the domain's dots becomes "*", a full stop after it
 * kept), and, unless it is a URL (whose digits are ids, not data), runs of six or more digits
 * (at most two of space . - / ( ) between two digits; the digits become "*"). Only ASCII is ever
 * masked: other text stays as it is.
 *
 * pgMask(text, url) → string
 */
export function pgMask(t, url) {
  // Most text has no "@" and no run of six digits: handed back before anything is taken apart.
  if (t.indexOf("@") < 0 && (url || !/\d(?:[ .\/()-]{0,2}\d){5}/.test(t))) return t;
  var k = [], at = -1, d = /\d(?:[ .\/()-]{0,2}\d)*/g, m, s, e, i;
  while ((at = t.indexOf("@", at + 1)) >= 0) {
    for (s = at; /[\w.%+-]/.test(t.charAt(s - 1)); ) s--;
    for (e = at + 1; /[A-Za-z\d.-]/.test(t.charAt(e)); ) e++;
    while (t[e - 1] == ".") e--;
    if (s < at && /.\.[A-Za-z]{2,}$/.test(t.slice(at + 1, e)))
      for (i = s; i < e; i++) if (i < at || (i > at && t[i] != ".")) k[i] = 1;
  }
  while (!url && (m = d.exec(t)))
    if (m[0].replace(/\D/g, "").length > 5) for (i = m.index; i < d.lastIndex; i++) if (/\d/.test(t[i])) k[i] = 1;
  // Text that needs no mask (most) is handed back as it is, not taken apart.
  return k.length ? t.split("").map(function (c, i) { return k[i] ? "*" : c; }).join("") : t;
}

/*
 * A text or comment node's data as recorded, masked before it reaches the recorder: wholly
 * (pgMaskAll) when `all`, else its emails and long digit runs (pgMask).
 *
 * pgText(node, all) → string
 */
export function pgText(node, all) {
  var t = node.nodeValue;
  return all ? pgMaskAll(t) : pgMask(t);
}

/*
 * A URL attribute's value: made absolute (pgUrl) unless it is a fragment, data: or blob: URL;
 * masked whole (pgMaskAll) when it is a mailto: or tel: URL, else its emails masked (pgMask).
 *
 * pgHref(value, base) → string
 */
export function pgHref(value, base) {
  var url = /^(#|data:|blob:)/.test(value) ? value : pgUrl(value, base);
  return /^(mailto|tel):/.test(url) ? pgMaskAll(url) : pgMask(url, 1);
}

/*
 * An attribute's value as recorded, by its lower-case name (names chosen by the page, such as
 * class, id and style, the recorder keeps as they are without calling this): a URL through pgHref
 * (a <use>'s fragment aside), a srcset through pgSrcset, a title, alt text, placeholder or ARIA
 * label masked whole (pgMaskAll) when `all` (inside .pg-mask), everything else through pgMask.
 *
 * pgValue(el, name, value, all, base) → string
 */
export function pgValue(el, name, value, all, base) {
  return /^(src|href|action|poster|background|data|xlink:href)$/.test(name) && !(el.localName == "use" && value[0] == "#")
    ? pgHref(value, base)
    : name == "srcset"
      ? pgSrcset(value, base)
      : (all && /^(title|alt|placeholder|aria-label)$/.test(name) ? pgMaskAll : pgMask)(value);
}

/*
 * Whether `el` is an input whose value is a label the page chose (its type radio, checkbox, submit,
 * button, reset or image), not something typed.
 *
 * pgChoice(el) → boolean
 */
function pgChoice(el) {
  return el.localName == "input" && /^(radio|checkbox|submit|button|reset|image)$/.test(el.type);
}

/*
 * A form field's value as recorded: undefined for an <input type=hidden> (CSRF tokens, ids); a
 * choice input's (radio, checkbox, submit, button, reset, image) as it is, a label the page
 * chose; else as typed where the field opted
 * in (`unmask`: data-pg-unmask or .pg-unmask) and is not sensitive: neither an input of type
 * password, email or tel nor a field with an autocomplete token (ASCII whitespace between them,
 * any case) that begins cc-, one-time-code, current-password, new-password, email, tel, bday,
 * street-address, address-line, postal-code or transaction-; else one "*" per character.
 *
 * pgInput(el, unmask) → string | undefined
 */
export function pgInput(el, unmask) {
  var input = el.localName == "input", v = el.value;
  if (input && el.type == "hidden") return;
  if (pgChoice(el)) return v;
  return unmask &&
    !(input && /^(password|email|tel)$/.test(el.type)) &&
    !/(^|[\t\n\f\r ])(cc-|one-time-code|current-password|new-password|email|tel|bday|street-address|address-line|postal-code|transaction-)/i.test(el.getAttribute("autocomplete"))
    ? v
    : v.replace(/[^]/gu, "*");
}

/*
 * An element's own flags, in the recorder's bits (replay/src/mirror.rs): MASK_TEXT 2 for the class
 * pg-mask or rr-mask or a contenteditable other than "false", BLOCKED | CHILDLESS 129 for pg-block
 * or rr-block, IGNORE 4 for pg-ignore or rr-ignore, UNMASK 32 for pg-unmask or data-pg-unmask
 * (classes as whole words between ASCII whitespace, case as written); CHILDLESS 1 for a textarea,
 * iframe, frame, object or embed, STYLE 8 for a style, SCRIPT 64 for a script, SVG 16 for an svg;
 * above them the tag bits of replay/src/serialize.rs: CHOICE 256 for a pgChoice input, FIELD 512
 * for an input, textarea or select, OPTION 1024, FRAME 2048 for an iframe or frame, LINK 4096, MEDIA 8192
 * for a video or audio, PAGE 16384 for the html or body, FOREIGN 32768 for a foreignObject.
 *
 * pgFlags(el) → number
 */
export function pgFlags(el) {
  var f = {
      textarea: 513, iframe: 2049, frame: 2049, object: 1, embed: 1, style: 8, script: 64, svg: 16,
      input: 512, select: 512, option: 1024, link: 4096, video: 8192, audio: 8192, html: 16384, body: 16384, foreignObject: 32768,
    }[el.localName] | 0,
    e = el.getAttribute("contenteditable");
  (el.getAttribute("class") || "").split(/[\t\n\f\r ]/).forEach(function (w) {
    f |= { "pg-mask": 2, "rr-mask": 2, "pg-block": 129, "rr-block": 129, "pg-ignore": 4, "rr-ignore": 4, "pg-unmask": 32 }[w];
  });
  return f | (e != null && e != "false" ? 2 : 0) | (el.hasAttribute("data-pg-unmask") ? 32 : 0) | (pgChoice(el) ? 256 : 0);
}

/*
 * A node's scroll offset, x (`k` 0) or y (1): the window's (scrollX, scrollY) for a document, else
 * the element's scrollLeft or scrollTop; 0 when it is not a number or its getter throws (a page
 * may redefine them), through pgGet and pgNum.
 *
 * pgScroll(node, k) → number
 */
export function pgScroll(n, k) {
  var d = n.nodeType == 9;
  return pgNum(pgGet(d ? window : n, "scroll" + (d ? (k ? "Y" : "X") : k ? "Top" : "Left")));
}

/*
 * A media interaction's data (`type` rrweb's MediaInteraction, `id` the element's): the element's
 * time, volume and rate as pgMilli writes them, whether it is muted and loops, as JSON.
 *
 * pgMedia(el, type, id) → '{"source":7,"type":…,"id":…,"currentTime":…,…,"loop":…}'
 */
export function pgMedia(el, type, id) {
  var m = function (name) { return +pgMilli(el, name); };
  return JSON.stringify({
    source: 7, type: type, id: id,
    currentTime: m("currentTime"), volume: m("volume"), playbackRate: m("playbackRate"),
    muted: pgGet(el, "muted") === true, loop: pgGet(el, "loop") === true,
  });
}

/*
 * The Meta event's data: the page's URL and its viewport's size (whole CSS pixels) as JSON.
 *
 * pgMeta() → '{"href":…,"width":…,"height":…}'
 */
export function pgMeta() {
  return JSON.stringify({ href: location.href, width: innerWidth, height: innerHeight });
}

/*
 * The other radios of a radio's group in its document: the elements of its name whose type is
 * radio (none without a name, or when `el` is no radio).
 *
 * pgRadios(el) → array
 */
export function pgRadios(el) {
  return el.type == "radio" && el.name
    ? [].filter.call(el.ownerDocument.getElementsByName(el.name), function (o) {
        return o != el && o.type == "radio";
      })
    : [];
}
