// @web/test-runner-visual-regression 0.10 ships its browser types as browser/commands.d.ts, which
// its index.d.ts re-exports as './browser/commands.mjs': under NodeNext that finds nothing, and
// visualDiff would be missing. Its declaration, as in browser/commands.d.ts:
export {};

declare module '@web/test-runner-visual-regression' {
  /** Screenshots `element` and compares it with the baseline `name` (the plugin's directories). */
  export function visualDiff(element: Node, name: string): Promise<void>;
}
