import type { WebIMNamespace } from '../sdk/index.js';

/**
 * `window.WebIM` as the classic scripts define it: the SDK, plus `ready`, a promise of itself.
 * With the single-file scripts (`chat-widget-standalone.js`, `webim-sdk.js`) `WebIM` is complete as
 * soon as the script has run; with the loader (`chat-widget.js`) it is a placeholder holding only
 * `ready` until the SDK's chunk has loaded (reading `ready` loads it), and the loader also fires
 * `webim-ready` on `window` then. Code that runs after any of them can always write
 * `WebIM.ready.then((WebIM) => new WebIM.connection(…))`.
 */
export interface WebIMGlobal extends WebIMNamespace {
  ready: Promise<WebIMGlobal>;
}

declare global {
  interface Window {
    WebIM: WebIMGlobal;
  }
}
