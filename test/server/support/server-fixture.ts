/**
 * Set-ups the server tests share: the storage engines a test of the REST routes and sessions runs
 * on, a group made through the REST route, and a send awaited to its ack.
 */
import type { AckFrame } from '../../../src/protocol/frames.js';
import type { GroupIdResponse } from '../../../src/protocol/rest.js';
import type { ServerConfig } from '../../../server/config.js';
import { freshDatabase } from './postgres.js';
import { ok, rest, type TestUser } from './test-server.js';
import type { TestSocket } from './ws-client.js';

/** What `startTestServer` is given to run on each engine: SQLite, and a fresh PostgreSQL database. */
export const serverEngines: { name: string; config(): Promise<Partial<ServerConfig>> }[] = [
  { name: 'sqlite', config: async () => ({}) },
  { name: 'postgres', config: async () => ({ databaseUrl: await freshDatabase() }) },
];

/**
 * A group of `owner`'s made through `POST /chatgroups`, with `members` in it at once (no
 * invitation to confirm); its id.
 */
export async function createGroup(
  base: string,
  owner: TestUser,
  members: TestUser[],
  options: { public?: boolean; appKey?: string } = {},
): Promise<string> {
  const body = { groupname: 'g', public: options.public ?? false, inviteNeedConfirm: false };
  const { data } = await ok(
    rest<GroupIdResponse>(
      base,
      owner,
      'POST',
      '/chatgroups',
      { ...body, members: members.map((member) => member.username) },
      options.appKey,
    ),
  );
  return data.groupid;
}

/** Sends a frame with `send` (which returns its id) and resolves to the ack of that id. */
export async function acked(
  socket: TestSocket,
  send: (socket: TestSocket) => string,
): Promise<AckFrame> {
  const id = send(socket);
  return socket.next('ack', (ack) => ack.id === id);
}
