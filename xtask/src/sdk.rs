//! Builds the browser bundles. Each bundle is a script a site loads (`tracker.js`, `form.js`, and
//! `pulse.js`: both in one script, one chunk and one wasm, for sites that call `PulseGate.init()`)
//! built from the one SDK crate with its own cargo features, loader and boot entry:
//!
//! ```text
//! cargo build (wasm32, release, bundle features)
//!   → wasm-bindgen --target web           glue (an ES module) + the SDK's JS imports (sdk/js/host.js)
//!   → prune: the glue's code no browser with reference types runs (`DEAD_GLUE`),
//!     `makeClosure` as a plain wrapper (`keep_closures`: the wasm drops no closure),
//!     and the handler a direct call of the wasm's invoke export (`direct_closures`)
//!   → unthrow.rs: wasm-bindgen's `throw_str` a trap (its import and glue shim go)
//!   → unsaid.rs (tracker.js and pulse.js): the closure message's bytes zeroed, checked unread
//!     after wasm-opt
//!   → wasm-opt -Oz --converge, wasm-metadce (only the exports the pruned glue names), wasm-opt
//!     again (binaryen 132); or, where it measured smaller (`Bundle::one_pass`), unexported.rs
//!     (the exports the glue never names dropped) and one wasm-opt
//!   → minify.rs: short import/export names sdk/pulsegate-<hash>.wasm
//!   → esbuild: boot entry + glue          sdk/pulsegate-<hash>.js   (the code chunk; only the glue's
//!                                           import table and init step survive tree shaking)
//!   → esbuild --target=es5: loader        <script>.js               (names both chunks, relative)
//! ```
//!
//! The tracker's session-replay chunk comes from its own crate (`replay/`, `no_std` + js-sys)
//! and is loaded by the loader only for sessions that are recorded:
//!
//! ```text
//! cargo build -p pulsegate-replay (wasm32, release)
//!   → wasm-bindgen --target web           glue (an ES module; its exports and DEAD_GLUE dropped,
//!                                           `makeClosure` a plain wrapper: `keep_closures`, each
//!                                           closure a direct call: `direct_closures`)
//!   → unwake.rs: js-sys's JSPI waker and the closure invoke shims out of the function table
//!   → unthrow.rs: wasm-bindgen's `throw_str` a trap (its import and glue shim go)
//!   → unexported.rs: the exports the glue never reads dropped
//!   → wasm-opt -Oz --monomorphize -Oz --converge -ocimfs 25 (binaryen 132)
//!   → minify.rs: short import/export names sdk/replay-<hash>.wasm
//!   → replay/js/replay.js + glue (which imports replay/js/hooks.js, a wasm-bindgen snippet)
//!   → esbuild --bundle --minify            sdk/replay-<hash>.js  (named in the loader)
//! ```
//!
//! The output directory mirrors the URLs the worker serves (`tracker.js`, `sdk/…`); content-hashed
//! names never change meaning, so they can be cached for a year.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cmd::{self, step};
use crate::{Result, minify, paths, unexported, unsaid, unthrow, unwake};

/// One script and the SDK features compiled into it.
#[derive(Debug)]
pub(crate) struct Bundle {
    /// The script's file name, served at `/<script>`.
    pub(crate) script: &'static str,
    /// Cargo features of `pulsegate-sdk` (the crate is built without its defaults).
    pub(crate) features: &'static [&'static str],
    /// The ES5 loader that becomes `<script>`: these files (relative to the repository), in order.
    pub(crate) loader: &'static [&'static str],
    /// The code chunk's entry, bundled with the wasm-bindgen glue.
    pub(crate) boot: &'static str,
    /// Whether the exports the glue never names leave the wasm's export section before one
    /// wasm-opt (`unexported.rs`, as the replay chunk's do) rather than by wasm-metadce between
    /// two: whichever made the bundle smaller (see [`optimize`]).
    pub(crate) one_pass: bool,
}

/// Every bundle `cargo xtask build` makes.
pub(crate) const BUNDLES: &[Bundle] = &[
    Bundle {
        script: "tracker.js",
        features: &["tracker", "fingerprint"],
        loader: &["sdk/js/loader.js"],
        boot: "sdk/js/boot.js",
        one_pass: true,
    },
    Bundle {
        script: "form.js",
        features: &["form"],
        loader: &["sdk/js/form-loader.js"],
        boot: "sdk/js/form-boot.js",
        one_pass: true,
    },
    // The two loaders as they are, after a prelude through which they share one download of the
    // chunk and the wasm, and before the part that hands `PulseGate.init()`'s site key to forms.
    Bundle {
        script: "pulse.js",
        features: &["tracker", "fingerprint", "form"],
        loader: &[
            "sdk/js/pulse-prelude.js",
            "sdk/js/loader.js",
            "sdk/js/form-loader.js",
            "sdk/js/pulse-init.js",
        ],
        boot: "sdk/js/pulse-boot.js",
        one_pass: false,
    },
];

/// esbuild targets for the code chunk: the browsers `browserslist` in package.json names (a
/// unit test keeps the two equal). The floor is the wasm's, not the JS's: rustc's wasm32 output
/// uses reference types (Chrome 96, Firefox 79, Safari 15), which the loader checks with
/// `WebAssembly.validate` before it downloads anything. The loader itself is ES5, so older
/// browsers parse it and stop.
pub(crate) const CHUNK_TARGETS: &str = "chrome96,edge96,firefox79,safari15,ios15,opera82";

/// The wasm instantiation every boot entry imports (`./instantiate.js` beside it in the stage).
const INSTANTIATE_JS: &str = "sdk/js/instantiate.js";

/// wasm-opt's optimization passes for every bundle (and for the named copy `cargo xtask size`
/// gives twiggy). `--converge` repeats `-Oz` until the module stops shrinking: about 60 B gzip.
/// The features rustc enabled (bulk memory, sign extension, non-trapping float-to-int, reference
/// types, multi-value) come from the module's `target_features` section, which the shipped wasm
/// then drops (`--strip-target-features`: about 100 B gzip no browser reads).
/// `--low-memory-unused` lets `-Oz` fold a constant added to an address into the load's or
/// store's offset (which does not wrap around as the addition does: the two differ only for an
/// address below 1024): rustc's wasm32 modules put their 1 MiB stack first, growing down from
/// 1,048,576, their data after it and their heap above that, so the first KiB is touched only by
/// a stack within 1 KiB of overflowing (about 80 B gzip off the tracker's wasm). `-aimfs 5`
/// inlines every function of up to 5 bytes of code where binaryen's `-Oz` stops at 2: 3 and 4
/// saved less, 6 made the tracker 141 B gzip larger than 5 (see `size.rs`).
pub(crate) const WASM_OPT_FLAGS: &[&str] =
    &["-Oz", "--converge", "--low-memory-unused", "-aimfs", "5"];

/// wasm-opt's passes for the replay chunk: [`WASM_OPT_FLAGS`] with a call that passes a constant
/// given a copy of its callee specialized for it where that is smaller (`--monomorphize`) between
/// two `-Oz`, the whole repeated until the module stops shrinking. A function called from one
/// place is inlined there only up to 25 bytes of code (`-ocimfs 25`; binaryen inlines it whatever
/// its size by default): `replay_start`'s body stays out of its externref shim and `Vec::push`'s
/// growth out of three pushes, which then compress better (see `size.rs`).
const REPLAY_WASM_OPT_FLAGS: &[&str] = &[
    "-Oz",
    "--monomorphize",
    "-Oz",
    "--converge",
    "--low-memory-unused",
    "-aimfs",
    "5",
    "-ocimfs",
    "25",
];

/// The exports of the replay chunk's wasm that its glue (pruned, closures kept) never reads,
/// dropped before wasm-opt (`unexported.rs`); the build stops should the glue read one.
const DEAD_EXPORTS: &[&str] =
    &["__wbindgen_free", "__wbindgen_destroy_closure", "__abort_handler", "__instance_terminated"];

/// A built file: its path under the bundle directory (= its URL path) and its bytes.
type Output = (String, Vec<u8>);

/// Builds every bundle into `paths::sdk_dist()`.
pub(crate) fn build() -> Result {
    let mut outputs = build_replay()?;
    let replay_chunk = outputs[0].0.clone();
    for bundle in BUNDLES {
        outputs.extend(build_bundle(bundle, &replay_chunk)?);
    }
    write_dist(&outputs)
}

/// The replay chunk: `[(sdk/replay-<hash>.js, …), (sdk/replay-<hash>.wasm, …)]`.
fn build_replay() -> Result<Vec<Output>> {
    let root = paths::root();
    let target = paths::target();
    step(
        "build the replay chunk (wasm32, release)",
        cmd::cargo().args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "pulsegate-replay",
        ]),
    )?;
    let stage = target.join("sdk-build").join("replay");
    let _ = fs::remove_dir_all(&stage);
    step(
        "wasm-bindgen replay (ES module glue)",
        cmd::tool("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&stage)
            .arg(target.join("wasm32-unknown-unknown/release/pulsegate_replay.wasm")),
    )?;
    // js-sys's JSPI waker, which nothing reaches once wasm-bindgen deleted its export, and the
    // closure invoke shims, which nothing calls through the table; `throw_str` made a trap (its
    // one caller left is a branch that never runs); the exports the glue never reads.
    let bindgen = stage.join("pulsegate_replay_bg.wasm");
    let unwoken = stage.join("replay.unwoken.wasm");
    let wasm = unthrow::unthrow(&unwake::unwake(&read(&bindgen)?)?)?;
    write(&unwoken, &unexported::unexported(&wasm, DEAD_EXPORTS)?)?;
    let optimized = stage.join("replay.opt.wasm");
    step(
        "wasm-opt -Oz --monomorphize -Oz --converge replay (binaryen 132)",
        cmd::tool(paths::node_bin("wasm-opt"))
            .args(REPLAY_WASM_OPT_FLAGS)
            .args(["--strip-debug", "--strip-producers", "--strip-target-features"])
            .arg(&unwoken)
            .arg("-o")
            .arg(&optimized),
    )?;
    let text = |path: &Path| {
        String::from_utf8(read(path)?).map_err(|_| format!("{} is not UTF-8", path.display()))
    };
    // The names the wasm and the glue share, shortened as for the tracker.
    let optimized = read(&optimized)?;
    let glue = unthrow::unimport(&text(&stage.join("pulsegate_replay.js"))?, &optimized)?;
    let (wasm, glue) = minify::minify(&optimized, &glue)?;
    let wasm_name = format!("replay-{}.wasm", short_hash(&wasm));
    let glue = keep_closures(&prune(&glue, false)?)?;
    if let Some(name) = DEAD_EXPORTS.iter().find(|name| glue.contains(&format!("wasm.{name}"))) {
        return Err(format!("the replay's glue reads `{name}`: update DEAD_EXPORTS"));
    }
    let (glue, start) = unexport(&direct_closures(&glue)?)?;
    let script =
        splice_replay(&text(&root.join("replay/js/replay.js"))?, &glue, &wasm_name, &start)?;
    let unminified = stage.join("replay.js");
    write(&unminified, script.as_bytes())?;
    let minified = stage.join("replay.min.js");
    // Bundled (one file, the hooks the glue imports inlined): unused top-level functions of the
    // glue (its own loaders, `initSync`) are dropped, which they are not inside a function.
    esbuild(
        "esbuild: replay chunk",
        &unminified,
        &minified,
        &["--bundle", "--format=iife", &format!("--target={CHUNK_TARGETS}")],
    )?;
    let script = read(&minified)?;
    Ok(vec![
        (format!("sdk/replay-{}.js", short_hash(&script)), script),
        (format!("sdk/{wasm_name}"), wasm),
    ])
}

/// The replay's ES module glue as plain top-level declarations for the chunk's script, and the
/// call `replay/js/replay.js` makes for `replay_start` (`wasm.<export>`): the glue's
/// `replay_start`, a wrapper that only passes its arguments on to the wasm's export, goes, and the
/// module's default export (its own loader) and `initSync` are not exported. `replay.js`
/// instantiates the wasm itself with the glue's `__wbg_get_imports` and `__wbg_finalize_init`.
fn unexport(glue: &str) -> Result<(String, String)> {
    const START: &str =
        "export function replay_start(sink, slice_ms, checkout_ms) {\n    const ret = wasm.";
    const END: &str = "(sink, slice_ms, checkout_ms);\n    return ret;\n}\n";
    const DEFAULT: &str = "export { initSync, __wbg_init as default };";
    for needed in [START, DEFAULT, "function __wbg_get_imports(", "function __wbg_finalize_init("] {
        if !glue.contains(needed) {
            return Err(format!("the replay's glue has no `{needed}`: update replay/js/replay.js"));
        }
    }
    let at = glue.find(START).unwrap_or_default();
    let name = &glue[at + START.len()..];
    let name = &name[..name.find(END).unwrap_or_default()];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(
            "the glue's `replay_start` is not a plain wrapper: update `unexport`".to_owned()
        );
    }
    let glue = format!("{}{}", &glue[..at], &glue[at + START.len() + name.len() + END.len()..]);
    if glue.replacen(DEFAULT, "", 1).contains("export ") {
        return Err("the replay's glue exports more than replay/js/replay.js expects".to_owned());
    }
    Ok((glue.replacen(DEFAULT, "", 1), format!("wasm.{name}")))
}

/// Puts the glue and the wasm's name (relative to the chunk) into the replay template, and the
/// wasm's export (`start`, from [`unexport`]) where it calls `replay_start(`. The glue imports the
/// hooks (`replay/js/hooks.js`) from wasm-bindgen's copy of them beside it, which esbuild
/// bundles: the wasm imports each hook that needs no conversion itself, without a shim.
fn splice_replay(template: &str, glue: &str, wasm: &str, start: &str) -> Result<String> {
    const GLUE: &str = "/*__PULSEGATE_GLUE__*/";
    const WASM: &str = "__PULSEGATE_WASM_PATH__";
    const CALL: &str = "replay_start(";
    if ![GLUE, WASM].iter().all(|m| template.contains(m)) || template.matches(CALL).count() != 1 {
        return Err(format!("replay/js/replay.js must contain {GLUE}, {WASM} and one {CALL}"));
    }
    Ok(template.replacen(CALL, &format!("{start}("), 1).replacen(GLUE, glue, 1).replace(WASM, wasm))
}

fn build_bundle(bundle: &Bundle, replay_chunk: &str) -> Result<Vec<Output>> {
    let root = paths::root();
    let target = paths::target();
    let name = bundle.script.trim_end_matches(".js");
    step(
        &format!(
            "build SDK for {} (wasm32, release, features: {})",
            bundle.script,
            bundle.features.join(",")
        ),
        cmd::cargo()
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "pulsegate-sdk",
            ])
            .args(["--no-default-features", "--features", &bundle.features.join(",")]),
    )?;
    let stage = target.join("sdk-build").join(name);
    let _ = fs::remove_dir_all(&stage);
    let raw = target.join("wasm32-unknown-unknown/release/pulsegate_sdk.wasm");
    step(
        "wasm-bindgen (web target)",
        cmd::tool("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&stage)
            .arg(&raw),
    )?;
    // The glue exports only `start` and its loaders; the boot code needs its import table and
    // finishing step instead (and then the loaders are tree-shaken away).
    let glue = String::from_utf8(read(&stage.join("pulsegate_sdk.js"))?)
        .map_err(|_| "wasm-bindgen glue is not UTF-8")?;
    let glue = expose_internals(&direct_closures(&keep_closures(&prune(&glue, true)?)?)?)?;
    let glue = if bundle.features.contains(&"tracker") { glue } else { form_glue(&glue)? };
    let optimized = stage.join("pulsegate_sdk.opt.wasm");
    // `throw_str` made a trap: its one caller is the closure invoke shim's branch that never runs.
    let unthrown = stage.join("pulsegate_sdk.unthrown.wasm");
    let wasm = unthrow::unthrow(&read(&stage.join("pulsegate_sdk_bg.wasm"))?)?;
    // The tracker's (and `pulse.js`'s): its message zeroed, which wasm-opt then leaves out of the
    // data.
    let (wasm, message) = match bundle.script {
        "tracker.js" | "pulse.js" => {
            unsaid::unsay(&wasm).map(|(wasm, range)| (wasm, Some(range)))?
        }
        _ => (wasm, None),
    };
    write(&unthrown, &wasm)?;
    optimize(&unthrown, &glue, &optimized, bundle.one_pass)?;
    let optimized = read(&optimized)?;
    if let Some(range) = message {
        unsaid::unnamed(&optimized, range)?;
    }
    let glue = unthrow::unimport(&glue, &optimized)?;
    // The names both sides share are shortened.
    let (wasm, glue) = minify::minify(&optimized, &glue)?;
    let wasm_name = format!("sdk/pulsegate-{}.wasm", short_hash(&wasm));
    write(&stage.join("glue.js"), glue.as_bytes())?;
    fs::copy(root.join(bundle.boot), stage.join("boot.js"))
        .map_err(|e| format!("cannot copy {}: {e}", bundle.boot))?;
    fs::copy(root.join(INSTANTIATE_JS), stage.join("instantiate.js"))
        .map_err(|e| format!("cannot copy {INSTANTIATE_JS}: {e}"))?;
    let chunk_path = stage.join("chunk.js");
    esbuild(
        "esbuild: code chunk (boot.js + glue)",
        &stage.join("boot.js"),
        &chunk_path,
        &[
            "--bundle",
            "--format=iife",
            &format!("--target={CHUNK_TARGETS}"),
            "--log-override:empty-import-meta=silent",
        ],
    )?;
    let chunk = read(&chunk_path)?;
    let chunk_name = format!("sdk/pulsegate-{}.js", short_hash(&chunk));

    let mut loader = String::new();
    for part in bundle.loader {
        let text = String::from_utf8(read(&root.join(part))?)
            .map_err(|_| format!("{part} is not UTF-8"))?;
        loader.push_str(&text);
        loader.push('\n');
    }
    let loader = splice(&loader, &chunk_name, &wasm_name)?.replace(REPLAY, replay_chunk);
    let spliced = stage.join("loader.js");
    write(&spliced, loader.as_bytes())?;
    let script_path = stage.join(bundle.script);
    // `--target=es5` fails on any syntax an ES5 browser cannot parse (let, classes, …).
    esbuild("esbuild: loader (ES5)", &spliced, &script_path, &["--target=es5"])?;
    Ok(vec![
        (bundle.script.to_owned(), read(&script_path)?),
        (chunk_name, chunk),
        (wasm_name, wasm),
    ])
}

/// Parts of wasm-bindgen's glue that never run in a browser the chunks load in (every one with
/// reference types, which the loaders check first: Chrome 96, Firefox 79, Safari 15), and that
/// esbuild cannot tell are dead, with what stays of each: a `TextEncoder.encodeInto` fallback
/// (Chrome 74, Firefox 66 and Safari 14.1 have it), the string copy for a call without `realloc`
/// (every call the glue makes passes the wasm's; [`SMALL_GLUE`] makes it the copy for every call in
/// the tracker's and the form's bundles), and a stand-in for a missing `FinalizationRegistry` (Chrome 84, Firefox 79, Safari 14.1); and the
/// `detached` test before the memory view's buffer is compared with the memory's (a buffer that
/// growth detached is never the memory's `buffer`, whose growth hands out a new one: the
/// comparison alone says the same); and the instance and the module `__wbg_finalize_init` keeps
/// in variables that no import of these bundles reads (`prune` stops the build if one does).
const DEAD_GLUE: &[(&str, &str)] = &[
    (
        "if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}
",
        "",
    ),
    (
        "    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
",
        "",
    ),
    (
        "(typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(",
        "new FinalizationRegistry(",
    ),
    (
        "cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && ",
        "",
    ),
    (
        ".buffer)) {\n        cachedDataViewMemory0 = new DataView(",
        ".buffer) {\n        cachedDataViewMemory0 = new DataView(",
    ),
    ("let wasmModule, wasmInstance, wasm;\n", "let wasm;\n"),
    ("    wasmInstance = instance;\n", ""),
    ("    wasmModule = module;\n", ""),
];

/// Rewrites of wasm-bindgen's glue that trade speed for bytes, made in the tracker's and the lead
/// form's bundles only, which hand the wasm a few short texts per page: a string copied into the
/// wasm by one `encode` and one copy instead of the ASCII loop and `encodeInto` into a buffer
/// `realloc` grows and shrinks (the same bytes; the copy no longer handed `realloc`, so the wasm
/// loses its `__wbindgen_realloc` export, see [`metadce_graph`]), and a returned string's pointer
/// and length written back through one `Int32Array` view's `set` instead of two `DataView` writes
/// (the memory is little-endian in every browser), so that the glue's `DataView` of the memory
/// goes. The replay chunk keeps wasm-bindgen's copy: it hands the wasm a text per node, and with
/// these two rewrites `cargo xtask bench replay`'s added time for 10,000 additions + 10,000
/// attribute changes at 4× CPU was about 870 ms against about 280 ms without them (the allocation
/// each makes per text).
const SMALL_GLUE: &[(&str, &str)] = &[
    (
        "
    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }

    WASM_VECTOR_LEN = offset;
    return ptr;
}
",
        "    const buf = cachedTextEncoder.encode(arg);
    const ptr = malloc(buf.length, 1) >>> 0;
    getUint8ArrayMemory0().set(buf, ptr);
    WASM_VECTOR_LEN = buf.length;
    return ptr;
}
",
    ),
    (", wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);", ", wasm.__wbindgen_malloc);"),
    ("function passStringToWasm0(arg, malloc, realloc) {", "function passStringToWasm0(arg, malloc) {"),
    (
        "            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
",
        "            new Int32Array(getUint8ArrayMemory0().buffer, arg0 >>> 0, 2).set([ptr1, len1]);
",
    ),
];

/// Rewrites of wasm-bindgen's glue in the lead form's own bundle, with what stays of each.
///
/// Its text decoding, which counts the bytes it decoded and makes a new `TextDecoder` past 2 GiB
/// (Safari's decoder fails beyond that): the one decoder, without the empty `decode()` made
/// after creating it (which answers `""` and is read by nothing), called by the one reader of
/// texts (below). The form hands JS a few short
/// texts per event and a submission's couple of URLs and ids, kilobytes in a page's life; the
/// tracker's bundles, whose queue mirror of up to 256 KiB is written again and again on a
/// long-lived page, keep the count.
///
/// `__wbg_finalize_init`'s reset of the memory's byte view: the form's boot entry finishes the
/// one instance once, before anything made a view (the variable starts `null`).
///
/// `mount`'s answer: the form's boot entry reads none (the npm package and the browser tests
/// use their own glue), so the export's number is not made a boolean.
///
/// The memory's byte view renewed when there is none or its buffer was detached (a length of 0)
/// by one optional chain; a text read out of the wasm decoded from `getArrayU8FromWasm0`'s view
/// (without its `ptr / 1`) instead of a view of its own through `decodeText`; and the
/// `string_get` and `is_object` shims reading their argument as it came, without the copies
/// into `obj`, `val`, `ret` and the `isLikeNone` test of a value that is a string or nothing;
/// the string copy calling the wasm's `malloc` itself instead of the one it is always handed.
const FORM_GLUE: &[(&str, &str)] = &[
    (
        "cachedTextDecoder.decode();
const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
    numBytesDecoded += bytes.length;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
        cachedTextDecoder.decode();
        numBytesDecoded = bytes.length;
    }
    return cachedTextDecoder.decode(bytes);
}
",
        "",
    ),
    (
        "    cachedUint8ArrayMemory0 = null;\n    wasm.__wbindgen_start();\n",
        "    wasm.__wbindgen_start();\n",
    ),
    ("    const ret = wasm.mount(target);\n    return ret !== 0;\n", "    wasm.mount(target);\n"),
    (
        "    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {\n",
        "    if (!cachedUint8ArrayMemory0?.byteLength) {\n",
    ),
    (
        "    return getUint8ArrayMemory0().subarray(ptr / 1, ptr / 1 + len);\n",
        "    return getUint8ArrayMemory0().subarray(ptr, ptr + len);\n",
    ),
    (
        "            const obj = arg1;
            const ret = typeof(obj) === 'string' ? obj : undefined;
            var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc);\n",
        "            var ptr1 = typeof(arg1) === 'string' ? passStringToWasm0(arg1) : 0;\n",
    ),
    (
        "    ptr = ptr >>> 0;\n    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));\n",
        "    return cachedTextDecoder.decode(getArrayU8FromWasm0(ptr, len));\n",
    ),
    (
        "            const val = arg0;
            const ret = typeof(val) === 'object' && val !== null;
            return ret;\n",
        "            return typeof(arg0) === 'object' && arg0 !== null;\n",
    ),
    (
        "function passStringToWasm0(arg, malloc) {
    const buf = cachedTextEncoder.encode(arg);
    const ptr = malloc(",
        "function passStringToWasm0(arg) {
    const buf = cachedTextEncoder.encode(arg);
    const ptr = wasm.__wbindgen_malloc(",
    ),
];

/// `glue` with [`FORM_GLUE`]'s rewrites; fails when a part is not there as written.
fn form_glue(glue: &str) -> Result<String> {
    let mut glue = glue.to_owned();
    for (old, new) in FORM_GLUE {
        if !glue.contains(old) {
            let first = old.lines().next().unwrap_or_default().trim();
            return Err(format!("the wasm-bindgen glue has no `{first}`: update FORM_GLUE"));
        }
        glue = glue.replacen(old, new, 1);
    }
    Ok(glue)
}

/// `glue` without [`DEAD_GLUE`], and with [`SMALL_GLUE`]'s rewrites when `small`; fails when a
/// part is not there as written (a wasm-bindgen that writes its glue otherwise: look again at
/// what is dead).
pub(crate) fn prune(glue: &str, small: bool) -> Result<String> {
    let mut glue = glue.to_owned();
    let rewrites = if small { SMALL_GLUE } else { &[] };
    for (dead, live) in DEAD_GLUE.iter().chain(rewrites) {
        if !glue.contains(dead) {
            let first = dead.lines().next().unwrap_or_default().trim();
            return Err(format!("the wasm-bindgen glue has no `{first}`: update DEAD_GLUE"));
        }
        glue = glue.replacen(dead, live, 1);
    }
    if glue.contains("wasmModule") || glue.contains("wasmInstance") {
        return Err("the glue reads its wasm module or instance: update DEAD_GLUE".to_owned());
    }
    unview(&glue)
}

/// `glue` without wasm-bindgen's cached `DataView` of the memory when no shim reads it (the
/// string copy's write-back, which [`SMALL_GLUE`] rewrites, was the only reader in the tracker's
/// and the lead form's glue; the replay chunk keeps it): its function, which esbuild drops anyway, and its variable and the reset of it in
/// `__wbg_finalize_init`, which esbuild keeps. Fails when the view is still named after that.
fn unview(glue: &str) -> Result<String> {
    const VAR: &str = "let cachedDataViewMemory0 = null;\n";
    const RESET: &str = "    cachedDataViewMemory0 = null;\n";
    const FUNCTION: &str = "function getDataViewMemory0() {";
    if !glue.contains(VAR) || glue.contains("getDataViewMemory0().") {
        return Ok(glue.to_owned());
    }
    let mut glue = glue.replacen(VAR, "", 1).replacen(RESET, "", 1);
    if let Some(start) = glue.find(FUNCTION)
        && let Some(len) = glue[start..].find("\n}\n")
    {
        glue.replace_range(start..start + len + 3, "");
    }
    if glue.contains("cachedDataViewMemory0") {
        return Err("the glue's DataView is still named: update `unview`".to_owned());
    }
    Ok(glue)
}

/// The start of wasm-bindgen's `makeClosure`, the end of its body, and its `FinalizationRegistry`.
const MAKE_CLOSURE: [&str; 3] = [
    "function makeClosure(arg0, arg1, f) {",
    "\n    return real;\n}\n",
    "const CLOSURE_DTORS = new FinalizationRegistry(",
];

/// `glue` with wasm-bindgen's `makeClosure` as a plain wrapper, without its call count and its
/// `FinalizationRegistry`, when the wasm never drops a closure (its glue has no `_wbg_cb_unref`
/// import: the SDK's one callback per tracker or form lives as long as the page, and the wasm
/// holds its JS function, so the count never reaches zero and the registry never fires; the
/// replay chunk's two closures, handed to JS, are then never freed: they and the recorder's
/// emptied cell stay in the wasm's memory after a recording stopped). Fails when `makeClosure`
/// is not there as written; a glue that drops closures or makes none is left as it is.
pub(crate) fn keep_closures(glue: &str) -> Result<String> {
    let [start, end, registry] = MAKE_CLOSURE;
    if glue.contains("arg0._wbg_cb_unref()") || !glue.contains("makeClosure(") {
        return Ok(glue.to_owned());
    }
    let stale = || "the wasm-bindgen glue's `makeClosure` changed: update MAKE_CLOSURE".to_owned();
    let at = glue.find(start).ok_or_else(stale)?;
    let to = at + glue[at..].find(end).ok_or_else(stale)? + end.len();
    let glue = format!(
        "{}function makeClosure(arg0, arg1, f) {{\n    return (...args) => f(arg0, arg1, ...args);\n}}\n{}",
        &glue[..at],
        &glue[to..]
    );
    let at = glue.find(registry).ok_or_else(stale)?;
    let to = at + glue[at..].find(");\n").ok_or_else(stale)? + 3;
    Ok(format!("{}{}", &glue[..at], &glue[to..]))
}

/// `glue` with each closure the wasm hands to JS calling the wasm's invoke export itself, where
/// the glue's wrapper of that export only passes its arguments on: `makeClosure(arg0, arg1,
/// <wrapper>)` becomes `(arg2, …) => wasm.<export>(arg0, arg1, arg2, …)`, with the wrapper's
/// parameters (no rest array, and every call into the wasm with the export's arity, as the
/// wrapper's, whose result the arrow returns where the wrapper did: the tracker's and the form's
/// handler), and esbuild drops the wrapper and `makeClosure` once nothing calls them. Fails when a
/// wrapper does more.
fn direct_closures(glue: &str) -> Result<String> {
    const CALL: &str = "makeClosure(arg0, arg1, ";
    let mut glue = glue.to_owned();
    // Each call, not `makeClosure`'s own definition.
    let next = |glue: &str| {
        glue.match_indices(CALL).map(|(at, _)| at).find(|&at| !glue[..at].ends_with("function "))
    };
    while let Some(at) = next(&glue) {
        let name_at = at + CALL.len();
        let len = glue[name_at..].find(')').unwrap_or_default();
        let name = glue[name_at..name_at + len].to_owned();
        let head = format!("function {name}(");
        let stale =
            || format!("the glue's closure wrapper `{name}` is not a plain call: update sdk.rs");
        let def = glue.find(&head).ok_or_else(stale)?;
        let params_end = def + glue[def..].find(") {\n    ").ok_or_else(stale)?;
        let params = &glue[def + head.len()..params_end];
        let body = &glue[params_end + ") {\n    ".len()..];
        // The call alone, or its result returned.
        let (body, end) = match body.strip_prefix("const ret = ") {
            Some(body) => (body, format!("({params});\n    return ret;\n}}\n")),
            None => (body, format!("({params});\n}}\n")),
        };
        let body = body.strip_prefix("wasm.").ok_or_else(stale)?;
        let export = &body[..body.find('(').ok_or_else(stale)?];
        if !body[export.len()..].starts_with(&end)
            || !export.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(stale());
        }
        let rest = params.strip_prefix("arg0, arg1").ok_or_else(stale)?.trim_start_matches(", ");
        let direct = format!("({rest}) => wasm.{export}({params})");
        glue.replace_range(at..name_at + len + 1, &direct);
    }
    Ok(glue)
}

/// Appends an export of the glue's import table and init step (private functions of the
/// generated module) for `sdk/js/boot.js`.
pub(crate) fn expose_internals(glue: &str) -> Result<String> {
    for name in ["function __wbg_get_imports(", "function __wbg_finalize_init("] {
        if !glue.contains(name) {
            return Err(format!("the wasm-bindgen glue has no `{name}`: update sdk/js/boot.js"));
        }
    }
    Ok(format!("{glue}\nexport {{ __wbg_get_imports, __wbg_finalize_init }};\n"))
}

/// wasm-opt (`WASM_OPT_FLAGS`) of `input` into `output`, then [`metadce`] with the exports `js`
/// names, then wasm-opt again: binaryen writes a module it has not optimized without its stack
/// IR optimizations, so the module metadce writes is larger than the one it read (the tracker's
/// code +88 B) until it is optimized again. The target features rustc enabled are stripped last
/// (metadce reads them from the module). The replay chunk keeps one wasm-opt, and loses the same
/// exports by a rewrite of its export section before it ([`DEAD_EXPORTS`], −54 B gzip); through
/// metadce, before or after wasm-opt, its wasm had come out 112 and 117 B larger.
///
/// With `one_pass` ([`Bundle::one_pass`]) the same exports leave the export section of `input`
/// first, and one wasm-opt makes `output` (the tracker's and the form's wasm −41 and −26 B gzip,
/// `pulse.js`'s +6; the first measure of it, before `realloc` went, had found tracker +45, form
/// −31, `pulse.js` +34: the choice is each bundle's, measured again as the code changes).
fn optimize(input: &Path, js: &str, output: &Path, one_pass: bool) -> Result {
    if one_pass {
        let wasm = read(input)?;
        let named = named_exports(js)?;
        let exports = unexported::exports(&wasm)?;
        let dead: Vec<&str> =
            exports.iter().map(String::as_str).filter(|name| !named.contains(name)).collect();
        let unexported = output.with_extension("unexported.wasm");
        write(&unexported, &unexported::unexported(&wasm, &dead)?)?;
        return step(
            "wasm-opt -Oz --converge (binaryen 132)",
            cmd::tool(paths::node_bin("wasm-opt"))
                .args(WASM_OPT_FLAGS)
                .args(["--strip-debug", "--strip-producers", "--strip-target-features"])
                .arg(&unexported)
                .arg("-o")
                .arg(output),
        );
    }
    let first = output.with_extension("first.wasm");
    step(
        "wasm-opt -Oz --converge (binaryen 132)",
        cmd::tool(paths::node_bin("wasm-opt"))
            .args(WASM_OPT_FLAGS)
            .args(["--strip-debug", "--strip-producers"])
            .arg(input)
            .arg("-o")
            .arg(&first),
    )?;
    let dced = output.with_extension("dce.wasm");
    let graph = output.with_extension("dce.json");
    write(&graph, metadce_graph(js)?.as_bytes())?;
    step(
        "wasm-metadce: only the exports the glue names (binaryen 132)",
        cmd::tool(paths::node_bin("wasm-metadce"))
            .arg("--graph-file")
            .arg(&graph)
            .arg(&first)
            .arg("-o")
            .arg(&dced),
    )?;
    step(
        "wasm-opt -Oz --converge again (binaryen 132)",
        cmd::tool(paths::node_bin("wasm-opt"))
            .args(WASM_OPT_FLAGS)
            .arg("--strip-target-features")
            .arg(&dced)
            .arg("-o")
            .arg(output),
    )
}

/// wasm-metadce's graph: every export `js` names (`wasm.<export>`) reached from one root, so that
/// the wasm loses the others and the code only they reached: the ones wasm-bindgen makes for glue
/// that [`prune`] and [`keep_closures`] took out (`__wbindgen_free`, `__wbindgen_destroy_closure`
/// where no closure is dropped, `__wbindgen_realloc` where [`SMALL_GLUE`] copies strings without
/// it) and its `__abort_handler` and `__instance_terminated` globals, which no glue reads. Nothing
/// else reads the wasm's exports (the boot entries call the glue's functions); an export named
/// only in code esbuild drops later stays.
fn metadce_graph(js: &str) -> Result<String> {
    let named = named_exports(js)?;
    let mut graph = String::from("[\n");
    for (i, name) in named.iter().enumerate() {
        graph.push_str(&format!("{{\"name\": \"e{i}\", \"export\": \"{name}\"}},\n"));
    }
    let roots: Vec<String> = (0..named.len()).map(|i| format!("\"e{i}\"")).collect();
    graph.push_str(&format!(
        "{{\"name\": \"js\", \"root\": true, \"reaches\": [{}]}}\n]\n",
        roots.join(", ")
    ));
    Ok(graph)
}

/// Every export `js` names (`wasm.<export>`); fails when it names none.
fn named_exports(js: &str) -> Result<std::collections::BTreeSet<&str>> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let named: std::collections::BTreeSet<&str> = js
        .match_indices("wasm.")
        .filter(|(at, _)| !js[..*at].ends_with(word))
        .map(|(at, _)| {
            let rest = &js[at + 5..];
            &rest[..rest.find(|c: char| !word(c)).unwrap_or(rest.len())]
        })
        .filter(|name| !name.is_empty())
        .collect();
    if named.is_empty() {
        return Err("the glue names no export of the wasm (`wasm.<name>`)".to_owned());
    }
    Ok(named)
}

/// Where the loader names the replay chunk (relative to itself, like the other chunks).
const REPLAY: &str = "__PULSEGATE_REPLAY__";

/// Puts the chunk's and the wasm's paths into the loader.
fn splice(loader: &str, chunk: &str, wasm: &str) -> Result<String> {
    const CHUNK: &str = "__PULSEGATE_CHUNK__";
    const WASM: &str = "__PULSEGATE_WASM__";
    if !loader.contains(CHUNK) || !loader.contains(WASM) {
        return Err(format!("a loader (sdk/js/*loader.js) must contain {CHUNK} and {WASM}"));
    }
    Ok(loader.replace(CHUNK, chunk).replace(WASM, wasm))
}

pub(crate) fn esbuild(name: &str, input: &Path, output: &Path, args: &[&str]) -> Result {
    step(
        name,
        cmd::tool(paths::node_bin("esbuild"))
            .arg(input)
            .args(["--minify", "--log-level=warning"])
            .args(args)
            .arg(format!("--outfile={}", output.display())),
    )
}

/// Writes the bundle directory. Files are rewritten only when they change (the worker embeds
/// them, and an unchanged bundle must not make cargo rebuild it); files no bundle made any more
/// are removed.
fn write_dist(outputs: &[Output]) -> Result {
    let dist = paths::sdk_dist();
    for (name, bytes) in outputs {
        let path = dist.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        if fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            write(&path, bytes)?;
        }
    }
    for file in files(&dist)? {
        let relative =
            file.strip_prefix(&dist).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        if !outputs.iter().any(|(name, _)| *name == relative) {
            fs::remove_file(&file).map_err(|e| format!("cannot remove {}: {e}", file.display()))?;
        }
    }
    println!("    SDK bundles: {}", dist.display());
    Ok(())
}

/// Every file under `dir`, recursively.
pub(crate) fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            found.extend(files(&path)?);
        } else {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// The first 8 hex digits of the SHA-256 of `bytes`.
fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..4].iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_inserts_both_paths() {
        let out = splice(
            "load('__PULSEGATE_CHUNK__', '__PULSEGATE_WASM__')",
            "sdk/pulsegate-1.js",
            "sdk/pulsegate-2.wasm",
        )
        .unwrap();
        assert_eq!(out, "load('sdk/pulsegate-1.js', 'sdk/pulsegate-2.wasm')");
        assert!(splice("(function(){})()", "a", "b").is_err());
    }

    #[test]
    fn closures_call_the_invoke_export_directly() {
        let glue = concat!(
            "        M: function(arg0, arg1) {\n",
            "            const ret = makeClosure(arg0, arg1, inv_h1);\n",
            "            return ret;\n",
            "        },\n",
            "function inv_h1(arg0, arg1, arg2) {\n    wasm.R(arg0, arg1, arg2);\n}\n",
            "function makeClosure(arg0, arg1, f) {\n",
            "    return (...args) => f(arg0, arg1, ...args);\n}\n",
        );
        let direct = direct_closures(glue).unwrap();
        assert!(direct.contains("const ret = (arg2) => wasm.R(arg0, arg1, arg2);\n"));
        assert!(direct.contains("function makeClosure(arg0, arg1, f) {"));
        let converting =
            glue.replace("wasm.R(arg0, arg1, arg2);", "wasm.R(arg0, arg1, arg2 >>> 0);");
        assert!(direct_closures(&converting).is_err());
        assert_eq!(direct_closures("no closures").unwrap(), "no closures");
        // A wrapper that returns the export's result (the tracker's and the form's handler).
        let returning = glue.replace(
            "    wasm.R(arg0, arg1, arg2);\n}",
            "    const ret = wasm.R(arg0, arg1, arg2);\n    return ret;\n}",
        );
        let direct = direct_closures(&returning).unwrap();
        assert!(direct.contains("const ret = (arg2) => wasm.R(arg0, arg1, arg2);\n"), "{direct}");
        let logging = returning.replace("    return ret;", "    log(ret);\n    return ret;");
        assert!(direct_closures(&logging).is_err());
        assert!(direct_closures(&returning.replace("return ret;", "return 1;")).is_err());
    }

    #[test]
    fn splice_replay_fills_every_marker() {
        let out = splice_replay(
            "/*__PULSEGATE_GLUE__*/ url('__PULSEGATE_WASM_PATH__'); replay_start(a)",
            "let wasm;",
            "replay-1.wasm",
            "wasm.K",
        )
        .unwrap();
        assert_eq!(out, "let wasm; url('replay-1.wasm'); wasm.K(a)");
        assert!(splice_replay("/*__PULSEGATE_GLUE__*/ replay_start(a)", "", "x", "w").is_err());
        assert!(
            splice_replay("/*__PULSEGATE_GLUE__*/ __PULSEGATE_WASM_PATH__", "", "x", "w").is_err()
        );
    }

    #[test]
    fn the_replay_glue_loses_its_exports() {
        let glue = "let wasm;\nexport function replay_start(sink, slice_ms, checkout_ms) {\n    \
                    const ret = wasm.K(sink, slice_ms, checkout_ms);\n    return ret;\n}\n\
                    function __wbg_get_imports() {}\nfunction __wbg_finalize_init(i, m) {}\n\
                    export { initSync, __wbg_init as default };\n";
        let (out, start) = unexport(glue).unwrap();
        assert_eq!(start, "wasm.K");
        assert!(out.starts_with("let wasm;\nfunction __wbg_get_imports() {}"), "{out}");
        assert!(!out.contains("export") && !out.contains("replay_start"), "{out}");
        assert!(unexport(&glue.replace("function __wbg_get_imports", "function x")).is_err());
        assert!(unexport(&format!("{glue}export function other() {{}}")).is_err());
        // A wrapper that does more than pass its arguments on stops the build.
        assert!(
            unexport(&glue.replace("    return ret;", "    log(ret);\n    return ret;")).is_err()
        );
    }

    #[test]
    fn the_glue_internals_are_exported_or_the_build_stops() {
        let glue = "function __wbg_get_imports() {}\nfunction __wbg_finalize_init(i, m) {}";
        assert!(
            expose_internals(glue)
                .unwrap()
                .ends_with("export { __wbg_get_imports, __wbg_finalize_init };\n")
        );
        assert!(expose_internals("function __wbg_get_imports() {}").is_err());
    }

    #[test]
    fn an_unread_data_view_goes_with_its_reset() {
        let view = "let cachedDataViewMemory0 = null;\nfunction getDataViewMemory0() {\n    \
                    if (cachedDataViewMemory0 === null) {\n        cachedDataViewMemory0 = 1;\n    \
                    }\n    return cachedDataViewMemory0;\n}\n";
        let init = "function __wbg_finalize_init() {\n    cachedDataViewMemory0 = null;\n}\n";
        let glue = format!("let a;\n{view}{init}");
        assert_eq!(unview(&glue).unwrap(), "let a;\nfunction __wbg_finalize_init() {\n}\n");
        let read = format!("{glue}getDataViewMemory0().setInt32(0, 1, true);\n");
        assert_eq!(unview(&read).unwrap(), read);
        assert!(unview(&format!("{glue}cachedDataViewMemory0.x;\n")).is_err());
    }

    #[test]
    fn dead_glue_goes_or_the_build_stops() {
        let mut glue = String::from("let x = 1;\n");
        for (dead, _) in DEAD_GLUE.iter().chain(SMALL_GLUE) {
            glue.push_str(dead);
            glue.push_str("\nlet y = 2;\n");
        }
        let pruned = prune(&glue, true).unwrap();
        assert!(pruned.starts_with("let x = 1;\n"));
        assert!(pruned.contains("new FinalizationRegistry("));
        assert!(pruned.contains("new Int32Array("));
        for (dead, _) in DEAD_GLUE.iter().chain(SMALL_GLUE) {
            assert!(!pruned.contains(dead));
            assert!(prune(&glue.replacen(dead, "", 1), true).is_err(), "{dead}");
        }
        // The replay chunk's glue keeps wasm-bindgen's string copy and its `DataView` writes.
        let kept = prune(&glue, false).unwrap();
        for (dead, _) in DEAD_GLUE {
            assert!(!kept.contains(dead));
        }
        for (speedy, _) in SMALL_GLUE {
            assert!(kept.contains(speedy));
        }
        assert!(!kept.contains("new Int32Array("));
        // A glue whose imports read the module kept by `__wbg_finalize_init` stops the build.
        let reads = format!("{glue}x: function() {{ return wasmModule; }}\n");
        assert!(prune(&reads, true).is_err());
    }

    #[test]
    fn the_forms_glue_is_rewritten_or_the_build_stops() {
        let glue: String = FORM_GLUE.iter().map(|(old, _)| format!("let a = 1;\n{old}")).collect();
        let rewritten: String =
            FORM_GLUE.iter().map(|(_, new)| format!("let a = 1;\n{new}")).collect();
        assert_eq!(form_glue(&glue).unwrap(), rewritten);
        for (old, _) in FORM_GLUE {
            assert!(form_glue(&glue.replacen(old, "", 1)).is_err(), "{old}");
        }
    }

    #[test]
    fn closures_never_dropped_are_kept_plainly_or_the_build_stops() {
        let glue = "let a = 1;\nconst CLOSURE_DTORS = new FinalizationRegistry(state => wasm.F(state.a, state.b));\n\nfunction makeClosure(arg0, arg1, f) {\n    const state = { a: arg0, b: arg1, cnt: 1 };\n    CLOSURE_DTORS.register(real, state, state);\n    return real;\n}\nlet b = makeClosure(1, 2, g);\n";
        let kept = keep_closures(glue).unwrap();
        assert_eq!(
            kept,
            "let a = 1;\n\nfunction makeClosure(arg0, arg1, f) {\n    return (...args) => f(arg0, arg1, ...args);\n}\nlet b = makeClosure(1, 2, g);\n"
        );
        // A glue whose wasm drops closures keeps the count and the registry.
        let drops = format!("{glue}x: function(arg0) {{ arg0._wbg_cb_unref(); }}\n");
        assert_eq!(keep_closures(&drops).unwrap(), drops);
        // One without closures is left as it is; one whose `makeClosure` changed stops the build.
        assert_eq!(keep_closures("let a = 1;\n").unwrap(), "let a = 1;\n");
        assert!(keep_closures(&glue.replace("    return real;\n", "")).is_err());
        assert!(keep_closures(&glue.replace("CLOSURE_DTORS = new", "CLOSURE_DTORS = ")).is_err());
    }

    #[test]
    fn the_metadce_roots_are_the_exports_the_glue_names() {
        let glue = "wasm.mount(x); const m = wasm.memory.buffer; wasm.memory;\n\
                    // the wasm. itself\nmywasm.free(); wasm.__wbindgen_malloc(1, 1);";
        assert_eq!(
            metadce_graph(glue).unwrap(),
            "[\n{\"name\": \"e0\", \"export\": \"__wbindgen_malloc\"},\n\
             {\"name\": \"e1\", \"export\": \"memory\"},\n\
             {\"name\": \"e2\", \"export\": \"mount\"},\n\
             {\"name\": \"js\", \"root\": true, \"reaches\": [\"e0\", \"e1\", \"e2\"]}\n]\n"
        );
        assert!(metadce_graph("let wasm; the wasm.").is_err());
    }

    #[test]
    fn chunk_targets_match_the_browserslist() {
        let package = fs::read_to_string(paths::root().join("package.json")).unwrap();
        let start = package.find("\"browserslist\"").expect("package.json has a browserslist");
        let list = &package[start..package[start..].find(']').unwrap() + start];
        let mut from_list: Vec<String> = list
            .split('"')
            .filter(|s| s.contains(">="))
            .map(|s| {
                let (name, version) = s.split_once(">=").unwrap();
                let name = match name.trim() {
                    "ios_saf" => "ios",
                    other => other,
                };
                format!("{name}{}", version.trim())
            })
            .collect();
        let mut targets: Vec<String> = CHUNK_TARGETS.split(',').map(str::to_owned).collect();
        from_list.sort();
        targets.sort();
        assert_eq!(from_list, targets);
    }
}
