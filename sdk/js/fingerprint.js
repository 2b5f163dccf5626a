// The browser calls of the fingerprint's costlier sources (src/fingerprint/*.rs documents each
// source; the registry, timing, skipping and hashing stay in the wasm). One function per source
// builds the source's canonical value as one string, so the wasm makes one call per source step
// instead of one per browser call, each with its strings and value handles.
//
// `read(name, step)` answers the source's value (a string), or what its step asks for: `1` the
// next step in this slice, `2` the next step in a slice of its own, `0` unstable (the two
// drawings differed), a promise for an asynchronous source; `undefined` when a browser call it
// needs threw or is missing (the source failed). Nothing thrown leaves this module.

import { media, tried } from "./context.js";

/** What a multi-step source keeps between its steps (one source is read at a time). */
let held;

/** `v`, when it is a number (not `NaN`); otherwise the source fails. */
const need = (v) => {
  if (typeof v != "number" || v != v) throw 0;
  return v;
};

/** `v` when it is an object (not `null`); otherwise the source fails. */
const object = (v) => {
  if (typeof v != "object" || !v) throw 0;
  return v;
};

/** A count as whole decimal digits (fractions dropped, below zero or `NaN` as 0). */
const whole = (n) => String(n > 0 ? Math.floor(n) : 0);

const view = new DataView(new ArrayBuffer(8));
const half = (i) => view.getUint32(i).toString(16).padStart(8, "0");
/** A number's IEEE-754 bits as 16 hex digits and a comma. */
const bits = (n) => {
  view.setFloat64(0, n);
  return half(0) + half(4) + ",";
};

/** A value as text: strings as they are, `null` for null or undefined, else its `toString()`. */
const text = (v) => {
  if (typeof v == "string") return v;
  if (v == null) return "null";
  const s = tried(() => v.toString());
  return typeof s == "string" ? s : "";
};

const canvas = () => object(document.createElement("canvas"));

const SAMPLE = "mmMwWLliI0fiflO&1";
const GENERICS = ["monospace", "serif"];

/** The width of the sample text in 48 px `family`. */
const width = (ctx, family) => {
  tried(() => (ctx.font = "48px " + family));
  return need(ctx.measureText(SAMPLE).width);
};

/** A font group's source: the generic families' widths first, then one candidate per step. */
const fonts = (list) => (step) => {
  if (!step) {
    const ctx = object(canvas().getContext("2d"));
    held.ctx = ctx;
    held.base = GENERICS.map((generic) => width(ctx, generic));
    held.found = [];
    return 1;
  }
  const font = list[step - 1];
  if (GENERICS.some((generic, i) => width(held.ctx, "'" + font + "'," + generic) != held.base[i])) {
    held.found.push(font);
  }
  return step < list.length ? 1 : held.found.join(",");
};

const TEXT = "Cwm fjordbank gly \u{1F603}";

/** 2D canvas: each drawing in three steps (canvas and first text, shapes, PNG), drawn twice. */
const draw = (step) => {
  const next = step < 3 ? 2 : 1;
  const ctx = held.ctx;
  switch (step % 3) {
    case 0: {
      const c = canvas();
      c.width = 220;
      c.height = 60;
      const ctx = object(c.getContext("2d"));
      ctx.textBaseline = "alphabetic";
      ctx.fillStyle = "#f60";
      ctx.fillRect(100, 1, 62, 20);
      ctx.fillStyle = "#069";
      ctx.font = '11pt "Times New Roman"';
      ctx.fillText(TEXT, 2, 15);
      held.canvas = c;
      held.ctx = ctx;
      return next;
    }
    case 1:
      ctx.fillStyle = "rgba(102, 204, 0, 0.2)";
      ctx.font = "18pt Arial";
      ctx.fillText(TEXT, 4, 45);
      ctx.globalCompositeOperation = "multiply";
      for (const [color, x, y, r] of [
        ["#f2f", 150, 25, 20],
        ["#2ff", 175, 25, 20],
        ["#ff2", 162, 42, 20],
        ["#f9c", 200, 30, 18],
      ]) {
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.arc(x, y, r / 3, 0, 2 * Math.PI);
        ctx.fill("evenodd");
      }
      return next;
    default: {
      const url = held.canvas.toDataURL();
      if (typeof url != "string") return undefined;
      if (typeof held.first != "string") {
        held.first = url;
        return 1;
      }
      return held.first == url ? url : 0;
    }
  }
};

// WebGL parameters, in order: VENDOR, RENDERER, VERSION, SHADING_LANGUAGE_VERSION,
// MAX_TEXTURE_SIZE, MAX_VIEWPORT_DIMS, MAX_RENDERBUFFER_SIZE, MAX_CUBE_MAP_TEXTURE_SIZE,
// MAX_VERTEX_ATTRIBS, MAX_VERTEX_UNIFORM_VECTORS, MAX_FRAGMENT_UNIFORM_VECTORS,
// MAX_VARYING_VECTORS, MAX_TEXTURE_IMAGE_UNITS, MAX_VERTEX_TEXTURE_IMAGE_UNITS,
// MAX_COMBINED_TEXTURE_IMAGE_UNITS, ALIASED_LINE_WIDTH_RANGE, ALIASED_POINT_SIZE_RANGE,
// RED_BITS … ALPHA_BITS, DEPTH_BITS, STENCIL_BITS, SUBPIXEL_BITS, UNMASKED_VENDOR_WEBGL,
// UNMASKED_RENDERER_WEBGL.
const GL_PARAMETERS = [
  0x1f00, 0x1f01, 0x1f02, 0x8b8c, 0x0d33, 0x0d3a, 0x84e8, 0x851c, 0x8869, 0x8dfb, 0x8dfd, 0x8dfc,
  0x8872, 0x8b4c, 0x8b4d, 0x846e, 0x846d, 0x0d52, 0x0d53, 0x0d54, 0x0d55, 0x0d56, 0x0d57, 0x0d50,
  0x9245, 0x9246,
];

/** WebGL: the context made, read and lost in three steps. */
const webgl = (step) => {
  if (!step) {
    const c = canvas();
    const gl = tried(() => c.getContext("webgl"));
    if (typeof gl != "object" || !gl) return "none";
    held.gl = gl;
    return 2;
  }
  const gl = held.gl;
  if (step == 1) {
    tried(() => gl.getExtension("WEBGL_debug_renderer_info"));
    let value = "";
    const add = (v) => (value += text(v) + ";");
    for (const code of GL_PARAMETERS) add(tried(() => gl.getParameter(code)));
    add(tried(() => gl.getSupportedExtensions().join(",")));
    // VERTEX_SHADER, FRAGMENT_SHADER × LOW_FLOAT, MEDIUM_FLOAT, HIGH_FLOAT, HIGH_INT.
    for (const shader of [0x8b31, 0x8b30]) {
      for (const precision of [0x8df0, 0x8df1, 0x8df2, 0x8df5]) {
        const format = tried(() => gl.getShaderPrecisionFormat(shader, precision));
        for (const key of ["rangeMin", "rangeMax", "precision"]) add(tried(() => format[key]));
      }
    }
    held.value = value;
    return 2;
  }
  tried(() => gl.getExtension("WEBGL_lose_context").loseContext());
  return held.value;
};

/** Audio: a triangle wave through a compressor, rendered offline; the promise of the buffer. */
const audio = () => {
  const Context = [self.OfflineAudioContext, self.webkitOfflineAudioContext].find(
    (c) => typeof c == "function",
  );
  if (!Context) return "none";
  const context = object(new Context(1, 5000, 44100));
  const oscillator = object(context.createOscillator());
  tried(() => (oscillator.type = "triangle"));
  tried(() => (oscillator.frequency.value = 10000));
  const compressor = object(context.createDynamicsCompressor());
  for (const [param, value] of [
    ["threshold", -50],
    ["knee", 40],
    ["ratio", 12],
    ["attack", 0],
    ["release", 0.25],
  ]) {
    tried(() => (compressor[param].value = value));
  }
  tried(() => oscillator.connect(compressor));
  tried(() => compressor.connect(context.destination));
  tried(() => oscillator.start(0));
  return object(context.startRendering());
};

const MEDIA = [
  "(prefers-reduced-motion: reduce)",
  "(prefers-reduced-transparency: reduce)",
  "(prefers-contrast: more)",
  "(prefers-contrast: less)",
  "(prefers-contrast: custom)",
  "(forced-colors: active)",
  "(inverted-colors: inverted)",
  "(monochrome)",
  "(any-hover: hover)",
  "(any-pointer: fine)",
  "(any-pointer: coarse)",
];

/** `Math.<name>(<argument>)` pairs, where engines are known to round differently. */
const MATH = [
  ["acos", 0.12312423423423424],
  ["acosh", 1e308],
  ["asin", 0.12312423423423424],
  ["asinh", 1],
  ["atanh", 0.5],
  ["atan", 0.5],
  ["sin", -1e300],
  ["sinh", 1],
  ["cos", 10.000000000123],
  ["cosh", 1],
  ["tan", -1e300],
  ["tanh", 1],
  ["exp", 1],
  ["expm1", 1],
  ["log1p", 10],
  ["cbrt", 100],
];

const SOURCES = {
  screen() {
    const s = self.screen;
    const a = +whole(need(s.width));
    const b = +whole(need(s.height));
    return Math.max(a, b) + "x" + Math.min(a, b);
  },
  color() {
    const depth = whole(need(self.screen.colorDepth));
    const gamut = ["rec2020", "p3", "srgb"].find((g) => media("(color-gamut: " + g + ")"));
    return depth + ";" + (gamut || "none") + (media("(dynamic-range: high)") ? ";hdr" : ";sdr");
  },
  touch() {
    const points = navigator.maxTouchPoints;
    const event = tried(() => document.createEvent("TouchEvent"));
    return (
      whole(typeof points == "number" ? points : 0) +
      (self.ontouchstart !== undefined ? ";1" : ";0") +
      (typeof event == "object" && event ? ";1" : ";0")
    );
  },
  memory() {
    const memory = navigator.deviceMemory;
    return memory === undefined ? "none" : text(memory);
  },
  media() {
    if (typeof self.matchMedia != "function") return undefined;
    return MEDIA.map((query) => (media(query) ? "1" : "0")).join("");
  },
  math() {
    return MATH.map(([name, argument]) => {
      const n = Math[name](argument);
      if (typeof n != "number") throw 0;
      return bits(n);
    }).join("");
  },
  intl() {
    const locale = object(new Intl.PluralRules()).resolvedOptions().locale;
    if (typeof locale != "string") return undefined;
    return locale;
  },
  vendor() {
    const n = navigator;
    const str = (v) => (typeof v == "string" ? v : "");
    const pdf = n.pdfViewerEnabled;
    const plugins = tried(() => n.plugins.length);
    return (
      str(n.vendor) +
      ";" +
      str(n.productSub) +
      (pdf === true ? ";1;" : pdf === false ? ";0;" : ";-;") +
      whole(typeof plugins == "number" ? plugins : 0)
    );
  },
  // The font groups, each one source: its candidates in the order they are probed.
  fontswindows: fonts([
    "Bahnschrift", "Calibri", "Cambria", "Candara", "Consolas", "Constantia", "Corbel",
    "MS Gothic", "MS Mincho", "Segoe UI", "SimSun",
  ]),
  fontsmicrosoft: fonts([
    "Arial Black", "Arial Narrow", "Century Gothic", "Comic Sans MS", "Franklin Gothic", "Impact",
    "Lucida Console", "Tahoma", "Trebuchet MS",
  ]),
  fontsapple: fonts([
    "Avenir", "Futura", "Geneva", "Gill Sans", "Helvetica", "Helvetica Neue", "Lucida Grande",
    "Menlo", "Monaco", "Optima", "Palatino",
  ]),
  fontsother: fonts([
    "Cantarell", "Courier New", "DejaVu Sans", "Droid Sans", "Garamond", "Georgia",
    "Liberation Sans", "Noto Sans", "Roboto", "Ubuntu", "Verdana",
  ]),
  canvas: draw,
  webgl,
  audio,
};

/** Reads step `step` of the source `name` (see the top of this file for the answers). */
export function read(name, step) {
  try {
    if (!step) held = {};
    return SOURCES[name](step);
  } catch (_) {
    return undefined;
  }
}

/** The audio source's value from its rendered buffer: the bits of the sum of the last 500 magnitudes. */
export function sum(buffer) {
  try {
    const samples = object(buffer.getChannelData(0));
    const length = need(samples.length);
    let total = 0;
    for (let i = 4500; i < length; i++) {
      const v = samples[i];
      total += Math.abs(typeof v == "number" && v == v ? v : 0);
    }
    return bits(total);
  } catch (_) {
    return undefined;
  }
}
