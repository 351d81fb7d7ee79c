// Every message kind through a real session: round trip, and every refusal storing nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerMessage } from '../../src/protocol/frames.js';
import {
  PNG_BYTES,
  connectSynced,
  newUser,
  startTestServer,
  uniqueName,
  uploaded,
  type TestServer,
} from './support/test-server.js';
import type { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

type Body = Record<string, unknown>;

/** Sends one `msg` and returns what the recipient got, checking the sender's other fields. */
async function roundTrip(a: TestSocket, b: TestSocket, to: string, body: Body) {
  const id = uniqueName('m');
  const ext = { order: 42, nested: { ok: true } };
  a.send({ t: 'msg', id, to, chatType: 'singleChat', ext, ...body });
  const ack = await a.next('ack', (frame) => frame.id === id);
  const { message } = await b.next('msg', (frame) => frame.message.id === id);
  assert.equal(message.mid, ack.mid);
  assert.deepEqual(message.ext, ext);
  return message;
}

/** The body fields of a server message (what the sender put in `msg` besides the envelope). */
function bodyOf(message: ServerMessage): Body {
  const {
    mid: _m,
    id: _i,
    seq: _s,
    from: _f,
    to: _t,
    chatType: _c,
    ext: _e,
    time: _ti,
    ...body
  } = message;
  return body;
}

describe('message kinds', () => {
  it('delivers every kind with its body unchanged', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const image = await uploaded(t.url, alice.token, { bytes: PNG_BYTES, type: 'image/png' });
    const thumb = await uploaded(t.url, alice.token, { bytes: PNG_BYTES, type: 'image/png' });
    const audio = await uploaded(t.url, alice.token, { type: 'audio/webm', filename: 'v.webm' });
    const video = await uploaded(t.url, alice.token, { type: 'video/mp4', filename: 'c.mp4' });
    const file = await uploaded(t.url, alice.token, { type: 'application/pdf', filename: 'a.pdf' });
    const bodies: Body[] = [
      { type: 'txt', msg: 'héllo 👋' },
      {
        type: 'img',
        url: image.url,
        secret: image.secret,
        filename: 'p.png',
        file_length: PNG_BYTES.length,
        filetype: 'image/png',
        width: 1,
        height: 1,
        thumb: thumb.url,
        thumb_secret: thumb.secret,
      },
      {
        type: 'audio',
        url: audio.url,
        secret: audio.secret,
        filename: 'v.webm',
        file_length: 10,
        length: 3,
      },
      {
        type: 'video',
        url: video.url,
        secret: video.secret,
        filename: 'c.mp4',
        file_length: 10,
        length: 12,
        width: 640,
        height: 360,
      },
      { type: 'file', url: file.url, secret: file.secret, filename: 'a.pdf', file_length: 10 },
      { type: 'loc', addr: 'Rue de Rivoli, Paris', lat: 48.8606, lng: 2.3376, buildingName: 'L' },
      { type: 'loc', addr: '', lat: -90, lng: 180 },
      { type: 'cmd', action: 'typing' },
      { type: 'custom', customEvent: 'gift', customExts: { amount: '3', to: 'bob' } },
    ];
    for (const body of bodies) {
      const message = await roundTrip(a.socket, b.socket, bob.username, body);
      assert.deepEqual(bodyOf(message), body, `a ${String(body.type)} message`);
    }
    // The recipient may now read every file the messages named, thumbnails included.
    for (const named of [image, thumb, audio, video, file]) {
      const response = await fetch(named.url, {
        headers: { authorization: `Bearer ${bob.token}`, 'share-secret': named.secret },
      });
      assert.equal(response.status, 200, named.url);
    }
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('keeps only the fields the protocol names', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const message = await roundTrip(a.socket, b.socket, bob.username, {
      type: 'cmd',
      action: 'ping',
      injected: '<script>',
    });
    assert.deepEqual(bodyOf(message), { type: 'cmd', action: 'ping' });
    await Promise.all([a.socket.close(), b.socket.close()]);
  });

  it('stores a file url as this server’s path and hands it out on the reader’s base', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const b = await connectSynced(t.url, bob);
    const file = await uploaded(t.url, alice.token);
    // A url on another host naming our chatfile must not lead readers (and their token) there.
    const foreign = file.url.replace(t.url, 'https://evil.example');
    const message = await roundTrip(a.socket, b.socket, bob.username, {
      type: 'file',
      url: `${foreign}?em-redirect=true`,
      secret: file.secret,
      filename: 'x.txt',
      file_length: 10,
    });
    assert.equal(message.type === 'file' && message.url, file.url);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });
});

describe('refusals', () => {
  it('nacks each bad body with 205 (511 for long text), stores nothing, and stays open', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const a = await connectSynced(t.url, alice);
    const mine = await uploaded(t.url, alice.token, { bytes: PNG_BYTES, type: 'image/png' });
    const pdf = await uploaded(t.url, alice.token, { type: 'application/pdf', filename: 'a.pdf' });
    const carols = await uploaded(t.url, carol.token, { bytes: PNG_BYTES, type: 'image/png' });
    const file = (url: string, secret: string) => ({
      url,
      secret,
      filename: 'f',
      file_length: 1,
    });
    const cases: [Body, number, RegExp][] = [
      [{ type: 'gif' }, 205, /unknown message type/],
      [{ type: 7 }, 205, /type must be a string/],
      [{ type: 'txt' }, 205, /msg must be a string/],
      [{ type: 'txt', msg: 'é'.repeat(8 * 1024 + 1) }, 511, /larger than/],
      [{ type: 'img', secret: 's', filename: 'f', file_length: 1 }, 205, /url/],
      [{ type: 'img', ...file(mine.url, mine.secret), file_length: -1 }, 205, /file_length/],
      [{ type: 'img', ...file(mine.url, mine.secret), file_length: 1.5 }, 205, /file_length/],
      [{ type: 'img', ...file(mine.url, mine.secret), width: '9' }, 205, /width/],
      [{ type: 'img', ...file(mine.url, mine.secret), thumb: mine.url }, 205, /thumb_secret/],
      [{ type: 'img', ...file(mine.url, mine.secret), filename: 'x'.repeat(256) }, 205, /filename/],
      [{ type: 'audio', ...file(mine.url, mine.secret) }, 205, /length/],
      [{ type: 'video', ...file(mine.url, mine.secret), length: -3 }, 205, /length/],
      [{ type: 'loc', addr: 'a', lat: 91, lng: 0 }, 205, /lat/],
      [{ type: 'loc', addr: 'a', lat: 0, lng: -180.5 }, 205, /lng/],
      [{ type: 'loc', addr: 'a', lat: 0 }, 205, /lng/],
      [{ type: 'loc', addr: 'x'.repeat(513), lat: 0, lng: 0 }, 205, /addr/],
      [{ type: 'cmd', action: '' }, 205, /action/],
      [{ type: 'cmd', action: 'x'.repeat(257) }, 205, /action/],
      [{ type: 'custom', customEvent: 'e', customExts: { n: 1 } }, 205, /customExts\.n/],
      [{ type: 'custom', customEvent: 'e', customExts: [] }, 205, /customExts/],
      [
        {
          type: 'custom',
          customEvent: 'e',
          customExts: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])),
        },
        205,
        /at most 32/,
      ],
      [{ type: 'custom', customEvent: 'x'.repeat(65), customExts: {} }, 205, /customEvent/],
      // Files: the url must name a chatfile of this app that the sender uploaded, with its secret.
      [{ type: 'file', ...file('https://x.example/f.pdf', 's') }, 205, /chatfiles/],
      [
        { type: 'file', ...file(mine.url.replace('/demo/chat/', '/other/app/'), mine.secret) },
        205,
        /of this app/,
      ],
      [{ type: 'img', ...file(carols.url, carols.secret) }, 205, /no chatfile you uploaded/],
      [
        { type: 'img', ...file(mine.url.replace(mine.uuid, crypto.randomUUID()), mine.secret) },
        205,
        /no chatfile you uploaded/,
      ],
      [{ type: 'img', ...file(mine.url, 'not-the-secret') }, 205, /share secret/],
      [{ type: 'img', ...file(pdf.url, pdf.secret) }, 205, /file type does not match/],
      [{ type: 'audio', ...file(mine.url, mine.secret), length: 1 }, 205, /does not match/],
      [
        {
          type: 'video',
          ...file(mine.url, mine.secret),
          length: 1,
          thumb: pdf.url,
          thumb_secret: pdf.secret,
        },
        205,
        /does not match/,
      ],
    ];
    for (const [body, code, reason] of cases) {
      const id = uniqueName('m');
      a.socket.send({ t: 'msg', id, to: bob.username, chatType: 'singleChat', ...body });
      const nack = await a.socket.next('nack', (frame) => frame.id === id);
      assert.equal(nack.code, code, `${JSON.stringify(body).slice(0, 120)}: ${nack.reason}`);
      assert.match(nack.reason, reason);
    }
    // The connection is still up and nothing was stored for anyone.
    a.socket.send({ t: 'ping' });
    await a.socket.next('pong');
    const b = await connectSynced(t.url, bob);
    assert.equal(b.authOk.seq, 0, 'nothing was stored');
    assert.equal(await t.server.domain.messages.lastSeq(await appRecord(), alice.username), 0);
    // A refused message granted nothing: bob cannot read alice's pdf.
    const download = await fetch(`${pdf.url}`, {
      headers: { authorization: `Bearer ${bob.token}`, 'share-secret': pdf.secret },
    });
    assert.equal(download.status, 403);
    await Promise.all([a.socket.close(), b.socket.close()]);
  });
});

async function appRecord() {
  const app = await t.server.domain.apps.get('demo#chat');
  assert.ok(app);
  return app;
}
