//! The running recorder: ids, the mutation buffer, the sliced snapshot, the observers, and the
//! one place events are stamped and handed to the sink (the chunk's uploader in JS).

use alloc::{string::String, vec::Vec};

use js_sys::Array;
use wasm_bindgen::prelude::wasm_bindgen;

use super::dom::{self, MutationObserver, Node};
use super::listener::{Listeners, Timer, Timers};
use super::mirror::Mirror;
use super::mutation::Buffer;
use super::snapshot::{self, Walk};
use super::{Handle, json, observers};

#[wasm_bindgen]
extern "C" {
    /// Where finished JSON goes: `write(utf8, endOfEvent)`, the bytes as a `Uint8Array` view of
    /// wasm memory that the sink copies. Bytes, not a string: a snapshot's megabytes are never
    /// decoded into a JS string nor encoded back for the upload. The uploader frames events into
    /// batches, compresses and sends them.
    #[derive(Debug)]
    pub(crate) type Sink;
    #[wasm_bindgen(method, js_name = write)]
    fn write_bytes(this: &Sink, utf8: &[u8], end: bool);
}

#[wasm_bindgen(module = "/js/hooks.js")]
extern "C" {
    /// The Meta event's data, `{"href":…,"width":…,"height":…}`, the page's URL and viewport
    /// size as JSON (`replay/js/hooks.js`).
    #[wasm_bindgen(js_name = pgMeta)]
    fn meta() -> wasm_bindgen::JsValue;
}

/// rrweb's event types used here.
pub(crate) const FULL_SNAPSHOT: u8 = 2;
pub(crate) const INCREMENTAL: u8 = 3;
pub(crate) const META: u8 = 4;

/// Tunables, from the start options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// Longest stretch of snapshot work in one task, ms.
    pub(crate) slice_ms: f64,
    /// A new full snapshot this often (when anything happened since the last), ms.
    pub(crate) checkout_ms: u32,
}

/// One recording page.
#[derive(Debug)]
pub(crate) struct Recorder {
    pub(crate) mirror: Mirror,
    pub(crate) buffer: Buffer,
    pub(crate) sink: Sink,
    pub(crate) doc: Node,
    pub(crate) base: String,
    settings: Settings,
    walk: Option<Walk>,
    /// Complete events that happened while a snapshot was streaming.
    held: Vec<String>,
    last_ts: f64,
    /// Incremental events since the latest full snapshot.
    since_snapshot: u32,
    observer: MutationObserver,
    _listeners: Listeners,
    pub(crate) timers: Timers,
    /// Pointer positions waiting (JSON entries), and when the last was sampled.
    pub(crate) moves: Vec<(f64, f64, u32, f64)>,
    pub(crate) last_move: f64,
    pub(crate) moves_source: u8,
    /// Scrolled nodes and whether the viewport was resized, waiting for the throttle timer.
    pub(crate) scrolls: Vec<(Node, u32)>,
    pub(crate) resized: bool,
    /// Last input event data per input id, so repeats are not sent.
    pub(crate) last_input: Vec<(u32, String)>,
}

impl Sink {
    /// Hands `text` to the sink; `end` when it completes an event.
    pub(crate) fn write(&self, text: &str, end: bool) {
        self.write_bytes(text.as_bytes(), end);
    }
}

impl Recorder {
    /// Starts recording `doc`: observers on, Meta and the first snapshot slice written.
    /// `me` is how its callbacks reach it.
    pub(crate) fn new(me: &Handle, doc: Node, sink: Sink, settings: Settings) -> Self {
        let listeners = observers::install(me, &doc);
        let observer = listeners.mutation_observer(observers::MUTATIONS);
        dom::observe(&observer, &doc);
        let base = dom::text(&doc, "baseURI");
        let timers = Timers::new(&listeners);
        Self {
            mirror: Mirror::default(),
            buffer: Buffer::default(),
            sink,
            doc,
            base,
            settings,
            walk: None,
            held: Vec::new(),
            last_ts: 0.0,
            since_snapshot: 0,
            observer,
            _listeners: listeners,
            timers,
            moves: Vec::new(),
            last_move: 0.0,
            moves_source: 1,
            scrolls: Vec::new(),
            resized: false,
            last_input: Vec::new(),
        }
    }

    /// Whether a snapshot is being written.
    pub(crate) fn snapshotting(&self) -> bool {
        self.walk.is_some()
    }

    /// The next timestamp: now, never earlier than the last one.
    fn stamp(&mut self) -> f64 {
        self.last_ts = dom::date_now().max(self.last_ts);
        self.last_ts
    }

    /// `{"type":…,"timestamp":…,"data":` for an event stamped now.
    pub(crate) fn head(&mut self, ty: u8) -> String {
        let ts = self.stamp();
        let mut text = String::with_capacity(64);
        text.push_str("{\"type\":");
        json::uint(&mut text, u64::from(ty));
        text.push_str(",\"timestamp\":");
        json::round(&mut text, ts);
        text.push_str(",\"data\":");
        text
    }

    /// Emits an event whose data JSON is `data`; held back while a snapshot streams.
    pub(crate) fn emit(&mut self, ty: u8, data: &str) {
        let mut text = self.head(ty);
        text.push_str(data);
        self.emit_event(ty, text);
    }

    /// Emits an event written in place after its [`Self::head`]: closes it and hands it on (a
    /// mutation's megabyte is not copied behind a head).
    pub(crate) fn emit_event(&mut self, ty: u8, mut text: String) {
        text.push('}');
        if ty == INCREMENTAL {
            self.since_snapshot += 1;
        }
        if self.walk.is_some() {
            self.held.push(text);
        } else {
            self.sink.write(&text, true);
        }
    }

    /// Starts a full snapshot (Meta first) unless one is running; pending changes go out first.
    pub(crate) fn take_snapshot(&mut self) {
        if self.walk.is_some() {
            return;
        }
        let records = self.observer.take_records();
        self.on_mutations(&records);
        self.flush_moves();
        self.emit(META, &dom::string(meta()));
        let mut out = self.head(FULL_SNAPSHOT);
        out.push_str("{\"node\":");
        self.base = dom::text(&self.doc, "baseURI");
        let walk = Walk::start(&mut self.mirror, &self.doc, &mut out, &self.base);
        self.sink.write(&out, false);
        self.walk = Some(walk);
        self.since_snapshot = 0;
        self.slice();
    }

    /// One slice of snapshot work; finishes the snapshot or schedules the next slice.
    fn slice(&mut self) {
        let Some(walk) = self.walk.as_mut() else { return };
        let deadline = dom::perf_now() + self.settings.slice_ms;
        let mut out = String::with_capacity(64 * 1024);
        let done = walk.step(&mut self.mirror, &mut out, &self.base, deadline, &self.observer);
        if !done {
            self.sink.write(&out, false);
            self.timers.arm(Timer::Slice, 0);
            return;
        }
        self.walk = None;
        snapshot::finish(&mut out, &self.doc);
        self.sink.write(&out, true);
        // Changes made while the snapshot was written, then what happened meanwhile.
        self.flush_mutations();
        for text in &self.held {
            self.sink.write(text, true);
        }
        self.held.clear();
        self.timers.arm(Timer::Checkout, self.settings.checkout_ms);
    }

    /// A timer fired.
    pub(crate) fn on_timer(&mut self, which: u32) {
        let Some(timer) = Timer::from_u32(which) else { return };
        self.timers.fired(timer);
        match timer {
            Timer::Slice => self.slice(),
            Timer::Checkout if self.since_snapshot > 0 => self.take_snapshot(),
            Timer::Checkout => self.timers.arm(Timer::Checkout, self.settings.checkout_ms),
            Timer::Moves => self.flush_moves(),
            Timer::Throttle => self.flush_throttled(),
        }
    }

    /// The observer's callback: records in, and out as one event unless a snapshot runs.
    pub(crate) fn on_mutations(&mut self, records: &Array) {
        if records.length() > 0 {
            self.buffer.take(&mut self.mirror, records);
        }
        if self.walk.is_none() {
            self.flush_mutations();
        }
    }

    /// Writes the buffered mutations as one event, when there are any.
    pub(crate) fn flush_mutations(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let mut text = self.head(INCREMENTAL);
        let head = text.len();
        self.buffer.flush(&mut self.mirror, &mut text, &self.base, &self.observer);
        // Any entry makes the event longer than the empty one (its text is not compared).
        if text.len() - head > EMPTY_MUTATION.len() {
            self.emit_event(INCREMENTAL, text);
        }
    }

    /// Everything pending goes out now (the page is going away, or recording stops).
    pub(crate) fn flush_all(&mut self) {
        if self.walk.is_none() {
            let records = self.observer.take_records();
            self.on_mutations(&records);
        }
        self.flush_moves();
        self.flush_throttled();
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// A flush that found nothing to say.
const EMPTY_MUTATION: &str =
    "{\"source\":0,\"adds\":[],\"texts\":[],\"attributes\":[],\"removes\":[]}";
