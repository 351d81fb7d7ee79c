/**
 * Everything but the launcher, as the loader's chunk (`dist/chat/elements-[hash].js`): the SDK
 * (`window.WebIM`, first, so the server is known before any element asks for a store), then every
 * chat element, defined. Defining `<chat-widget>` upgrades the elements whose launcher the loader
 * drew; they take over the same shadow root.
 */
import './sdk-chunk.js';
import '../elements/index.js';
