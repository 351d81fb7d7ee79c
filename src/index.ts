/**
 * openwebim for bundlers. Each layer is also its own entry point, so an app takes only what it uses:
 * `openwebim/sdk` (the WebIM-compatible connection, no Lit or RxJS), `openwebim/store`,
 * `openwebim/elements`, `openwebim/protocol`.
 */
export { default as WebIM } from './sdk/index.js';
export * from './sdk/index.js';
export * from './store/index.js';
export * from './elements/index.js';
