// A stored message the server can no longer serialise (an `ext` nested thousands deep, stored
// before the server bounded ext: JSON.stringify runs out of stack) must not break what lists it:
// the REST history page leaves it out and pages on past it, the conversation list still lists the
// conversation (issue 11; the WebSocket replay skips it too, see session.test.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import type { ConversationsResponse, HistoryResponse } from '../../src/protocol/rest.js';
import {
  api,
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  textOf,
  type TestServer,
  type TestUser,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const depth = 5_000;
const deepExt = `{"nested":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;

/** Writes `ext` into the stored message sent with client id `id`, as an older server would have. */
function storeExt(id: string, ext: string): void {
  const db = new Database(join(t.dataDir, 'openwebim.sqlite'));
  try {
    const changed = db.prepare('UPDATE messages SET ext = ? WHERE client_id = ?').run(ext, id);
    assert.equal(changed.changes, 1);
  } finally {
    db.close();
  }
}

async function get<T>(user: TestUser, path: string): Promise<T> {
  const response = await api<T>(t.url, 'GET', `/demo/chat/users/${user.username}${path}`, {
    token: user.token,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 300));
  return response.body;
}

describe('a stored message that cannot be serialised', () => {
  it('is left out of history pages, which page on past it, and its conversation stays listed', async () => {
    assert.throws(() => JSON.stringify(JSON.parse(deepExt)), RangeError);
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const ids: string[] = [];
    for (const text of ['one', 'two', 'deep', 'four', 'last deep']) {
      ids.push(sendText(a.socket, bob.username, text));
      await a.socket.next('ack');
    }
    storeExt(ids[2]!, deepExt);
    storeExt(ids[4]!, deepExt);

    for (const user of [alice, bob]) {
      const peer = user === alice ? bob.username : alice.username;
      const texts: string[] = [];
      let cursor: string | null = null;
      // Pages of two: the unservable ones fall at a page's end and alone on one.
      for (let pages = 0; pages < 5; pages += 1) {
        const query: string = `?peer=${peer}&chatType=singleChat&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page: HistoryResponse = await get<HistoryResponse>(user, `/messages${query}`);
        texts.push(...page.messages.map(textOf));
        if (page.isLast) break;
        cursor = page.cursor;
      }
      assert.deepEqual(texts, ['four', 'two', 'one'], `${user.username}'s history`);

      const { entities } = await get<ConversationsResponse>(user, '/user_channels');
      assert.equal(entities.length, 1);
      const [listed] = entities;
      assert.equal(listed?.peer, peer);
      assert.equal(listed?.lastMessage.id, ids[4], 'the newest is still the last message');
      assert.equal(textOf(listed!.lastMessage), 'last deep');
      assert.deepEqual(listed?.lastMessage.ext, {}, 'without the ext it cannot send');
    }
    await a.socket.close();
  });
});
