import { defineConfig } from 'vite';

// Two builds from one config:
// - default mode: ESM entry points for bundlers (dist/esm), dependencies left external so an app
//   shares its own copy of lit/rxjs/idb; the SDK entry imports none of them.
// - `--mode widget`: dist/chat-widget.js, one self-contained classic script for <script src>.
export default defineConfig(({ mode }) =>
  mode === 'widget'
    ? {
        build: {
          outDir: 'dist',
          emptyOutDir: false,
          target: 'es2022',
          lib: {
            entry: 'src/widget.ts',
            name: 'OpenWebIM',
            formats: ['iife'],
            fileName: () => 'chat-widget.js',
          },
        },
      }
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
