// Reactions over REST (server/http/reactions-routes.ts) on a real server, on both storage engines:
// each change reaches every member's sessions live (the reactor's other devices too), reads back
// in the list, the detail pages and history; every refusal answers Agora's error body and changes
// nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReactionFrame } from '../../src/protocol/frames.js';
import {
  Limits,
  type HistoryResponse,
  type ReactionDetailResponse,
  type ReactionListResponse,
} from '../../src/protocol/rest.js';
import {
  assertError,
  connectSynced,
  newUser,
  ok,
  rest,
  sendGroupText,
  sendRoomText,
  sendText,
  settle,
  startTestServer,
  type TestServer,
  type TestUser,
} from './support/test-server.js';
import { acked, createGroup, serverEngines } from './support/server-fixture.js';
import type { TestSocket } from './support/ws-client.js';

for (const engine of serverEngines) {
  describe(`reactions on ${engine.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(await engine.config());
    });
    after(() => t.close());

    const path = (user: TestUser, rest = '') => `/reaction/user/${user.username}${rest}`;
    const react = (user: TestUser, msgId: string, message: string) =>
      rest(t.url, user, 'POST', path(user), { msgId, message });
    const unreact = (user: TestUser, msgId: string, message: string) =>
      rest(
        t.url,
        user,
        'DELETE',
        path(user, `?msgId=${msgId}&message=${encodeURIComponent(message)}`),
      );
    const list = (user: TestUser, ids: string[]) =>
      rest<ReactionListResponse>(t.url, user, 'GET', path(user, `?msgIdList=${ids.join(',')}`));
    const detail = (user: TestUser, query: string) =>
      rest<ReactionDetailResponse>(t.url, user, 'GET', path(user, `/detail?${query}`));

    const reactionOf = (socket: TestSocket, messageId: string) =>
      socket.next('reaction', (f) => f.messageId === messageId);

    async function pair() {
      const alice = await newUser(t.url);
      const bob = await newUser(t.url);
      const a1 = await connectSynced(t.url, alice, { multi: true });
      const a2 = await connectSynced(t.url, alice, { multi: true });
      const b = await connectSynced(t.url, bob);
      const ack = await acked(a1.socket, (s) => sendText(s, bob.username, 'hello'));
      await b.socket.next('msg');
      const close = () => Promise.all([a1, a2, b].map((c) => c.socket.close()));
      return { alice, bob, a1, a2, b, mid: ack.mid, close };
    }

    it('adds a reaction for both users and my other devices, live, shaped as onReactionChange', async () => {
      const { alice, bob, a1, a2, b, mid, close } = await pair();
      await ok(react(bob, mid, '👍'));
      const frames: ReactionFrame[] = [];
      for (const socket of [a1.socket, a2.socket, b.socket]) {
        frames.push(await reactionOf(socket, mid));
      }
      for (const frame of frames) {
        assert.equal(frame.from, bob.username);
        assert.equal(frame.to, alice.username, 'the other user, seen from the reactor');
        assert.equal(frame.chatType, 'singleChat');
        assert.equal(typeof frame.ts, 'number');
      }
      const [toAlice, , toBob] = frames;
      assert.deepEqual(toAlice!.reactions, [
        {
          reaction: '👍',
          count: 1,
          userList: [bob.username],
          isAddedBySelf: false,
          op: [{ operator: bob.username, reactionType: 'create' }],
        },
      ]);
      assert.equal(toBob!.reactions[0]!.isAddedBySelf, true);

      // Alice adds the same one from one device: every session (hers included) hears it.
      await ok(react(alice, mid, '👍'));
      const again = await reactionOf(a2.socket, mid);
      assert.deepEqual(
        again.reactions.map((r) => [r.reaction, r.count, r.userList, r.isAddedBySelf]),
        [['👍', 2, [bob.username, alice.username], true]],
      );
      await reactionOf(a1.socket, mid);
      await reactionOf(b.socket, mid);
      await close();
    });

    it('adding one I have again, or removing one I do not have, changes nothing and tells nobody', async () => {
      const { alice, bob, a1, b, mid, close } = await pair();
      await ok(react(alice, mid, 'ok'));
      await reactionOf(b.socket, mid);
      await reactionOf(a1.socket, mid);
      await ok(react(alice, mid, 'ok'));
      await ok(unreact(alice, mid, 'never added'));
      await ok(unreact(bob, mid, 'ok'));
      await settle(b.socket);
      await settle(a1.socket);
      assert.deepEqual(
        [...b.socket.unread(), ...a1.socket.unread()].filter((f) => f.t === 'reaction'),
        [],
      );
      const [entry] = (await ok(list(bob, [mid]))).data;
      assert.deepEqual(entry, {
        msgId: mid,
        reactionList: [
          { reaction: 'ok', userCount: 1, isAddedBySelf: false, userList: [alice.username] },
        ],
      });
      await close();
    });

    it('removes a reaction: the change at count 0, gone from list and history', async () => {
      const { alice, bob, b, mid, close } = await pair();
      await ok(react(alice, mid, '🎉'));
      await reactionOf(b.socket, mid);
      await ok(unreact(alice, mid, '🎉'));
      const frame = await reactionOf(b.socket, mid);
      assert.deepEqual(frame.reactions, [
        {
          reaction: '🎉',
          count: 0,
          userList: [],
          isAddedBySelf: false,
          op: [{ operator: alice.username, reactionType: 'delete' }],
        },
      ]);
      assert.deepEqual((await ok(list(bob, [mid]))).data, [{ msgId: mid, reactionList: [] }]);
      const page = await ok(
        rest<HistoryResponse>(
          t.url,
          bob,
          'GET',
          `/users/${bob.username}/messages?peer=${alice.username}`,
        ),
      );
      assert.equal(page.messages[0]?.reactions, undefined);
      await close();
    });

    it('lists several messages, reads history with reactions and pages through the users', async () => {
      const alice = await newUser(t.url);
      const members = await Promise.all([1, 2, 3, 4, 5].map(() => newUser(t.url)));
      const gid = await createGroup(t.url, alice, members, { public: true });
      const a = await connectSynced(t.url, alice);
      const first = await acked(a.socket, (s) => sendGroupText(s, gid, 'one'));
      const second = await acked(a.socket, (s) => sendGroupText(s, gid, 'two'));
      for (const member of members) await ok(react(member, first.mid, '❤️'));
      await ok(react(members[0]!, first.mid, 'lol'));
      await ok(react(alice, second.mid, '❤️'));
      const frame = await a.socket.next(
        'reaction',
        (f) => f.messageId === second.mid && f.chatType === 'groupChat',
      );
      assert.equal(frame.to, gid);

      const names = members.map((m) => m.username);
      const listed = (await ok(list(members[1]!, [second.mid, first.mid, 'no-such-mid']))).data;
      assert.deepEqual(listed, [
        {
          msgId: second.mid,
          reactionList: [
            { reaction: '❤️', userCount: 1, isAddedBySelf: false, userList: [alice.username] },
          ],
        },
        {
          msgId: first.mid,
          reactionList: [
            { reaction: '❤️', userCount: 5, isAddedBySelf: true, userList: names },
            { reaction: 'lol', userCount: 1, isAddedBySelf: false, userList: [names[0]] },
          ],
        },
        { msgId: 'no-such-mid', reactionList: [] },
      ]);

      const page = await ok(
        rest<HistoryResponse>(
          t.url,
          members[2]!,
          'GET',
          `/users/${members[2]!.username}/messages?peer=${gid}&chatType=groupChat`,
        ),
      );
      const byMid = new Map(page.messages.map((m) => [m.mid, m.reactions]));
      assert.deepEqual(byMid.get(first.mid), listed[1]!.reactionList);
      assert.deepEqual(byMid.get(second.mid), listed[0]!.reactionList);

      const heart = encodeURIComponent('❤️');
      const one = await ok(detail(alice, `msgId=${first.mid}&message=${heart}&limit=2`));
      assert.deepEqual(one.data, {
        reaction: '❤️',
        userCount: 5,
        isAddedBySelf: false,
        userList: names.slice(0, 2),
        cursor: '2',
      });
      const two = await ok(detail(alice, `msgId=${first.mid}&message=${heart}&limit=2&cursor=2`));
      assert.deepEqual([two.data.userList, two.data.cursor], [names.slice(2, 4), '4']);
      const last = await ok(detail(alice, `msgId=${first.mid}&message=${heart}&limit=2&cursor=4`));
      assert.deepEqual([last.data.userList, last.data.cursor], [names.slice(4), null]);
      const none = await ok(detail(alice, `msgId=${first.mid}&message=nope`));
      assert.deepEqual(none.data, {
        reaction: 'nope',
        userCount: 0,
        isAddedBySelf: false,
        userList: [],
        cursor: null,
      });
      await a.socket.close();
    });

    it('refuses, one by one, with Agora error bodies, and changes nothing', async () => {
      const { alice, bob, a1, b, mid, close } = await pair();
      const eve = await newUser(t.url);
      const gone = await acked(a1.socket, (s) => sendText(s, bob.username, 'recall me'));
      a1.socket.send({
        t: 'recall',
        id: 'r',
        mid: gone.mid,
        to: bob.username,
        chatType: 'singleChat',
      });
      await a1.socket.next('recalled');
      const gid = await createGroup(t.url, alice, []);
      const inGroup = await acked(a1.socket, (s) => sendGroupText(s, gid, 'members only'));
      const lobby = (
        await ok(rest<{ data: { id: string; name: string }[] }>(t.url, alice, 'GET', '/chatrooms'))
      ).data.find((room) => room.name === 'Lobby');
      assert.ok(lobby);
      await ok(rest(t.url, alice, 'POST', `/chatrooms/${lobby.id}/apply`));
      const inRoom = await acked(a1.socket, (s) => sendRoomText(s, lobby.id, 'room text'));

      const cases: [string, Promise<Parameters<typeof assertError>[0]>, number, string, RegExp][] =
        [
          [
            'for another user',
            rest(t.url, eve, 'POST', path(alice), { msgId: mid, message: 'x' }),
            403,
            'forbidden_op',
            /./,
          ],
          [
            'on a 1:1 message of others',
            react(eve, mid, 'x'),
            403,
            'forbidden_op',
            /not of a conversation of yours/,
          ],
          [
            'on a group message, not a member',
            react(bob, inGroup.mid, 'x'),
            403,
            'forbidden_op',
            /not a member of group/,
          ],
          [
            'reading the list of others',
            list(eve, [mid]),
            403,
            'forbidden_op',
            /not of a conversation of yours/,
          ],
          [
            'reading the detail of others',
            detail(eve, `msgId=${mid}&message=x`),
            403,
            'forbidden_op',
            /not of a conversation of yours/,
          ],
          [
            'removing on a message of others',
            unreact(eve, mid, 'x'),
            403,
            'forbidden_op',
            /not of a conversation of yours/,
          ],
          [
            'on a recalled message',
            react(bob, gone.mid, 'x'),
            404,
            'service_resource_not_found',
            /was recalled/,
          ],
          [
            'on an unknown message',
            react(bob, '9'.repeat(18), 'x'),
            404,
            'service_resource_not_found',
            /no message/,
          ],
          [
            'on a room message',
            // Rooms keep no messages to react to (only their recent window for newcomers).
            react(alice, inRoom.mid, 'x'),
            404,
            'service_resource_not_found',
            /no message/,
          ],
          ['an empty reaction', react(bob, mid, ' '), 400, 'illegal_argument', /1 to 128/],
          [
            'a reaction too long',
            react(bob, mid, 'x'.repeat(Limits.reactionMaxChars + 1)),
            400,
            'illegal_argument',
            /1 to 128/,
          ],
          ['a control character', react(bob, mid, 'a\nb'), 400, 'illegal_argument', /1 to 128/],
          [
            'no message id',
            rest(t.url, bob, 'POST', path(bob), { message: 'x' }),
            400,
            'illegal_argument',
            /messageId/,
          ],
          ['no ids to list', list(bob, []), 400, 'illegal_argument', /messageId/],
          [
            'too many ids to list',
            list(
              bob,
              Array.from({ length: Limits.reactionListMessagesMax + 1 }, (_, i) => `m${i}`),
            ),
            400,
            'illegal_argument',
            /messageId/,
          ],
          [
            'a page too large',
            detail(bob, `msgId=${mid}&message=x&limit=${Limits.reactionDetailPageMax + 1}`),
            400,
            'illegal_argument',
            /limit/,
          ],
          [
            'a cursor not given by a page',
            detail(bob, `msgId=${mid}&message=x&cursor=abc`),
            400,
            'illegal_argument',
            /cursor/,
          ],
        ];
      for (const [name, response, status, error, description] of cases) {
        assertError(await response, status, error, description);
        assert.ok(name);
      }
      assert.deepEqual((await ok(list(bob, [mid]))).data, [{ msgId: mid, reactionList: [] }]);
      await settle(b.socket);
      assert.deepEqual(
        b.socket.unread().filter((f) => f.t === 'reaction'),
        [],
      );
      await close();
    });

    it(`refuses a kind of reaction past ${Limits.reactionsPerMessageMax} per message, not more of one there`, async () => {
      const { alice, bob, mid, close } = await pair();
      for (let i = 0; i < Limits.reactionsPerMessageMax; i += 1) {
        await ok(react(i % 2 ? alice : bob, mid, `r${i}`));
      }
      assertError(await react(bob, mid, 'one more'), 403, 'forbidden_op', /20 kinds/);
      await ok(react(alice, mid, 'r0'));
      const [entry] = (await ok(list(alice, [mid]))).data;
      assert.equal(entry!.reactionList.length, Limits.reactionsPerMessageMax);
      assert.equal(entry!.reactionList[0]!.userCount, 2);
      await close();
    });
  });
}
