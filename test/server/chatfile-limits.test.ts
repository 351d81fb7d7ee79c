// What uploads may cost the server (server/domain/chatfiles.ts): quotas per user and per app,
// files expiring after the app's lifetime, data files no one else on the machine can read, and no
// share secret in the logs.
import assert from 'node:assert/strict';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ServerProcess } from '../support/server-process.mjs';
import {
  api,
  assertError,
  newUser,
  upload,
  uploaded,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const bytes = (n: number) => new Uint8Array(new ArrayBuffer(n)).fill(65);
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('upload quotas', () => {
  it('refuses an upload past the user’s quota with 429 resource_limited, keeping others', async () => {
    await t.server.domain.apps.add('quota#user', { userUploadQuotaBytes: 100 });
    const alice = await newUser(t.url, 'quota#user');
    const bob = await newUser(t.url, 'quota#user');
    await uploaded(t.url, alice.token, { appKey: 'quota#user', bytes: bytes(60) });
    // 60 more do not fit in the 40 left; nothing of it stays.
    const over = await upload(t.url, alice.token, { appKey: 'quota#user', bytes: bytes(60) });
    assertError(over, 429, 'resource_limited', /upload quota/);
    await uploaded(t.url, alice.token, { appKey: 'quota#user', bytes: bytes(40) });
    const full = await upload(t.url, alice.token, { appKey: 'quota#user', bytes: bytes(1) });
    assertError(full, 429, 'resource_limited', /your upload quota of 100 bytes is used up/);
    // Another user of the app has their own quota.
    await uploaded(t.url, bob.token, { appKey: 'quota#user', bytes: bytes(60) });
  });

  it('holds the whole app to its quota', async () => {
    await t.server.domain.apps.add('quota#app', { appUploadQuotaBytes: 100 });
    const alice = await newUser(t.url, 'quota#app');
    const bob = await newUser(t.url, 'quota#app');
    await uploaded(t.url, alice.token, { appKey: 'quota#app', bytes: bytes(100) });
    const refused = await upload(t.url, bob.token, { appKey: 'quota#app', bytes: bytes(1) });
    assertError(refused, 429, 'resource_limited', /the app's upload quota of 100 bytes/);
  });
});

describe('expiry', () => {
  it('answers 404 file_expired past the app’s lifetime, and the purge deletes the bytes', async () => {
    const app = await t.server.domain.apps.add('expiry#files', { chatfileTtlDays: 1 });
    const alice = await newUser(t.url, 'expiry#files');
    const file = await uploaded(t.url, alice.token, { appKey: 'expiry#files' });
    const download = () =>
      api(t.url, 'GET', `/expiry/files/chatfiles/${file.uuid}`, {
        token: alice.token,
        headers: { 'share-secret': file.secret },
      });
    assert.equal((await download()).status, 200);
    const onDisk = join(t.dataDir, 'chatfiles', file.uuid);
    await access(onDisk);

    // Time cannot pass two days in a test: the file's creation moves two days back instead.
    const db = new Database(join(t.dataDir, 'openwebim.sqlite'));
    db.prepare('UPDATE chatfiles SET created = created - ? WHERE uuid = ?').run(
      2 * 24 * 3600 * 1000,
      file.uuid,
    );
    db.close();

    assertError(await download(), 404, 'file_expired', 'the file expired');
    // Its bytes no longer count against the quota, and the purge removes them.
    assert.equal(await t.server.domain.chatfiles.purge(app, false), 1);
    await assert.rejects(access(onDisk), { code: 'ENOENT' });
    assertError(await download(), 404, 'file_expired');
    // Someone without the right still hears 403, not whether the file expired.
    const mallory = await newUser(t.url, 'expiry#files');
    const foreign = await api(t.url, 'GET', `/expiry/files/chatfiles/${file.uuid}`, {
      token: mallory.token,
      headers: { 'share-secret': file.secret },
    });
    assertError(foreign, 403, 'forbidden_op');
  });
});

describe('data files', () => {
  it('are 0700 directories and 0600 files', async () => {
    const alice = await newUser(t.url);
    const file = await uploaded(t.url, alice.token);
    assert.equal(await mode(t.dataDir), 0o700);
    assert.equal(await mode(join(t.dataDir, 'openwebim.sqlite')), 0o600);
    assert.equal(await mode(join(t.dataDir, 'openwebim.sqlite-wal')), 0o600);
    assert.equal(await mode(join(t.dataDir, 'chatfiles')), 0o700);
    assert.equal(await mode(join(t.dataDir, 'chatfiles', file.uuid)), 0o600);
  });
});

describe('logs', () => {
  it('never carry a share secret or a token from the query, even at trace level', async () => {
    const server = await new ServerProcess({ env: { OPENWEBIM_LOG_LEVEL: 'trace' } }).start();
    try {
      const alice = await newUser(server.url);
      const file = await uploaded(server.url, alice.token);
      const response = await fetch(
        `${server.url}/demo/chat/chatfiles/${file.uuid}?share-secret=${file.secret}`,
        { headers: { authorization: `Bearer ${alice.token}` } },
      );
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      await api(
        server.url,
        'GET',
        `/demo/chat/users/${alice.username}?access_token=${alice.token}`,
      );
      await server.stop();
      assert.match(server.output, /share-secret=\[redacted\]/, 'the request was logged');
      assert.ok(!server.output.includes(file.secret), 'the share secret is not in the log');
      const at = server.output.indexOf(alice.token);
      assert.ok(at < 0, server.output.slice(Math.max(0, at - 300), at + 100));
    } finally {
      await server.stop();
    }
  });
});
