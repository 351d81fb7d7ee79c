// Chatfiles over REST (server/http/chatfiles-routes.ts): upload, download, who may read, limits.
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DEMO,
  PNG_BYTES,
  api,
  appPath,
  assertError,
  connectSynced,
  newUser,
  startTestServer,
  upload,
  uploaded,
  type TestServer,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const download = (path: string, accessToken?: string, secret?: string) =>
  fetch(`${t.url}${path}`, {
    headers: {
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...(secret ? { 'share-secret': secret } : {}),
    },
  });

const pathOf = (url: string) => new URL(url).pathname;

describe('POST /{org}/{app}/chatfiles', () => {
  it('stores the file and answers a chatfile entity with a uuid and a share secret', async () => {
    const alice = await newUser(t.url);
    const response = await upload(t.url, alice.token, {
      filename: 'notes.txt',
      type: 'text/plain',
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = response.body as { entities: Record<string, unknown>[]; path: string };
    assert.equal(body.path, '/chatfiles');
    const [entity] = body.entities;
    assert.equal(entity?.type, 'chatfile');
    assert.match(String(entity?.uuid), /^[0-9a-f-]{36}$/);
    assert.ok(String(entity?.['share-secret']).length >= 32);
    // On disk under the uuid, nothing named by the client.
    const files = await readdir(join(t.dataDir, 'chatfiles'));
    assert.ok(files.includes(String(entity?.uuid)));
  });

  it('refuses without a token (401), with a bad token (401) and without a file field', async () => {
    assertError(await upload(t.url, undefined), 401, 'auth_bad_access_token');
    assertError(await upload(t.url, 'x'.repeat(43)), 401, 'auth_bad_access_token');
    const alice = await newUser(t.url);
    assertError(
      await upload(t.url, alice.token, { field: 'attachment' }),
      400,
      'illegal_argument',
      /named "file"/,
    );
    const json = await api(t.url, 'POST', `/${appPath(DEMO)}/chatfiles`, {
      token: alice.token,
      body: { file: 'not a file' },
    });
    assertError(json, 400, 'illegal_argument', /multipart/);
  });

  it('refuses a file past the app limit with 413 and keeps no partial file', async () => {
    const app = 'small#files';
    await t.server.domain.apps.add(app, { maxFileBytes: 1000 });
    const alice = await newUser(t.url, app);
    const before = await readdir(join(t.dataDir, 'chatfiles')).catch(() => []);
    const response = await upload(t.url, alice.token, {
      appKey: app,
      bytes: new Uint8Array(200_000),
    });
    assertError(response, 413, 'request_entity_too_large', /larger than 1000 bytes/);
    assert.deepEqual(await readdir(join(t.dataDir, 'chatfiles')), before);
    // Exactly the limit is fine.
    await uploaded(t.url, alice.token, { appKey: app, bytes: new Uint8Array(1000) });
  });

  it('answers uploads past the per-user rate with 429 reach_limit', async () => {
    const limited = await startTestServer({ uploadsPerMinute: 2 });
    try {
      const alice = await newUser(limited.url);
      const bob = await newUser(limited.url);
      await uploaded(limited.url, alice.token);
      await uploaded(limited.url, alice.token);
      assertError(await upload(limited.url, alice.token), 429, 'reach_limit');
      // Per user: bob may still upload.
      await uploaded(limited.url, bob.token);
    } finally {
      await limited.close();
    }
  });

  it('takes a 20 MB file on an app allowing 25 MB, streamed to disk', async () => {
    // The route pipes the multipart stream through a byte counter into a file, so the server
    // holds one chunk at a time; the default 10 MB limit would refuse this file.
    const app = 'big#files';
    await t.server.domain.apps.add(app, { maxFileBytes: 25_000_000 });
    const alice = await newUser(t.url, app);
    const bytes = new Uint8Array(20 * 1024 * 1024);
    bytes[bytes.length - 1] = 7;
    const file = await uploaded(t.url, alice.token, {
      appKey: app,
      bytes,
      type: 'video/mp4',
      filename: 'clip.mp4',
    });
    assert.equal((await stat(join(t.dataDir, 'chatfiles', file.uuid))).size, bytes.length);
    const response = await download(pathOf(file.url), alice.token, file.secret);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), String(bytes.length));
    const back = new Uint8Array(await response.arrayBuffer());
    assert.equal(back.length, bytes.length);
    assert.equal(back[back.length - 1], 7);
  });
});

describe('GET /{org}/{app}/chatfiles/{uuid}', () => {
  it('is never reused from a cache unasked, and revalidates with a 304 only for who may read', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const file = await uploaded(t.url, alice.token);
    const first = await download(pathOf(file.url), alice.token, file.secret);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'private, no-cache');
    assert.equal(first.headers.get('vary'), 'Authorization, share-secret');
    const etag = first.headers.get('etag');
    assert.equal(etag, `"${file.uuid}"`);
    await first.arrayBuffer();
    const headers = (token: string) => ({
      authorization: `Bearer ${token}`,
      'share-secret': file.secret,
      'if-none-match': etag!,
    });
    const again = await fetch(file.url, { headers: headers(alice.token) });
    assert.equal(again.status, 304);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    // Bob's revalidation of the same copy is refused like his plain request.
    const forBob = await fetch(file.url, { headers: headers(bob.token) });
    assert.equal(forBob.status, 403);
    assert.equal(((await forBob.json()) as { error: string }).error, 'forbidden_op');
  });

  it('gives the uploader the bytes with type, length, a safe name and a sandbox', async () => {
    const alice = await newUser(t.url);
    const file = await uploaded(t.url, alice.token, {
      bytes: PNG_BYTES,
      type: 'image/png',
      filename: 'été 1.png',
    });
    const response = await download(pathOf(file.url), alice.token, file.secret);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.equal(response.headers.get('content-length'), String(PNG_BYTES.length));
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('content-security-policy') ?? '', /^sandbox/);
    assert.equal(
      response.headers.get('content-disposition'),
      `inline; filename="_t_ 1.png"; filename*=UTF-8''%C3%A9t%C3%A9%201.png`,
    );
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), PNG_BYTES);
  });

  it('serves HTML as an attachment in a sandbox, never as a page of ours', async () => {
    const alice = await newUser(t.url);
    const file = await uploaded(t.url, alice.token, {
      bytes: new TextEncoder().encode('<script>alert(1)</script>'),
      type: 'text/html',
      filename: 'x.html',
    });
    const response = await download(pathOf(file.url), alice.token, file.secret);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.match(response.headers.get('content-security-policy') ?? '', /sandbox/);
  });

  it('accepts the share secret as a query parameter', async () => {
    const alice = await newUser(t.url);
    const file = await uploaded(t.url, alice.token);
    const response = await download(
      `${pathOf(file.url)}?share-secret=${encodeURIComponent(file.secret)}`,
      alice.token,
    );
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'hello file');
  });

  it('answers 401, 403 and 404 with Agora bodies', async () => {
    const alice = await newUser(t.url);
    const file = await uploaded(t.url, alice.token);
    const path = pathOf(file.url);
    const fetchJson = async (response: Response) => ({
      status: response.status,
      body: (await response.json()) as unknown,
      headers: response.headers,
    });
    assertError(
      await fetchJson(await download(path, undefined, file.secret)),
      401,
      'auth_bad_access_token',
    );
    assertError(
      await fetchJson(await download(path, alice.token, 'wrong')),
      403,
      'forbidden_op',
      'chatfile no permission',
    );
    assertError(
      await fetchJson(await download(path, alice.token)),
      403,
      'forbidden_op',
      'chatfile no permission',
    );
    assertError(
      await fetchJson(
        await download(
          `/${appPath(DEMO)}/chatfiles/00000000-0000-4000-8000-000000000000`,
          alice.token,
          file.secret,
        ),
      ),
      404,
      'service_resource_not_found',
    );
  });

  it('lets the recipient of a message naming the file read it, and nobody else', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const file = await uploaded(t.url, alice.token, { filename: 'report.txt' });
    const path = pathOf(file.url);
    // Before any message names it, even with the secret, bob may not read it.
    assert.equal((await download(path, bob.token, file.secret)).status, 403);
    const a = await connectSynced(t.url, alice);
    a.socket.send({
      t: 'msg',
      id: 'f1',
      to: bob.username,
      chatType: 'singleChat',
      type: 'file',
      url: file.url,
      secret: file.secret,
      filename: 'report.txt',
      file_length: 10,
    });
    await a.socket.next('ack');
    const forBob = await download(path, bob.token, file.secret);
    assert.equal(forBob.status, 200);
    assert.equal(await forBob.text(), 'hello file');
    // A third user with the url and the secret still may not.
    const forCarol = await download(path, carol.token, file.secret);
    assert.equal(forCarol.status, 403);
    assert.equal(((await forCarol.json()) as { error: string }).error, 'forbidden_op');
    await a.socket.close();
  });

  it('lets a page read the name and size across origins', async () => {
    const alice = await newUser(t.url);
    const file = await uploaded(t.url, alice.token);
    const response = await fetch(`${t.url}${pathOf(file.url)}`, {
      headers: {
        authorization: `Bearer ${alice.token}`,
        'share-secret': file.secret,
        origin: 'https://page.example',
      },
    });
    assert.equal(response.status, 200);
    assert.match(
      response.headers.get('access-control-expose-headers') ?? '',
      /Content-Disposition/,
    );
    const preflight = await fetch(`${t.url}${pathOf(file.url)}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://page.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,share-secret',
      },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /share-secret/);
  });
});
