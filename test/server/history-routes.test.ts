// History pages and the conversation list (server/http/history-routes.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationsResponse, HistoryResponse } from '../../src/protocol/rest.js';
import {
  PNG_BYTES,
  api,
  assertError,
  connectSynced,
  newUser,
  sendText,
  startTestServer,
  textOf,
  uploaded,
  type TestServer,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

type User = { username: string; token: string };

async function sent(socket: TestSocket, to: string, text: string) {
  const id = sendText(socket, to, text);
  return socket.next('ack', (ack) => ack.id === id);
}

const historyPath = (me: string, query: string) => `/demo/chat/users/${me}/messages?${query}`;

async function page(user: User, query: string) {
  const response = await api<HistoryResponse>(t.url, 'GET', historyPath(user.username, query), {
    token: user.token,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

describe('GET /{org}/{app}/users/{me}/messages', () => {
  it('pages a conversation newest first with no gaps or duplicates, recalled ones left out', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const expected: string[] = [];
    const recalled: string[] = [];
    for (let i = 1; i <= 23; i += 1) {
      const from = i % 3 === 0 ? b.socket : a.socket;
      const ack = await sent(from, i % 3 === 0 ? alice.username : bob.username, `m${i}`);
      if (i === 7 || i === 12) {
        from.send({
          t: 'recall',
          id: `r${i}`,
          mid: ack.mid,
          to: i % 3 === 0 ? alice.username : bob.username,
          chatType: 'singleChat',
        });
        await from.next('recalled');
        recalled.push(`m${i}`);
      } else {
        expected.unshift(`m${i}`);
      }
    }
    // Another conversation of alice's must not leak in.
    await sent(a.socket, carol.username, 'other conversation');

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const query: string = `peer=${bob.username}&chatType=singleChat&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const body = await page(alice, query);
      pages += 1;
      for (const message of body.messages) {
        assert.equal(message.seq, 0);
        seen.push(textOf(message));
      }
      if (body.isLast) {
        assert.equal(body.cursor, null);
        break;
      }
      assert.equal(body.messages.length, 5);
      assert.equal(body.cursor, body.messages.at(-1)?.mid);
      cursor = body.cursor;
      // A message arriving while paging does not shift older pages.
      if (pages === 2) await sent(a.socket, bob.username, 'newer than the pages');
    }
    assert.deepEqual(seen, expected);
    assert.equal(pages, 5);
    for (const gone of recalled) assert.ok(!seen.includes(gone));
    // The peer sees the same conversation.
    const fromBob = await page(bob, `peer=${alice.username}&limit=100`);
    assert.deepEqual(fromBob.messages.map(textOf), ['newer than the pages', ...expected]);
    assert.equal(fromBob.isLast, true);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('defaults to 20 a page and gives file urls on the reader’s base', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    for (let i = 0; i < 21; i += 1) await sent(a.socket, bob.username, `n${i}`);
    const image = await uploaded(t.url, alice.token, { bytes: PNG_BYTES, type: 'image/png' });
    a.socket.send({
      t: 'msg',
      id: 'img1',
      to: bob.username,
      chatType: 'singleChat',
      type: 'img',
      url: image.url,
      secret: image.secret,
      filename: 'p.png',
      file_length: PNG_BYTES.length,
    });
    await a.socket.next('ack', (ack) => ack.id === 'img1');
    const first = await page(bob, `peer=${alice.username}`);
    assert.equal(first.messages.length, 20);
    assert.equal(first.isLast, false);
    const [newest] = first.messages;
    assert.equal(newest?.type === 'img' && newest.url, image.url);
    await a.socket.close();
  });

  it('answers an empty last page for a conversation without messages', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    assert.deepEqual(await page(alice, `peer=${bob.username}`), {
      messages: [],
      cursor: null,
      isLast: true,
    });
  });

  it('refuses bad parameters with 400, no token with 401, someone else’s history with 403', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const get = (query: string, user: User = alice, me = alice.username) =>
      api(t.url, 'GET', historyPath(me, query), { token: user.token });
    assertError(await get(''), 400, 'illegal_argument', /peer is required/);
    assertError(await get('peer=Bad Name'), 400, 'illegal_argument');
    assertError(await get(`peer=${bob.username}&limit=0`), 400, 'illegal_argument', /limit/);
    assertError(await get(`peer=${bob.username}&limit=101`), 400, 'illegal_argument', /limit/);
    assertError(await get(`peer=${bob.username}&limit=2.5`), 400, 'illegal_argument', /limit/);
    assertError(await get(`peer=${bob.username}&limit=1&limit=2`), 400, 'illegal_argument');
    assertError(await get(`peer=${bob.username}&chatType=groupChat`), 400, 'illegal_argument');
    assertError(await get(`peer=${bob.username}&cursor=123`), 400, 'illegal_argument', /cursor/);
    assertError(await get(`peer=${bob.username}`, bob), 403, 'forbidden_op');
    const anonymous = await api(t.url, 'GET', historyPath(alice.username, `peer=${bob.username}`));
    assertError(anonymous, 401, 'auth_bad_access_token');
  });

  it('refuses a cursor from another conversation', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const toCarol = await sent(a.socket, carol.username, 'for carol');
    const response = await api(
      t.url,
      'GET',
      historyPath(alice.username, `peer=${bob.username}&cursor=${toCarol.mid}`),
      { token: alice.token },
    );
    assertError(response, 400, 'illegal_argument', /cursor/);
    await a.socket.close();
  });
});

describe('GET /{org}/{app}/users/{me}/user_channels', () => {
  it('lists one entry per peer, newest first, with the last message and unread count', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const c = await connectSynced(t.url, carol);
    await sent(b.socket, alice.username, 'b1');
    await sent(b.socket, alice.username, 'b2');
    await sent(c.socket, alice.username, 'c1');
    await sent(a.socket, bob.username, 'a→b');
    await sent(a.socket, alice.username, 'note to self');
    const response = await api<ConversationsResponse>(
      t.url,
      'GET',
      `/demo/chat/users/${alice.username}/user_channels`,
      { token: alice.token },
    );
    assert.equal(response.status, 200);
    assert.deepEqual(
      response.body.entities.map((c) => [c.peer, c.chatType, textOf(c.lastMessage), c.unread]),
      [
        [alice.username, 'singleChat', 'note to self', 0],
        [bob.username, 'singleChat', 'a→b', 2],
        [carol.username, 'singleChat', 'c1', 1],
      ],
    );
    assert.equal(response.body.entities[1]?.lastMessage.seq, 0);
    // Recalling the last message shows the one before it.
    const last = await sent(c.socket, alice.username, 'c2');
    c.socket.send({
      t: 'recall',
      id: 'r',
      mid: last.mid,
      to: alice.username,
      chatType: 'singleChat',
    });
    await c.socket.next('recalled');
    const after = await api<ConversationsResponse>(
      t.url,
      'GET',
      `/demo/chat/users/${alice.username}/user_channels`,
      { token: alice.token },
    );
    const withCarol = after.body.entities.find((e) => e.peer === carol.username);
    assert.deepEqual([withCarol && textOf(withCarol.lastMessage), withCarol?.unread], ['c1', 1]);
    // Typing indicators (cmd messages) are not counted: one text after two of them is 1 unread
    // (it was 3: a visitor's first message showed "3" in the team's inbox, issue 9).
    for (const action of ['TypingBegin', 'TypingEnd']) {
      const id = `cmd-${action}`;
      c.socket.send({
        t: 'msg',
        id,
        to: bob.username,
        chatType: 'singleChat',
        type: 'cmd',
        action,
      });
      await c.socket.next('ack', (ack) => ack.id === id);
    }
    await sent(c.socket, bob.username, 'hello bob');
    const bobs = await api<ConversationsResponse>(
      t.url,
      'GET',
      `/demo/chat/users/${bob.username}/user_channels`,
      { token: bob.token },
    );
    const withCarolForBob = bobs.body.entities.find((e) => e.peer === carol.username);
    assert.deepEqual(
      [withCarolForBob && textOf(withCarolForBob.lastMessage), withCarolForBob?.unread],
      ['hello bob', 1],
    );
    const forbidden = await api(t.url, 'GET', `/demo/chat/users/${alice.username}/user_channels`, {
      token: bob.token,
    });
    assertError(forbidden, 403, 'forbidden_op');
    await Promise.all([a.socket.close(), b.socket.close(), c.socket.close()]);
  });
});
