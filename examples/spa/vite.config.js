// Served under /spa/ by examples/serve.mjs (next to the script-tag site, another origin than the
// worker). No plugin and no wasm setting: @pulsegate/sdk needs none.
export default {
  base: '/spa/',
  build: { outDir: 'dist', emptyOutDir: true },
};
