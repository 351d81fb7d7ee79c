/**
 * The SDK as a classic script (`dist/webim-sdk.js`, and the first half of
 * `dist/chat-widget-standalone.js`): defines `window.WebIM`. Unlike the ESM entry points, this file
 * runs in a page, so it reads `document.currentScript` at load: the server that served the script
 * becomes the default server of every connection and element on the page (seed code passes no
 * `apiUrl`). `WebIM.ready` is there too, already resolved, so code written for the loader
 * (`chat-widget.js`, see src/loader/) works unchanged.
 */
import WebIM, { defaults } from './sdk/index.js';
import type { WebIMGlobal } from './loader/webim-global.js';

// Not in a page (a worker's importScripts): no script element, and no HTMLScriptElement either.
const script = typeof document === 'undefined' ? null : document.currentScript;
const src = (script as HTMLScriptElement | null)?.src;
if (src && !defaults.apiUrl) defaults.apiUrl = new URL(src).origin;

const global = WebIM as WebIMGlobal;
global.ready = Promise.resolve(global);
if (typeof window !== 'undefined') window.WebIM = global;

export default global;
