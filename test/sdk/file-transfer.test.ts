// WebIM.utils file helpers against the real server: upload with progress and cancel, download and
// its error codes, getFileUrl, and the seed's onVideoMessage snippet as written.
import { expect } from '@open-wc/testing';
import WebIM, {
  type ErrorEvent,
  type TransferError,
  type VideoMessage,
} from '../../src/sdk/index.js';
import { mainServer, serverCli, uniqueName, type TestServer } from '../support/servers.js';
import {
  APP_KEY,
  closeAll,
  connection,
  fileOf,
  loggedIn,
  Recorder,
  until,
} from './sdk-fixtures.js';
import * as seed from './seed-snippets.js';

const MB = 1024 * 1024;

describe('WebIM.utils file helpers', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('uploadFile: a 6 MB file with progress events up to 100 %, then downloads byte for byte', async () => {
    const alice = await loggedIn(server);
    const file = fileOf('big.bin', 'application/octet-stream', 6 * MB);
    const progress: number[] = [];
    let total = 0;
    const response = await WebIM.utils.uploadFile({
      file: WebIM.utils.getFileUrl(file),
      apiUrl: server.url,
      appKey: APP_KEY,
      accessToken: alice.conn.accessToken,
      onFileUploadProgress: (event) => {
        progress.push(event.loaded);
        total = event.total;
      },
    });
    const entity = response.entities[0]!;
    expect(entity.type).to.equal('chatfile');
    expect(entity['share-secret']).to.be.a('string').and.not.empty;
    // How many events a fast local upload gets is the browser's choice (one every 50 ms); the
    // last one always reports the whole body.
    expect(progress.length).to.be.greaterThan(0);
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).to.equal(total);
    expect(total).to.be.greaterThan(6 * MB);

    const url = `${server.url}/demo/chat/chatfiles/${entity.uuid}`;
    const blob = await WebIM.utils.download.call(alice.conn, {
      url,
      secret: entity['share-secret'],
    });
    expect(blob.size).to.equal(6 * MB);
    const [a, b] = await Promise.all([blob.arrayBuffer(), file.arrayBuffer()]);
    expect(new Uint8Array(a).every((byte, i) => byte === new Uint8Array(b)[i])).to.equal(true);
  });

  it('a 20 MB file message (app limit raised to 25 MB): progress reaches 100 %, the recipient gets it whole', async () => {
    const key = `big${Date.now().toString(36)}#app`;
    const limit = String(25 * MB);
    const added = await serverCli(server.id, ['app', 'add', key, '--max-file-bytes', limit]);
    expect(added.code, added.stderr).to.equal(0);
    const register = async () => {
      const user = { username: uniqueName(), password: 'secret' };
      await connection(server, { appKey: key }).registerUser(user);
      return user;
    };
    const alice = await loggedIn(server, { appKey: key }, await register());
    const bob = await loggedIn(server, { appKey: key }, await register());
    let last = { loaded: 0, total: -1 };
    await alice.conn.send(
      WebIM.message.create({
        type: 'file',
        to: bob.username,
        file: fileOf('movie.bin', 'application/octet-stream', 20 * MB),
        onFileUploadProgress: (event) => (last = event),
      }),
    );
    expect(last.loaded).to.equal(last.total);
    const [received] = (await bob.events.wait('onFileMessage')) as [{ url: string }];
    expect(received).to.include({ file_length: 20 * MB, filename: 'movie.bin' });
    expect((await WebIM.utils.download.call(bob.conn, { url: received.url })).size).to.equal(
      20 * MB,
    );
  });

  it('a file message upload can be canceled: onFileUploadCanceled and fail get -4, nothing is sent', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const message = new WebIM.message('file', alice.conn.getUniqueId());
    let canceled: ErrorEvent | undefined;
    let failed: ErrorEvent | undefined;
    let canceledNow: boolean | undefined;
    message.set({
      to: bob.username,
      file: WebIM.utils.getFileUrl(fileOf('huge.bin', 'application/octet-stream', 9 * MB)),
      // Canceled at the first progress event: the server's answer cannot have come yet.
      onFileUploadProgress: () => (canceledNow ??= alice.conn.cancelUpload(message.id)),
      onFileUploadCanceled: (e) => (canceled = e),
      fail: (e) => (failed = e),
    });
    const sending = alice.conn.send(message.body).catch((e: ErrorEvent) => e);
    expect(alice.conn.cancelUpload('no-such-id')).to.equal(false);
    const error = (await sending) as ErrorEvent;
    expect(canceledNow).to.equal(true);
    expect(error.type).to.equal(WebIM.statusCode.REQUEST_ABORT);
    expect(canceled?.type).to.equal(-4);
    expect(failed).to.equal(error);
    // The connection is fine and nothing reached bob.
    await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'after' }));
    await bob.events.wait('onTextMessage');
    expect(bob.events.count('onFileMessage')).to.equal(0);
  });

  it('uploadFile().abort() cancels a bare upload', async () => {
    const alice = await loggedIn(server);
    let canceled: TransferError | undefined;
    const upload = WebIM.utils.uploadFile({
      file: fileOf('x.bin', 'application/octet-stream', 8 * MB),
      apiUrl: server.url,
      appKey: APP_KEY,
      accessToken: alice.conn.accessToken,
      onFileUploadProgress: () => upload.abort(),
      onFileUploadCanceled: (e) => (canceled = e),
    });
    const error = (await upload.catch((e) => e)) as TransferError;
    expect(error.type).to.equal(-4);
    expect(canceled).to.equal(error);
  });

  it('upload refusals: no file 103, not logged in 102, past the app limit 101 with the 413 body', async () => {
    const alice = await loggedIn(server);
    const base = { apiUrl: server.url, appKey: APP_KEY, accessToken: alice.conn.accessToken };
    const codeOf = async (options: Parameters<typeof WebIM.utils.uploadFile>[0]) => {
      let viaCallback: TransferError | undefined;
      const error = (await WebIM.utils
        .uploadFile({ ...options, onFileUploadError: (e) => (viaCallback = e) })
        .catch((e) => e)) as TransferError;
      expect(viaCallback).to.equal(error);
      return error;
    };
    expect((await codeOf({ ...base, file: new Blob([]) })).type).to.equal(103);
    const file = fileOf('a.txt', 'text/plain');
    expect((await codeOf({ ...base, file, accessToken: undefined })).type).to.equal(102);

    const key = `files${Date.now().toString(36)}#app`;
    const added = await serverCli(server.id, ['app', 'add', key, '--max-file-bytes', '1000']);
    expect(added.code, added.stderr).to.equal(0);
    const user = { username: uniqueName(), password: 'secret' };
    await connection(server, { appKey: key }).registerUser(user);
    const small = connection(server, { appKey: key });
    await small.open({ user: user.username, pwd: user.password });
    const big = await codeOf({ ...base, appKey: key, accessToken: small.accessToken, file });
    expect(big.type).to.equal(101);
    expect(JSON.parse(big.responseText!).error).to.equal('request_entity_too_large');

    // Through a message: the same code reaches fail, and the message is not sent.
    const error = (await small
      .send(WebIM.message.create({ type: 'file', to: user.username, file }))
      .catch((e) => e)) as ErrorEvent;
    expect(error.type).to.equal(101);
    expect(small.isOpened()).to.equal(true);
  });

  it('download errors: 201 without a token, 222 for a third user or a wrong secret', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const mallory = await loggedIn(server);
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'file', to: bob.username, file: fileOf('s.txt', 'text/plain') }),
    );
    const { url, secret } = sent.message as { url: string; secret: string };
    await bob.events.wait('onFileMessage');

    const errorOf = async (conn: unknown, options: { url: string; secret?: string }) => {
      let viaCallback: TransferError | undefined;
      const error = (await WebIM.utils.download
        .call(conn as undefined, {
          ...options,
          id: 'file-1',
          onFileDownloadError: (e) => (viaCallback = e),
          onFileDownloadComplete: () => expect.fail('must not download'),
        })
        .catch((e) => e)) as TransferError;
      expect(viaCallback).to.equal(error);
      return error;
    };
    const noLogin = await errorOf(connection(server), { url, secret });
    expect(noLogin).to.include({ type: 201, id: 'file-1' });
    const third = await errorOf(mallory.conn, { url, secret });
    expect(third).to.include({ type: 222, id: 'file-1' });
    expect(third.xhr?.status).to.equal(403);
    expect((await errorOf(bob.conn, { url, secret: 'wrong' })).type).to.equal(222);
    // Both participants can read it; the recipient without passing the secret (remembered).
    expect((await WebIM.utils.download.call(bob.conn, { url })).size).to.equal(1024);
    expect((await WebIM.utils.download.call(alice.conn, { url, secret })).size).to.equal(1024);
    // An unknown file: 200 (the generic download error).
    const unknown = url.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');
    expect((await errorOf(bob.conn, { url: unknown, secret })).type).to.equal(200);
  });

  it('getFileUrl reads an <input type=file> by id or element; getFileSize; parseDownloadResponse', () => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = `picker-${Date.now()}`;
    const transfer = new DataTransfer();
    const file = fileOf('Holiday.JPG', 'image/jpeg', 2048);
    transfer.items.add(file);
    input.files = transfer.files;
    document.body.append(input);
    try {
      const byId = WebIM.utils.getFileUrl(input.id);
      expect(byId).to.include({ filename: 'Holiday.JPG', filetype: 'jpg', data: file });
      expect(byId.url).to.match(/^blob:/);
      expect(WebIM.utils.getFileUrl(input).data).to.equal(file);
      expect(WebIM.utils.getFileSize(input)).to.equal(2048);
      expect(WebIM.utils.getFileSize(byId)).to.equal(2048);
      expect(WebIM.utils.getFileUrl('no-such-input')).to.include({ url: '', filename: '' });
      expect(WebIM.utils.parseDownloadResponse.call(null, file)).to.match(/^blob:/);
      expect(WebIM.utils.parseDownloadResponse.call(null, '{"error":"x"}')).to.equal('');
    } finally {
      input.remove();
    }
  });

  it("the seed's onVideoMessage snippet, as written, puts the video in the page as a blob: URL", async () => {
    const video = document.createElement('video');
    video.id = 'privateVideo';
    document.body.append(video);
    try {
      const alice = await loggedIn(server);
      const bob = await loggedIn(server);
      // The seed's listen block on bob's connection (it sets the legacy handlers).
      seed.addCallbacks(WebIM, bob.conn);
      const clip = fileOf('clip.mp4', 'video/mp4', 30_000);
      await alice.conn.send(
        WebIM.message.create({ type: 'video', to: bob.username, file: clip, length: 2 }),
      );
      const [message] = (await bob.events.wait('onVideoMessage')) as [VideoMessage];
      expect(message.url).to.match(/\/chatfiles\//);
      await until(() => video.src.startsWith('blob:'), 'node.src to be a blob: URL');
      const played = await (await fetch(video.src)).arrayBuffer();
      expect(played.byteLength).to.equal(30_000);
      expect(new Uint8Array(played)[1]).to.equal(31);
    } finally {
      video.remove();
    }
  });

  it('an isHttpDNS connection receives file urls on its own REST host', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'file', to: bob.username, file: fileOf('d.txt', 'text/plain') }),
    );
    const viaDns = connection(server, { isHttpDNS: true, dnsUrl: server.url });
    const events = new Recorder(viaDns);
    await viaDns.open({ user: bob.username, pwd: bob.password });
    const history = await viaDns.getHistoryMessages({ targetId: alice.username });
    const url = (history.messages[0] as { url: string }).url;
    expect(url.endsWith(new URL((sent.message as { url: string }).url).pathname)).to.equal(true);
    expect((await WebIM.utils.download.call(viaDns, { url })).size).to.equal(1024);
    expect(events.count('onError')).to.equal(0);
  });
});
