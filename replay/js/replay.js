/*
 * PulseGate replay chunk: /sdk/replay-<hash>.js, loaded by tracker.js only for sessions that are
 * recorded (sdk/js/loader.js decides), and started at once for the tracker on the page. It adds
 * `PulseGate.replay`:
 *
 *   PulseGate.replay.start({                           // every option defaults to the tracker's:
 *     endpoint: "https://pulsegate.example",           //   where POST /track/replay goes
 *     session: function () { return { id, startedAt } },  // the session now (PulseGate._state())
 *     send: function (url, body, unloading) {},        //   the uploader's POST with retries
 *   })                                                 // → Promise<boolean>
 *   PulseGate.replay.stop(drop)                        // drop: discard what was not sent yet
 *
 * The recorder (wasm) writes rrweb events as JSON text into the uploader below, which frames them
 * as a ReplayBatch, gzips the batch with CompressionStream where the browser has it, and posts it
 * every few seconds, when it grows large, and when the page hides; a failed POST is retried with
 * backoff, honouring Retry-After, and a batch cut while the page goes away leaves by sendBeacon.
 * (Not through the tracker's outbox: that carries text and mirrors it to localStorage, where a
 * multi-megabyte snapshot does not fit, and sends one request at a time, which a snapshot would
 * hold up.) Nothing here throws into the host page.
 */
"use strict"; // the whole chunk's script

/*__PULSEGATE_GLUE__*/

(function () {
  var script = document.currentScript;

  /** A batch goes out this long after its first event, ms. */
  var FLUSH_MS = 5000;
  /** …or once its JSON reaches this many bytes. */
  var MAX_BYTES = 512 * 1024;
  /** Bodies sent while the page unloads must fit the keepalive budget (64 KB per page). */
  var UNLOAD_BYTES = 60 * 1024;
  var RETRIES = 4;
  var COMMA = new Uint8Array([44]);

  var PG = window.PulseGate || (window.PulseGate = {});
  if (PG.replay) return;
  var wasmUrl = new URL("__PULSEGATE_WASM_PATH__", script ? script.src : location.href).href;
  var running = null;

  /*
   * The recorder's wasm, instantiated once with the glue's import table, compiling while it
   * streams; a server or proxy that sends another content type than application/wasm gets the
   * slower path. A failure rejects, and the next start tries again.
   */
  var ready = null;
  function loadWasm() {
    return ready || (ready = fetch(wasmUrl).then(function (response) {
      if (!response.ok) throw new Error("wasm " + response.status);
      var whole = function () {
        return response.clone().arrayBuffer().then(function (b) { return WebAssembly.instantiate(b, __wbg_get_imports()); });
      };
      return WebAssembly.instantiateStreaming
        ? WebAssembly.instantiateStreaming(response.clone(), __wbg_get_imports()).catch(whole)
        : whole();
    }).then(function (r) {
      __wbg_finalize_init(r.instance, r.module);
    }).catch(function (e) {
      ready = null;
      throw e;
    }));
  }

  function uuid() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = "";
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? "-" : "");
    return h;
  }

  /** Retries a failed POST with backoff (honouring Retry-After), then gives up quietly. */
  function post(url, body, unloading, attempt) {
    attempt = attempt || 0;
    var again = function (ms) {
      if (attempt + 1 < RETRIES) setTimeout(function () { post(url, body, false, attempt + 1); }, ms);
    };
    try {
      var size = body.size === undefined ? body.byteLength : body.size;
      if (unloading && size <= UNLOAD_BYTES && navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
      fetch(url, { method: "POST", body: body, mode: "cors", credentials: "omit", keepalive: unloading && size <= UNLOAD_BYTES })
        .then(function (res) {
          if (res.status === 429 || res.status >= 500) {
            var after = Number(res.headers.get("retry-after"));
            again(after > 0 ? after * 1000 : 1000 * Math.pow(2, attempt));
          }
        })
        .catch(function () { again(1000 * Math.pow(2, attempt)); });
    } catch (_) { /* no fetch: nothing to do */ }
  }

  /** Largest piece handed to the compressor at once: compressing it is one short task. */
  var PIECE = 32 * 1024;

  /**
   * gzip of `parts` (Uint8Arrays and strings) with CompressionStream, fed in small pieces with a
   * yield between them, so a multi-megabyte snapshot never compresses in one long task.
   */
  function gzip(parts) {
    var cs = new CompressionStream("gzip");
    var writer = cs.writable.getWriter();
    var out = new Response(cs.readable).arrayBuffer();
    var enc = new TextEncoder();
    var i = 0;
    var at = 0;
    var pump = function () {
      return writer.ready.then(function () {
        if (i >= parts.length) return writer.close();
        var part = parts[i];
        if (typeof part === "string") part = parts[i] = enc.encode(part);
        var piece = part.subarray(at, at + PIECE);
        at += PIECE;
        if (at >= part.length) { i++; at = 0; }
        writer.write(piece);
        return new Promise(function (r) { setTimeout(r, 0); }).then(pump);
      });
    };
    return pump().then(function () { return out; });
  }

  function Uploader(options) {
    var parts = [];
    var bytes = 0;
    var events = 0;
    var boundary = true;
    /** A new session began and the loader has not yet decided whether it is recorded. */
    var holding = false;
    var cut = 0;
    var timer = 0;
    var batchSession = null;
    /** The session the recording belongs to (batches come and go; this stays). */
    var recorded = null;
    var tracker = PG._l && PG._l.c;
    var url = String(options.endpoint || (tracker && tracker.endpoint)).replace(/\/$/, "") + "/track/replay";
    var send = typeof options.send === "function" ? options.send : post;
    this.stats = { batches: 0, events: 0, rawBytes: 0, sentBytes: 0 };
    var stats = this.stats;

    function currentSession() {
      try {
        if (options.session) return options.session();
        var st = PG._state();
        return st && st.sessionId ? { id: st.sessionId, startedAt: st.sessionStartedAt } : null;
      } catch (_) {
        return null;
      }
    }

    /** Sends the events completed so far; with `unloading`, synchronously and uncompressed. */
    var flush = this.flush = function (unloading) {
      if (timer) { clearTimeout(timer); timer = 0; }
      if (!events || !batchSession) return;
      var take = boundary ? parts.length : cut;
      var taken = parts.slice(0, take);
      parts = parts.slice(take);
      // Cut inside an event (a snapshot still streaming): its separating comma stays behind.
      if (parts[0] === COMMA) parts.shift();
      bytes = 0;
      for (var i = 0; i < parts.length; i++) bytes += parts[i].length;
      var s = batchSession;
      // A Blob, not one joined string: no main-thread copy of a multi-megabyte snapshot. Its type
      // stays empty, so the POST needs no CORS preflight.
      var head = '{"batch_id":"' + uuid() + '","session_id":"' + s.id + '","session_started_at":' + s.startedAt + ',"events":[';
      var body = new Blob([head].concat(taken, ["]}"]));
      events = 0;
      cut = 0;
      if (!parts.length) batchSession = null;
      stats.batches++;
      stats.rawBytes += body.size;
      if (!unloading && typeof CompressionStream === "function") {
        gzip([head].concat(taken, ["]}"]))
          .then(function (gz) { stats.sentBytes += gz.byteLength; send(url, gz, false); })
          .catch(function () { send(url, body, false); });
      } else {
        stats.sentBytes += body.size;
        send(url, body, unloading);
      }
    };

    var self = this;
    /** Held for a new session: its checkout was asked for, and its Meta event ends the hold. */
    var starting = false;
    /**
     * A new session began on this open page: what is waiting belongs to the old one. Nothing of
     * the new one is kept until the loader has decided on it (sampled in at the last known rate,
     * a tier that allows replay), on the next task, outside the recorder; the loader stops this
     * recording when the new session is not recorded. When it is, a full snapshot starts it, so
     * it plays on its own.
     */
    function newSession() {
      flush(false);
      holding = true;
      setTimeout(function () {
        var decide = !options.session && PG._l && PG._l.p;
        try { if (decide) decide(); } catch (_) { /* the loader decides next time */ }
        starting = true;
        checkout(0);
      }, 0);
    }

    function checkout(tries) {
      if (running !== self || !starting) return;
      try { self.control(1); } catch (_) { /* stopped meanwhile */ }
      // A snapshot still streaming (begun for the last session) makes the checkout wait for it.
      if (starting && tries < 50) setTimeout(function () { checkout(tries + 1); }, 100);
    }

    /** The recorder's sink: UTF-8 JSON (a view of wasm memory, copied here), and whether it ends
     * an event. */
    this.write = function (utf8, end) {
      if (boundary) {
        var s = currentSession();
        if (!s) return;
        if (holding) {
          // Held, only the checkout's Meta event (`{"type":4,`, recorder.rs `head`) is kept:
          // changes made before it belong to no full snapshot of the new session.
          if (!(starting && utf8[8] === 52 && utf8[9] === 44)) {
            boundary = end;
            return;
          }
          holding = starting = false;
        } else if (recorded && recorded !== s.id) {
          newSession();
          boundary = end;
          return;
        }
        recorded = s.id;
        if (!batchSession) batchSession = s;
        if (events) parts.push(COMMA);
      } else if (holding) {
        boundary = end;
        return;
      }
      parts.push(utf8.slice());
      bytes += utf8.length;
      boundary = end;
      if (end) {
        events++;
        stats.events++;
        cut = parts.length;
        if (bytes >= MAX_BYTES) flush(false);
        else if (!timer) timer = setTimeout(function () { timer = 0; flush(false); }, FLUSH_MS);
      }
    };
  }

  function onHide() {
    if (!running) return;
    try { running.control(0); } catch (_) { /* not started */ }
    // pagehide (on window): the page may be going away, so send synchronously.
    running.flush(this === window);
  }

  PG.replay = {
    start: function (options) {
      if (running) return Promise.resolve(true);
      options = options || {};
      try {
        var uploader = new Uploader(options);
        running = uploader;
        return loadWasm().then(function () {
          if (running !== uploader) return false;
          // The recorder's control function (0 flush, 1 checkout, 2 stop), or false/null: no recording.
          var control = replay_start(uploader, options.sliceMs, options.checkoutMs);
          if (typeof control !== "function") { running = null; return false; }
          uploader.control = control;
          PG.replay.stats = uploader.stats;
          addEventListener("pagehide", onHide);
          document.addEventListener("visibilitychange", onHide);
          return true;
        }).catch(function () { running = null; return false; });
      } catch (_) {
        running = null;
        return Promise.resolve(false);
      }
    },
    /** gzip in small pieces (see above); the uploader's own compression, for measurements. */
    gzip: gzip,
    /** Sends what is waiting now (without waiting for the timer): `onHide`, not on the window. */
    flush: onHide,
    /** Stops recording; what waits is sent, unless `drop` (an opt-out, or a tier without replay). */
    stop: function (drop) {
      if (!running) return;
      try { running.control(2); } catch (_) { /* not started */ }
      if (!drop) running.flush(false);
      running = null;
      removeEventListener("pagehide", onHide);
      document.removeEventListener("visibilitychange", onHide);
    },
  };
  // Loaded by tracker.js: record for it now.
  if (PG._l) PG.replay.start();
})();
