// Presence (frames.ts §9): a user's first session opening and last one closing reach every
// session of each contact as `presence`, counted over all sessions (multi-login, a single login
// replacing an older one, sessions closing at the same moment); non-contacts hear nothing; the
// contacts list says who is online.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PresenceFrame, ServerFrame } from '../../src/protocol/frames.js';
import type { ContactsResponse } from '../../src/protocol/rest.js';
import { befriend } from './support/contact-group-steps.js';
import {
  api,
  connect,
  connectSynced,
  newUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

/** What `socket` has heard about `user`, in order: true = online. */
const heard = (socket: TestSocket, user: string) =>
  socket.received
    .filter((f): f is PresenceFrame => f.t === 'presence' && f.user === user)
    .map((f) => f.online);

const presenceOf = (socket: TestSocket, user: string, online: boolean) =>
  socket.next('presence', (f) => f.user === user && f.online === online);

async function onlineIn(viewer: TestUser, contact: string) {
  const response = await api<ContactsResponse>(
    t.url,
    'GET',
    `/demo/chat/users/${viewer.username}/contacts/users`,
    { token: viewer.token },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.entities.find((entry) => entry.username === contact)?.online;
}

describe('presence', () => {
  it('announces the first session and the last, to every session of each contact only', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const stranger = await newUser(t.url);
    await befriend(t.url, alice, bob);
    const b1 = await connectSynced(t.url, bob, { multi: true });
    const b2 = await connectSynced(t.url, bob, { multi: true });
    const s = await connectSynced(t.url, stranger);
    assert.equal(await onlineIn(bob, alice.username), false);

    const a1 = await connectSynced(t.url, alice, { multi: true });
    for (const socket of [b1.socket, b2.socket]) {
      const frame = await presenceOf(socket, alice.username, true);
      assert.deepEqual(
        { ...frame, time: 0 },
        {
          t: 'presence',
          user: alice.username,
          online: true,
          time: 0,
        },
      );
      assert.ok(Math.abs(frame.time - Date.now()) < 60_000);
    }
    assert.equal(await onlineIn(bob, alice.username), true);
    assert.equal(await onlineIn(alice, bob.username), true);

    // A second session is no news, and closing one of two is not offline.
    const a2 = await connectSynced(t.url, alice, { multi: true });
    await a1.socket.close();
    assert.equal(await onlineIn(bob, alice.username), true);
    await a2.socket.close();
    await presenceOf(b1.socket, alice.username, false);
    await presenceOf(b2.socket, alice.username, false);
    assert.deepEqual(heard(b1.socket, alice.username), [true, false]);
    assert.deepEqual(heard(b2.socket, alice.username), [true, false]);
    assert.equal(await onlineIn(bob, alice.username), false);
    // The announcements went out before the last one: a stranger got none of them.
    assert.deepEqual(heard(s.socket, alice.username), []);
    // Bob's own sessions never hear about Bob.
    assert.deepEqual(heard(b1.socket, bob.username), []);
    for (const socket of [b1.socket, b2.socket, s.socket]) await socket.close();
  });

  it('counts sessions that open and close at the same moment, and single logins that replace each other', async () => {
    const carol = await newUser(t.url);
    const dave = await newUser(t.url);
    await befriend(t.url, carol, dave);
    const d = await connectSynced(t.url, dave);

    const [c1, c2, c3] = await Promise.all(
      [1, 2, 3].map(() => connectSynced(t.url, carol, { multi: true })),
    );
    assert.ok(c1 && c2 && c3);
    await presenceOf(d.socket, carol.username, true);
    await Promise.all([c1.socket.close(), c2.socket.close(), c3.socket.close()]);
    await presenceOf(d.socket, carol.username, false);

    // A single login replaces the previous one: Carol never looks offline meanwhile.
    const single1 = await connectSynced(t.url, carol);
    await presenceOf(d.socket, carol.username, true);
    const single2 = await connectSynced(t.url, carol);
    await single1.socket.next('kicked');
    await single1.socket.closed;
    await single2.socket.close();
    await presenceOf(d.socket, carol.username, false);
    assert.deepEqual(heard(d.socket, carol.username), [true, false, true, false]);

    // A socket that never authenticates is nobody's presence.
    const bad = await connect(t.url, { ...carol, token: 'not-a-token' }).catch(
      (error: unknown) => error,
    );
    assert.ok(bad instanceof Error);
    const again = await connectSynced(t.url, carol);
    await presenceOf(d.socket, carol.username, true);
    await again.socket.close();
    await presenceOf(d.socket, carol.username, false);
    assert.deepEqual(heard(d.socket, carol.username), [true, false, true, false, true, false]);
    const frames: ServerFrame[] = d.socket.received;
    assert.ok(frames.every((f) => f.t !== 'presence' || f.user === carol.username));
    await d.socket.close();
  });
});
