/**
 * Types for frameworks, generated from custom-elements.json (so they follow the JSDoc):
 * `dist/types/react.d.ts` adds every chat element to React's `JSX.IntrinsicElements`, and
 * `dist/types/vue.d.ts` to Vue's `GlobalComponents`, so `<chat-widget app-key="…">` type-checks in
 * TSX and in Vue single-file components (package.json exports them as `openwebim/react` and
 * `openwebim/vue`, types only: `import type {} from 'openwebim/react'`).
 *
 *   node --import tsx build/framework-types.ts [outDir]     (npm run build:browser runs it)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Attribute {
  name: string;
  fieldName?: string;
  description?: string;
  type?: { text: string };
}
interface Declaration {
  name: string;
  tagName?: string;
  customElement?: boolean;
  summary?: string;
  description?: string;
  attributes?: Attribute[];
}
interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'undefined', 'null']);

/** A type text from the manifest as TypeScript a .d.ts beside dist/types/elements can use. */
function typeOf(attribute: Attribute): string {
  const text = attribute.type?.text ?? 'string';
  return text.replace(/\b[A-Za-z_]\w*\b/g, (name, at: number) =>
    // Inside a string literal, or a primitive: as is. Otherwise a type the elements export.
    PRIMITIVES.has(name) || text.slice(0, at).split("'").length % 2 === 0
      ? name
      : `import('./elements/index.js').${name}`,
  );
}

const doc = (text: string | undefined, indent: string) =>
  text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim()} */\n` : '';

export function elementsOf(manifest: Manifest): Declaration[] {
  return manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .filter((d) => d.customElement && d.tagName)
    .sort((a, b) => a.tagName!.localeCompare(b.tagName!));
}

function attributes(element: Declaration, indent: string, key: (a: Attribute) => string): string {
  return (element.attributes ?? [])
    .map((a) => `${doc(a.description, indent)}${indent}'${key(a)}'?: ${typeOf(a)};\n`)
    .join('');
}

export function reactTypes(manifest: Manifest): string {
  const entries = elementsOf(manifest).map(
    (element) =>
      doc(element.summary ?? element.description, '      ') +
      `      '${element.tagName}': React.DetailedHTMLProps<React.HTMLAttributes<import('./elements/index.js').${element.name}>, import('./elements/index.js').${element.name}> & {\n` +
      attributes(element, '        ', (a) => a.name) +
      '      };\n',
  );
  return `// Generated from custom-elements.json by build/framework-types.ts. Do not edit.
import type * as React from 'react';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
${entries.join('')}    }
  }
}

export {};
`;
}

export function vueTypes(manifest: Manifest): string {
  const entries = elementsOf(manifest).map(
    (element) =>
      doc(element.summary ?? element.description, '    ') +
      `    '${element.tagName}': DefineComponent<{\n` +
      attributes(element, '      ', (a) => a.fieldName ?? a.name) +
      '    }>;\n',
  );
  return `// Generated from custom-elements.json by build/framework-types.ts. Do not edit.
import type { DefineComponent } from 'vue';

declare module 'vue' {
  interface GlobalComponents {
${entries.join('')}  }
}

export {};
`;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(root, 'dist', 'types'));
  const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8')) as Manifest;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'react.d.ts'), reactTypes(manifest));
  writeFileSync(join(outDir, 'vue.d.ts'), vueTypes(manifest));
}
