/**
 * In the shipped builds, `WebIM.statusCode` (src/protocol/status-codes.ts, 170 names) is built at
 * load from one string of its names, each value written only where it is not the previous one
 * plus one (`"REQUEST_SUCCESS REQUEST_TIMEOUT=-1 … WEBIM_CONNCTION_OPEN_ERROR …"`), instead of an
 * object literal: 207 B gzip less on webim-sdk.js, with the same names, values and order. The
 * table is still written once, in src/protocol/status-codes.ts, which the server, the ESM build
 * and the tests use as it is; test/build/budgets.test.ts checks the built table against it.
 */
import type { Plugin } from 'vite';
import { statusCode } from '../src/protocol/status-codes.js';
import { Codes } from '../src/store/errors.js';

/** The module's code: the same `statusCode` export, from the string. */
export function compactStatusCodes(table: Record<string, number> = statusCode): string {
  let previous = -1;
  const entries = Object.entries(table).map(([name, value]) => {
    // Upper case, so that the lower-case string below comes back exact.
    if (!/^[A-Z0-9_]+$/.test(name)) throw new Error(`status code name ${name} is not UPPER_CASE`);
    const entry = value === previous + 1 ? name : `${name}=${value}`;
    previous = value;
    return entry;
  });
  return `export const statusCode = /* @__PURE__ */ (() => {
  const codes = {};
  let value = -1;
  for (const entry of ${JSON.stringify(entries.join(' ').toLowerCase())}.toUpperCase().split(' ')) {
    const [name, given] = entry.split('=');
    codes[name] = value = given ? +given : value + 1;
  }
  return codes;
})();
`;
}

/** `table.name` as its number; an unknown name fails the build. */
function inline(code: string, id: string, table: string, values: Record<string, number>): string {
  const use = new RegExp(`(?<![\\w$.])${table}\\.([A-Za-z]\\w*)\\b`, 'g');
  return code.replace(use, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${id}: ${table}.${name} is not a status code`);
    return value < 0 ? `(${value})` : String(value);
  });
}

/**
 * `statusCode.NAME` in our sources, and the store's own names for them (`Codes.name`, which
 * src/store/errors.ts imports from it), as the number it stands for. The table is built at load,
 * so the minifier could not inline it: every use kept its long name, and `Codes` was 1.9 KB of
 * `requestTimeout:h.REQUEST_TIMEOUT,…` in the elements chunk, exported to the lazy chunks that use
 * it. The sources keep the names.
 */
export function inlineStatusCodes(code: string, id = ''): string | undefined {
  let out = code;
  if (out.includes('statusCode.')) out = inline(out, id, 'statusCode', statusCode);
  // `Codes` is the store's (src/store/errors.ts) where the module imports or defines it.
  if (/\bCodes\b[^;]*from '\.\/errors\.js'|export const Codes =/.test(out))
    out = inline(out, id, 'Codes', Codes);
  return out === code ? undefined : out;
}

export function compactStatusCodesPlugin(): Plugin {
  return {
    name: 'openwebim:compact-status-codes',
    enforce: 'pre',
    apply: 'build',
    load: (id) => (id.endsWith('/src/protocol/status-codes.ts') ? compactStatusCodes() : undefined),
    transform: (code, id) =>
      /\/src\/.*\.ts$/.test(id) && !id.endsWith('/src/protocol/status-codes.ts')
        ? inlineStatusCodes(code, id)
        : undefined,
  };
}
