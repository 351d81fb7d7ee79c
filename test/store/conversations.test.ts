import { expect } from '@open-wc/testing';
import { TestScheduler } from 'rxjs/testing';
import {
  applyMessage,
  conversationIdOf,
  countsAsUnread,
  sortConversations,
  totalUnread,
} from '../../src/store/conversations.js';
import type { ChatMessage, Conversation } from '../../src/store/types.js';

const message = (id: string, from: string, to: string, time: number): ChatMessage => ({
  id,
  conversationId: from === 'me' ? to : from,
  chatType: 'singleChat',
  type: 'txt',
  from,
  to,
  text: id,
  time,
  status: from === 'me' ? 'sent' : 'received',
});

const conversation = (id: string, updatedAt: number, unread = 0): Conversation => ({
  id,
  chatType: 'singleChat',
  name: id,
  unread,
  updatedAt,
});

describe('store/conversations', () => {
  it('files a 1:1 message under the peer, whoever sent it', () => {
    expect(conversationIdOf({ from: 'ann', to: 'me' }, 'me')).to.equal('ann');
    expect(conversationIdOf({ from: 'me', to: 'ann' }, 'me')).to.equal('ann');
  });

  it('counts a peer message as unread unless its conversation is open and visible', () => {
    const fromAnn = message('1', 'ann', 'me', 1);
    expect(countsAsUnread(fromAnn, 'me', null, true)).to.equal(true);
    expect(countsAsUnread(fromAnn, 'me', 'bob', true)).to.equal(true);
    expect(countsAsUnread(fromAnn, 'me', 'ann', false)).to.equal(true);
    expect(countsAsUnread(fromAnn, 'me', 'ann', true)).to.equal(false);
    // Own messages, from this device or another one, are never unread.
    expect(countsAsUnread(message('2', 'me', 'ann', 2), 'me', null, false)).to.equal(false);
  });

  it('counts a message once, and keeps the newest as the last message', () => {
    const first = message('1', 'ann', 'me', 10);
    const second = message('2', 'ann', 'me', 20);
    let c = applyMessage(undefined, first, { isNew: true, unread: true });
    c = applyMessage(c, second, { isNew: true, unread: true });
    expect(c).to.include({ id: 'ann', unread: 2, updatedAt: 20 });
    // A replay of the first one: not new, not newer.
    c = applyMessage(c, first, { isNew: false, unread: true });
    expect(c.unread).to.equal(2);
    expect(c.lastMessage?.id).to.equal('2');
    expect(c.updatedAt).to.equal(20);
  });

  it('sorts newest activity first, ties by id', () => {
    const sorted = sortConversations([
      conversation('b', 5),
      conversation('c', 9),
      conversation('a', 5),
    ]);
    expect(sorted.map((c) => c.id)).to.deep.equal(['c', 'a', 'b']);
  });

  it('derives the total unread count and emits only its changes', () => {
    const scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
    scheduler.run(({ cold, expectObservable }) => {
      const lists = cold('a-b-c-d', {
        a: [],
        b: [conversation('x', 1, 2), conversation('y', 2, 1)],
        // A rename or a new conversation without unread messages: same total, no emission.
        c: [conversation('x', 1, 2), conversation('y', 3, 1), conversation('z', 4)],
        d: [conversation('x', 1, 0), conversation('y', 3, 1)],
      });
      expectObservable(lists.pipe(totalUnread())).toBe('0-3---1', { 0: 0, 3: 3, 1: 1 });
    });
  });
});
