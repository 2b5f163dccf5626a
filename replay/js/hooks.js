/*
 * PulseGate replay chunk, part 1: the one thing the recorder cannot do from Rust. It wraps a
 * prototype method (or property setter) so the recorder hears about calls, with `this`.
 *
 * pgHook(proto, name, setter, callback, tag) runs callback(tag, this, arg0, result) after the
 * original and returns a function that puts the original back. It never throws, and a failing callback
 * never breaks the page's own call.
 */
function pgHook(proto, name, setter, callback, tag) {
  var noop = function () {};
  try {
    var d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !d.configurable) return noop;
    var patched = {};
    for (var k in d) patched[k] = d[k];
    if (setter) {
      if (!d.set) return noop;
      patched.set = function (v) {
        d.set.call(this, v);
        try { callback(tag, this, v, undefined); } catch (_) { /* recorder gone */ }
      };
    } else {
      var original = d.value;
      if (typeof original !== "function") return noop;
      patched.value = function (a) {
        var result = original.apply(this, arguments);
        try { callback(tag, this, a, result); } catch (_) { /* recorder gone */ }
        return result;
      };
    }
    Object.defineProperty(proto, name, patched);
    return function () {
      try { Object.defineProperty(proto, name, d); } catch (_) { /* leave it */ }
    };
  } catch (_) {
    return noop;
  }
}
