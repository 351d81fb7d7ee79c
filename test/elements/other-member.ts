// Another person with a store and a UI of their own, in the same page: a second ChatStore (its own
// IndexedDB prefix, its own SDK connection to the real server) given through the widget's context
// to whatever elements are put in `root`. It shows what a change made in the page under test does
// on someone else's screen, which a raw-socket peer (peer.ts) cannot.
import { ContextProvider } from '@lit/context';
import { chatStoreContext } from '../../src/elements/context.js';
import { ChatStore } from '../../src/store/index.js';
import { uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, registerUser } from './peer.js';

export interface OtherMember {
  username: string;
  store: ChatStore;
  /** Elements appended here use `store`. */
  root: HTMLElement;
  /** Puts `<tag>` in `root` and waits for its first render. */
  show<K extends keyof HTMLElementTagNameMap>(tag: K): Promise<HTMLElementTagNameMap[K]>;
  /** Removes the elements and signs out, wiping the store's database. */
  close(): Promise<void>;
}

/** Registers a new user and signs them in with a store of their own. */
export async function otherMember(url: string, prefix = 'other'): Promise<OtherMember> {
  const username = uniqueName(prefix);
  await registerUser(url, username);
  const store = new ChatStore({ appKey: APP_KEY, apiUrl: url, databasePrefix: uniqueName('db') });
  await store.login({ username, password: PASSWORD });
  const root = document.createElement('div');
  new ContextProvider(root, { context: chatStoreContext, initialValue: store });
  document.body.append(root);
  return {
    username,
    store,
    root,
    async show(tag) {
      const el = document.createElement(tag);
      root.append(el);
      await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
      return el;
    },
    async close() {
      root.remove();
      await store.logout({ wipe: true });
    },
  };
}
