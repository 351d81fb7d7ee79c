/**
 * Everything but the launcher, as the loader's chunk (`dist/chat/elements-[hash].js`): the SDK
 * (`window.WebIM`, first, so the server is known before any element asks for a store), then the
 * chat elements, defined. Defining `<chat-widget>` upgrades the elements whose launcher the loader
 * drew; they take over the same shadow root.
 *
 * `<chat-widget>` brings `<chat-notices>`, `<chat-roster>` and `<chat-window>`; the ones shown
 * rarely or only before signing in (`<chat-login>`, `<chat-contacts>`, `<chat-groups>`,
 * `<chat-rooms>`, `<chat-group-info>`, `<chat-password>`, `<chat-visitor-info>`, and `<chat-cues>`
 * for a page without the widget) are chunks of
 * their own that their host imports the first time it shows them, which keeps them out of what a
 * signed-in visitor loads up front (build/budgets.ts).
 */
import './sdk-chunk.js';
import '../elements/chat-widget/chat-widget.js';

// A page may also use those elements directly (the loader loads this chunk when it has one): they
// are imported when one is in the page, or added to it later.
const lazy: Record<string, () => Promise<unknown>> = {
  'chat-login': () => import('../elements/chat-login/chat-login.js'),
  'chat-contacts': () => import('../elements/chat-contacts/chat-contacts.js'),
  'chat-groups': () => import('../elements/chat-groups/chat-groups.js'),
  'chat-rooms': () => import('../elements/chat-rooms/chat-rooms.js'),
  'chat-group-info': () => import('../elements/chat-group-info/chat-group-info.js'),
  'chat-password': () => import('../elements/chat-password/chat-password.js'),
  'chat-visitor-info': () => import('../elements/chat-visitor-info/chat-visitor-info.js'),
  'chat-cues': () => import('../elements/chat-cues/chat-cues.js'),
};
const names = Object.keys(lazy).join();

function define(root: Element | Document): void {
  const found = root instanceof Element && root.matches(names) ? [root] : [];
  for (const element of [...found, ...root.querySelectorAll(names)]) {
    const load = lazy[element.localName];
    if (load && !customElements.get(element.localName)) {
      load().catch((error: unknown) => console.error('openwebim: could not load', error));
    }
  }
}

define(document);
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) if (node instanceof Element) define(node);
  }
}).observe(document, { childList: true, subtree: true });
