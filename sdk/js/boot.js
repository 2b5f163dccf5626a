// The tracker's code chunk, `sdk/pulsegate-<hash>.js`: wasm-bindgen's glue plus this entry,
// bundled and minified by `cargo xtask build` (esbuild, syntax lowered for the supported
// browsers in package.json's browserslist). The loader (tracker.js) injects it only on pages it
// tracks, after its checks, while it already downloads the wasm; this instantiates that wasm,
// starts the tracker and hands the API function back to the loader.
//
// Nothing here throws into the page: every failure (a CSP without 'wasm-unsafe-eval', a
// network error, a proxy that broke the wasm) ends in the loader's `fail`, which is silent unless
// the tag has `data-debug`. Nothing is logged either: the glue's loaders (and their console
// warnings) are not part of the bundle, only its import table and its finishing step.

import { __wbg_finalize_init as finish, __wbg_get_imports as imports, start } from "./glue.js";
import { instantiate } from "./instantiate.js";

const pg = self.PulseGate;
const loader = pg && pg._l;
// Resolves with `value` in a new task (the loader's `later`). Compiling the wasm, instantiating
// it and starting the tracker each get a task of their own: the wasm has usually arrived whole
// when this runs, and on a slow CPU the three together are a long task (over 50 ms at 4× CPU
// throttling).
const task = (value) => new Promise((resolve) => loader.l(() => resolve(value)));
if (loader && loader.w) {
  instantiate(loader.w.then(task), imports())
    .then(task)
    .then((result) => {
      finish(result.instance, result.module);
      loader.r(start(loader.c));
    })
    .catch(loader.f);
}
