// The framework types (build/framework-types.ts) generated from the committed custom-elements.json
// and compiled by TypeScript, as an app would use them: `<chat-widget app-key="…">` type-checks in
// TSX (React 19's JSX.IntrinsicElements) and as a Vue component's props (GlobalComponents, what
// vue-tsc checks a single-file component's template against); a wrong attribute value does not
// (each `@ts-expect-error` below fails the compile if nothing is wrong there).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import ts from 'typescript';
import { elementsOf, reactTypes, vueTypes } from '../../build/framework-types.js';

const root = resolve(import.meta.dirname, '..', '..');
const temp = await mkdtemp(join(tmpdir(), 'openwebim-types-'));
after(() => rm(temp, { recursive: true, force: true }));

const manifest = JSON.parse(await readFile(join(root, 'custom-elements.json'), 'utf8'));

/** Compiles `files` (name → source) against the generated types; returns the diagnostics. */
async function compile(files: Record<string, string>): Promise<string[]> {
  const types = join(temp, 'types');
  await mkdir(join(types, 'elements'), { recursive: true });
  await writeFile(join(types, 'react.d.ts'), reactTypes(manifest));
  await writeFile(join(types, 'vue.d.ts'), vueTypes(manifest));
  // Where dist/types/elements/index.d.ts would be: the elements' own sources.
  await writeFile(
    join(types, 'elements', 'index.d.ts'),
    `export * from ${JSON.stringify(join(root, 'src', 'elements', 'index.js'))};\n`,
  );
  const paths = Object.keys(files).map((name) => join(temp, name));
  for (const [name, source] of Object.entries(files)) await writeFile(join(temp, name), source);
  const program = ts.createProgram(paths, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    jsx: ts.JsxEmit.ReactJSX,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators: true,
    useDefineForClassFields: false,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    typeRoots: [join(root, 'node_modules', '@types')],
    baseUrl: temp,
    paths: {
      'openwebim/react': [join(types, 'react.d.ts')],
      'openwebim/vue': [join(types, 'vue.d.ts')],
      '*': [join(root, 'node_modules', '@types', '*'), join(root, 'node_modules', '*')],
    },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('framework types from custom-elements.json', () => {
  it('cover every element of the manifest', () => {
    const tags = elementsOf(manifest).map((e) => e.tagName);
    assert.ok(tags.includes('chat-widget') && tags.includes('chat-window'), tags.join());
    for (const tag of tags) {
      assert.match(reactTypes(manifest), new RegExp(`'${tag}': React`));
      assert.match(vueTypes(manifest), new RegExp(`'${tag}': DefineComponent`));
    }
  });

  it('type-check <chat-widget app-key="…"> in TSX and refuse a wrong value', async () => {
    const diagnostics = await compile({
      'app.tsx': `import type {} from 'openwebim/react';
export const ok = <chat-widget app-key="demo#chat" api-url="https://chat.example" theme="dark" open />;
export const login = <chat-login mode="register" app-key="demo#chat" />;
// @ts-expect-error theme is 'light' or 'dark'
export const badTheme = <chat-widget theme="blue" />;
// @ts-expect-error open is a boolean
export const badOpen = <chat-widget open="yes" />;
`,
    });
    assert.deepEqual(diagnostics, []);
  });

  it("type-check a Vue component's props and refuse a wrong value", async () => {
    const diagnostics = await compile({
      'app.ts': `import type {} from 'openwebim/vue';
import type { GlobalComponents } from 'vue';
type WidgetProps = InstanceType<GlobalComponents['chat-widget']>['$props'];
export const ok: WidgetProps = { appKey: 'demo#chat', apiUrl: 'https://chat.example', theme: 'dark' };
// @ts-expect-error theme is 'light' or 'dark'
export const bad: WidgetProps = { theme: 'blue' };
`,
    });
    assert.deepEqual(diagnostics, []);
  });
});
