/**
 * The widget as one classic script, `dist/chat-widget.js`: `window.WebIM` (see sdk-script.ts) and
 * every chat element, defined. A page needs only `<script src>` and `<chat-widget app-key>`.
 */
import WebIM from './sdk-script.js';
import './elements/index.js';

export default WebIM;
