export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  // package.json's "customElements" already points at ./custom-elements.json; an analysis written
  // elsewhere (e.g. a freshness check into a temp dir) must not rewrite it.
  packagejson: false,
};
