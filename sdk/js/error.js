// The browser side of the error capture (src/capture/error.rs, which counts, cleans and records):
// what an `error` or `unhandledrejection` event says, read in one call instead of one wasm call
// per property. Nothing thrown leaves this module.

import { get, num, str } from "./host.js";

/**
 * `[message, script URL, line, column]` of an `error` event; `[reason]` of an
 * `unhandledrejection`, the reason as text: `name: message` for an error (`Error` when it has no
 * name), `String(reason)` otherwise.
 */
export function error(event, rejection) {
  if (!rejection) {
    return [str(event, "message"), str(event, "filename"), num(event, "lineno"), num(event, "colno")];
  }
  const reason = get(event, "reason");
  const message = str(reason, "message");
  if (message !== undefined) return [(str(reason, "name") ?? "Error") + ": " + message];
  try {
    return [String(reason)];
  } catch (_) {
    return [];
  }
}
