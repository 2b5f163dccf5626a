// Shared by the code chunks' entries (boot.js, form-boot.js, pulse-boot.js): instantiates the
// wasm the loader is already downloading, compiling while it streams. A server or proxy that
// sends another content type than `application/wasm` gets the slower path, silently; any failure
// rejects (each entry ends it silently, never in the page).
//
// Compiling, instantiating and what the entry does next (starting the tracker) each get a task
// of their own: the wasm has usually arrived whole by the time the chunk runs, and on a slow CPU
// the three together are a long task (over 50 ms at 4× CPU throttling). A `MessageChannel`
// message rather than a timer: hidden pages throttle timers to one a second.

/** Resolves with `value` in a new task. */
const task = (value) =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(value);
    channel.port2.postMessage(0);
  });

/** `download` resolves to the wasm's `Response`; `table` is the glue's import object. */
export const instantiate = (download, table) =>
  download
    .then(task)
    .then((response) => {
      if (!response.ok) throw new Error(`wasm ${response.status}`);
      const whole = () => response.clone().arrayBuffer().then((b) => WebAssembly.instantiate(b, table));
      return WebAssembly.instantiateStreaming
        ? WebAssembly.instantiateStreaming(response.clone(), table).catch(whole)
        : whole();
    })
    .then(task);
