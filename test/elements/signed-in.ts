// One signed-in user per test (registered fresh, logged in through the page's store) and the other
// users it deals with, each a raw-socket peer (peer.ts) closed after the test.
import { getChatStore } from '../../src/store/index.js';
import { uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

export interface SignedIn {
  /** The signed-in user's name in the current test. */
  me: string;
  /** A new user, connected, closed after the test. */
  peer(prefix?: string): Promise<Peer>;
}

/** Registers mocha hooks: before each test a fresh user logs in, after it everything is wiped. */
export function signedIn(url: string): SignedIn {
  const store = () => getChatStore(APP_KEY, url);
  const peers: Peer[] = [];
  const state: SignedIn = {
    me: '',
    async peer(prefix = 'peer') {
      const p = await connectPeer(url, uniqueName(prefix));
      peers.push(p);
      return p;
    },
  };
  beforeEach(async () => {
    state.me = uniqueName('me');
    await registerUser(url, state.me);
    await store().login({ username: state.me, password: PASSWORD });
  });
  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    await store().logout({ wipe: true });
  });
  return state;
}
