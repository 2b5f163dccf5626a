//! Browser tests of the replay recorder in headless Chromium: what the serializer writes for a
//! page (ids, masking, placeholders, SVG, shadow roots, form state), how the mutation buffer
//! orders a microtask's changes, changes made while a sliced snapshot runs, and the rrweb code
//! each listened DOM event kind is recorded with. Every event is parsed with the schema's rrweb
//! types, so the recorder's hand-written JSON is checked against the wire format.
//!
//! Built into the crate's test binary (see the end of `src/lib.rs`); run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p pulsegate-replay --target
//! wasm32-unknown-unknown` from `replay/`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use js_sys::{Function, Promise, Reflect};
use pulsegate_schema::replay::{
    AttributeValue, Incremental, MutationData, NodeKind, ReplayEvent, ReplayEventData,
    SerializedNode,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// The control function of the recording the tests run (as the chunk's JS keeps it).
    static CONTROL: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Starts recording with `options` (`{ sink, sliceMs?, checkoutMs? }`, handed to
/// `crate::replay_start` as the chunk's JS hands them: missing times as `undefined`, i.e. NaN);
/// 0 when it records, 1 when it answered `false` (no sink), 2 when `null` (no document).
fn replay_start(options: &JsValue) -> u32 {
    let get = |name: &str| Reflect::get(options, &name.into()).unwrap();
    let time = |name: &str| get(name).as_f64().unwrap_or(f64::NAN);
    let started = crate::replay_start(get("sink"), time("sliceMs"), time("checkoutMs"));
    match started.dyn_into::<Function>() {
        Ok(control) => {
            CONTROL.with(|c| *c.borrow_mut() = Some(control));
            0
        }
        Err(code) if code == JsValue::FALSE => 1,
        Err(code) if code.is_null() => 2,
        Err(code) => panic!("neither a control function nor false or null: {code:?}"),
    }
}

/// Calls the running recording's control function with `op`.
fn control(op: u32) {
    CONTROL.with(|c| {
        if let Some(control) = c.borrow().as_ref() {
            control.call1(&JsValue::UNDEFINED, &op.into()).expect("control threw");
        }
    });
}

fn replay_flush() {
    control(crate::FLUSH);
}

/// Stops the running recording, if any.
fn replay_stop() {
    control(crate::STOP);
    CONTROL.with(|c| c.borrow_mut().take());
}

/// Runs `body` as a JS function body and returns its result.
fn js(body: &str) -> JsValue {
    Function::new_no_args(body).call0(&JsValue::UNDEFINED).expect("test JS threw")
}

/// Waits `ms` (lets snapshot slices and timers run).
async fn sleep(ms: u32) {
    let promise = Promise::new(&mut |resolve, _| {
        let _ = js("return setTimeout")
            .dyn_ref::<Function>()
            .map(|set| set.call2(&JsValue::UNDEFINED, &resolve, &ms.into()));
    });
    let _ = JsFuture::from(promise).await;
}

use wasm_bindgen::JsCast as _;

/// A sink that keeps what the recorder writes, in `window.__sink.parts`.
fn sink() -> JsValue {
    js(&format!(
        "{}\nglobalThis.pgHook = pgHook; globalThis.pgInstall = pgInstall; globalThis.pgListen = pgListen; globalThis.pgIds = pgIds; globalThis.pgIdOf = pgIdOf; globalThis.pgSetId = pgSetId; globalThis.pgSheet = pgSheet; globalThis.pgAttrs = pgAttrs; globalThis.pgGet = pgGet; globalThis.pgObserve = pgObserve; globalThis.pgObserver = pgObserver; globalThis.pgOrigin = pgOrigin; globalThis.pgSrcset = pgSrcset; globalThis.pgMilli = pgMilli; globalThis.pgNum = pgNum; globalThis.pgMaskAll = pgMaskAll; globalThis.pgHref = pgHref; globalThis.pgMask = pgMask; globalThis.pgText = pgText; globalThis.pgValue = pgValue; globalThis.pgInput = pgInput; globalThis.pgFlags = pgFlags; globalThis.pgRadios = pgRadios; globalThis.pgMeta = pgMeta; globalThis.pgPoint = pgPoint; globalThis.pgMedia = pgMedia;",
        include_str!("../js/hooks.js").replace("export function", "function")
    ));
    js(
        "const d = new TextDecoder(); window.__sink = { parts: [], write(utf8, end) { this.parts.push([d.decode(utf8), end]); } }; return window.__sink;",
    )
}

/// The complete events written so far, parsed with the schema's types (an event still being
/// written is left out).
fn events() -> Vec<ReplayEvent> {
    let parts = js("return window.__sink.parts");
    let parts: js_sys::Array = parts.unchecked_into();
    let mut events = Vec::new();
    let mut current = String::new();
    for part in parts.iter() {
        let part: js_sys::Array = part.unchecked_into();
        current.push_str(&part.get(0).as_string().expect("text"));
        if part.get(1).as_bool() == Some(true) {
            let event: ReplayEvent = serde_json::from_str(&current)
                .unwrap_or_else(|e| panic!("{e}: {}", &current[..current.len().min(400)]));
            events.push(event);
            current.clear();
        }
    }
    events
}

/// Whether the last write ended an event.
fn complete() -> bool {
    js("const p = window.__sink.parts; return p.length === 0 || p[p.length - 1][1];").as_bool()
        == Some(true)
}

/// Puts `html` into the test root, a `<main id="root">` in the body (the runner keeps its own
/// output in the body, which must stay).
fn set_root(html: &str) {
    js(&format!(
        "let r = document.getElementById('root'); if (!r) {{ r = document.createElement('main'); r.id = 'root'; document.body.appendChild(r); }} r.innerHTML = {};",
        serde_json::to_string(html).unwrap()
    ));
}

/// Records the test root set to `html` until the first snapshot is complete.
async fn record(html: &str, slice_ms: f64) {
    replay_stop();
    set_root(html);
    start(slice_ms).await;
}

/// Records the page as it is until the first snapshot is complete.
async fn start(slice_ms: f64) {
    begin(slice_ms);
    assert!(snapshot_written(5).await, "the snapshot never finished");
}

/// Starts recording the page into a new sink, snapshot slices of `slice_ms` (not waiting for
/// the snapshot).
fn begin(slice_ms: f64) {
    let options = js_sys::Object::new();
    Reflect::set(&options, &"sink".into(), &sink()).unwrap();
    Reflect::set(&options, &"sliceMs".into(), &slice_ms.into()).unwrap();
    assert_eq!(replay_start(&options), 0);
}

/// Waits until the first snapshot is complete, `ms` at a time (200 times at most); whether it is.
async fn snapshot_written(ms: u32) -> bool {
    for _ in 0..200 {
        if events().iter().any(|e| matches!(e.data, ReplayEventData::FullSnapshot(_))) {
            return true;
        }
        sleep(ms).await;
    }
    false
}

fn snapshot(events: &[ReplayEvent]) -> &SerializedNode {
    events
        .iter()
        .find_map(|e| match &e.data {
            ReplayEventData::FullSnapshot(s) => Some(&s.node),
            _ => None,
        })
        .expect("a full snapshot")
}

fn element<'a>(root: &'a SerializedNode, id_attr: &str) -> &'a SerializedNode {
    let mut found = None;
    root.walk(&mut |n| {
        if let NodeKind::Element { attributes, .. } = &n.kind
            && attributes.get("id") == Some(&AttributeValue::Text(id_attr.to_owned()))
        {
            found = Some(n);
        }
    });
    found.unwrap_or_else(|| panic!("no element #{id_attr}"))
}

fn texts(node: &SerializedNode) -> String {
    let mut out = String::new();
    node.walk(&mut |n| {
        if let NodeKind::Text { text_content, .. } = &n.kind {
            out.push_str(text_content);
        }
    });
    out
}

fn attr<'a>(node: &'a SerializedNode, name: &str) -> Option<&'a AttributeValue> {
    match &node.kind {
        NodeKind::Element { attributes, .. } => attributes.get(name),
        _ => None,
    }
}

fn mutations(events: &[ReplayEvent]) -> Vec<&MutationData> {
    events
        .iter()
        .filter_map(|e| match &e.data {
            ReplayEventData::Incremental(Incremental::Mutation(m)) => Some(m),
            _ => None,
        })
        .collect()
}

const PAGE: &str = r#"<p id="t">Mail jane@example.com or call 555 123 4567, from $1,299.</p>
<div id="m" class="pg-mask">Secret <b>name</b></div>
<div id="blk" class="pg-block" style="width:120px;height:40px">card 4242</div>
<input id="e" type="email" value="jane@example.com"><input id="n" value="typed"><input id="u" data-pg-unmask value="shown">
<input id="h" type="hidden" value="csrf-1"><input id="c" type="checkbox" checked>
<textarea id="ta">draft text</textarea>
<svg id="s"><circle r="3"></circle><foreignObject><div id="fo">x</div></foreignObject></svg>
<a id="a" href="/next?x=1" title="tel 0151 2345678">next</a>
<script id="sc">var secret = 1;</script><style id="st">.x { background: url(img.png) }</style>
<div id="host"></div>"#;

#[wasm_bindgen_test]
async fn a_sink_that_is_not_an_object_records_nothing() {
    replay_stop();
    for sink in [JsValue::UNDEFINED, JsValue::NULL, JsValue::from(7), JsValue::from("sink")] {
        let options = js_sys::Object::new();
        Reflect::set(&options, &"sink".into(), &sink).unwrap();
        assert_eq!(replay_start(&options), 1, "{sink:?} is no sink");
    }
}

#[wasm_bindgen_test]
fn a_hook_of_a_missing_class_or_member_does_nothing_and_one_that_exists_is_undone() {
    sink();
    let hooked = js(r#"
        const calls = [];
        const f = (tag, self, a) => calls.push([tag, a]);
        const missing = [pgHook("NoSuchClass", "x", false, f, 1), pgHook("CSSStyleSheet", "noSuchMethod", false, f, 2), pgHook("HTMLInputElement", "noSuchSetter", true, f, 3)];
        missing.forEach((undo) => undo());
        const native = CSSStyleSheet.prototype.insertRule;
        const undo = pgHook("CSSStyleSheet", "insertRule", false, f, 4);
        const sheet = new CSSStyleSheet();
        sheet.insertRule("p { color: red }", 0);
        const wrapped = CSSStyleSheet.prototype.insertRule !== native;
        undo();
        return [calls.length === 1 && calls[0][0] === 4 && calls[0][1] === "p { color: red }", wrapped, CSSStyleSheet.prototype.insertRule === native];
    "#);
    let hooked: js_sys::Array = hooked.unchecked_into();
    let got: Vec<Option<bool>> = hooked.iter().map(|v| v.as_bool()).collect();
    assert_eq!(got, [Some(true); 3], "called once with its tag and argument, wrapped, put back");
}

#[wasm_bindgen_test]
fn every_listener_and_hook_carries_the_tag_the_dispatcher_reads() {
    sink();
    let got = js(r#"
        const heard = [], tags = [], passive = [];
        const callback = (tag) => tags.push(tag);
        const doc = {
            addEventListener(kind, f, capture) { heard.push([kind, f]); if (capture !== 1) passive.push(kind); },
            removeEventListener() {},
        };
        const undo = pgInstall(doc, callback);
        for (const [kind, f] of heard) f({ type: kind });
        window.dispatchEvent(new Event("resize"));
        const listened = tags.length;
        const input = document.createElement("input");
        input.value = "a";
        input.checked = true;
        document.createElement("textarea").value = "b";
        const select = document.createElement("select");
        select.value = "c";
        select.selectedIndex = 0;
        const sheet = new CSSStyleSheet();
        sheet.insertRule("p { color: red }", 0);
        sheet.deleteRule(0);
        undo();
        input.value = "after";
        window.dispatchEvent(new Event("resize"));
        return [heard.map(([kind]) => kind).join(" "), passive.join(" "), tags.slice(0, listened).join(" "), tags.slice(listened).join(" ")];
    "#);
    let got: Vec<String> =
        got.unchecked_into::<js_sys::Array>().iter().map(|v| v.as_string().unwrap()).collect();
    let tags = |text: &str| text.split(' ').map(|t| t.parse().unwrap()).collect::<Vec<u32>>();
    let (listened, hooks) = crate::observers::tags();
    // The document's listeners as added, then resize (on the window), fired last.
    let (on_window, on_doc): (Vec<_>, Vec<_>) =
        listened.into_iter().partition(|&(kind, _)| kind == "resize");
    let kinds: Vec<&str> = on_doc.iter().map(|&(kind, _)| kind).collect();
    assert_eq!(got[0], kinds.join(" "), "the document's events");
    assert_eq!(got[1], "", "every listener on the document captures");
    let expected: Vec<u32> = on_doc.iter().chain(&on_window).map(|&(_, tag)| tag).collect();
    assert_eq!(tags(&got[2]), expected, "each event with the tag of its kind");
    assert_eq!(
        tags(&got[3]),
        hooks,
        "each setter and style rule hook with its tag, none after undo"
    );
}

#[wasm_bindgen_test]
async fn the_snapshot_is_rrweb_shaped_and_masked() {
    js("document.title = 'replay test'");
    record(PAGE, 1000.0).await;
    let events = events();
    assert!(matches!(events[0].data, ReplayEventData::Meta(_)), "Meta comes first");
    let root = snapshot(&events);
    assert!(matches!(root.kind, NodeKind::Document { .. }));
    // Unique, positive ids in pre-order.
    let mut ids = Vec::new();
    root.walk(&mut |n| ids.push(n.id));
    assert!(ids.iter().all(|&id| id > 0));
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "unique ids");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "pre-order ids");

    assert_eq!(
        texts(element(root, "t")),
        "Mail ****@*******.*** or call *** *** ****, from $1,299."
    );
    assert_eq!(texts(element(root, "m")), "****** ****");
    let blk = element(root, "blk");
    assert_eq!(attr(blk, "rr_width"), Some(&AttributeValue::Text("120px".into())));
    assert_eq!(attr(blk, "style"), None, "a placeholder keeps nothing but its class and size");
    assert_eq!(texts(blk), "");
    assert_eq!(attr(element(root, "e"), "value"), Some(&AttributeValue::Text("*".repeat(16))));
    assert_eq!(attr(element(root, "n"), "value"), Some(&AttributeValue::Text("*****".into())));
    assert_eq!(attr(element(root, "u"), "value"), Some(&AttributeValue::Text("shown".into())));
    assert_eq!(attr(element(root, "h"), "value"), None, "hidden values are dropped");
    assert_eq!(attr(element(root, "c"), "checked"), Some(&AttributeValue::Flag(true)));
    assert_eq!(attr(element(root, "ta"), "value"), Some(&AttributeValue::Text("*".repeat(10))));
    assert_eq!(texts(element(root, "ta")), "", "textarea text is its value");
    let svg = element(root, "s");
    assert!(matches!(svg.kind, NodeKind::Element { is_svg: true, .. }));
    assert!(matches!(element(root, "fo").kind, NodeKind::Element { is_svg: false, .. }));
    let a = element(root, "a");
    let href = match attr(a, "href") {
        Some(AttributeValue::Text(h)) => h.clone(),
        other => panic!("{other:?}"),
    };
    assert!(href.starts_with("http") && href.ends_with("/next?x=1"), "absolute: {href}");
    assert_eq!(attr(a, "title"), Some(&AttributeValue::Text("tel **** *******".into())));
    assert_eq!(texts(element(root, "sc")), "", "script text never leaves");
    let css = match attr(element(root, "st"), "_cssText") {
        Some(AttributeValue::Text(c)) => c.clone(),
        other => panic!("{other:?}"),
    };
    assert!(css.contains("url(\"http") && css.contains("img.png"), "{css}");
    replay_stop();
}

/// Attributes reach the recorder as one NUL-separated text: a NUL set by script must not split
/// a value into a name and a value of their own, which would escape the value's masking.
#[wasm_bindgen_test]
async fn a_nul_in_an_attribute_value_stays_inside_that_value() {
    replay_stop();
    set_root(r#"<p id="v">x</p>"#);
    let set = |v: &str| js(&format!("document.getElementById('v').setAttribute('title', {v})"));
    set(r#"'x\0data-leak\0jane@example.com'"#);
    let options = js_sys::Object::new();
    Reflect::set(&options, &"sink".into(), &sink()).unwrap();
    assert_eq!(replay_start(&options), 0);
    for _ in 0..200 {
        if events().iter().any(|e| matches!(e.data, ReplayEventData::FullSnapshot(_))) {
            break;
        }
        sleep(5).await;
    }
    set(r#"'y\0aria-leak\0jane@example.com'"#);
    sleep(10).await;
    let events = events();
    let v = element(snapshot(&events), "v");
    assert_eq!(attr(v, "data-leak"), None);
    let title = |value: Option<&AttributeValue>| match value {
        Some(AttributeValue::Text(t)) => t.clone(),
        other => panic!("{other:?}"),
    };
    let t = title(attr(v, "title"));
    assert!(t.starts_with('x') && t.ends_with("data-leak\u{fffd}****@*******.***"), "{t}");
    let m = mutations(&events);
    assert_eq!(m.len(), 1);
    let changed = &m[0].attributes[0].attributes;
    assert_eq!(changed.len(), 1, "{changed:?}");
    let t = title(changed.get("title"));
    assert!(t.starts_with('y') && t.ends_with("aria-leak\u{fffd}****@*******.***"), "{t}");
    replay_stop();
}

#[wasm_bindgen_test]
async fn srcset_candidates_are_made_absolute_with_their_descriptors() {
    let srcset = "a.png 1x,  /b.png   2x , c\u{e9}.png,d.png\t300w";
    record(&format!(r#"<img id="i" srcset="{srcset}">"#), 1000.0).await;
    let events = events();
    let root = snapshot(&events);
    let abs =
        |u: &str| js(&format!("return new URL({u:?}, document.baseURI).href")).as_string().unwrap();
    let expected = format!(
        "{} 1x, {} 2x, {}, {} 300w",
        abs("a.png"),
        abs("/b.png"),
        abs("c\u{e9}.png"),
        abs("d.png")
    );
    assert_eq!(attr(element(root, "i"), "srcset"), Some(&AttributeValue::Text(expected)));
    replay_stop();
}

#[wasm_bindgen_test]
async fn a_microtask_of_changes_is_one_event_in_replayer_order() {
    record(r#"<ul id="l"><li id="one">1</li></ul><p id="p" class="a">old</p>"#, 1000.0).await;
    let before = events().len();
    js(r#"
        const l = document.getElementById('l');
        const li = (t) => { const e = document.createElement('li'); e.textContent = t; return e; };
        l.append(li('A'), li('B'), li('C'));
        l.insertBefore(document.getElementById('one'), null);
        document.getElementById('p').firstChild.data = 'new jane@example.com';
        document.getElementById('p').className = 'b';
        document.getElementById('p').setAttribute('data-x', 'y');
        document.getElementById('p').removeAttribute('data-x');
    "#);
    sleep(10).await;
    let all = events();
    let m = mutations(&all[before..]);
    assert_eq!(m.len(), 1, "one event per microtask");
    let m = m[0];
    // Parents before children, siblings in document order: each parent is known when applied,
    // each nextId is a node the Replayer had before the batch (and keeps).
    let mut known: BTreeSet<i64> = BTreeSet::new();
    snapshot(&all).walk(&mut |n| {
        known.insert(n.id);
    });
    for r in &m.removes {
        known.remove(&r.id);
    }
    for add in &m.adds {
        assert!(
            known.contains(&add.parent_id),
            "parent {} known before {:?}",
            add.parent_id,
            add.node.id
        );
        if let Some(next) = add.next_id {
            assert!(known.contains(&next), "next {next} known before {}", add.node.id);
            assert!(
                m.adds.iter().all(|a| a.node.id != next),
                "next {next} of {} is not added in the batch",
                add.node.id
            );
        }
        if let NodeKind::Element { child_nodes, .. } = &add.node.kind {
            assert!(child_nodes.is_empty(), "one node per add");
        }
        known.insert(add.node.id);
    }
    assert_eq!(m.adds.len(), 8, "A, B, C and the moved #one, each with its text: {:?}", m.adds);
    assert_eq!(m.removes.len(), 1, "the move removes #one first");
    assert_eq!(m.texts.len(), 1);
    assert_eq!(m.texts[0].value.as_deref(), Some("new ****@*******.***"));
    let changed = &m.attributes[0].attributes;
    assert_eq!(changed.get("class"), Some(&AttributeValue::Text("b".into())));
    assert_eq!(changed.get("data-x"), Some(&AttributeValue::Null), "the latest value wins");
    replay_stop();
}

/// Ids live on the nodes (a symbol-keyed property); a node the page made non-extensible keeps
/// its id all the same.
#[wasm_bindgen_test]
async fn a_node_that_takes_no_property_keeps_its_id() {
    record(r#"<div id="box"></div>"#, 1000.0).await;
    let before = events().len();
    js(r#"
        window.__sealed = document.createElement('span');
        Object.preventExtensions(window.__sealed);
        document.getElementById('box').append(window.__sealed);
    "#);
    sleep(10).await;
    js("window.__sealed.setAttribute('title', 'later');");
    sleep(10).await;
    let all = events();
    let m = mutations(&all[before..]);
    assert_eq!(m.len(), 2, "the add, then the change: {m:?}");
    let span = m[0]
        .adds
        .iter()
        .find(|a| matches!(&a.node.kind, NodeKind::Element { tag_name, .. } if tag_name == "span"))
        .expect("the span is added");
    assert_eq!(m[1].attributes.len(), 1, "the change is recorded");
    assert_eq!(m[1].attributes[0].id, span.node.id, "under the id it was added with");
    replay_stop();
}

#[wasm_bindgen_test]
async fn changes_during_a_sliced_snapshot_are_neither_lost_nor_doubled() {
    let rows: String =
        (0..3000).map(|i| format!("<div id=\"r{i}\"><span>row {i}</span></div>")).collect();
    replay_stop();
    set_root(&rows);
    // A tiny budget: the snapshot takes many slices, and the page changes between them.
    begin(0.2);
    let mut round = 0;
    while !events().iter().any(|e| matches!(e.data, ReplayEventData::FullSnapshot(_))) {
        round += 1;
        assert!(round < 2000, "the snapshot never finished");
        js(&format!(
            r#"const b = document.getElementById('root');
            const d = document.createElement('div'); d.id = 'new{round}'; d.textContent = 'new';
            b.insertBefore(d, b.children[{at}] || null);
            const last = b.lastElementChild; if (last && last.id.startsWith('r')) b.insertBefore(last, b.firstChild);
            const x = document.getElementById('r{round}'); if (x) x.remove();"#,
            at = (round * 37) % 3000
        ));
        sleep(0).await;
    }
    replay_flush();
    sleep(10).await;
    assert!(complete(), "no event is left unfinished");
    let all = events();
    assert!(round > 3, "the snapshot took several slices ({round})");
    // Apply the events to a model of the Replayer's page and compare with the live page.
    let model = apply(&all);
    let live = js("return [...document.getElementById('root').children].map(e => e.id).join(' ')")
        .as_string()
        .unwrap();
    assert_eq!(model, live);
    replay_stop();
}

/// The ids of `#root`'s element children after applying `events` as the Replayer would.
fn apply(events: &[ReplayEvent]) -> String {
    use std::collections::BTreeMap;
    let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut id_attr: BTreeMap<i64, String> = BTreeMap::new();
    let mut body = 0;
    let index = |n: &SerializedNode,
                 children: &mut BTreeMap<i64, Vec<i64>>,
                 id_attr: &mut BTreeMap<i64, String>| {
        n.walk(&mut |c| {
            if let NodeKind::Element { child_nodes, attributes, .. } = &c.kind {
                children.insert(c.id, child_nodes.iter().map(|x| x.id).collect());
                if let Some(AttributeValue::Text(v)) = attributes.get("id") {
                    id_attr.insert(c.id, v.clone());
                }
            }
        });
    };
    for e in events {
        match &e.data {
            ReplayEventData::FullSnapshot(s) => {
                children.clear();
                index(&s.node, &mut children, &mut id_attr);
                s.node.walk(&mut |n| {
                    if let NodeKind::Element { attributes, .. } = &n.kind
                        && attributes.get("id") == Some(&AttributeValue::Text("root".into()))
                    {
                        body = n.id;
                    }
                });
            }
            ReplayEventData::Incremental(Incremental::Mutation(m)) => {
                for r in &m.removes {
                    let list = children.get_mut(&r.parent_id).expect("remove from a known parent");
                    let before = list.len();
                    list.retain(|c| *c != r.id);
                    assert_eq!(list.len() + 1, before, "removed {} from {}", r.id, r.parent_id);
                }
                for add in &m.adds {
                    let list = children.get_mut(&add.parent_id).expect("add to a known parent");
                    let at = add.next_id.map_or(list.len(), |n| {
                        list.iter().position(|c| *c == n).expect("nextId is a child")
                    });
                    assert!(!list.contains(&add.node.id), "{} added twice", add.node.id);
                    list.insert(at, add.node.id);
                    index(&add.node, &mut children, &mut id_attr);
                }
            }
            _ => {}
        }
    }
    children[&body].iter().filter_map(|c| id_attr.get(c).cloned()).collect::<Vec<_>>().join(" ")
}

#[wasm_bindgen_test]
async fn a_checkout_takes_a_new_snapshot_with_the_same_ids() {
    replay_stop();
    set_root(r#"<p id="k">keep</p>"#);
    let options = js_sys::Object::new();
    Reflect::set(&options, &"sink".into(), &sink()).unwrap();
    Reflect::set(&options, &"checkoutMs".into(), &60.into()).unwrap();
    assert_eq!(replay_start(&options), 0);
    sleep(20).await;
    // Something happens, so the next checkout is due; then a change after the new snapshot.
    js("document.getElementById('k').setAttribute('data-n', '1')");
    let mut snapshots = Vec::new();
    for _ in 0..100 {
        sleep(10).await;
        snapshots = events()
            .into_iter()
            .filter_map(|e| match e.data {
                ReplayEventData::FullSnapshot(s) => Some(s.node),
                _ => None,
            })
            .collect();
        if snapshots.len() >= 2 {
            break;
        }
    }
    assert!(snapshots.len() >= 2, "a second full snapshot after the checkout interval");
    assert_eq!(
        element(&snapshots[0], "k").id,
        element(&snapshots[1], "k").id,
        "ids are stable across checkouts"
    );
    let all = events();
    let metas = all.iter().filter(|e| matches!(e.data, ReplayEventData::Meta(_))).count();
    assert_eq!(metas, snapshots.len(), "every snapshot follows its own Meta");
    // Changes after the checkout still refer to nodes the new snapshot holds.
    let before = all.len();
    js("document.getElementById('k').textContent = 'changed'");
    sleep(10).await;
    let later = events();
    let m = mutations(&later[before..]);
    assert_eq!(m.len(), 1);
    let k = element(&snapshots[snapshots.len() - 1], "k").id;
    assert!(m[0].adds.iter().all(|a| a.parent_id == k), "{:?}", m[0].adds);
    assert_eq!(m[0].removes.len(), 1);
    replay_stop();
}

/// The incremental events after the first `skip`.
fn incrementals(skip: usize) -> Vec<Incremental> {
    events()
        .into_iter()
        .skip(skip)
        .filter_map(|e| match e.data {
            ReplayEventData::Incremental(i) => Some(i),
            _ => None,
        })
        .collect()
}

#[wasm_bindgen_test]
async fn each_dom_event_kind_reaches_its_observer_with_rrwebs_code() {
    record(r#"<button id="b">b</button><audio id="au"></audio>"#, 1000.0).await;
    let before = events().len();
    js(r#"
        const b = document.getElementById('b');
        for (const t of ['mouseup', 'mousedown', 'click', 'contextmenu', 'dblclick', 'focus', 'blur',
                         'touchstart', 'touchend', 'touchcancel']) {
            b.dispatchEvent(new MouseEvent(t, { bubbles: true, clientX: 3, clientY: 4 }));
        }
        const au = document.getElementById('au');
        for (const t of ['play', 'pause', 'seeked', 'volumechange', 'ratechange']) {
            au.dispatchEvent(new Event(t));
        }
        b.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: 5, clientY: 6 }));
    "#);
    sleep(80).await;
    js(
        "document.getElementById('b').dispatchEvent(new MouseEvent('touchmove', { bubbles: true, clientX: 7, clientY: 8 }));",
    );
    sleep(700).await;
    let got = incrementals(before);
    let mouse: Vec<u8> = got
        .iter()
        .filter_map(|i| match i {
            Incremental::MouseInteraction(m) => Some(m.kind as u8),
            _ => None,
        })
        .collect();
    assert_eq!(mouse, [0, 1, 2, 3, 4, 5, 6, 7, 9, 10], "MouseInteractions in DOM order");
    let media: Vec<u8> = got
        .iter()
        .filter_map(|i| match i {
            Incremental::MediaInteraction(m) => Some(m.kind as u8),
            _ => None,
        })
        .collect();
    assert_eq!(media, [0, 1, 2, 3, 4], "MediaInteractions in DOM order");
    let state = got.iter().find_map(|i| match i {
        Incremental::MediaInteraction(m) => Some(m),
        _ => None,
    });
    let state = state.expect("a media event");
    assert_eq!(
        (state.current_time, state.volume, state.playback_rate, state.muted, state.r#loop),
        (Some(0.0), Some(1.0), Some(1.0), Some(false), Some(false)),
        "the element's state as it is"
    );
    let moves: Vec<(u8, f64)> = got
        .iter()
        .filter_map(|i| match i {
            Incremental::MouseMove(p) => Some((1, p[0].x)),
            Incremental::TouchMove(p) => Some((6, p[0].x)),
            _ => None,
        })
        .collect();
    assert_eq!(moves, [(1, 5.0), (6, 7.0)], "a mouse move, then a touch move");
    replay_stop();
}

#[wasm_bindgen_test]
async fn an_interaction_has_its_pointer_type_and_a_touch_its_first_changed_touchs_position() {
    record(r#"<button id="b">b</button>"#, 1000.0).await;
    let before = events().len();
    js(r#"
        const b = document.getElementById('b');
        for (const [t, p] of [['mousedown', 'mouse'], ['mouseup', 'pen'], ['click', 'touch'], ['dblclick', 'other'], ['contextmenu', '']]) {
            b.dispatchEvent(new PointerEvent(t, { bubbles: true, clientX: 3, clientY: 4, pointerType: p }));
        }
        const touches = [new Touch({ identifier: 1, target: b, clientX: 11, clientY: 12 }), new Touch({ identifier: 2, target: b, clientX: 13, clientY: 14 })];
        b.dispatchEvent(new TouchEvent('touchstart', { bubbles: true, changedTouches: touches }));
        b.dispatchEvent(new TouchEvent('touchend', { bubbles: true, changedTouches: [] }));
    "#);
    /// rrweb's interaction type, `x`, `y` and pointer type.
    type Seen = (u8, Option<f64>, Option<f64>, Option<u8>);
    let got: Vec<Seen> = incrementals(before)
        .iter()
        .filter_map(|i| match i {
            Incremental::MouseInteraction(m) => {
                Some((m.kind as u8, m.x, m.y, m.pointer_type.map(|p| p as u8)))
            }
            _ => None,
        })
        .collect();
    let at = (Some(3.0), Some(4.0));
    assert_eq!(
        got,
        [
            (1, at.0, at.1, Some(0)),
            (0, at.0, at.1, Some(1)),
            (2, at.0, at.1, Some(2)),
            (4, at.0, at.1, None),
            (3, at.0, at.1, None),
            (7, Some(11.0), Some(12.0), None),
            (9, Some(0.0), Some(0.0), None),
        ],
        "mouse, pen and touch by number, no other; a touch at its first changed touch, none at 0"
    );
    replay_stop();
}

#[wasm_bindgen_test]
async fn a_scrolled_element_is_recorded_at_its_offset_in_the_snapshot_and_when_it_scrolls() {
    replay_stop();
    set_root(
        r#"<div id="s" style="width:50px;height:50px;overflow:scroll"><div style="width:500px;height:500px">x</div></div>"#,
    );
    js("const s = document.getElementById('s'); s.scrollTop = 120; s.scrollLeft = 30;");
    start(1000.0).await;
    let all = events();
    let s = element(snapshot(&all), "s");
    assert_eq!(
        (attr(s, "rr_scrollTop"), attr(s, "rr_scrollLeft")),
        (Some(&AttributeValue::Number(120.0)), Some(&AttributeValue::Number(30.0))),
        "the snapshot carries the element's scroll offset"
    );
    let id = s.id;
    let before = all.len();
    js("const s = document.getElementById('s'); s.scrollTop = 200; s.scrollLeft = 40;");
    sleep(400).await;
    let scrolls: Vec<(f64, f64)> = incrementals(before)
        .iter()
        .filter_map(|i| match i {
            Incremental::Scroll(d) if d.id == id => Some((d.x, d.y)),
            _ => None,
        })
        .collect();
    assert_eq!(scrolls, [(40.0, 200.0)], "one scroll event at the element's new offset");
    replay_stop();
}

/// The window's scroll: the snapshot's `initialOffset`, and a scroll of the document recorded
/// under the document's id.
#[wasm_bindgen_test]
async fn the_windows_scroll_is_the_snapshots_initial_offset_and_the_documents_scroll() {
    replay_stop();
    set_root(r#"<div style="width:3000px;height:3000px">x</div>"#);
    js("window.scrollTo(15, 60);");
    start(1000.0).await;
    let all = events();
    let offset = all
        .iter()
        .find_map(|e| match &e.data {
            ReplayEventData::FullSnapshot(s) => Some(s.initial_offset),
            _ => None,
        })
        .expect("a full snapshot");
    assert_eq!((offset.left, offset.top), (15.0, 60.0), "the window's scroll when taken");
    let doc = snapshot(&all).id;
    let before = all.len();
    js("window.scrollTo(5, 90);");
    sleep(400).await;
    let scrolls: Vec<(i64, f64, f64)> = incrementals(before)
        .iter()
        .filter_map(|i| match i {
            Incremental::Scroll(d) => Some((d.id, d.x, d.y)),
            _ => None,
        })
        .collect();
    js("window.scrollTo(0, 0);");
    assert_eq!(scrolls, [(doc, 5.0, 90.0)], "one scroll event of the document");
    replay_stop();
    set_root("");
}

#[wasm_bindgen_test]
async fn a_style_sheets_urls_are_made_absolute_and_data_and_fragments_kept() {
    record(
        r#"<style id="st">.a { background-image: url(img/a.png) } .b { background-image: url('data:image/gif;base64,R0lG') } .c { mask-image: url(#m) } .d { background-image: url(https://cdn.example/x.png) } .e { background-image: url("sp ace.png") }</style>"#,
        1000.0,
    )
    .await;
    let dir = js("return new URL('.', document.baseURI).href").as_string().expect("base");
    let all = events();
    let st = element(snapshot(&all), "st");
    let css = match attr(st, "_cssText") {
        Some(AttributeValue::Text(c)) => c.clone(),
        other => panic!("{other:?}"),
    };
    for url in [
        format!("url(\"{dir}img/a.png\")"),
        "url(\"data:image/gif;base64,R0lG\")".to_owned(),
        "url(\"#m\")".to_owned(),
        "url(\"https://cdn.example/x.png\")".to_owned(),
        format!("url(\"{dir}sp%20ace.png\")"),
    ] {
        assert!(css.contains(&url), "{url} in {css}");
    }
    assert_eq!(css.matches("url(").count(), 5, "{css}");
    let id = st.id;
    let before = all.len();
    js("document.getElementById('st').textContent = '.f { background-image: url( f.png ) }';");
    sleep(50).await;
    let css: Vec<String> = incrementals(before)
        .iter()
        .filter_map(|i| match i {
            Incremental::Mutation(m) => Some(m),
            _ => None,
        })
        .flat_map(|m| m.attributes.iter())
        .filter(|a| a.id == id)
        .filter_map(|a| match a.attributes.get("_cssText") {
            Some(AttributeValue::Text(c)) => Some(c.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(css.len(), 1, "one _cssText change: {css:?}");
    assert!(css[0].contains(&format!("url(\"{dir}f.png\")")), "{css:?}");
    replay_stop();
}

#[wasm_bindgen_test]
async fn a_media_elements_volume_and_rate_are_recorded_to_three_decimals() {
    record(r#"<audio id="au"></audio>"#, 1000.0).await;
    js("const au = document.getElementById('au'); au.volume = 1 / 3; au.playbackRate = 1.25;");
    sleep(100).await;
    let before = events().len();
    js("document.getElementById('au').dispatchEvent(new Event('pause'));");
    sleep(100).await;
    let got = incrementals(before);
    let state = got.iter().find_map(|i| match i {
        Incremental::MediaInteraction(m) => Some(m),
        _ => None,
    });
    let state = state.expect("a media event");
    assert_eq!(
        (state.current_time, state.volume, state.playback_rate),
        (Some(0.0), Some(0.333), Some(1.25)),
        "rounded to thousandths, trailing zeros dropped"
    );
    let text = written();
    assert!(text.contains(r#""volume":0.333,"playbackRate":1.25,"#), "{text}");
    replay_stop();
}

#[wasm_bindgen_test]
async fn masked_text_keeps_exactly_the_unicode_whitespace_and_stars_each_character() {
    replay_stop();
    set_root(r#"<p id="pm" class="pg-mask" title="Jane Q&#x2003;Doe">x</p>"#);
    // NBSP, NEL, ideographic space and tab are whitespace; a BOM and an emoji are not.
    js(
        r#"document.getElementById('pm').firstChild.data = "a\u00a0b\u0085c\ufeffd \ud83d\ude00\te\u3000f";"#,
    );
    start(1000.0).await;
    let all = events();
    let pm = element(snapshot(&all), "pm");
    assert_eq!(texts(pm), "*\u{a0}*\u{85}*** *\t*\u{3000}*");
    assert_eq!(attr(pm, "title"), Some(&AttributeValue::Text("**** *\u{2003}***".into())));
    let before = all.len();
    js(r#"document.getElementById('pm').firstChild.data = "new \ud83d\ude00x";"#);
    sleep(50).await;
    let texts: Vec<String> = mutations(&events()[before..])
        .iter()
        .flat_map(|m| m.texts.iter())
        .filter_map(|t| t.value.clone())
        .collect();
    assert_eq!(texts, ["*** **"], "a text change is masked alike");
    replay_stop();
}

#[wasm_bindgen_test]
async fn url_attributes_are_absolute_with_emails_masked_and_mailto_and_tel_masked_whole() {
    record(
        r##"<a id="ml" href="mailto:jane@example.com?subject=Hi">m</a><a id="tl" href="tel:+15551234567">t</a>
<a id="fr" href="#top">f</a><img id="dt" src="data:image/gif;base64,R0lG"><a id="em" href="/u/jane@example.com/profile">e</a>"##,
        1000.0,
    )
    .await;
    let all = events();
    let root = snapshot(&all);
    let text = |id: &str, name: &str| match attr(element(root, id), name) {
        Some(AttributeValue::Text(t)) => t.clone(),
        other => panic!("{id} {name}: {other:?}"),
    };
    assert_eq!(text("ml", "href"), "*".repeat(34), "a mailto: URL is masked whole");
    assert_eq!(text("tl", "href"), "*".repeat(16), "a tel: URL is masked whole");
    assert_eq!(text("fr", "href"), "#top", "a fragment stays as it is");
    assert_eq!(text("dt", "src"), "data:image/gif;base64,R0lG", "a data: URL stays as it is");
    let em = js("return new URL('/u/jane@example.com/profile', document.baseURI).href")
        .as_string()
        .expect("url")
        .replace("jane@example.com", "****@*******.***");
    assert_eq!(text("em", "href"), em, "absolute, the email in it masked");
    replay_stop();
}

#[wasm_bindgen_test]
async fn stopping_leaves_nothing_attached() {
    let native = "return Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.toString().includes('[native code]') && CSSStyleSheet.prototype.insertRule.toString().includes('[native code]')";
    record(r#"<input id="v"><p id="q">x</p>"#, 1000.0).await;
    assert_eq!(
        js(native).as_bool(),
        Some(false),
        "setters and CSSOM methods are hooked while recording"
    );
    replay_stop();
    assert_eq!(js(native).as_bool(), Some(true), "and put back when recording stops");
    let before = events().len();
    js(
        "document.getElementById('q').textContent = 'after'; document.getElementById('v').value = 'typed'; document.dispatchEvent(new MouseEvent('click', { bubbles: true }));",
    );
    sleep(700).await;
    assert_eq!(
        events().len(),
        before,
        "no event after stop: observers, listeners and timers are gone"
    );
}

#[wasm_bindgen_test]
async fn a_page_whose_listener_methods_throw_neither_breaks_starting_nor_stopping() {
    replay_stop();
    set_root(r#"<p id="t">text</p>"#);
    let throwing = |name: &str| {
        js(&format!(
            "const p = EventTarget.prototype; window.__native_{name} = p.{name}; p.{name} = function () {{ throw new Error('page patch'); }};"
        ));
    };
    let restore = |name: &str| {
        js(&format!("EventTarget.prototype.{name} = window.__native_{name};"));
    };
    let options = js_sys::Object::new();
    Reflect::set(&options, &"sink".into(), &sink()).unwrap();
    Reflect::set(&options, &"sliceMs".into(), &1000.into()).unwrap();
    throwing("addEventListener");
    let started = replay_start(&options);
    restore("addEventListener");
    assert_eq!(started, 0, "recording starts although no listener could be added");
    assert!(snapshot_written(5).await, "the snapshot finished");
    throwing("removeEventListener");
    // `control` panics if the control function throws.
    replay_stop();
    restore("removeEventListener");
    let native = "return HTMLInputElement.prototype.__lookupSetter__('value').toString().includes('[native code]')";
    assert_eq!(js(native).as_bool(), Some(true), "the hooks are put back all the same");
}

/// A page whose elements' scroll offsets throw or are not numbers: the snapshot and a scroll
/// event record 0 for them (a number that is one stays), and nothing throws into the page.
#[wasm_bindgen_test]
async fn scroll_offsets_that_throw_or_are_not_numbers_are_recorded_as_zero() {
    replay_stop();
    set_root(
        r#"<div id="a" style="overflow:auto;height:20px"><p style="height:200px">a</p></div><div id="b">b</div>"#,
    );
    js("window.__errors = 0; window.addEventListener('error', () => { window.__errors++; });
        const a = document.getElementById('a'), b = document.getElementById('b');
        Object.defineProperty(a, 'scrollTop', { configurable: true, get() { throw new Error('page getter'); } });
        Object.defineProperty(b, 'scrollLeft', { configurable: true, get() { return { valueOf() { throw new Error('page valueOf'); } }; } });
        Object.defineProperty(b, 'scrollTop', { configurable: true, get() { return 7; } });");
    start(1000.0).await;
    js("document.getElementById('a').dispatchEvent(new Event('scroll'))");
    sleep(300).await;
    replay_flush();
    sleep(10).await;
    let all = events();
    let mut b_scroll = None;
    snapshot(&all).walk(&mut |n| {
        if let NodeKind::Element { attributes, .. } = &n.kind
            && attributes.get("id") == Some(&AttributeValue::Text("b".into()))
        {
            b_scroll = Some((
                attributes.get("rr_scrollTop").cloned(),
                attributes.get("rr_scrollLeft").cloned(),
            ));
        }
    });
    let (top, left) = b_scroll.expect("#b in the snapshot");
    assert!(top.is_some(), "a scroll offset that is a number is kept");
    assert_eq!(left, None, "one that is no number is left out as 0");
    let scrolls = all
        .iter()
        .filter_map(|e| match &e.data {
            ReplayEventData::Incremental(Incremental::Scroll(s)) => Some((s.x, s.y)),
            _ => None,
        })
        .collect::<Vec<_>>();
    assert_eq!(scrolls, [(0.0, 0.0)], "the throwing element's scroll recorded at 0");
    assert_eq!(js("return window.__errors").as_f64(), Some(0.0), "nothing thrown into the page");
    js(
        "for (const id of ['a', 'b']) for (const k of ['scrollTop', 'scrollLeft']) delete document.getElementById(id)[k];",
    );
    replay_stop();
}

#[wasm_bindgen_test]
async fn removing_written_nodes_while_the_snapshot_streams_does_not_stall_it() {
    let rows: String = (0..4000).map(|i| format!("<li class=\"row\">row {i}</li>")).collect();
    replay_stop();
    set_root(&format!("<p>before</p><ul id=\"list\"><li>one</li>{rows}</ul><p>after</p>"));
    begin(1.0);
    for _ in 0..5 {
        js("document.getElementById('list').firstElementChild.remove()");
        sleep(15).await;
    }
    assert!(snapshot_written(10).await, "the snapshot finished");
    replay_stop();
}

/// A subtree the page moves ahead while the sliced snapshot is inside it: the walk writes the
/// rest of it where it was (that copy leaves the Replayer's page with the move's removal, and
/// the walk writes the subtree again where it went), so a change to a node of that rest names
/// the node's new id, never the one the Replayer drops (rrweb warns "Node with id … not found").
#[wasm_bindgen_test]
async fn changes_in_a_subtree_moved_while_the_snapshot_is_inside_it_name_nodes_the_replayer_has() {
    let items: String = (0..400).map(|i| format!("<p id=\"t{i}\">item {i}</p>")).collect();
    let rows: String = (0..3000).map(|i| format!("<div>row {i}</div>")).collect();
    replay_stop();
    set_root(&format!("<div id=\"tool\">{items}</div>{rows}<div id=\"later\"></div>"));
    begin(0.0);
    // Until the walk is inside #tool: its first item written, its last not yet.
    let written = |id: &str| {
        js(&format!("return window.__sink.parts.some(p => p[0].includes('\"id\":\"{id}\"'))"))
            .as_bool()
            == Some(true)
    };
    let mut round = 0;
    while !written("t0") {
        round += 1;
        assert!(round < 2000, "the snapshot never reached #tool");
        sleep(0).await;
    }
    assert!(!written("t399"), "the walk passed #tool in one slice");
    js("document.getElementById('later').appendChild(document.getElementById('tool'))");
    // The walk writes more of #tool where it was, then the page changes every item.
    sleep(0).await;
    sleep(0).await;
    js("for (const p of document.querySelectorAll('#tool p')) p.setAttribute('data-x', '1')");
    assert!(snapshot_written(5).await, "the snapshot never finished");
    replay_flush();
    sleep(10).await;
    let all = events();
    let tools = Cell::new(0);
    snapshot(&all).walk(&mut |n| {
        if let NodeKind::Element { attributes, .. } = &n.kind
            && attributes.get("id") == Some(&AttributeValue::Text("tool".into()))
        {
            tools.set(tools.get() + 1);
        }
    });
    assert_eq!(tools.get(), 2, "#tool written where it was and where it went");
    assert_eq!(unknown_ids(&all), Vec::<i64>::new());
    replay_stop();
}

/// The ids that the mutation events' removes, texts and attributes name while the Replayer (as
/// rrweb plays an event: removes, then adds, then texts and attributes) does not have them.
fn unknown_ids(events: &[ReplayEvent]) -> Vec<i64> {
    use std::collections::BTreeMap;
    let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut known: BTreeSet<i64> = BTreeSet::new();
    let index =
        |n: &SerializedNode, children: &mut BTreeMap<i64, Vec<i64>>, known: &mut BTreeSet<i64>| {
            n.walk(&mut |c| {
                known.insert(c.id);
                if let NodeKind::Document { child_nodes, .. }
                | NodeKind::Element { child_nodes, .. } = &c.kind
                {
                    children.insert(c.id, child_nodes.iter().map(|x| x.id).collect());
                }
            });
        };
    let mut unknown = Vec::new();
    for e in events {
        match &e.data {
            ReplayEventData::FullSnapshot(s) => {
                children.clear();
                known.clear();
                index(&s.node, &mut children, &mut known);
            }
            ReplayEventData::Incremental(Incremental::Mutation(m)) => {
                unknown.extend(m.removes.iter().map(|r| r.id).filter(|id| !known.contains(id)));
                for r in &m.removes {
                    let mut open = vec![r.id];
                    while let Some(id) = open.pop() {
                        if known.remove(&id) {
                            open.extend(children.remove(&id).unwrap_or_default());
                        }
                    }
                }
                for add in &m.adds {
                    children.entry(add.parent_id).or_default().push(add.node.id);
                    index(&add.node, &mut children, &mut known);
                }
                let named = m.texts.iter().map(|t| t.id).chain(m.attributes.iter().map(|a| a.id));
                unknown
                    .extend(named.filter(|id| {
                        !known.contains(id) && !m.removes.iter().any(|r| r.id == *id)
                    }));
            }
            _ => {}
        }
    }
    unknown
}

/// A node of the model of the Replayer's page: its label, children and shadow children.
type ModelNode = (String, Vec<i64>, Vec<i64>);

/// The label a node is drawn with in [`draw_model`] and [`draw_live`]: `tag#id`, `"text"`,
/// `<!comment>`.
fn label(n: &SerializedNode) -> String {
    match &n.kind {
        NodeKind::Element { tag_name, attributes, .. } => match attributes.get("id") {
            Some(AttributeValue::Text(id)) => format!("{tag_name}#{id}"),
            _ => tag_name.clone(),
        },
        NodeKind::Text { text_content, .. } => format!("{text_content:?}"),
        NodeKind::Comment { text_content } => format!("<!{text_content}>"),
        _ => String::new(),
    }
}

/// Applies `events` to a model of the Replayer's page, strictly: every add's parent and
/// `nextId` must be in the page when the add is applied (no waiting queue), every remove must
/// find its node. Returns the page by id.
fn model(events: &[ReplayEvent]) -> std::collections::BTreeMap<i64, ModelNode> {
    use std::collections::BTreeMap;
    fn index(n: &SerializedNode, nodes: &mut BTreeMap<i64, ModelNode>) {
        let mut kids = (Vec::new(), Vec::new());
        if let NodeKind::Element { child_nodes, .. } | NodeKind::Document { child_nodes, .. } =
            &n.kind
        {
            for c in child_nodes {
                if c.is_shadow { &mut kids.1 } else { &mut kids.0 }.push(c.id);
                index(c, nodes);
            }
        }
        nodes.insert(n.id, (label(n), kids.0, kids.1));
    }
    let mut nodes = BTreeMap::new();
    for e in events {
        match &e.data {
            ReplayEventData::FullSnapshot(s) => {
                nodes.clear();
                index(&s.node, &mut nodes);
            }
            ReplayEventData::Incremental(Incremental::Mutation(m)) => {
                for r in &m.removes {
                    let (_, kids, shadow) = nodes.get_mut(&r.parent_id).expect("a known parent");
                    let before = kids.len() + shadow.len();
                    kids.retain(|c| *c != r.id);
                    shadow.retain(|c| *c != r.id);
                    assert_eq!(kids.len() + shadow.len() + 1, before, "removed {}", r.id);
                }
                for add in &m.adds {
                    let (_, kids, shadow) = nodes
                        .get_mut(&add.parent_id)
                        .unwrap_or_else(|| panic!("parent {} in the page", add.parent_id));
                    let list = if add.node.is_shadow { shadow } else { kids };
                    assert!(!list.contains(&add.node.id), "{} added twice", add.node.id);
                    let at = add.next_id.map_or(list.len(), |n| {
                        list.iter().position(|c| *c == n).unwrap_or_else(|| {
                            panic!("nextId {n} is in the page before {}", add.node.id)
                        })
                    });
                    list.insert(at, add.node.id);
                    index(&add.node, &mut nodes);
                }
            }
            _ => {}
        }
    }
    nodes
}

/// The model's subtree of the element `#id_attr`, drawn as `tag#id[children]{shadow children}`.
fn draw_model(events: &[ReplayEvent], id_attr: &str) -> String {
    let nodes = model(events);
    fn draw(id: i64, nodes: &std::collections::BTreeMap<i64, ModelNode>, out: &mut String) {
        let (label, kids, shadow) = &nodes[&id];
        out.push_str(label);
        for (list, open, close) in [(kids, '[', ']'), (shadow, '{', '}')] {
            if !list.is_empty() {
                out.push(open);
                for (i, c) in list.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    draw(*c, nodes, out);
                }
                out.push(close);
            }
        }
    }
    let wanted = format!("#{id_attr}");
    let root = nodes.iter().find(|(_, n)| n.0.ends_with(&wanted)).map(|(id, _)| *id);
    let mut out = String::new();
    draw(root.expect("the element is in the model"), &nodes, &mut out);
    out
}

/// The live page's subtree of `#id_attr`, drawn as [`draw_model`] draws the model.
fn draw_live(id_attr: &str) -> String {
    js(&format!(
        r#"const draw = (n) => {{
            if (n.nodeType === 3) return JSON.stringify(n.data);
            if (n.nodeType === 8) return `<!${{n.data}}>`;
            let s = n.localName + (n.id ? `#${{n.id}}` : '');
            const list = (kids, open, close) => {{
                if (kids.length) s += open + [...kids].map(draw).join(' ') + close;
            }};
            list(n.childNodes, '[', ']');
            if (n.shadowRoot) list(n.shadowRoot.childNodes, '{{', '}}');
            return s;
        }};
        return draw(document.getElementById({}));"#,
        serde_json::to_string(id_attr).unwrap()
    ))
    .as_string()
    .expect("a drawing")
}

/// The adds of `m` as `(parent, nextId, node)` labels (`-` for `null`), by the model of the page
/// before `m` (`events`) plus the adds themselves.
fn add_labels(events: &[ReplayEvent], m: &MutationData) -> Vec<(String, String, String)> {
    let mut labels: std::collections::BTreeMap<i64, String> =
        model(events).into_iter().map(|(id, n)| (id, n.0)).collect();
    m.adds
        .iter()
        .map(|a| {
            labels.insert(a.node.id, label(&a.node));
            let next = a.next_id.map_or("-".to_owned(), |n| labels[&n].clone());
            (labels[&a.parent_id].clone(), next, label(&a.node))
        })
        .collect()
}

/// Records one microtask of changes made by `script` on the test root set to `html`; returns the
/// events before the changes and the one mutation event.
async fn record_change(html: &str, script: &str) -> (Vec<ReplayEvent>, MutationData) {
    record(html, 1000.0).await;
    let before = events().len();
    js(script);
    sleep(10).await;
    let all = events();
    let m = mutations(&all[before..]);
    assert_eq!(m.len(), 1, "one event per microtask: {m:?}");
    let m = m[0].clone();
    (all[..before].to_vec(), m)
}

fn triples(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter().map(|(p, n, c)| ((*p).to_owned(), (*n).to_owned(), (*c).to_owned())).collect()
}

#[wasm_bindgen_test]
async fn adds_in_the_middle_and_in_several_runs_go_in_document_order_before_a_kept_node() {
    let (before, m) = record_change(
        r#"<ul id="l"><li id="a">a</li><li id="b">b</li><li id="c">c</li></ul>"#,
        r#"const l = document.getElementById('l');
        const li = (id) => Object.assign(document.createElement('li'), { id });
        const [b, c] = [document.getElementById('b'), document.getElementById('c')];
        l.insertBefore(li('x1'), b);
        l.insertBefore(li('x2'), b);
        const gone = li('gone');
        l.insertBefore(gone, b);
        gone.remove();
        l.insertBefore(li('y3'), c);
        l.insertBefore(document.createComment('note'), document.getElementById('y3'));
        l.insertBefore(li('y1'), l.querySelector('#y3').previousSibling);
        l.insertBefore(document.createTextNode('mid'), document.getElementById('y3'));
        l.append(li('z1'), li('z2'));"#,
    )
    .await;
    assert_eq!(
        add_labels(&before, &m),
        triples(&[
            ("ul#l", "li#b", "li#x1"),
            ("ul#l", "li#b", "li#x2"),
            ("ul#l", "li#c", "li#y1"),
            ("ul#l", "li#c", "<!note>"),
            ("ul#l", "li#c", "\"mid\""),
            ("ul#l", "li#c", "li#y3"),
            ("ul#l", "-", "li#z1"),
            ("ul#l", "-", "li#z2"),
        ]),
        "each run left to right, before the node the Replayer has after it"
    );
    assert!(m.removes.is_empty(), "a node added and removed in the batch is not written");
    let mut all = before;
    all.push(event_of(m));
    assert_eq!(draw_model(&all, "l"), draw_live("l"));
    replay_stop();
}

#[wasm_bindgen_test]
async fn a_new_subtree_is_written_a_level_at_a_time_children_left_to_right() {
    let (before, m) = record_change(
        r#"<div id="box"><p id="keep">k</p></div>"#,
        r#"const box = document.getElementById('box');
        const n = document.createElement('section');
        n.id = 'n';
        n.innerHTML = '<p id="p1">t<b id="b1">u</b>w</p><!--c--><p id="p2">v</p>';
        const host = document.createElement('div');
        host.id = 'h';
        host.attachShadow({ mode: 'open' }).innerHTML = '<i id="s1">s</i><i id="s2">r</i>';
        host.append('light');
        n.append(host);
        box.insertBefore(n, document.getElementById('keep'));"#,
    )
    .await;
    assert_eq!(
        add_labels(&before, &m),
        triples(&[
            ("div#box", "p#keep", "section#n"),
            ("section#n", "-", "p#p1"),
            ("section#n", "-", "<!c>"),
            ("section#n", "-", "p#p2"),
            ("section#n", "-", "div#h"),
            ("p#p1", "-", "\"t\""),
            ("p#p1", "-", "b#b1"),
            ("p#p1", "-", "\"w\""),
            ("p#p2", "-", "\"v\""),
            ("div#h", "-", "\"light\""),
            ("div#h", "-", "i#s1"),
            ("div#h", "-", "i#s2"),
            ("b#b1", "-", "\"u\""),
            ("i#s1", "-", "\"s\""),
            ("i#s2", "-", "\"r\""),
        ])
    );
    let shadow: Vec<bool> = m.adds.iter().map(|a| a.node.is_shadow).collect();
    assert_eq!(shadow.iter().filter(|s| **s).count(), 2, "the two shadow children: {shadow:?}");
    let mut all = before;
    all.push(event_of(m));
    assert_eq!(draw_model(&all, "box"), draw_live("box"));
    replay_stop();
}

#[wasm_bindgen_test]
async fn moved_nodes_are_removed_then_added_before_a_kept_node() {
    let (before, m) = record_change(
        r#"<ul id="l"><li id="a">a</li><li id="b">b</li><li id="c">c</li><li id="d">d</li></ul><ol id="o"><li id="e">e</li></ol>"#,
        r#"const l = document.getElementById('l');
        const $ = (id) => document.getElementById(id);
        l.insertBefore($('c'), $('a'));
        l.appendChild($('a'));
        l.insertBefore(Object.assign(document.createElement('li'), { id: 'n' }), $('d'));
        l.insertBefore($('e'), $('n'));
        document.getElementById('o').append($('b'));"#,
    )
    .await;
    assert_eq!(
        add_labels(&before, &m),
        triples(&[
            ("ul#l", "li#d", "li#c"),
            ("ul#l", "li#d", "li#e"),
            ("ul#l", "li#d", "li#n"),
            ("ul#l", "-", "li#a"),
            ("ol#o", "-", "li#b"),
            ("li#c", "-", "\"c\""),
            ("li#e", "-", "\"e\""),
            ("li#a", "-", "\"a\""),
            ("li#b", "-", "\"b\""),
        ]),
        "a moved node is not where new nodes are put: the run ends at #d, which stays"
    );
    assert_eq!(m.removes.len(), 4, "c, a, e and b leave first: {:?}", m.removes);
    let mut all = before;
    all.push(event_of(m));
    assert_eq!(draw_model(&all, "root"), draw_live("root"));
    replay_stop();
}

/// `m` as an event, to apply after the events it followed.
fn event_of(m: MutationData) -> ReplayEvent {
    ReplayEvent { timestamp: 0, data: ReplayEventData::Incremental(Incremental::Mutation(m)) }
}

#[wasm_bindgen_test]
async fn a_node_added_under_one_written_again_is_written_once_with_it() {
    let (before, m) = record_change(
        r#"<div id="w"><p id="q">x</p></div>"#,
        r#"const w = document.getElementById('w');
        w.append(Object.assign(document.createElement('span'), { id: 's', textContent: 'new' }));
        w.className = 'pg-mask';"#,
    )
    .await;
    assert_eq!(
        add_labels(&before, &m),
        triples(&[
            ("main#root", "-", "div#w"),
            ("div#w", "-", "p#q"),
            ("div#w", "-", "span#s"),
            ("p#q", "-", "\"*\""),
            ("span#s", "-", "\"***\""),
        ]),
        "masking #w writes it again, with the span added under it, once"
    );
    assert_eq!(m.removes.len(), 1, "the old #w leaves first: {:?}", m.removes);
    let mut all = before;
    all.push(event_of(m));
    assert_eq!(draw_model(&all, "w"), r#"div#w[p#q["*"] span#s["***"]]"#);
    replay_stop();
}

/// The text of every event written so far, as written.
fn written() -> String {
    js("return window.__sink.parts.map((p) => p[0]).join('')").as_string().expect("text")
}

/// How many times each element with an `id` attribute is written in the adds of `m`.
fn writes(m: &MutationData) -> std::collections::BTreeMap<String, usize> {
    let mut count = std::collections::BTreeMap::new();
    for add in &m.adds {
        add.node.walk(&mut |n| {
            if let Some(AttributeValue::Text(id)) = attr(n, "id") {
                *count.entry(id.clone()).or_insert(0) += 1;
            }
        });
    }
    count
}

#[wasm_bindgen_test]
async fn nested_privacy_changes_in_one_task_write_each_node_once_and_leak_nothing() {
    let masked = r#"<div id="o"><div id="i" class="pg-mask">secret inner</div><p id="op">outer words</p></div>"#;
    let plain = r#"<div id="o"><div id="i">secret inner</div><p id="op">outer words</p></div>"#;
    let inner = r#"$('i').className = '';
        $('i').append(Object.assign(document.createElement('span'), { id: 'k', textContent: 'added words' }));
        $('op').title = 'private hint';"#;
    let outer = "$('o').className = 'pg-mask';";
    let cases = [
        // The inner element's change is recorded first: it leaves its mask while the outer one
        // takes it, content is added under it and an attribute changes beside it.
        (masked, format!("{inner}\n{outer}"), &["secret", "added", "private", "hint"][..]),
        // The same, the outer element first.
        (masked, format!("{outer}\n{inner}"), &["secret", "added", "private", "hint"][..]),
        // Both take a mask, the inner one first.
        (
            plain,
            format!(
                "$('i').className = 'pg-mask';
                $('i').append(Object.assign(document.createElement('span'), {{ id: 'k', textContent: 'added words' }}));
                $('op').title = 'private hint';
                {outer}"
            ),
            &["added", "private", "hint"][..],
        ),
    ];
    for (html, change, never) in cases {
        let script = format!("const $ = (id) => document.getElementById(id);\n{change}");
        let (before, m) = record_change(html, &script).await;
        let event = serde_json::to_string(&m).unwrap();
        for word in ["secret", "inner", "outer", "words", "added", "private", "hint"] {
            assert!(!event.contains(word), "{word:?} leaks in the change ({script}): {event}");
        }
        let all = written();
        for word in never {
            assert!(!all.contains(word), "{word:?} was written unmasked ({script}): {all}");
        }
        let once: Vec<(String, usize)> = writes(&m).into_iter().collect();
        assert_eq!(
            once,
            [("i", 1), ("k", 1), ("o", 1), ("op", 1)].map(|(id, n)| (id.to_owned(), n)),
            "each node written once ({script}): {event}"
        );
        let mut all = before;
        all.push(event_of(m));
        assert_eq!(
            draw_model(&all, "o"),
            r#"div#o[div#i["****** *****" span#k["***** *****"]] p#op["***** *****"]]"#,
            "{script}"
        );
        replay_stop();
    }
}

/// Page texts and what the email and digit-run masks make of them (as the masks' native unit
/// tests had it when the masks were Rust): full stops, tlds, separators, overlaps, non-ASCII.
const SENSITIVE: &[(&str, &str)] = &[
    ("Write to jane.doe+x@mail.example.com.", "Write to **********@****.*******.***."),
    ("a@b and @handle and x@y.z1 and x@.com", "a@b and @handle and x@y.z1 and x@.com"),
    ("Call 555 123 4567 now, +1 (555) 123-4567", "Call *** *** **** now, +* (***) ***-****"),
    ("card 4242 4242 4242 4242, born 25.11.1990", "card **** **** **** ****, born **.**.****"),
    ("$14,500 in 2026, 12345 units, $1,299.00", "$14,500 in 2026, 12345 units, $1,299.00"),
    (
        "Grüße, 日本 — call 0123456789 or mail ü@x.de",
        "Grüße, 日本 — call ********** or mail ü@x.de",
    ),
    ("a@b.com@c.org", "*@*****@*.***"),
    (
        "x@a.b.c1 y@ex.co jane_doe@example.com1 no..dots@x..com",
        "x@a.b.c1 *@**.** jane_doe@example.com1 ********@*..***",
    ),
    (
        "1-2-3-4-5-6 12--34--56 1  2  3  4  5  6 1   2   3   4   5   6",
        "*-*-*-*-*-* **--**--** *  *  *  *  *  * *   2   3   4   5   6",
    ),
    (
        "id 12345 6, 12345 – 6, (((123456)), 1.2.3.4.5.6",
        "id ***** *, 12345 – 6, (((******)), *.*.*.*.*.*",
    ),
    (
        "\u{1f600} 123456 \u{1f600} a@bc.de user123456@x.org 987654",
        "\u{1f600} ****** \u{1f600} *@**.** **********@*.*** ******",
    ),
    ("mail me: a.b@c-d.io, or A@B.CO. 12345@6.7z", "mail me: ***@***.**, or *@*.**. 12345@6.7z"),
];

/// URL paths and what the email mask makes of them (digits stay in URLs).
const SENSITIVE_URLS: &[(&str, &str)] = &[
    ("/u/a@b.com@c.org/x?n=123456789", "/u/*@*****@*.***/x?n=123456789"),
    (
        "/p?to=y@ex.co.&z=jane_doe@example.com1&w=x@a.b.c1",
        "/p?to=*@**.**.&z=jane_doe@example.com1&w=x@a.b.c1",
    ),
];

/// Every way page text reaches an event: snapshot text, comments, attributes and URLs, and their
/// changes, and nodes added later.
#[wasm_bindgen_test]
async fn emails_and_digit_runs_are_masked_alike_in_every_text_and_attribute() {
    use std::collections::BTreeMap;
    replay_stop();
    set_root("");
    let n = SENSITIVE.len();
    let texts_json = serde_json::to_string(&SENSITIVE.iter().map(|c| c.0).collect::<Vec<_>>());
    let urls_json = serde_json::to_string(&SENSITIVE_URLS.iter().map(|c| c.0).collect::<Vec<_>>());
    let (texts_json, urls_json) = (texts_json.unwrap(), urls_json.unwrap());
    js(&format!(
        "const c = {texts_json}, u = {urls_json}, r = document.getElementById('root');
        c.forEach((t, i) => {{
            const p = document.createElement('p');
            p.id = 'k' + i;
            p.title = t;
            p.setAttribute('data-v', t);
            p.append(document.createComment(t), t);
            r.append(p);
        }});
        u.forEach((t, i) => r.append(Object.assign(document.createElement('a'), {{ id: 'u' + i, href: t }})));"
    ));
    start(1000.0).await;
    let all = events();
    let root = snapshot(&all);
    let text = |v: Option<&AttributeValue>| match v {
        Some(AttributeValue::Text(t)) => t.clone(),
        other => panic!("{other:?}"),
    };
    let abs = |path: &str| {
        js(&format!("return new URL({path:?}, document.baseURI).href")).as_string().unwrap()
    };
    let url = |i: usize| {
        let (path, masked) = SENSITIVE_URLS[i];
        abs(path).replace(path, masked)
    };
    // The case each written node shows, by its id.
    let mut case = BTreeMap::new();
    for (i, (raw, masked)) in SENSITIVE.iter().enumerate() {
        let p = element(root, &format!("k{i}"));
        assert_eq!(text(attr(p, "title")), *masked, "a title: {raw:?}");
        assert_eq!(text(attr(p, "data-v")), *masked, "a data- attribute: {raw:?}");
        let NodeKind::Element { child_nodes, .. } = &p.kind else { panic!("{p:?}") };
        match &child_nodes[..] {
            [
                SerializedNode { id: c, kind: NodeKind::Comment { text_content: comment }, .. },
                SerializedNode { id: t, kind: NodeKind::Text { text_content, .. }, .. },
            ] => {
                assert_eq!(comment, masked, "a comment: {raw:?}");
                assert_eq!(text_content, masked, "a text: {raw:?}");
                case.extend([(*c, i), (*t, i), (p.id, i)]);
            }
            other => panic!("{other:?}"),
        }
    }
    for i in 0..SENSITIVE_URLS.len() {
        let a = element(root, &format!("u{i}"));
        assert_eq!(text(attr(a, "href")), url(i), "an href");
        case.insert(a.id, i);
    }
    let before = all.len();
    // Each node takes the next case; a new element with its comment and text takes its own.
    js(&format!(
        "const c = {texts_json}, u = {urls_json}, r = document.getElementById('root');
        c.forEach((t, i) => {{
            const p = document.getElementById('k' + i), next = c[(i + 1) % c.length];
            p.firstChild.data = next;
            p.lastChild.data = next;
            p.title = next;
            const q = document.createElement('p');
            q.id = 'a' + i;
            q.title = t;
            q.append(document.createComment(t), t);
            r.append(q);
        }});
        u.forEach((t, i) => {{ document.getElementById('u' + i).href = u[(i + 1) % u.length]; }});"
    ));
    sleep(20).await;
    let all = events();
    let (mut texts, mut titles, mut hrefs, mut added) = (0, 0, 0, 0);
    let mut added_case = BTreeMap::new();
    for m in mutations(&all[before..]) {
        for t in &m.texts {
            let next = SENSITIVE[(case[&t.id] + 1) % n].1;
            assert_eq!(t.value.as_deref(), Some(next), "a text change");
            texts += 1;
        }
        for a in &m.attributes {
            if let Some(v) = a.attributes.get("title") {
                assert_eq!(text(Some(v)), SENSITIVE[(case[&a.id] + 1) % n].1, "a title change");
                titles += 1;
            }
            if let Some(v) = a.attributes.get("href") {
                assert_eq!(text(Some(v)), url((case[&a.id] + 1) % SENSITIVE_URLS.len()));
                hrefs += 1;
            }
        }
        for add in &m.adds {
            match &add.node.kind {
                NodeKind::Element { attributes, .. } => {
                    let Some(AttributeValue::Text(id)) = attributes.get("id") else { continue };
                    let Some(i) = id.strip_prefix('a').and_then(|i| i.parse::<usize>().ok()) else {
                        continue;
                    };
                    assert_eq!(text(attributes.get("title")), SENSITIVE[i].1, "an added title");
                    added_case.insert(add.node.id, i);
                    added += 1;
                }
                NodeKind::Comment { text_content } | NodeKind::Text { text_content, .. } => {
                    let i = added_case[&add.parent_id];
                    assert_eq!(text_content, SENSITIVE[i].1, "an added comment or text");
                    added += 1;
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!((texts, titles, hrefs, added), (2 * n, n, SENSITIVE_URLS.len(), 3 * n));
    replay_stop();
}

/// Form fields and whether their value is recorded as typed (`true`) or one `*` per character.
const FIELDS: &[(&str, bool)] = &[
    (r#"<input data-pg-unmask>"#, true),
    (r#"<input>"#, false),
    (r#"<input type="PASSWORD" data-pg-unmask>"#, false),
    (r#"<input type="Email" class="pg-unmask">"#, false),
    (r#"<input type="tel" data-pg-unmask>"#, false),
    (r#"<input data-pg-unmask autocomplete="CC-CSC">"#, false),
    (r#"<input data-pg-unmask autocomplete="shipping postal-code">"#, false),
    (r#"<input data-pg-unmask autocomplete="section-a organization">"#, true),
    (r#"<input data-pg-unmask autocomplete="one-time-code">"#, false),
    (r#"<input type="text" data-pg-unmask autocomplete="transaction-amount">"#, false),
    (r#"<input type="search" class="pg-unmask" autocomplete="email">"#, false),
    (r#"<input data-pg-unmask autocomplete="bday-day">"#, false),
    (r#"<input type="foo" data-pg-unmask>"#, true),
    (r#"<textarea data-pg-unmask></textarea>"#, true),
    (r#"<textarea></textarea>"#, false),
];

/// Each field's policy, in the snapshot and for a value set by script; hidden inputs never.
#[wasm_bindgen_test]
async fn form_values_are_recorded_by_each_fields_policy() {
    use std::collections::BTreeMap;
    replay_stop();
    let html: String = FIELDS
        .iter()
        .enumerate()
        .map(|(i, (f, _))| {
            let at = f.find([' ', '>']).expect("a tag");
            format!("{} id=\"f{i}\"{}", &f[..at], &f[at..])
        })
        .collect();
    set_root(&format!("{html}<input id=\"hd\" type=\"hidden\">"));
    let set = |value: &str| {
        js(&format!(
            "for (const f of document.querySelectorAll('#root input, #root textarea')) f.value = {value:?};"
        ))
    };
    set("héllo \u{1f600} 5");
    start(1000.0).await;
    let all = events();
    let root = snapshot(&all);
    let mut field = BTreeMap::new();
    for (i, (f, clear)) in FIELDS.iter().enumerate() {
        let el = element(root, &format!("f{i}"));
        let want = if *clear { "héllo \u{1f600} 5".to_owned() } else { "*".repeat(9) };
        assert_eq!(attr(el, "value"), Some(&AttributeValue::Text(want)), "{f}");
        field.insert(el.id, i);
    }
    assert_eq!(attr(element(root, "hd"), "value"), None, "a hidden value is dropped");
    let before = all.len();
    set("a\u{20ac}b");
    sleep(20).await;
    let mut seen = 0;
    for i in incrementals(before) {
        if let Incremental::Input(input) = i {
            let Some(&at) = field.get(&input.id) else {
                panic!("an input event of #hd: {input:?}")
            };
            let (f, clear) = FIELDS[at];
            assert_eq!(input.text, if clear { "a\u{20ac}b" } else { "***" }, "{f}");
            seen += 1;
        }
    }
    assert_eq!(seen, FIELDS.len(), "one event per field set");
    replay_stop();
}

/// The privacy classes as whole words (any ASCII whitespace between them, case as written),
/// rrweb's names for them, and `contenteditable`, in the snapshot and for input events.
#[wasm_bindgen_test]
async fn privacy_classes_and_contenteditable_are_read_as_written() {
    replay_stop();
    set_root(
        "<p id=\"m1\" class=\"x\trr-mask\">secret words</p><p id=\"m2\" contenteditable>secret words</p>\
<p id=\"m3\" contenteditable=\"false\">plain words</p><p id=\"m4\" class=\"pg-maskx PG-MASK\">plain words</p>\
<p id=\"m5\" class=\"a\npg-mask\">secret words</p><div id=\"b1\" class=\"rr-block\" style=\"width:10px\">gone</div>\
<div id=\"i1\" class=\"rr-ignore\"><input id=\"in1\"></div><div id=\"i2\" class=\"x pg-ignore\"><input id=\"in2\"></div>\
<input id=\"in3\"><object id=\"ob\"><p>inside</p></object>",
    );
    start(1000.0).await;
    let all = events();
    let root = snapshot(&all);
    for (id, text) in [
        ("m1", "****** *****"),
        ("m2", "****** *****"),
        ("m3", "plain words"),
        ("m4", "plain words"),
        ("m5", "****** *****"),
        ("b1", ""),
        ("ob", ""),
    ] {
        assert_eq!(texts(element(root, id)), text, "#{id}");
    }
    assert_eq!(attr(element(root, "b1"), "rr_width"), Some(&AttributeValue::Text("10px".into())));
    let ids: Vec<i64> = ["in1", "in2", "in3"].iter().map(|id| element(root, id).id).collect();
    let before = all.len();
    js("for (const id of ['in1', 'in2', 'in3']) document.getElementById(id).value = 'typed';");
    sleep(20).await;
    let got: Vec<i64> = incrementals(before)
        .iter()
        .filter_map(|i| match i {
            Incremental::Input(input) => Some(input.id),
            _ => None,
        })
        .collect();
    assert_eq!(got, [ids[2]], "only the field outside .rr-ignore and .pg-ignore");
    replay_stop();
}

/// A value set again as it was is not sent again; a change of value or of checked state is.
#[wasm_bindgen_test]
async fn a_repeated_input_value_is_sent_once() {
    record(r#"<input id="d" data-pg-unmask><input id="c" type="checkbox" value="v">"#, 1000.0)
        .await;
    let before = events().len();
    js(r#"
        const d = document.getElementById('d'), c = document.getElementById('c');
        d.value = 'x'; d.value = 'x'; d.value = 'y'; d.value = 'x';
        c.checked = true; c.checked = true; c.checked = false;
    "#);
    sleep(20).await;
    let got: Vec<(String, bool)> = incrementals(before)
        .iter()
        .filter_map(|i| match i {
            Incremental::Input(input) => Some((input.text.clone(), input.is_checked)),
            _ => None,
        })
        .collect();
    let want = [("x", false), ("y", false), ("x", false), ("v", true), ("v", false)];
    assert_eq!(got, want.map(|(t, c)| (t.to_owned(), c)));
    replay_stop();
}

/// What the serializer does by an element's tag (`pgFlags`' tag bits): a frame's `src`, an
/// option's `selected` as written and every `on…` handler dropped; a selected option under an
/// opted-in `<select>` marked `selected`; a `<textarea>`'s children not written,
/// a typed value masked, a choice input's kept with its state; a `<video>`'s state; `<object>` childless; an element named like
/// none of them (`<inputx>`) written as any other.
#[wasm_bindgen_test]
async fn the_serializer_keys_its_rules_on_the_element_tag() {
    replay_stop();
    set_root(
        r#"<iframe id="fr" src="about:blank" title="t"></iframe>
<select id="se" data-pg-unmask><option id="o1" value="a" selected>A</option><option id="o2" value="b">B</option></select>
<select id="sm"><option id="o3" selected>C</option></select><textarea id="ta">typed</textarea>
<video id="vi" onplay="x()"></video><object id="ob"><p>in</p></object>
<inputx id="ix" value="v" selected="s" src="s.png"><b>kept</b></inputx>
<input id="ch" type="CHECKBOX" value="yes" checked><input id="sb" type="submit" value="Go">
<input id="ra" type="radio"><input id="tx" type="text" value="abc">"#,
    );
    js("document.getElementById('o2').selected = true;");
    start(1000.0).await;
    let all = events();
    let root = snapshot(&all);
    let text = |s: &str| Some(AttributeValue::Text(s.to_owned()));
    let fr = element(root, "fr");
    assert_eq!(attr(fr, "src"), None, "a frame's src");
    assert_eq!(attr(fr, "title").cloned(), text("t"));
    assert_eq!(attr(element(root, "o1"), "selected"), None, "an option no longer selected");
    assert_eq!(attr(element(root, "o2"), "selected"), Some(&AttributeValue::Flag(true)));
    assert_eq!(attr(element(root, "o3"), "selected"), None, "not opted in");
    let ta = element(root, "ta");
    assert_eq!(attr(ta, "value").cloned(), text("*****"));
    assert_eq!(texts(ta), "", "a textarea's children");
    let vi = element(root, "vi");
    assert_eq!(attr(vi, "onplay"), None);
    assert_eq!(attr(vi, "rr_mediaState").cloned(), text("paused"));
    assert_eq!(texts(element(root, "ob")), "", "an object's children");
    let ix = element(root, "ix");
    for (name, value) in [("value", "v"), ("selected", "s")] {
        assert_eq!(attr(ix, name).cloned(), text(value), "<inputx> {name}");
    }
    assert!(matches!(attr(ix, "src"), Some(AttributeValue::Text(s)) if s.ends_with("/s.png")));
    assert_eq!(texts(ix), "kept");
    assert_eq!(attr(ix, "rr_mediaState"), None);
    let ch = element(root, "ch");
    assert_eq!(attr(ch, "value").cloned(), text("yes"), "a choice input's value as it is");
    assert_eq!(attr(ch, "checked"), Some(&AttributeValue::Flag(true)));
    assert_eq!(attr(element(root, "sb"), "value").cloned(), text("Go"));
    let ra = element(root, "ra");
    assert_eq!((attr(ra, "value"), attr(ra, "checked")), (None, None));
    assert_eq!(attr(element(root, "tx"), "value").cloned(), text("***"), "a typed value");
    replay_stop();
}

/// A radio checked by script unchecks the others of its group: each of them is recorded too
/// (radios of another name, and a checkbox of the same name, are not).
#[wasm_bindgen_test]
async fn checking_a_radio_records_the_rest_of_its_group() {
    record(
        r#"<input id="r1" type="radio" name="g" value="a" checked><input id="r2" type="RADIO" name="g" value="b">
<input id="r3" type="radio" name="h" value="c" checked><input id="cb" type="checkbox" name="g" checked>"#,
        1000.0,
    )
    .await;
    let all = events();
    let root = snapshot(&all);
    let id = |name: &str| element(root, name).id;
    let before = all.len();
    js("document.getElementById('r2').checked = true;");
    sleep(20).await;
    let got: Vec<(i64, String, bool)> = incrementals(before)
        .iter()
        .filter_map(|i| match i {
            Incremental::Input(input) => Some((input.id, input.text.clone(), input.is_checked)),
            _ => None,
        })
        .collect();
    assert_eq!(got, [(id("r2"), "b".to_owned(), true), (id("r1"), "a".to_owned(), false)]);
    replay_stop();
}
