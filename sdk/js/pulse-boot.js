// The code chunk of pulse.js, `sdk/pulsegate-<hash>.js`: wasm-bindgen's glue (of the SDK built with
// the tracker and the form builder) plus this entry, bundled like the other chunks. Injected once
// by the prelude (sdk/js/pulse-prelude.js) while it already downloads the wasm, it instantiates
// that wasm once and then serves both loaders: the tracker's gets `start(config)`, the forms' get
// `mount` for each form element (sdk/js/boot.js and sdk/js/form-boot.js do the same apart).
//
// Nothing here throws into the page.

import {
  __wbg_finalize_init as finish,
  __wbg_get_imports as imports,
  mount,
  start,
} from "./glue.js";
import { instantiate } from "./instantiate.js";

const code = self.PulseGateCode;
if (code && code.w && !code.x) {
  instantiate(code.w, imports())
    .then((result) => {
      finish(result.instance, result.module);
      code.x = (loader) => {
        try {
          if (loader.t) {
            loader.r = (target) => {
              try {
                mount(target);
              } catch (_) {
                // Never into the page.
              }
            };
            loader.t.splice(0).forEach(loader.r);
          } else {
            loader.r(start(loader.c));
          }
        } catch (error) {
          if (loader.f) loader.f(error);
        }
      };
      code.s();
    })
    .catch(code.f);
}
