// A holder that stops answering (issue 12): a tab the browser froze, not closed, keeps the Web Lock
// of the connection, so no other tab takes the socket over, and it answers nothing on the channel.
// A frozen tab cannot be made from inside a test page, so here the page itself holds the lock the
// way a holder's tab would and says nothing (a stand-in for that one fault; the server, the
// follower's store and its REST check are real). The follower's call fails after the wait with the
// SDK's request timeout, and when the holder runs again and answers the hello the follower sent,
// it is online again.
import { expect } from '@open-wc/testing';
import { statusCode } from '../../src/protocol/index.js';
import { userDbName } from '../../src/store/database.js';
import { createSharedConnection } from '../../src/store/tab-sharing/shared-connection.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP, PASSWORD, cleanUp, newStore, rejection, signUp, until } from './store-fixtures.js';

afterEach(cleanUp);

describe('store: a holder tab that stops answering', function () {
  this.timeout(60_000);

  it("fails a follower's call after the wait with the SDK's timeout, and recovers when the holder answers", async () => {
    const { url } = await mainServer();
    const me = await signUp(newStore(url, uniqueName('freg')));
    const prefix = uniqueName('ffrozen');
    const lockName = `openwebim-connection:${userDbName(prefix, APP, me)}`;

    // The frozen holder: it has the lock and keeps it, and hears the channel without answering.
    let thaw = () => {};
    const held = new Promise<void>((resolve) => (thaw = resolve));
    await new Promise<void>(
      (taken) =>
        void navigator.locks.request(lockName, () => {
          taken();
          return held;
        }),
    );
    const channel = new BroadcastChannel(lockName);
    const hellos: string[] = [];
    let heard = () => {};
    channel.onmessage = ({ data }: MessageEvent<{ t?: string; from?: string }>) => {
      if (data.t === 'hello' && data.from) hellos.push(data.from);
      heard();
    };
    const hello = (count: number) =>
      new Promise<string>((resolve) => {
        const check = () => (hellos.length >= count ? resolve(hellos.at(-1)!) : undefined);
        heard = check;
        check();
      });

    try {
      const follower = newStore(url, prefix, {
        createConnection: (config) => createSharedConnection(config, { answerWaitMs: 500 }),
      });
      await follower.ready;
      await follower.login({ username: me, password: PASSWORD });
      await hello(1);

      // A call through the holder: nothing answers it, and it fails once the wait is over.
      const failure = await rejection(follower.refreshRooms());
      expect(failure.type).to.equal(statusCode.REQUEST_TIMEOUT);
      // The follower asks again whether the holder is there; it runs again and answers.
      const tab = await hello(2);
      channel.postMessage({ t: 'state', from: 'thawed', to: tab, opened: true });
      await until(follower.status$, (s) => s === 'online', 'online once the holder answers');
    } finally {
      channel.close();
      thaw();
    }
  });
});
