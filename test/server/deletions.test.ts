// Delete for me (the 4.x SDK's removeHistoryMessages and deleteConversation) on a real server, on
// both storage engines: what I delete leaves my history, my conversation list and its unread counts
// only; the other user keeps theirs; my other sessions hear of it live, and a later login through
// the replay. Every refusal (a message of another conversation, an unknown id, a group I am not
// in, a conversation I do not have, someone else's path) answers Agora's error body and deletes
// nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoamingDeleteEvent } from '../../src/protocol/deletions.js';
import type { EventFrame } from '../../src/protocol/frames.js';
import {
  Limits,
  type ConversationsResponse,
  type HistoryResponse,
} from '../../src/protocol/rest.js';
import {
  assertError,
  connect,
  connectSynced,
  newUser,
  ok,
  rest,
  sendGroupText,
  sendText,
  settle,
  startTestServer,
  type TestServer,
  type TestUser,
} from './support/test-server.js';
import { createGroup, serverEngines } from './support/server-fixture.js';
import type { TestSocket } from './support/ws-client.js';

for (const engine of serverEngines) {
  describe(`delete for me on ${engine.name}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(await engine.config());
    });
    after(() => t.close());

    const removeMessages = (user: TestUser, query: string, me = user.username) =>
      rest(t.url, user, 'DELETE', `/users/${me}/messages?${query}`);
    const deleteConversation = (user: TestUser, query: string, me = user.username) =>
      rest(t.url, user, 'DELETE', `/users/${me}/user_channels?${query}`);
    const history = async (user: TestUser, peer: string, chatType = 'singleChat') =>
      (
        await ok(
          rest<HistoryResponse>(
            t.url,
            user,
            'GET',
            `/users/${user.username}/messages?peer=${peer}&chatType=${chatType}&limit=50`,
          ),
        )
      ).messages.map((m) => (m.type === 'txt' ? m.msg : m.type));
    const conversations = async (user: TestUser) =>
      (
        await ok(
          rest<ConversationsResponse>(t.url, user, 'GET', `/users/${user.username}/user_channels`),
        )
      ).entities.map((c) => ({
        peer: c.peer,
        last: c.lastMessage.type === 'txt' ? c.lastMessage.msg : '',
        unread: c.unread,
      }));

    const roaming = async (socket: TestSocket) =>
      (await socket.next('event', (f: EventFrame) => f.event.kind === 'roaming'))
        .event as RoamingDeleteEvent;

    async function sent(socket: TestSocket, to: string, text: string) {
      const id = sendText(socket, to, text);
      return (await socket.next('ack', (a) => a.id === id)).mid;
    }

    /** Alice (two sessions) and Bob, with four messages: a1, b1, a2, b2. */
    async function talk() {
      const alice = await newUser(t.url);
      const bob = await newUser(t.url);
      const a1 = await connectSynced(t.url, alice, { multi: true });
      const a2 = await connectSynced(t.url, alice, { multi: true });
      const b = await connectSynced(t.url, bob, { multi: true });
      const mids = [
        await sent(a1.socket, bob.username, 'a1'),
        await sent(b.socket, alice.username, 'b1'),
        await sent(a1.socket, bob.username, 'a2'),
        await sent(b.socket, alice.username, 'b2'),
      ];
      const close = () => Promise.all([a1, a2, b].map((c) => c.socket.close()));
      return { alice, bob, a1, a2, b, mids, close };
    }

    it('removeHistoryMessages by id: gone from my history and list, kept for the other, told to my sessions', async () => {
      const { alice, bob, a1, a2, b, mids, close } = await talk();
      await ok(
        removeMessages(
          alice,
          `targetId=${bob.username}&chatType=singleChat&messageIds=${mids[1]},${mids[3]}`,
        ),
      );
      for (const socket of [a1.socket, a2.socket]) {
        const event = await roaming(socket);
        assert.equal(event.operation, 'deleteRoaming');
        assert.equal(event.conversationId, bob.username);
        assert.equal(event.chatType, 'singleChat');
        assert.deepEqual(event.messageIds, [mids[1], mids[3]]);
        assert.equal(typeof event.seq, 'number');
      }
      assert.deepEqual(await history(alice, bob.username), ['a2', 'a1']);
      assert.deepEqual(await history(bob, alice.username), ['b2', 'a2', 'b1', 'a1']);
      // My list shows the newest message I kept; b2 no longer counts unread.
      assert.deepEqual(await conversations(alice), [{ peer: bob.username, last: 'a2', unread: 0 }]);
      assert.deepEqual(await conversations(bob), [{ peer: alice.username, last: 'b2', unread: 2 }]);
      // Bob heard nothing.
      await settle(b.socket);
      assert.equal(b.socket.unread().filter((f) => f.t === 'event').length, 0);

      // A later login of Alice's from before the deletion replays the event after the messages.
      const late = await connect(t.url, alice, { multi: true, since: 0 });
      const replayed = await roaming(late.socket);
      assert.deepEqual(replayed.messageIds, [mids[1], mids[3]]);
      await late.socket.close();
      await close();
    });

    it('removeHistoryMessages by time, and unread messages deleted are no longer counted', async () => {
      const { alice, bob, a1, b, close } = await talk();
      // Bob's two messages are unread for Alice; deleting all before now clears history and list.
      assert.deepEqual(await conversations(alice), [{ peer: bob.username, last: 'b2', unread: 2 }]);
      await ok(
        removeMessages(alice, `targetId=${bob.username}&beforeTimeStamp=${Date.now() + 60_000}`),
      );
      const event = await roaming(a1.socket);
      assert.ok(event.beforeTimeStamp! <= Date.now() + 1, 'not later than the server clock');
      assert.deepEqual(await history(alice, bob.username), []);
      assert.deepEqual(await conversations(alice), []);
      assert.equal((await history(bob, alice.username)).length, 4);
      // A new message brings the conversation back, with only itself.
      await sent(b.socket, alice.username, 'b3');
      assert.deepEqual(await history(alice, bob.username), ['b3']);
      assert.deepEqual(await conversations(alice), [{ peer: bob.username, last: 'b3', unread: 1 }]);
      await close();
    });

    it('the conversation list says the inbox seq its unread counts are as of: a deletion at or before it is left out', async () => {
      const { alice, bob, a1, b, mids, close } = await talk();
      const list = () =>
        ok(
          rest<ConversationsResponse>(
            t.url,
            alice,
            'GET',
            `/users/${alice.username}/user_channels`,
          ),
        );
      const first = await list();
      assert.equal(first.entities[0]?.unread, 2);
      assert.equal(typeof first.seq, 'number');
      await ok(
        removeMessages(alice, `targetId=${bob.username}&chatType=singleChat&messageIds=${mids[3]}`),
      );
      const event = await roaming(a1.socket);
      assert.ok(event.seq > first.seq!, 'the deletion comes after the first count');
      // Nothing came after the deletion: the count is as of it, and leaves b2 out.
      const second = await list();
      assert.equal(second.seq, event.seq);
      assert.equal(second.entities[0]?.unread, 1);
      // A new message moves it on.
      await sent(b.socket, alice.username, 'b3');
      const third = await list();
      assert.ok(third.seq! > event.seq);
      assert.equal(third.entities[0]?.unread, 2);
      await close();
    });

    it('deleteConversation leaves my list (unread cleared) until a new message; deleteRoam takes the messages too', async () => {
      const { alice, bob, a1, a2, b, close } = await talk();
      await ok(
        deleteConversation(alice, `channel=${bob.username}&chatType=singleChat&deleteRoam=false`),
      );
      const event = await roaming(a2.socket);
      assert.equal(event.operation, 'deleteConversation');
      assert.equal(event.conversationType, 'singleChat');
      assert.equal(event.deleteRoam, false);
      await roaming(a1.socket);
      assert.deepEqual(await conversations(alice), []);
      // Without deleteRoam the messages stay in history.
      assert.equal((await history(alice, bob.username)).length, 4);
      assert.equal((await conversations(bob)).length, 1);

      await sent(b.socket, alice.username, 'b3');
      assert.deepEqual(await conversations(alice), [{ peer: bob.username, last: 'b3', unread: 1 }]);

      await ok(deleteConversation(alice, `channel=${bob.username}&deleteRoam=true`));
      const roam = await roaming(a1.socket);
      assert.equal(roam.deleteRoam, true);
      assert.equal(typeof roam.beforeTimeStamp, 'number');
      assert.deepEqual(await conversations(alice), []);
      assert.deepEqual(await history(alice, bob.username), []);
      assert.deepEqual(await history(bob, alice.username), ['b3', 'b2', 'a2', 'b1', 'a1']);
      await close();
    });

    it('in a group: members only; the other members keep theirs', async () => {
      const { alice, bob, a1, b, close } = await talk();
      const carol = await newUser(t.url);
      const gid = await createGroup(t.url, alice, [bob]);
      const id = sendGroupText(b.socket, gid, 'hello group');
      const mid = (await b.socket.next('ack', (a) => a.id === id)).mid;
      await ok(removeMessages(alice, `targetId=${gid}&chatType=groupChat&messageIds=${mid}`));
      await roaming(a1.socket);
      assert.deepEqual(await history(alice, gid, 'groupChat'), []);
      assert.deepEqual(await history(bob, gid, 'groupChat'), ['hello group']);
      assertError(
        await removeMessages(carol, `targetId=${gid}&chatType=groupChat&messageIds=${mid}`),
        403,
        'forbidden_op',
      );
      // A 1:1 message named as the group's is not one of the group's.
      const direct = await sent(a1.socket, bob.username, 'direct');
      assertError(
        await removeMessages(bob, `targetId=${gid}&chatType=groupChat&messageIds=${direct}`),
        404,
        'service_resource_not_found',
      );
      await ok(deleteConversation(bob, `channel=${gid}&chatType=groupChat&deleteRoam=true`));
      assert.deepEqual(
        (await conversations(bob)).map((c) => c.peer),
        [alice.username],
      );
      // Bob's 1:1 history with Alice is untouched by his group deletion.
      assert.deepEqual(await history(bob, alice.username), ['direct', 'b2', 'a2', 'b1', 'a1']);
      await close();
    });

    it('refuses what is not mine to delete, and deletes nothing then', async () => {
      const { alice, bob, a1, mids, close } = await talk();
      const carol = await newUser(t.url);
      // A message of another conversation (Alice and Bob's), by Carol, about her chat with Bob.
      assertError(
        await removeMessages(carol, `targetId=${bob.username}&messageIds=${mids[0]}`),
        404,
        'service_resource_not_found',
        /no message/,
      );
      // An unknown id among good ones: nothing at all is deleted.
      assertError(
        await removeMessages(alice, `targetId=${bob.username}&messageIds=${mids[0]},999999999`),
        404,
        'service_resource_not_found',
      );
      // Someone else's path.
      const other = await removeMessages(
        carol,
        `targetId=${alice.username}&messageIds=${mids[0]}`,
        bob.username,
      );
      assert.equal(other.status, 403);
      const otherList = await deleteConversation(carol, `channel=${alice.username}`, bob.username);
      assert.equal(otherList.status, 403);
      // A conversation I do not have.
      assertError(
        await deleteConversation(carol, `channel=${alice.username}&deleteRoam=true`),
        404,
        'service_resource_not_found',
        /no conversation/,
      );
      // Malformed: both or neither of messageIds and beforeTimeStamp; too many ids; a bad type.
      for (const query of [
        `targetId=${bob.username}`,
        `targetId=${bob.username}&messageIds=${mids[0]}&beforeTimeStamp=5`,
        `targetId=${bob.username}&messageIds=${Array.from({ length: Limits.deleteMessagesMax + 1 }, (_, i) => i + 1).join(',')}`,
        `targetId=${bob.username}&beforeTimeStamp=soon`,
        `targetId=${bob.username}&chatType=chatRoom&beforeTimeStamp=5`,
        `chatType=singleChat&beforeTimeStamp=5`,
      ]) {
        assertError(await removeMessages(alice, query), 400, 'illegal_argument');
      }
      assertError(
        await deleteConversation(alice, `channel=${bob.username}&deleteRoam=maybe`),
        400,
        'illegal_argument',
      );
      await settle(a1.socket);
      assert.equal(a1.socket.unread().filter((f) => f.t === 'event').length, 0);
      assert.equal((await history(alice, bob.username)).length, 4);
      assert.equal((await conversations(alice)).length, 1);
      await close();
    });
  });
}
