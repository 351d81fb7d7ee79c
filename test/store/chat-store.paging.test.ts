// Paging back through a long stored conversation: every message once, in order, page after page.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import { Messages } from '../../src/store/errors.js';
import type { ChatMessage } from '../../src/store/types.js';
import { openUserDb, userDbName } from '../../src/store/database.js';
import { storeIncomingBatch } from '../../src/store/messages-repo.js';
import { uniqueName } from '../support/servers.js';
import {
  APP,
  cleanUp,
  newStore,
  ownServer,
  rejection,
  signIn,
  signUp,
  until,
} from './store-fixtures.js';

afterEach(cleanUp);

const COUNT = 5_000;

/** Stores `count` messages with Alice as the store's own batched writer would (a long replay). */
async function seed(
  dbName: string,
  me: string,
  peer: string,
  count: number,
  options: { onServer: boolean } = { onServer: false },
) {
  const { db } = await openUserDb(dbName);
  const start = Date.now() - count * 1000;
  const messages = Array.from({ length: count }, (_, i): ChatMessage => ({
    id: `seed-${i}`,
    mid: `${1_000_000 + i}`,
    conversationId: peer,
    chatType: 'singleChat',
    type: 'txt',
    from: i % 3 === 0 ? me : peer,
    to: i % 3 === 0 ? peer : me,
    text: `m${i}`,
    // Every fifth pair shares a millisecond, so page boundaries fall inside one now and then.
    time: start + Math.floor(i / 2) * 1000 + (i % 10 === 1 ? 0 : i % 2),
    status: i % 3 === 0 ? 'sent' : 'received',
  }));
  try {
    for (let i = 0; i < count; i += 500)
      await storeIncomingBatch(
        db,
        messages.slice(i, i + 500).map((message) => ({ message, unread: false })),
        // The server knows none of them: the conversation starts here, loadOlder never asks it.
        options.onServer ? {} : { history: { conversationId: peer, exhausted: true } },
      );
  } finally {
    db.close();
  }
}

describe('store/chat-store: paging a long stored conversation', function () {
  this.timeout(120_000);

  it('pages 5,000 stored messages in, each once and in order, with messages$ always what is stored', async () => {
    const { url } = await ownServer();
    const prefix = uniqueName('pg');
    const a = newStore(url, prefix);
    const alice = await signUp(a);
    const bob = await signUp(a);
    await signIn(a, alice);
    await seed(userDbName(prefix, APP, alice), alice, bob, COUNT);

    const texts = (list: ChatMessage[]) => list.map((m) => m.text);
    const expected = Array.from({ length: COUNT }, (_, i) => `m${i}`);
    // Kept subscribed, as a window showing the conversation keeps it.
    const shown = a.messages$(bob).subscribe();
    const first = await until(a.messages$(bob), (l) => l.length > 0, 'the newest page');
    expect(texts(first)).to.deep.equal(expected.slice(COUNT - 200));

    let exhausted = false;
    let pages = 0;
    while (!exhausted) {
      const before = (await firstValueFrom(a.messages$(bob))).length;
      const page = await a.loadOlder(bob);
      pages += 1;
      const after = await firstValueFrom(a.messages$(bob));
      expect(after.length).to.equal(before + page.added);
      // No gap and no duplicate: what shows is exactly the newest `after.length` messages.
      expect(texts(after)).to.deep.equal(expected.slice(COUNT - after.length));
      exhausted = page.exhausted;
      expect(pages).to.be.below(COUNT);
    }
    expect(texts(await firstValueFrom(a.messages$(bob)))).to.deep.equal(expected);

    // Nothing older anywhere.
    expect(await a.loadOlder(bob)).to.deep.equal({ added: 0, exhausted: true });
    shown.unsubscribe();
  });

  it('says older messages could not be loaded when the server refuses the page', async () => {
    const { url } = await ownServer();
    const prefix = uniqueName('pg');
    const a = newStore(url, prefix);
    const alice = await signUp(a);
    const bob = await signUp(a);
    await signIn(a, alice);
    // Stored as if from the server, which has never seen them: it refuses their id as a cursor.
    await seed(userDbName(prefix, APP, alice), alice, bob, 10, { onServer: true });
    await until(a.messages$(bob), (l) => l.length === 10, 'the stored ten');
    const refused = await rejection(a.loadOlder(bob));
    expect(refused.message).to.equal(Messages.historyFailed);
    expect(await firstValueFrom(a.history$(bob))).to.deep.equal({
      loading: false,
      exhausted: false,
    });
    expect((await firstValueFrom(a.messages$(bob))).length).to.equal(10);
  });
});
