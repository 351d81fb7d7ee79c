import { expect } from '@open-wc/testing';
import type { ReceivedText } from '../../src/store/connection-events.js';
import { Messages } from '../../src/store/errors.js';
import {
  attachmentKindOf,
  checkCustom,
  checkDraft,
  checkFile,
  checkLocation,
  fromReceived,
  isCommand,
  normalizeUsername,
  recalledCopy,
} from '../../src/store/messages.js';
import type { ChatMessage } from '../../src/store/types.js';

const received: ReceivedText = {
  id: 'server-1',
  localMsgId: 'client-1',
  type: 'chat',
  chatType: 'singleChat',
  from: 'ann',
  to: 'me',
  data: 'hello',
  msg: 'hello',
  ext: {},
  time: 1234,
  seq: 5,
};

describe('store/messages', () => {
  it('keys another’s message by its server id, which no sender picks (issue 11)', () => {
    expect(fromReceived(received, 'me')).to.deep.equal({
      id: 'server-1',
      mid: 'server-1',
      conversationId: 'ann',
      chatType: 'singleChat',
      type: 'txt',
      from: 'ann',
      to: 'me',
      text: 'hello',
      time: 1234,
      status: 'received',
      seq: 5,
    });
  });

  it('files my message from another device under the peer, as sent, keyed by my client id', () => {
    const mine = fromReceived({ ...received, from: 'me', to: 'ann' }, 'me');
    expect(mine).to.include({
      id: 'client-1',
      mid: 'server-1',
      conversationId: 'ann',
      status: 'sent',
    });
    // A history frame says the same with `id` (client) and `mid`.
    const page = fromReceived(
      { ...received, localMsgId: undefined, id: 'client-1', mid: 'server-1' } as never,
      'me',
    );
    expect(page).to.include({ id: 'server-1', mid: 'server-1' });
    const ownPage = fromReceived(
      {
        ...received,
        localMsgId: undefined,
        from: 'me',
        to: 'ann',
        id: 'client-1',
        mid: 'server-1',
      } as never,
      'me',
    );
    expect(ownPage).to.include({ id: 'client-1', mid: 'server-1' });
  });

  it('drops what is not a text message instead of storing half of it', () => {
    const broken = [
      { ...received, from: undefined },
      { ...received, msg: undefined, data: undefined },
      { ...received, id: '', localMsgId: '' },
    ] as unknown as ReceivedText[];
    for (const raw of broken) expect(fromReceived(raw, 'me')).to.equal(null);
  });

  it('refuses empty and oversized drafts', () => {
    expect(() => checkDraft(' \n ')).to.throw(Messages.emptyMessage);
    expect(() => checkDraft('é'.repeat(9000))).to.throw(Messages.messageTooLong);
    expect(() => checkDraft('fine')).to.not.throw();
  });

  it('makes typed usernames canonical', () => {
    expect(normalizeUsername('  Bob ')).to.equal('bob');
    expect(() => normalizeUsername('bob smith')).to.throw(Messages.illegalUsername);
    expect(() => normalizeUsername('a'.repeat(65))).to.throw(Messages.usernameTooLong);
  });
});

describe('store/messages: kinds', () => {
  const base = {
    id: 'server-9',
    localMsgId: 'client-9',
    type: 'chat',
    chatType: 'singleChat' as const,
    from: 'ann',
    to: 'me',
    ext: {},
    time: 99,
    seq: 4,
  };

  it('reads the 3.x shapes of every kind, by contentsType or by the callback’s kind', () => {
    const img = fromReceived(
      {
        ...base,
        contentsType: 'IMAGE',
        url: 'http://h/o/a/chatfiles/u1',
        secret: 's1',
        filename: 'a.png',
        file_length: 12,
        filetype: 'image/png',
        width: 3,
        height: 4,
        thumb: 'http://h/o/a/chatfiles/u2',
        thumb_secret: 's2',
      } as never,
      'me',
    );
    expect(img).to.deep.include({ id: 'server-9', mid: 'server-9', type: 'img', text: '' });
    expect((img as { attachment: unknown }).attachment).to.deep.equal({
      url: 'http://h/o/a/chatfiles/u1',
      secret: 's1',
      filename: 'a.png',
      size: 12,
      mime: 'image/png',
      width: 3,
      height: 4,
      thumbUrl: 'http://h/o/a/chatfiles/u2',
      thumbSecret: 's2',
    });
    const audio = fromReceived(
      { ...base, url: 'u', secret: 's', filename: 'v.ogg', file_length: 5, length: 7 } as never,
      'me',
      'audio',
    );
    expect((audio as { attachment: unknown }).attachment).to.deep.equal({
      url: 'u',
      secret: 's',
      filename: 'v.ogg',
      size: 5,
      duration: 7,
    });
    expect(
      fromReceived({ ...base, addr: 'Here', lat: '1.5', lng: 2 } as never, 'me', 'loc'),
    ).to.deep.include({ type: 'loc', location: { addr: 'Here', lat: 1.5, lng: 2 } });
    expect(
      fromReceived(
        { ...base, customEvent: 'gift', customExts: { a: 'b', n: 1 } } as never,
        'me',
        'custom',
      ),
    ).to.deep.include({ type: 'custom', custom: { event: 'gift', exts: { a: 'b' } } });
  });

  it('turns a cmd into a command, not a message', () => {
    const command = fromReceived({ ...base, action: 'typing' } as never, 'me', 'cmd');
    expect(command).to.not.equal(null);
    expect(isCommand(command!)).to.equal(true);
    expect(command).to.deep.include({ action: 'typing', conversationId: 'ann', from: 'ann' });
  });

  it('reads a history message (4.x type, client id and mid) with seq 0 as no seq', () => {
    const message = fromReceived(
      {
        mid: 'srv',
        id: 'cli',
        type: 'txt',
        msg: 'old',
        from: 'me',
        to: 'ann',
        time: 5,
        seq: 0,
        chatType: 'singleChat',
        ext: {},
      } as never,
      'me',
    );
    expect(message).to.deep.equal({
      id: 'cli',
      mid: 'srv',
      conversationId: 'ann',
      chatType: 'singleChat',
      type: 'txt',
      from: 'me',
      to: 'ann',
      text: 'old',
      time: 5,
      status: 'sent',
    });
  });

  it('drops attachments without url or secret, locations without coordinates, unknown kinds', () => {
    expect(fromReceived({ ...base, filename: 'x' } as never, 'me', 'file')).to.equal(null);
    expect(fromReceived({ ...base, addr: 'x' } as never, 'me', 'loc')).to.equal(null);
    expect(fromReceived({ ...base, type: 'combine', msg: 'x' } as never, 'me', 'txt')).to.equal(
      null,
    );
    expect(fromReceived({ ...base, contentsType: 'WHAT' } as never, 'me', 'img')).to.equal(null);
  });

  it('makes a recalled copy without content', () => {
    const recalled = recalledCopy({
      ...(fromReceived({ ...base, msg: 'secret', ext: { k: 1 } } as never, 'me') as ChatMessage),
    });
    expect(recalled).to.include({ recalled: true, text: '' });
    expect(recalled).to.not.have.property('ext');
  });

  it('checks files, locations and customs before queueing', () => {
    expect(attachmentKindOf('image/webp')).to.equal('img');
    expect(attachmentKindOf('application/zip')).to.equal('file');
    expect(() => checkFile(new Blob([]), 'file')).to.throw(Messages.emptyFile);
    expect(() => checkFile(new Blob(['x'], { type: 'text/plain' }), 'video')).to.throw(
      Messages.wrongFileType,
    );
    expect(() => checkFile(new Blob(['xx']), 'file', 1)).to.throw(Messages.fileTooLarge);
    expect(() => checkLocation({ addr: 'a', lat: 0, lng: 181 })).to.throw(Messages.badCoordinates);
    expect(() => checkCustom({ event: '', exts: {} })).to.throw(Messages.badCustom);
    expect(() =>
      checkCustom({ event: 'e', exts: { n: 1 } as unknown as Record<string, string> }),
    ).to.throw(Messages.badCustom);
  });
});
