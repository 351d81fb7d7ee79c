import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import {
  build,
  defaultClientConditions,
  defineConfig,
  type InlineConfig,
  type Plugin,
  type Rolldown,
  type UserConfig,
} from 'vite';
import { compactStatusCodesPlugin } from './build/compact-status-codes.js';
import { emojiData } from './build/emoji-data.js';
import { emojiPickerCsp } from './build/emoji-picker-csp.js';
import { precompress } from './build/precompress.js';
import { rxjsNativeAsync } from './build/rxjs-native-async.js';
import { thirdPartyLicenses } from './build/third-party-licenses.js';

// Four builds from one config:
// - default mode: ESM entry points for bundlers (dist/esm), dependencies left external so an app
//   shares its own copy of lit/rxjs/idb; the SDK entry imports none of them. One file per source
//   module, so `sideEffects` can name the element modules that define elements.
// - `--mode widget`: what `<script src=".../chat-widget.js">` loads. dist/chat/*-[hash].js, ES
//   module chunks (the SDK; everything else), then dist/chat-widget.js, the small classic loader
//   that draws the launcher and imports those chunks when needed (src/loader/loader.ts); the
//   chunks' hashed names are written into it.
// - `--mode standalone`: dist/chat-widget-standalone.js, the whole widget as one classic script,
//   for sites that host one file themselves.
// - `--mode sdk`: dist/webim-sdk.js, the SDK alone as a classic script (window.WebIM), for pages
//   that want no UI, and for measuring the SDK's size on its own.
// These are the files measured against the size budgets (bench/bundle-size.ts,
// test/build/budgets.test.ts), so their build spends effort on bytes; each step's saving is
// measured in the commit that added it.
const shipped = {
  // RxJS's ES2015 build uses native classes instead of tslib helpers: about 2 KB gzip less.
  resolve: { conditions: ['es2015', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    // Terser with two passes beats the default Oxc minifier by about 0.6 KB gzip on the widget
    // and 0.4 KB on the SDK. No unsafe options and no property mangling: the bundle's property
    // names are public API (WebIM, element properties, protocol keys) or Lit's own.
    minify: 'terser' as const,
    terserOptions: { ecma: 2020 as const, safari10: false, compress: { passes: 3 } },
    // Terser takes most of the build's 5 s by design; Rolldown's slow-plugin warning would print
    // that on every build and test run.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
} satisfies UserConfig;

const plugins = () => [
  // Lit's html`` and css`` templates lose their indentation, newlines and CSS comments
  // (html-minifier-next and lightningcss, in the Lit team's plugin): about 1.0 KB gzip off the
  // widget. Only our sources have templates; the SDK has none.
  minifyHtmlLiterals({ include: ['src/**/*.ts'], failOnError: true }),
  compactStatusCodesPlugin(),
  rxjsNativeAsync(),
  thirdPartyLicenses(),
  precompress(),
];

const classicScript = (entry: string, fileName: string, extra: Plugin[] = []): UserConfig => ({
  ...shipped,
  plugins: [...plugins(), ...extra],
  build: {
    ...shipped.build,
    lib: { entry, name: 'OpenWebIM', formats: ['iife' as const], fileName: () => fileName },
  },
});

/** The chunks' folder under dist/, and so under the loader's URL. */
const CHUNKS = 'chat';

/**
 * Once the chunks are written, builds the loader with their names in it. The loader has no
 * third-party code and no templates, so it needs neither plugin.
 */
function widgetLoader(): Plugin {
  let names: Record<string, string> = {};
  return {
    name: 'openwebim:widget-loader',
    apply: 'build',
    generateBundle(_options, bundle) {
      names = {};
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry) names[chunk.name] = chunk.fileName;
        // The login form's chunk, which the loader preloads for a visitor who must sign in.
        if (chunk.type === 'chunk' && chunk.facadeModuleId?.endsWith('chat-login/chat-login.ts'))
          names.login = chunk.fileName;
      }
    },
    async writeBundle(options) {
      const outDir = options.dir ?? 'dist';
      // `window.WebIM` alone (`WebIM.ready` on a page without the elements), a chunk of its own:
      // the elements' chunk holds a copy of the SDK rather than importing this one.
      /** Builds `input` alone into one content-hashed chunk beside the others; answers its file name. */
      const chunkOf = async (
        name: string,
        input: string,
        extra: Pick<InlineConfig, 'resolve' | 'plugins'>,
        preserveEntrySignatures: false | 'strict',
      ) => {
        const out = (await build({
          configFile: false,
          logLevel: 'warn',
          ...extra,
          build: {
            ...shipped.build,
            outDir,
            copyPublicDir: false,
            modulePreload: false,
            rolldownOptions: {
              ...shipped.build.rolldownOptions,
              input: { [name]: input },
              preserveEntrySignatures,
              output: { format: 'es', entryFileNames: `${CHUNKS}/[name]-[hash].js` },
            },
          },
        })) as Rolldown.RolldownOutput;
        return out.output[0].fileName;
      };
      // `window.WebIM` alone (`WebIM.ready` on a page without the elements), a chunk of its own:
      // the elements' chunk holds a copy of the SDK rather than importing this one.
      names.sdk = await chunkOf(
        'sdk',
        'src/loader/sdk-chunk.ts',
        {
          resolve: shipped.resolve,
          plugins: [plainDynamicImports(), compactStatusCodesPlugin(), precompress()],
        },
        false,
      );
      // The loader's words in the other languages (src/loader/words.ts), a chunk it imports only
      // for a widget in another language.
      names.words = await chunkOf(
        'words',
        'src/loader/words.ts',
        { plugins: [precompress()] },
        'strict',
      );
      await build({
        configFile: false,
        logLevel: 'warn',
        define: { __OPENWEBIM_CHUNKS__: JSON.stringify(names) },
        plugins: [precompress()],
        build: {
          ...shipped.build,
          outDir,
          lib: {
            entry: 'src/loader/loader.ts',
            name: 'OpenWebIMLoader',
            formats: ['iife'],
            fileName: () => 'chat-widget.js',
          },
        },
      });
    },
  };
}

/**
 * Vite wraps every `import()` of the chunks in its preload helper (module-preload links, CSS, a
 * `vite:preloadError` event): 1.3 KB gzip of code in the elements chunk, though these chunks have
 * no CSS and preload nothing (`modulePreload: false`, every list it is given is `[]`). The helper
 * becomes a plain call; a failed import rejects as it would without Vite.
 */
function plainDynamicImports(): Plugin {
  const helper = '\0vite/preload-helper.js';
  return {
    name: 'openwebim:plain-dynamic-imports',
    enforce: 'pre',
    apply: 'build',
    load: (id) => (id === helper ? 'export const __vitePreload = (load) => load();' : undefined),
  };
}

/** The widget's entry: what a page with `<chat-widget>` loads, the SDK included. */
const ELEMENTS = 'src/loader/elements-chunk.ts';

/**
 * Every module the elements' entry imports statically, filled in once the module graph is known,
 * for the chunk group of {@link widget}.
 */
function staticModules(): Plugin & { eager: Set<string> } {
  const eager = new Set<string>();
  return {
    name: 'openwebim:static-modules',
    apply: 'build',
    eager,
    buildEnd() {
      eager.clear();
      const walk = (id: string): void => {
        if (eager.has(id)) return;
        eager.add(id);
        for (const next of this.getModuleInfo(id)?.importedIds ?? []) walk(next);
      };
      const entry = [...this.getModuleIds()].find((id) => id.endsWith(ELEMENTS));
      if (entry) walk(entry);
    },
  };
}

const widget = (): UserConfig => {
  const modules = staticModules();
  return {
    ...shipped,
    // The emoji picker's data goes beside the chunks, for the chat server to serve (dist/emoji/).
    plugins: [
      plainDynamicImports(),
      ...plugins(),
      modules,
      widgetLoader(),
      emojiData(),
      emojiPickerCsp(),
    ],
    build: {
      ...shipped.build,
      // The chunks preload nothing themselves: the loader imports the one entry a page needs.
      modulePreload: false,
      rolldownOptions: {
        ...shipped.build.rolldownOptions,
        input: { elements: ELEMENTS },
        // Nothing imports the entry's exports: the loader imports it for what it defines.
        preserveEntrySignatures: false,
        output: {
          format: 'es',
          // The entry's chunk holds everything it imports statically, the SDK included: one file
          // compresses better than two (1.4 KB brotli) and needs no names between them. Left to
          // itself, Rolldown moved what the elements share with a lazily imported element (Lit,
          // the store) into a chunk of its own once `<chat-login>` became lazy: one more request
          // and 3 KB brotli more.
          codeSplitting: {
            groups: [{ name: 'elements', test: (id: string) => modules.eager.has(id) }],
          },
          entryFileNames: `${CHUNKS}/[name]-[hash].js`,
          // A shared chunk is named after a module (`panel.styles.ts`); the server serves only
          // `chat/{letters, digits, _ and -}-{hash}.js` (server/http/static-routes.ts), so any
          // other character becomes `-`. A dot here once made the lazily loaded tabs 404.
          chunkFileNames: (chunk) => `${CHUNKS}/${chunk.name.replace(/[^\w-]/g, '-')}-[hash].js`,
        },
      },
    },
  };
};

export default defineConfig(({ mode }) =>
  mode === 'widget'
    ? widget()
    : mode === 'standalone'
      ? classicScript('src/widget.ts', 'chat-widget-standalone.js', [emojiData(), emojiPickerCsp()])
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
                external: [
                  /^lit($|\/)/,
                  /^@lit\//,
                  /^rxjs($|\/)/,
                  /^idb($|\/)/,
                  /^emoji-picker-element($|\/)/,
                ],
                // One file per source module (dist/esm/elements/chat-widget/chat-widget.js…), not
                // hashed shared chunks: package.json's `sideEffects` can then name exactly the
                // modules that define elements. A shared chunk, unnamed there, was dropped by
                // bundlers, and `import 'openwebim/elements'` defined nothing in production.
                output: { preserveModules: true, preserveModulesRoot: 'src' },
              },
            },
          },
);
