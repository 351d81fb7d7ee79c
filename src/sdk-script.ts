/**
 * The SDK as a classic script (`dist/webim-sdk.js`, and the first half of `dist/chat-widget.js`):
 * defines `window.WebIM`. Unlike the ESM entry points, this file runs in a page, so it reads
 * `document.currentScript` at load: the server that served the script becomes the default server
 * of every connection and element on the page (seed code passes no `apiUrl`).
 */
import WebIM, { defaults } from './sdk/index.js';

const script = typeof document === 'undefined' ? null : document.currentScript;
if (script instanceof HTMLScriptElement && script.src && !defaults.apiUrl) {
  defaults.apiUrl = new URL(script.src).origin;
}

declare global {
  interface Window {
    WebIM: typeof WebIM;
  }
}

if (typeof window !== 'undefined') window.WebIM = WebIM;

export default WebIM;
