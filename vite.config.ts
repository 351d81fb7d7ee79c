import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { defaultClientConditions, defineConfig } from 'vite';
import { thirdPartyLicenses } from './build/third-party-licenses.js';

// Three builds from one config:
// - default mode: ESM entry points for bundlers (dist/esm), dependencies left external so an app
//   shares its own copy of lit/rxjs/idb; the SDK entry imports none of them.
// - `--mode widget`: dist/chat-widget.js, one self-contained classic script for <script src>.
// - `--mode sdk`: dist/webim-sdk.js, the SDK alone as a classic script (window.WebIM), for pages
//   that want no UI, and for measuring the SDK's size on its own.
// The classic scripts are the ones measured against the size targets (bench/bundle-size.ts), so
// their build spends effort on bytes; each step's saving is measured in the commit that added it.
const classicScript = (entry: string, fileName: string) => ({
  // RxJS's ES2015 build uses native classes instead of tslib helpers: about 2 KB gzip less.
  resolve: { conditions: ['es2015', ...defaultClientConditions] },
  plugins: [
    // Lit's html`` and css`` templates lose their indentation, newlines and CSS comments
    // (html-minifier-next and lightningcss, in the Lit team's plugin): about 1.0 KB gzip off the
    // widget. Only our sources have templates; the SDK has none.
    minifyHtmlLiterals({ include: ['src/**/*.ts'], failOnError: true }),
    thirdPartyLicenses(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    // Terser with two passes beats the default Oxc minifier by about 0.6 KB gzip on the widget
    // and 0.4 KB on the SDK. No unsafe options and no property mangling: the bundle's property
    // names are public API (WebIM, element properties, protocol keys) or Lit's own.
    minify: 'terser' as const,
    terserOptions: { ecma: 2020 as const, compress: { passes: 2 } },
    lib: { entry, name: 'OpenWebIM', formats: ['iife' as const], fileName: () => fileName },
    // Terser takes most of the build's 5 s by design; Rolldown's slow-plugin warning would print
    // that on every build and test run.
    rolldownOptions: { checks: { bundlerTimings: false } },
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
