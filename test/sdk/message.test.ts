import { expect } from '@open-wc/testing';
import WebIM from '../../src/sdk/index.js';

describe('WebIM.message', () => {
  it('builds a text body with set(), keeping callbacks and ext', () => {
    const success = () => {};
    const msg = new WebIM.message('txt', 'id-1').set({
      msg: 'hello',
      to: 'bob',
      ext: { a: 1 },
      success,
    });
    expect(msg.id).to.equal('id-1');
    expect(msg.body).to.deep.equal({
      id: 'id-1',
      type: 'txt',
      msg: 'hello',
      to: 'bob',
      ext: { a: 1 },
      success,
      chatType: 'singleChat',
    });
  });

  it('reads the 1.x/3.x ways of naming the chat type', () => {
    const chatType = (options: Record<string, unknown>) =>
      new WebIM.message('txt').set({ to: 'x', msg: 'y', ...options }).body.chatType;
    expect(chatType({})).to.equal('singleChat');
    expect(chatType({ type: 'chat' })).to.equal('singleChat');
    expect(chatType({ type: 'groupchat' })).to.equal('groupChat');
    expect(chatType({ type: 'groupchat', roomType: true })).to.equal('chatRoom');
    expect(chatType({ type: 'chatroom' })).to.equal('chatRoom');
    expect(chatType({ chatType: 'groupChat', type: 'chat' })).to.equal('groupChat');
    const legacy = new WebIM.message('txt').set({ to: 'g', msg: 'hi' }).setGroup('groupchat');
    expect(legacy.body.chatType).to.equal('groupChat');
  });

  it('create() returns a body with a fresh id (4.x)', () => {
    const a = WebIM.message.create({ type: 'txt', chatType: 'singleChat', to: 'bob', msg: 'a' });
    const b = WebIM.message.create({ type: 'txt', chatType: 'singleChat', to: 'bob', msg: 'b' });
    expect(a).to.include({ type: 'txt', chatType: 'singleChat', to: 'bob', msg: 'a' });
    expect(a.id).to.match(/^\d+$/);
    expect(a.id).to.not.equal(b.id);
    expect(WebIM.message.create({ type: 'txt', id: 'mine', to: 'bob', msg: 'c' }).id).to.equal(
      'mine',
    );
  });

  it("'location' makes a loc message (3.x); receipts carry the acknowledged message's id as ackId", () => {
    expect(new WebIM.message('location', 'l1').set({ to: 'bob', addr: 'x' }).body.type).to.equal(
      'loc',
    );
    const read = new WebIM.message('read', 'r1').set({ id: 'mid-9', to: 'alice' });
    expect(read.body).to.include({ id: 'r1', type: 'read', ackId: 'mid-9', to: 'alice' });
    const created = WebIM.message.create({ type: 'read', to: 'alice', id: 'mid-8' });
    expect(created).to.include({ type: 'read', ackId: 'mid-8', to: 'alice' });
    expect(created.id).to.match(/^\d+$/);
    const delivery = WebIM.message.create({ type: 'delivery', to: 'alice', ackId: 'mid-7' });
    expect(delivery).to.include({ type: 'delivery', ackId: 'mid-7' });
    const channel = WebIM.message.create({ type: 'channel', chatType: 'singleChat', to: 'alice' });
    expect(channel).to.include({ type: 'channel', chatType: 'singleChat', to: 'alice' });
  });
});
