import { exportedParts } from './scripts/exported-parts.mjs';

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
    {
      // A host's `exportparts` make the parts of what it renders its own: each is listed on the
      // host too (unless its JSDoc has it), so tools offer the whole set, e.g. every
      // `chat-widget::part(…)` of the window inside it.
      name: 'openwebim-exported-parts',
      packageLinkPhase({ customElementsManifest }) {
        const elements = new Map(
          customElementsManifest.modules
            .flatMap((m) => m.declarations ?? [])
            .filter((d) => d.tagName)
            .map((d) => [d.tagName, d]),
        );
        const uses = exportedParts('.');
        const done = new Set();
        const complete = (tag) => {
          const host = elements.get(tag);
          if (!host || done.has(tag)) return host?.cssParts ?? [];
          done.add(tag);
          host.cssParts ??= [];
          for (const use of uses.filter((u) => u.host === tag)) {
            const inner = complete(use.tag);
            for (const { from, to } of use.parts) {
              const part = inner.find((p) => p.name === from);
              if (!part || host.cssParts.some((p) => p.name === to)) continue;
              const renamed = from === to ? '' : ` (its \`${from}\`)`;
              host.cssParts.push({
                name: to,
                description: `Re-exported from \`<${use.tag}>\`${renamed}: ${part.description}`,
              });
            }
          }
          return host.cssParts;
        };
        for (const tag of elements.keys()) complete(tag);
      },
    },
  ],
};
