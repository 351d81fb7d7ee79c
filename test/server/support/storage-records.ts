/**
 * Records the storage tests write straight through the `Storage` interface, with no server: an
 * app, a user of it and a text message, each with what a test does not care about filled in.
 */
import type { AppRecord, NewMessage, UserRecord } from '../../../server/storage/storage.js';

/** An app with the key `org#name` and the server's usual settings, as `overrides` change them. */
export function testApp(key: string, overrides: Partial<AppRecord> = {}): AppRecord {
  const [org = '', name = ''] = key.split('#');
  return {
    key,
    org,
    name,
    uuid: `app-${name}`,
    maxUsers: null,
    closedRegistration: false,
    origins: null,
    tokenTtlSeconds: 60,
    maxMessageBytes: null,
    maxFileBytes: 25_000_000,
    recallSeconds: null,
    maxGroupMembers: 50,
    roomAdmins: [],
    maxSessionsPerUser: 3,
    chatfileTtlDays: 7,
    created: 1,
    ...overrides,
  };
}

/** A user of the app `appKey` (the password hash is a placeholder nothing verifies). */
export const testUser = (appKey: string, username: string): UserRecord => ({
  uuid: `uuid-${username}`,
  appKey,
  username,
  passwordHash: 'scrypt$…',
  nickname: null,
  created: 1,
  modified: 1,
});

/** A one-to-one text message with the client id `clientId` and the server id `mid-{clientId}`. */
export const textMessage = (clientId: string, from: string, to: string): NewMessage => ({
  mid: `mid-${clientId}`,
  clientId,
  from,
  to,
  chatType: 'singleChat',
  type: 'txt',
  body: `body ${clientId}`,
  ext: '{}',
  time: 5,
  files: [],
});
