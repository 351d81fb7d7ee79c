// Every message kind through the store, between two users on a real server, persisted in the
// browser's own IndexedDB; attachments through the outbox, upload progress and cancel.
import { expect } from '@open-wc/testing';
import { firstValueFrom, toArray, takeWhile } from 'rxjs';
import { Messages } from '../../src/store/errors.js';
import type { ChatCommand, ChatMessage } from '../../src/store/types.js';
import { resumeServer, stopServer } from '../support/servers.js';
import {
  aliceAndBob,
  bytesOf,
  cleanUp,
  meAndPeer,
  newStore,
  ownServer,
  png,
  rejection,
  until,
} from './store-fixtures.js';

afterEach(cleanUp);

describe('store/chat-store: message kinds', function () {
  this.timeout(90_000);

  it('sends and receives every kind, stores them, and hands commands to commands$ only', async () => {
    const { url, a, b, alice, bob, bobPrefix } = await aliceAndBob();
    const commands: ChatCommand[] = [];
    const listening = b.commands$.subscribe((command) => commands.push(command));

    const picture = png();
    const thumbnail = new Blob([await picture.arrayBuffer()], { type: 'image/png' });
    const img = await a.sendFile(bob, picture, { thumbnail, width: 1, height: 1 });
    const audio = await a.sendFile(
      bob,
      new File(['RIFFxxxxWAVE'], 'hi.wav', { type: 'audio/wav' }),
      {
        duration: 3,
      },
    );
    const video = await a.sendFile(
      bob,
      new File(['mp4 bytes'], 'clip.mp4', { type: 'video/mp4' }),
      {
        duration: 7,
        width: 640,
        height: 360,
      },
    );
    const doc = await a.sendFile(
      bob,
      new File(['%PDF-1.4'], 'notes.pdf', { type: 'application/pdf' }),
    );
    const place = await a.sendLocation(bob, {
      addr: 'Alexanderplatz, Berlin',
      lat: 52.52,
      lng: 13.41,
    });
    const custom = await a.sendCustom(bob, { event: 'gift', exts: { rose: '1' } }, { note: 'x' });
    await a.sendCommand(bob, 'typing', { since: 1 });
    const text = await a.send(bob, 'after all of them');
    expect(img).to.include({ type: 'img', status: 'pending', text: '' });
    expect(img.attachment).to.include({
      filename: 'dot.png',
      size: picture.size,
      mime: 'image/png',
    });

    const ids = [img.id, audio.id, video.id, doc.id, place.id, custom.id, text.id];
    const sent = await until(
      a.messages$(bob),
      (l) => l.length === 7 && l.every((m) => m.status === 'sent'),
      'all of alice’s sent',
    );
    expect(sent.map((m) => m.type).sort()).to.deep.equal(
      ['audio', 'custom', 'file', 'img', 'loc', 'txt', 'video'].sort(),
    );
    const sentImg = sent.find((m) => m.id === img.id)!;
    expect(sentImg.attachment?.url).to.match(/\/chatfiles\//);
    expect(sentImg.attachment?.thumbUrl).to.match(/\/chatfiles\//);

    const got = await until(b.messages$(alice), (l) => l.length === 7, 'bob has seven bubbles');
    // Bob's copies are keyed by the server's id (alice's client ids are hers: issue 11).
    const serverIds = new Map(sent.map((m) => [m.id, m.mid]));
    const byClientId = new Map(got.map((m) => [sent.find((s) => s.mid === m.id)?.id, m]));
    expect([...byClientId.keys()].sort()).to.deep.equal([...ids].sort());
    expect(got.map((m) => m.mid)).to.deep.equal(got.map((m) => m.id));
    expect(serverIds.size).to.equal(7);
    expect(byClientId.get(img.id)).to.deep.include({ type: 'img', status: 'received', text: '' });
    expect(byClientId.get(img.id)!.attachment).to.include({
      filename: 'dot.png',
      size: picture.size,
      mime: 'image/png',
      width: 1,
      height: 1,
    });
    expect(byClientId.get(audio.id)!.attachment).to.include({ filename: 'hi.wav', duration: 3 });
    expect(byClientId.get(video.id)!.attachment).to.include({
      duration: 7,
      width: 640,
      height: 360,
    });
    expect(byClientId.get(doc.id)!.attachment).to.include({ filename: 'notes.pdf', size: 8 });
    expect(byClientId.get(place.id)!.location).to.deep.equal({
      addr: 'Alexanderplatz, Berlin',
      lat: 52.52,
      lng: 13.41,
    });
    expect(byClientId.get(custom.id)).to.deep.include({
      custom: { event: 'gift', exts: { rose: '1' } },
      ext: { note: 'x' },
    });
    expect(byClientId.get(text.id)!.text).to.equal('after all of them');

    // The command arrived, but is no bubble.
    expect(commands.map((c) => [c.action, c.from, c.ext])).to.deep.equal([
      ['typing', alice, { since: 1 }],
    ]);
    listening.unsubscribe();

    // Files open with the token and the secret; the original and the preview are the same bytes here.
    const original = await b.fetchFile(byClientId.get(img.id)!);
    expect(await bytesOf(original)).to.deep.equal(new Uint8Array(await picture.arrayBuffer()));
    expect(await b.fetchFile(byClientId.get(img.id)!)).to.equal(original);
    const preview = await b.fetchFile(byClientId.get(img.id)!, { thumbnail: true });
    expect(await bytesOf(preview)).to.deep.equal(new Uint8Array(await picture.arrayBuffer()));
    expect(
      new TextDecoder().decode(await bytesOf(await b.fetchFile(byClientId.get(doc.id)!))),
    ).to.equal('%PDF-1.4');

    // Everything is in IndexedDB: a reload shows the same seven.
    await b.dispose();
    const reloaded = newStore(url, bobPrefix);
    const stored = await until(reloaded.messages$(alice), (l) => l.length === 7, 'stored');
    expect(stored).to.deep.equal(got);
  });

  it('refuses bad attachments, locations and commands with plain words, storing nothing', async () => {
    const { store: a, peer: bob } = await meAndPeer();
    const empty = await rejection(a.sendFile(bob, new File([], 'empty.txt')));
    expect(empty.message).to.equal(Messages.emptyFile);
    const wrong = await rejection(
      a.sendFile(bob, new File(['text'], 'a.txt', { type: 'text/plain' }), { kind: 'img' }),
    );
    expect(wrong.message).to.equal(Messages.wrongFileType);
    const big = await rejection(
      a.sendFile(bob, new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'big.bin')),
    );
    expect(big.message).to.equal(Messages.fileTooLarge);
    const nowhere = await rejection(a.sendLocation(bob, { addr: 'x', lat: 91, lng: 0 }));
    expect(nowhere.message).to.equal(Messages.badCoordinates);
    const noAddress = await rejection(a.sendLocation(bob, { addr: ' ', lat: 1, lng: 1 }));
    expect(noAddress.message).to.equal(Messages.emptyAddress);
    const command = await rejection(a.sendCommand(bob, ''));
    expect(command.message).to.equal(Messages.badCommand);
    expect(await firstValueFrom(a.messages$(bob))).to.deep.equal([]);
    expect(await firstValueFrom(a.conversations$)).to.deep.equal([]);
  });

  it('reports upload progress up to the whole file, then null', async () => {
    const { store: a, peer: bob } = await meAndPeer();
    const file = new File([new Uint8Array(4 * 1024 * 1024)], 'big.bin', {
      type: 'application/octet-stream',
    });
    const { id } = await a.sendFile(bob, file);
    const seen = await firstValueFrom(
      a.uploadProgress$(id).pipe(
        takeWhile((p) => p === null || p.loaded < p.total, true),
        toArray(),
      ),
    );
    const last = seen.at(-1);
    // The browser counts the multipart body, a little more than the file.
    expect(last?.loaded).to.equal(last?.total);
    expect(last?.total).to.be.at.least(file.size);
    const fractions = seen.filter((p) => p !== null).map((p) => p.loaded / p.total);
    expect(fractions).to.deep.equal([...fractions].sort((x, y) => x - y));
    await until(a.messages$(bob), (l) => l[0]?.status === 'sent', 'sent');
    expect(await firstValueFrom(a.uploadProgress$(id))).to.equal(null);
  });

  it('keeps a queued attachment through a reload and sends it once; cancel removes one', async () => {
    const server = await ownServer();
    const { a, b, alice, bob, alicePrefix } = await aliceAndBob({ url: server.url });

    await stopServer(server.id);
    await until(a.status$, (s) => s !== 'online', 'alice sees the drop');
    const picture = png();
    const queued = await a.sendFile(bob, picture);
    const dropped = await a.sendFile(bob, new File(['never'], 'never.txt', { type: 'text/plain' }));
    await until(a.messages$(bob), (l) => l.length === 2, 'two pending');
    // Before the reload, the sender sees its own picture from the bytes it keeps.
    const local = await a.fetchFile(queued);
    expect(await bytesOf(local)).to.deep.equal(new Uint8Array(await picture.arrayBuffer()));
    expect(await a.cancelUpload(dropped.id)).to.equal(true);
    await until(a.messages$(bob), (l) => l.length === 1, 'cancelled one gone');
    await a.dispose();

    const reloaded = newStore(server.url, alicePrefix);
    const stored = await until(reloaded.messages$(bob), (l) => l.length === 1, 'stored pending');
    expect(stored[0]).to.include({ id: queued.id, status: 'pending', type: 'img' });

    await resumeServer(server.id);
    const sent = await until(reloaded.messages$(bob), (l) => l[0]?.status === 'sent', 'flushed');
    expect(sent[0]!.attachment?.url).to.match(/\/chatfiles\//);
    const received = await until(b.messages$(alice), (l) => l.length > 0, 'delivered');
    expect(received.map((m: ChatMessage) => m.id)).to.deep.equal([sent[0]!.mid]);
    expect(await bytesOf(await b.fetchFile(received[0]!))).to.deep.equal(
      new Uint8Array(await picture.arrayBuffer()),
    );
    // A later message proves the cancelled one is not merely late.
    await reloaded.send(bob, 'after');
    const after = await until(b.messages$(alice), (l) => l.length === 2, 'the text after');
    expect(after.map((m) => m.type)).to.deep.equal(['img', 'txt']);
    expect(await reloaded.cancelUpload(queued.id)).to.equal(false);
  });
});
