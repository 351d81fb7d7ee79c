/**
 * The widget as one classic script, `dist/chat-widget-standalone.js`: `window.WebIM` (see
 * sdk-script.ts) and every chat element, defined, in one file, for sites that host one file
 * themselves. `dist/chat-widget.js` is the small loader that loads the same in chunks when needed
 * (src/loader/).
 */
import WebIM from './sdk-script.js';
import './elements/index.js';

export default WebIM;
