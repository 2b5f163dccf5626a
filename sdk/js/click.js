// The browser side of the click capture (src/capture/click.rs, which decides what a click
// records): what was clicked, with its selector path, read in one call instead of one wasm call
// per element, attribute and sibling. Nothing thrown leaves this module.

import { calls, get, num, str } from "./host.js";

/** `v` when it is an object (not `null`). */
const object = (v) => (typeof v === "object" && v !== null ? v : undefined);

/** `o[k]` when it is an object (`undefined` when reading it throws). */
const obj = (o, k) => object(get(o, k));

/** An id or class usable in a selector as is: letters, digits, `-`, `_`, not a digit first. */
const plain = (name) => /^[A-Za-z_-][\w-]*$/.test(name);

/**
 * `main > section.hero > a.cta:nth-of-type(2)`: up to `depth` elements from `element` up,
 * stopping at one with an id, before `html` and `body`; each named by tag, by id, or by up to two
 * classes that look stable (no digits: generated class names change between builds) and its
 * 1-based position among siblings of the same tag when there are several (at most 100 looked at
 * on each side).
 */
function selector(element, depth) {
  const parts = [];
  let node = element;
  for (let i = 0; i < depth && node; i++) {
    const tag = str(node, "localName");
    if (!tag || tag === "html" || tag === "body") break;
    const id = str(node, "id");
    if (id && plain(id)) {
      parts.push(tag + "#" + id);
      break;
    }
    let part = tag;
    let classes;
    try {
      classes = node.getAttribute("class");
    } catch (_) {
      // No attributes: no classes.
    }
    if (typeof classes === "string") {
      const stable = classes.split(/[\t\n\f\r ]+/).filter((c) => plain(c) && !/\d/.test(c));
      for (const name of stable.slice(0, 2)) part += "." + name;
    }
    let before = 0;
    let after = false;
    let sibling = obj(node, "previousElementSibling");
    while (sibling && before < 100) {
      if (str(sibling, "localName") === tag) before++;
      sibling = obj(sibling, "previousElementSibling");
    }
    sibling = obj(node, "nextElementSibling");
    for (let j = 0; j < 100 && sibling && !after; j++) {
      after = str(sibling, "localName") === tag;
      sibling = obj(sibling, "nextElementSibling");
    }
    if (before || after) part += ":nth-of-type(" + (before + 1) + ")";
    parts.push(part);
    node = obj(node, "parentElement");
  }
  return parts.reverse().join(" > ");
}

/** What counts as "the thing clicked" when the click landed inside it. */
const CONTROLS = "a,button,input,select,textarea,label,summary,[role=button],[role=link]";

/**
 * What a click is about: `[selector, href, text, pageX, pageY]` of the clicked element's nearest
 * control (a link, button, field, … : `CONTROLS`), else of the element itself; `undefined` for a
 * click on no element or inside `[data-pg-ignore]`. `href` only for links (`a`, `area`); `text`,
 * the first 600 characters of its text, not for fields (a select's text is all its options).
 */
export function click(event, depth) {
  const target = obj(event, "target");
  if (!target || object(calls(target, "closest", "[data-pg-ignore]"))) return;
  const element = object(calls(target, "closest", CONTROLS)) || target;
  const tag = str(element, "localName");
  const text = tag === "input" || tag === "select" || tag === "textarea" ? "" : str(element, "textContent");
  return [
    selector(element, depth),
    tag === "a" || tag === "area" ? str(element, "href") : undefined,
    text && text.slice(0, 600),
    num(event, "pageX"),
    num(event, "pageY"),
  ];
}
