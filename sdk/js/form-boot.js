// The form builder's code chunk, `sdk/pulsegate-<hash>.js` of form.js: wasm-bindgen's glue plus
// this entry, bundled and minified by `cargo xtask build` like the tracker's (sdk/js/boot.js).
// The loader (form.js) injects it once the page has a form, while it already downloads the wasm;
// this instantiates the wasm and mounts every form the loader found, then takes over mounting
// (`PulseGateForms.scan()` hands later ones to `loader.r`).
//
// Nothing here throws into the page: a failure (a CSP without 'wasm-unsafe-eval', a network
// error) leaves the forms empty, silently.

import { __wbg_finalize_init as finish, __wbg_get_imports as imports, mount } from "./glue.js";
import { instantiate } from "./instantiate.js";

const forms = self.PulseGateForms;
const loader = forms && forms._l;
if (loader && loader.w) {
  instantiate(loader.w, imports())
    .then((result) => {
      finish(result.instance);
      loader.r = (target) => {
        try {
          mount(target);
        } catch (_) {
          // Never into the page.
        }
      };
      loader.t.splice(0).forEach(loader.r);
    })
    .catch(() => {});
}
