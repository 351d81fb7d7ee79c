// The store's transactions against the browser's own IndexedDB.
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { readConversation } from '../../src/store/conversations-repo.js';
import { type UserDatabase, openUserDb, readMeta } from '../../src/store/database.js';
import { readMessages, storeIncoming } from '../../src/store/messages-repo.js';
import {
  markFailed,
  markSent,
  readOutbox,
  requeue,
  storeOutgoing,
} from '../../src/store/outbox-repo.js';
import type { ChatMessage } from '../../src/store/types.js';
import { uniqueName } from '../support/servers.js';

const fromPeer = (id: string, time: number, seq: number): ChatMessage => ({
  id,
  mid: `m${id}`,
  conversationId: 'peer',
  chatType: 'singleChat',
  type: 'txt',
  from: 'peer',
  to: 'me',
  text: `text ${id}`,
  time,
  status: 'received',
  seq,
});

const own = (id: string, time: number): ChatMessage => ({
  id,
  conversationId: 'peer',
  chatType: 'singleChat',
  type: 'txt',
  from: 'me',
  to: 'peer',
  text: `mine ${id}`,
  time,
  status: 'pending',
});

const entryOf = (m: ChatMessage) => ({
  id: m.id,
  to: m.to,
  chatType: m.chatType,
  type: 'txt' as const,
  text: m.text,
  queuedAt: m.time,
});

describe('store/database', () => {
  let name: string;
  let db: UserDatabase;

  beforeEach(async () => {
    name = `${uniqueName('dbtest')}:demo#chat:me`;
    const opened = await openUserDb(name);
    expect(opened.created).to.equal(true);
    db = opened.db;
  });

  afterEach(async () => {
    db.close();
    await deleteDB(name);
  });

  it('opens an existing database without recreating it', async () => {
    db.close();
    const again = await openUserDb(name);
    expect(again.created).to.equal(false);
    db = again.db;
    expect([...db.objectStoreNames].sort()).to.deep.equal([
      'conversations',
      'deletions',
      'history',
      'lists',
      'messages',
      'meta',
      'outbox',
    ]);
  });

  it('stores a received message once, counting it once, and moves the cursor with it', async () => {
    const first = await storeIncoming(db, fromPeer('a', 100, 7), true);
    const replay = await storeIncoming(db, fromPeer('a', 100, 7), true);
    expect(first).to.include({ isNew: true, conversationCreated: true });
    expect(replay).to.include({ isNew: false, conversationCreated: false });
    expect(await readMessages(db, 'peer')).to.have.length(1);
    expect(await readConversation(db, 'peer')).to.include({ unread: 1, updatedAt: 100 });
    expect((await readMeta(db)).cursor).to.equal(7);
  });

  it('keeps the newest message last when an older one is replayed after it', async () => {
    await storeIncoming(db, fromPeer('new', 200, 9), false);
    await storeIncoming(db, fromPeer('old', 100, 8), false);
    const conversation = await readConversation(db, 'peer');
    expect(conversation?.lastMessage?.id).to.equal('new');
    expect((await readMeta(db)).cursor).to.equal(9);
    expect((await readMessages(db, 'peer')).map((m) => m.id)).to.deep.equal(['old', 'new']);
  });

  it('returns the most recent messages of a conversation, oldest first', async () => {
    for (let i = 1; i <= 5; i += 1) await storeIncoming(db, fromPeer(`m${i}`, i * 10, i), true);
    expect((await readMessages(db, 'peer', 3)).map((m) => m.id)).to.deep.equal(['m3', 'm4', 'm5']);
    expect(await readMessages(db, 'nobody')).to.deep.equal([]);
  });

  it('queues own messages in order and takes them out on ack or refusal', async () => {
    const one = await storeOutgoing(db, own('1', 10), entryOf(own('1', 10)));
    const two = await storeOutgoing(db, own('2', 10), entryOf(own('2', 10)));
    expect(two.entry.order).to.be.greaterThan(one.entry.order);
    expect((await readOutbox(db)).map((e) => e.id).sort()).to.deep.equal(['1', '2']);

    const sent = await markSent(db, '1', { mid: 'srv1', time: 50 });
    expect(sent?.message).to.include({ status: 'sent', mid: 'srv1', time: 50 });
    const failed = await markFailed(db, '2', 'no such user');
    expect(failed?.message).to.include({ status: 'failed', error: 'no such user' });
    expect(await readOutbox(db)).to.deep.equal([]);

    const retried = await requeue(db, '2');
    expect(retried?.message.status).to.equal('pending');
    expect(retried?.message).to.not.have.property('error');
    expect(retried?.entry?.order).to.be.greaterThan(two.entry.order);
    expect((await readOutbox(db)).map((e) => e.id)).to.deep.equal(['2']);
    // A sent message is not sent again.
    expect(await requeue(db, '1')).to.equal(undefined);
  });

  it("keeps own messages in the order they were written when an ack's time is after the next one's", async () => {
    // The first was held up (a guest's sign-up, a slow link): the server's time of it is later
    // than when this device wrote the second, which still waits for its ack.
    for (const [id, time] of [
      ['1', 10],
      ['2', 20],
      ['3', 30],
    ] as const)
      await storeOutgoing(db, own(id, time), entryOf(own(id, time)));
    await storeIncoming(db, fromPeer('p', 5, 1), false);
    await markSent(db, '1', { mid: 'srv1', time: 25 });
    const order = async () => (await readMessages(db, 'peer')).map((m) => [m.id, m.time]);
    expect(await order()).to.deep.equal([
      ['p', 5],
      ['1', 25],
      ['2', 25],
      ['3', 30],
    ]);
    expect((await readConversation(db, 'peer'))?.lastMessage?.id).to.equal('3');

    await markSent(db, '2', { mid: 'srv2', time: 40 });
    expect(await order()).to.deep.equal([
      ['p', 5],
      ['1', 25],
      ['2', 40],
      ['3', 40],
    ]);
    const conversation = await readConversation(db, 'peer');
    expect(conversation?.lastMessage).to.include({ id: '3', time: 40 });
  });

  it('takes an own message out of the outbox when it comes back from another session', async () => {
    const pending = own('x', 10);
    await storeOutgoing(db, pending, entryOf(pending));
    const echo: ChatMessage = { ...pending, mid: 'srvx', time: 60, seq: 3, status: 'sent' };
    const result = await storeIncoming(db, echo, false);
    expect(result.isNew).to.equal(false);
    expect(result.message).to.include({ status: 'sent', mid: 'srvx', seq: 3 });
    expect(await readOutbox(db)).to.deep.equal([]);
    expect((await readConversation(db, 'peer'))?.unread).to.equal(0);
  });

  it('keeps an ack from being undone by a late refusal', async () => {
    const message = own('y', 10);
    await storeOutgoing(db, message, entryOf(message));
    await markSent(db, 'y', { mid: 'srvy' });
    await markFailed(db, 'y', 'late');
    expect((await readMessages(db, 'peer'))[0]).to.include({ status: 'sent' });
  });
});
