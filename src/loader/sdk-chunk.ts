/**
 * The SDK as the widget's chunks hold it: the start of the elements chunk
 * (`dist/chat/elements-[hash].js`), and alone `dist/chat/sdk-[hash].js`, which the loader imports
 * when a page reads `WebIM.ready` before it needs the elements (a page that then needs them too
 * runs the elements' copy, which becomes `window.WebIM`; what it made with the first keeps working).
 * Either defines `window.WebIM` like the classic script does. The chunk's own URL names the server
 * that served it, which becomes the default server of every connection and element on the page
 * (seed code passes no `apiUrl`), as `document.currentScript` does for the single-file scripts.
 */
import WebIM, { defaults } from '../sdk/index.js';
import type { WebIMGlobal } from './webim-global.js';

if (!defaults.apiUrl) defaults.apiUrl = new URL(import.meta.url).origin;

const global = WebIM as WebIMGlobal;
global.ready = Promise.resolve(global);
window.WebIM = global;

export default global;
