import { expect } from '@open-wc/testing';
import type { ReceivedText } from '../../src/store/connection-events.js';
import { Messages } from '../../src/store/errors.js';
import { checkDraft, fromReceived, normalizeUsername } from '../../src/store/messages.js';

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
  it('keys a received message by the sender client id and keeps the server id as mid', () => {
    expect(fromReceived(received, 'me')).to.deep.equal({
      id: 'client-1',
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

  it('files my message from another device under the peer, as sent', () => {
    const mine = fromReceived({ ...received, from: 'me', to: 'ann' }, 'me');
    expect(mine).to.include({ conversationId: 'ann', status: 'sent' });
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
