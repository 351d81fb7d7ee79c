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

export function compactStatusCodesPlugin(): Plugin {
  return {
    name: 'openwebim:compact-status-codes',
    enforce: 'pre',
    apply: 'build',
    load: (id) => (id.endsWith('/src/protocol/status-codes.ts') ? compactStatusCodes() : undefined),
  };
}
