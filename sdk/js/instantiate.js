// Shared by the code chunks' entries (boot.js, form-boot.js, pulse-boot.js): instantiates the
// wasm the loader is already downloading, compiling while it streams. A server or proxy that
// sends another content type than `application/wasm` gets the slower path, silently; any failure
// rejects (each entry ends it silently, never in the page).

/** `download` resolves to the wasm's `Response`; `table` is the glue's import object. */
export const instantiate = (download, table) =>
  download.then((response) => {
    if (!response.ok) throw new Error(`wasm ${response.status}`);
    // Every browser with reference types (which the loaders check first) has
    // `instantiateStreaming`; it reads a copy, so the response is still unread for the slow path.
    const whole = () => response.arrayBuffer().then((b) => WebAssembly.instantiate(b, table));
    return WebAssembly.instantiateStreaming(response.clone(), table).catch(whole);
  });
