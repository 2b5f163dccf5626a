// The SDK itself, imported by `index.js` on the first `init()` or `mountForm()` in a browser:
// wasm-bindgen's glue for the Rust crate (the tracker and the form builder; its import table and
// finishing step only) and the wasm, inlined as base64.
//
// Inline rather than `new URL("….wasm", import.meta.url)`: Vite and webpack 5 copy such a file,
// esbuild and some others need a loader configured for it, and a page's bundler must never need
// a plugin for PulseGate (the README has the measurement). A bundler puts this module in a chunk
// of its own, fetched only when `init()` runs.

import {
  __wbg_finalize_init as finish,
  __wbg_get_imports as imports,
  mount,
  start,
} from "./glue.js";
import { WASM } from "./wasm.js";

function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Instantiates the wasm (asynchronously: browsers refuse to compile big modules synchronously);
 * resolves to its exports, the tracker's `start` and the form builder's `mount`.
 */
export async function load() {
  const { instance, module } = await WebAssembly.instantiate(decode(WASM), imports());
  finish(instance, module);
  return { start, mount };
}
