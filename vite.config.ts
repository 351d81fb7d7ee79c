import { defaultClientConditions, defineConfig } from 'vite';

// Three builds from one config:
// - default mode: ESM entry points for bundlers (dist/esm), dependencies left external so an app
//   shares its own copy of lit/rxjs/idb; the SDK entry imports none of them.
// - `--mode widget`: dist/chat-widget.js, one self-contained classic script for <script src>.
// - `--mode sdk`: dist/webim-sdk.js, the SDK alone as a classic script (window.WebIM), for pages
//   that want no UI, and for measuring the SDK's size on its own.
const classicScript = (entry: string, fileName: string) => ({
  // RxJS's ES2015 build uses native classes instead of tslib helpers: about 2 KB gzip less.
  resolve: { conditions: ['es2015', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    lib: { entry, name: 'OpenWebIM', formats: ['iife' as const], fileName: () => fileName },
  },
});

export default defineConfig(({ mode }) =>
  mode === 'widget'
    ? classicScript('src/widget.ts', 'chat-widget.js')
    : mode === 'sdk'
      ? classicScript('src/sdk-script.ts', 'webim-sdk.js')
      : {
          build: {
            outDir: 'dist/esm',
            emptyOutDir: true,
            target: 'es2022',
            minify: false,
            sourcemap: true,
            lib: {
              entry: {
                index: 'src/index.ts',
                sdk: 'src/sdk/index.ts',
                store: 'src/store/index.ts',
                elements: 'src/elements/index.ts',
                protocol: 'src/protocol/index.ts',
              },
              formats: ['es'],
            },
            rolldownOptions: {
              external: [/^lit($|\/)/, /^@lit\//, /^rxjs($|\/)/, /^idb($|\/)/],
            },
          },
        },
);
