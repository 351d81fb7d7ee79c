// Every message kind end to end between two users on the real server, in the received shape.
import { expect } from '@open-wc/testing';
import WebIM, {
  type ErrorEvent,
  type ImageMessage,
  type ReceivedMessage,
} from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { closeAll, fileOf, loggedIn } from './sdk-fixtures.js';

const COMMON = ['id', 'type', 'chatType', 'from', 'to', 'ext', 'time', 'localMsgId', 'seq'];

describe('message kinds, end to end', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('location, command and custom messages reach their callbacks and onMessage', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const to = bob.username;
    // 'location' is how 3.x created locations.
    const loc = new WebIM.message('location', alice.conn.getUniqueId()).set({
      to,
      addr: 'Unter den Linden 1',
      lat: 52.517,
      lng: 13.389,
      buildingName: 'Staatsoper',
      ext: { note: 'here' },
    });
    expect(loc.body.type).to.equal('loc');
    const sentLoc = await alice.conn.send(loc.body);
    await alice.conn.send(WebIM.message.create({ type: 'cmd', to, action: 'typing' }));
    await alice.conn.send(
      WebIM.message.create({
        type: 'custom',
        to,
        customEvent: 'gift',
        customExts: { item: 'rose', count: '3' },
      }),
    );

    const [location] = (await bob.events.wait('onLocationMessage')) as [ReceivedMessage];
    expect(location).to.deep.include({
      id: sentLoc.serverMsgId,
      type: 'chat',
      chatType: 'singleChat',
      contentsType: 'LOCATION',
      from: alice.username,
      to,
      addr: 'Unter den Linden 1',
      lat: 52.517,
      lng: 13.389,
      buildingName: 'Staatsoper',
      ext: { note: 'here' },
      error: false,
    });
    expect(location).to.include.keys(COMMON);
    const [cmd] = (await bob.events.wait('onCmdMessage')) as [ReceivedMessage];
    expect(cmd).to.include({ contentsType: 'COMMAND', action: 'typing', type: 'chat' });
    const [custom] = (await bob.events.wait('onCustomMessage')) as [ReceivedMessage];
    expect(custom).to.deep.include({
      contentsType: 'CUSTOM',
      customEvent: 'gift',
      customExts: { item: 'rose', count: '3' },
      params: { item: 'rose', count: '3' },
    });
    const batches = await bob.events.wait('onMessage', 3).then(() => bob.events.all('onMessage'));
    expect(batches.map(([batch]) => (batch as ReceivedMessage[])[0]!.contentsType)).to.deep.equal([
      'LOCATION',
      'COMMAND',
      'CUSTOM',
    ]);
    expect(bob.events.count('onTextMessage')).to.equal(0);
  });

  it('a picture with a thumbnail: uploaded with progress, received with url, secret and thumb, readable by the recipient', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const picture = fileOf('photo.png', 'image/png', 50_000);
    const progress: { loaded: number; total: number }[] = [];
    let completed: unknown;
    const sent = await alice.conn.send(
      WebIM.message.create({
        type: 'img',
        to: bob.username,
        file: WebIM.utils.getFileUrl(picture),
        thumb: fileOf('thumb.png', 'image/png', 500),
        width: 640,
        height: 480,
        onFileUploadProgress: (event) =>
          progress.push({ loaded: event.loaded, total: event.total }),
        onFileUploadComplete: (response) => (completed = response),
      }),
    );
    // The total is the multipart body: the file and its part headers.
    const last = progress.at(-1)!;
    expect(last.loaded).to.equal(last.total);
    expect(last.total).to.be.greaterThan(50_000);
    expect((completed as { entities: { uuid: string }[] }).entities[0]!.uuid).to.be.a('string');

    const [image] = (await bob.events.wait('onPictureMessage')) as [ImageMessage];
    expect(image).to.deep.include({
      id: sent.serverMsgId,
      type: 'chat',
      chatType: 'singleChat',
      contentsType: 'IMAGE',
      from: alice.username,
      filename: 'photo.png',
      file_length: 50_000,
      filetype: 'image/png',
      width: 640,
      height: 480,
      accessToken: bob.conn.accessToken,
    });
    const chatfile = new RegExp(`^${server.url}/demo/chat/chatfiles/[0-9a-f-]{36}$`);
    expect(image.url).to.match(chatfile);
    expect(image.thumb).to.match(chatfile).and.not.equal(image.url);
    expect(image.secret).to.be.a('string').and.not.empty;
    expect(image.thumb_secret).to.be.a('string').and.not.empty;
    // What the sender's send() resolves is what the recipient got.
    expect(sent.message).to.deep.include({
      url: image.url,
      secret: image.secret,
      thumb: image.thumb,
    });

    const blob = await WebIM.utils.download.call(bob.conn, {
      url: image.url,
      secret: image.secret,
    });
    expect(new Uint8Array(await blob.arrayBuffer())).to.deep.equal(
      new Uint8Array(await picture.arrayBuffer()),
    );
  });

  it('forwarding a file already uploaded sends its url without uploading; onImageMessage listeners get pictures', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const carol = await loggedIn(server);
    const first = await alice.conn.send(
      WebIM.message.create({ type: 'img', to: bob.username, file: fileOf('a.gif', 'image/gif') }),
    );
    const { url, secret } = first.message as ImageMessage;
    let viaImage: ImageMessage | undefined;
    carol.conn.listen({ onImageMessage: (message) => (viaImage = message) });
    let uploaded = false;
    await alice.conn.send(
      WebIM.message.create({
        type: 'img',
        to: carol.username,
        url,
        secret,
        filename: 'a.gif',
        file_length: 1024,
        onFileUploadProgress: () => (uploaded = true),
      }),
    );
    await carol.events.wait('onPictureMessage');
    expect(uploaded).to.equal(false);
    expect(viaImage).to.include({ contentsType: 'IMAGE', url, filename: 'a.gif' });
    // The recipient of the forward may read the file too.
    const blob = await WebIM.utils.download.call(carol.conn, { url });
    expect(blob.size).to.equal(1024);
  });

  it('audio, video and file messages, with their lengths and types', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const to = bob.username;
    const send = (type: string, file: File, extra = {}) =>
      alice.conn.send(
        WebIM.message.create({ type, to, file: WebIM.utils.getFileUrl(file), ...extra }),
      );
    await send('audio', fileOf('voice.webm', 'audio/webm', 3000), { length: 3.4 });
    await send('video', fileOf('clip.mp4', 'video/mp4', 4000), {
      length: 12,
      width: 320,
      height: 240,
    });
    await send('file', fileOf('report.pdf', 'application/pdf', 5000));

    const [audio] = (await bob.events.wait('onAudioMessage')) as [ReceivedMessage];
    expect(audio).to.include({
      contentsType: 'VOICE',
      filename: 'voice.webm',
      file_length: 3000,
      filetype: 'audio/webm',
      length: 3,
    });
    const [video] = (await bob.events.wait('onVideoMessage')) as [ReceivedMessage];
    expect(video).to.include({
      contentsType: 'VIDEO',
      filename: 'clip.mp4',
      file_length: 4000,
      filetype: 'video/mp4',
      length: 12,
      width: 320,
      height: 240,
    });
    const [file] = (await bob.events.wait('onFileMessage')) as [ReceivedMessage];
    expect(file).to.include({
      contentsType: 'FILE',
      filename: 'report.pdf',
      file_length: 5000,
      filetype: 'application/pdf',
    });
    for (const message of [audio, video, file]) {
      expect(message).to.include.keys([...COMMON, 'url', 'secret', 'accessToken']);
    }
  });

  it('a file of the wrong type for its kind is refused before upload (205), the connection stays up', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    let uploadStarted = false;
    let failed: ErrorEvent | undefined;
    const error = (await alice.conn
      .send(
        WebIM.message.create({
          type: 'img',
          to: bob.username,
          file: fileOf('song.mp3', 'audio/mpeg'),
          onFileUploadProgress: () => (uploadStarted = true),
          fail: (e) => (failed = e),
        }),
      )
      .catch((e) => e)) as ErrorEvent;
    expect(error.type).to.equal(205);
    expect(failed).to.equal(error);
    expect(uploadStarted).to.equal(false);
    // The server checks it too: a picture message naming an audio chatfile (uploaded as a file).
    const audio = await alice.conn.send(
      WebIM.message.create({
        type: 'file',
        to: bob.username,
        file: fileOf('song.mp3', 'audio/mpeg'),
      }),
    );
    const { url, secret } = audio.message as ImageMessage;
    const forged = WebIM.message.create({
      type: 'img',
      to: bob.username,
      url,
      secret,
      filename: 'song.mp3',
      file_length: 1024,
    });
    const refused = (await alice.conn.send(forged).catch((e) => e)) as ErrorEvent;
    expect(refused.type).to.equal(205);
    expect(refused.message).to.match(/file type/);
    // Someone else's file cannot be sent on either.
    const stolen = WebIM.message.create({
      type: 'file',
      to: alice.username,
      url,
      secret,
      filename: 'song.mp3',
      file_length: 1024,
    });
    expect(((await bob.conn.send(stolen).catch((e) => e)) as ErrorEvent).type).to.equal(205);
    expect(alice.conn.isOpened() && bob.conn.isOpened()).to.equal(true);
  });
});
