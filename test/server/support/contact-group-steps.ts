/**
 * Steps of the contacts, blocklist, presence and group tests: making two users contacts through
 * the REST flow, and waiting for the contact or group event a change pushes to a session.
 */
import assert from 'node:assert/strict';
import type { ContactEvent, GroupEvent } from '../../../src/protocol/frames.js';
import { api, DEMO, appPath, type TestUser } from './test-server.js';
import type { TestSocket } from './ws-client.js';

/** `a` asks `b`, and `b` accepts: they are contacts. */
export async function befriend(base: string, a: TestUser, b: TestUser, appKey = DEMO) {
  const users = `/${appPath(appKey)}/users`;
  const ask = await api(base, 'POST', `${users}/${a.username}/contacts/requests`, {
    token: a.token,
    body: { to: b.username },
  });
  assert.equal(ask.status, 200, JSON.stringify(ask.body));
  const yes = await api(
    base,
    'POST',
    `${users}/${b.username}/contacts/requests/${a.username}/accept`,
    {
      token: b.token,
    },
  );
  assert.equal(yes.status, 200, JSON.stringify(yes.body));
}

/** The next contact event with this operation on the socket. */
export async function contactEvent(socket: TestSocket, operation: ContactEvent['operation']) {
  const frame = await socket.next(
    'event',
    (f) => f.event.kind === 'contact' && f.event.operation === operation,
  );
  assert.ok(frame.event.kind === 'contact');
  return frame.event;
}

/** The next group event with this operation on the socket. */
export const groupEvent = (socket: TestSocket, operation: GroupEvent['operation']) =>
  socket
    .next('event', (f) => f.event.kind === 'group' && f.event.operation === operation)
    .then((f) => f.event as GroupEvent);
