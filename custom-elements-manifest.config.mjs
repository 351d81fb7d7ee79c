export default {
  globs: ['src/elements/**/*.ts'],
  // The catalogs are data, not API: the manifest would carry every translation as a default.
  exclude: ['src/elements/**/*.styles.ts', 'src/elements/locale/**'],
  outdir: '.',
  litelement: true,
  // package.json's "customElements" already points at ./custom-elements.json; an analysis written
  // elsewhere (e.g. a freshness check into a temp dir) must not rewrite it.
  packagejson: false,
  plugins: [
    {
      // The analyzer lists modules in the order its file reads finish, which varies from run to
      // run; sorted, the committed manifest changes only when the JSDoc does.
      name: 'openwebim-stable-order',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => a.path.localeCompare(b.path));
      },
    },
  ],
};
