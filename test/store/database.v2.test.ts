// Issue 3's transactions against the browser's own IndexedDB: migration from version 1, batched
// writes, receipts, recall, read bookkeeping, the server's unread counts, attachments in the outbox.
import { expect } from '@open-wc/testing';
import { deleteDB, openDB } from 'idb';
import { readConversation, reconcileConversations } from '../../src/store/conversations-repo.js';
import {
  type UserDatabase,
  USER_DB_VERSION,
  openUserDb,
  readMeta,
} from '../../src/store/database.js';
import {
  applyReceipt,
  applyRecall,
  markSeenUpTo,
  readHistory,
  readMessage,
  readMessages,
  readOlder,
  readOldestOnServer,
  storeIncoming,
  storeIncomingBatch,
  storeIncomingEach,
} from '../../src/store/messages-repo.js';
import {
  markFailed,
  markSent,
  readOutbox,
  readOutboxEntry,
  removeUnsent,
  requeue,
  storeOutgoing,
} from '../../src/store/outbox-repo.js';
import { removeForMe } from '../../src/store/deletions-repo.js';
import type { ChatMessage } from '../../src/store/types.js';
import { uniqueName } from '../support/servers.js';

const fromPeer = (n: number): ChatMessage => ({
  id: `p${n}`,
  mid: `mp${n}`,
  conversationId: 'peer',
  chatType: 'singleChat',
  type: 'txt',
  from: 'peer',
  to: 'me',
  text: `peer ${n}`,
  time: n * 10,
  status: 'received',
  seq: n,
});

const mine = (n: number): ChatMessage => ({
  id: `o${n}`,
  mid: `mo${n}`,
  conversationId: 'peer',
  chatType: 'singleChat',
  type: 'txt',
  from: 'me',
  to: 'peer',
  text: `mine ${n}`,
  time: n * 10 + 5,
  status: 'sent',
  receipt: 'sent',
  seq: 1000 + n,
});

describe('store/database (version 2)', () => {
  let name: string;
  let db: UserDatabase;

  beforeEach(async () => {
    name = `${uniqueName('dbv2')}:demo#chat:me`;
    db = (await openUserDb(name)).db;
  });

  afterEach(async () => {
    db.close();
    await deleteDB(name);
  });

  it('upgrades a version 1 database in place, keeping its data', async () => {
    db.close();
    await deleteDB(name);
    // Exactly what issue 2's store created.
    const v1 = await openDB(name, 1, {
      upgrade(database) {
        const messages = database.createObjectStore('messages', { keyPath: 'id' });
        messages.createIndex('by-conversation-time', ['conversationId', 'time']);
        messages.createIndex('by-mid', 'mid');
        database.createObjectStore('conversations', { keyPath: 'id' });
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('meta');
      },
    });
    const old = { ...mine(1) };
    delete old.receipt;
    await v1.put('messages', old);
    await v1.put('messages', fromPeer(2));
    await v1.put('conversations', {
      id: 'peer',
      chatType: 'singleChat',
      name: 'Peer',
      unread: 1,
      updatedAt: 20,
    });
    await v1.put('meta', { cursor: 1001, outboxOrder: 3 }, 'state');
    v1.close();

    const opened = await openUserDb(name);
    db = opened.db;
    expect(opened.created).to.equal(false);
    expect(db.version).to.equal(USER_DB_VERSION);
    expect([...db.objectStoreNames]).to.include('history');
    expect(await readMessage(db, 'o1')).to.include({ receipt: 'sent', text: 'mine 1' });
    // Version 4 keys others' messages by their server id.
    expect((await readMessage(db, 'mp2'))?.receipt).to.equal(undefined);
    expect((await readConversation(db, 'peer'))?.unread).to.equal(1);
    expect(await readMeta(db)).to.include({ cursor: 1001, outboxOrder: 3 });
    expect(await readHistory(db, 'peer')).to.deep.equal({
      conversationId: 'peer',
      exhausted: false,
    });
  });

  it('upgrades a version 3 database: others’ messages move to their server id, mine stay', async () => {
    db.close();
    await deleteDB(name);
    // What versions 1 to 3 created, with history in it keyed by client ids.
    const v3 = await openDB(name, 3, {
      upgrade(database) {
        const messages = database.createObjectStore('messages', { keyPath: 'id' });
        messages.createIndex('by-conversation-time', ['conversationId', 'time']);
        messages.createIndex('by-mid', 'mid');
        database.createObjectStore('conversations', { keyPath: 'id' });
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('meta');
        database.createObjectStore('history', { keyPath: 'conversationId' });
        database.createObjectStore('lists');
      },
    });
    const peers = Array.from({ length: 50 }, (_, i) => fromPeer(i + 1));
    for (const message of [...peers, mine(51)]) await v3.put('messages', message);
    // A message of someone else that the server never named keeps its key.
    const unnamed = { ...fromPeer(52), id: 'no-mid' };
    delete unnamed.mid;
    await v3.put('messages', unnamed);
    await v3.put('conversations', {
      id: 'peer',
      chatType: 'singleChat',
      name: 'Peer',
      unread: 2,
      updatedAt: 500,
      lastMessage: fromPeer(50),
    });
    await v3.put('conversations', {
      id: 'other',
      chatType: 'singleChat',
      name: 'Other',
      unread: 0,
      updatedAt: 10,
      lastMessage: mine(1),
    });
    await v3.put('history', {
      conversationId: 'peer',
      exhausted: true,
      readAck: { mid: 'mp48', time: 480 },
    });
    await v3.put('meta', { cursor: 1051, outboxOrder: 7 }, 'state');
    v3.close();

    const opened = await openUserDb(name);
    db = opened.db;
    expect(opened.created).to.equal(false);
    expect(db.version).to.equal(USER_DB_VERSION);
    const all = await readMessages(db, 'peer', 1000);
    expect(all).to.have.length(52);
    expect(all.slice(0, 50).map((m) => m.id)).to.deep.equal(peers.map((m) => m.mid));
    expect(all.slice(0, 50).map((m) => m.text)).to.deep.equal(peers.map((m) => m.text));
    expect(await readMessage(db, 'p1')).to.equal(undefined);
    expect(await readMessage(db, 'o51')).to.include({ mid: 'mo51', text: 'mine 51' });
    expect(await readMessage(db, 'no-mid')).to.include({ text: 'peer 52' });
    const conversation = await readConversation(db, 'peer');
    expect(conversation).to.include({ unread: 2 });
    expect(conversation?.lastMessage).to.include({ id: 'mp50', text: 'peer 50' });
    expect((await readConversation(db, 'other'))?.lastMessage).to.include({ id: 'o1' });
    expect(await readMeta(db)).to.include({ cursor: 1051, outboxOrder: 7 });
    expect((await readMeta(db)).stale, 'the upgrade is done').to.equal(undefined);
    expect(await readHistory(db, 'peer')).to.deep.include({ exhausted: true });

    // A replay under the new key lands on the moved record; reading up to it counts from there.
    const [replayed] = await storeIncomingBatch(db, [
      { message: { ...fromPeer(50), id: 'mp50' }, unread: true },
    ]);
    expect(replayed?.isNew).to.equal(false);
    expect(await readMessages(db, 'peer', 1000)).to.have.length(52);
    const seen = await markSeenUpTo(db, 'peer', 'me', { id: 'mp48', record: true });
    expect(seen).to.include({ found: true });
    expect((await readConversation(db, 'peer'))?.unread).to.equal(3);
  });

  it('upgrades a version 4 database: a store for pending deletions, its records untouched', async () => {
    db.close();
    await deleteDB(name);
    const v4 = await openDB(name, 4, {
      upgrade(database) {
        const messages = database.createObjectStore('messages', { keyPath: 'id' });
        messages.createIndex('by-conversation-time', ['conversationId', 'time']);
        messages.createIndex('by-mid', 'mid');
        database.createObjectStore('conversations', { keyPath: 'id' });
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('meta');
        database.createObjectStore('history', { keyPath: 'conversationId' });
        database.createObjectStore('lists');
      },
    });
    const pending: ChatMessage = { ...mine(2), id: 'o2', status: 'pending' };
    delete pending.mid;
    delete pending.receipt;
    for (const message of [fromPeer(1), pending]) await v4.put('messages', message);
    await v4.put('conversations', {
      id: 'peer',
      chatType: 'singleChat',
      name: 'Peer',
      unread: 1,
      updatedAt: 25,
      lastMessage: pending,
    });
    await v4.put('meta', { cursor: 1, outboxOrder: 1 }, 'state');
    v4.close();

    const opened = await openUserDb(name);
    db = opened.db;
    expect(db.version).to.equal(USER_DB_VERSION);
    expect([...db.objectStoreNames]).to.include('deletions');
    // Nothing of a version 4 record changes: no pass over them, no upgrade mark.
    expect(await readMeta(db)).to.deep.equal({ cursor: 1, outboxOrder: 1 });
    expect(await readMessage(db, 'p1')).to.deep.equal(fromPeer(1));
    expect(await readMessage(db, 'o2')).to.deep.equal(pending);

    // Deleted for me offline: gone here, and what the server is to do is kept with it.
    await removeForMe(db, 'peer', 'me', {
      ids: ['p1', 'o2'],
      queue: { chatType: 'singleChat' },
    });
    expect(await readMessages(db, 'peer', 10)).to.deep.equal([]);
    expect(await db.getAll('deletions')).to.deep.equal([
      {
        conversationId: 'peer',
        chatType: 'singleChat',
        mids: ['mp1'],
        unacked: ['o2'],
        queuedAt: (await db.get('deletions', 'peer'))!.queuedAt,
      },
    ]);
  });

  it('writes a batch exactly as one transaction per message would', async () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      message: fromPeer(i + 1),
      unread: true,
    }));
    // A duplicate inside the batch (a resend) counts once.
    items.push({ message: fromPeer(7), unread: true });
    const batched = await storeIncomingBatch(db, items);
    expect(batched.filter((r) => r.isNew)).to.have.length(300);

    const otherName = `${uniqueName('dbv2')}:demo#chat:me`;
    const other = (await openUserDb(otherName)).db;
    try {
      await storeIncomingEach(other, items);
      for (const database of [db, other]) {
        expect((await readConversation(database, 'peer'))?.unread).to.equal(300);
        expect((await readMeta(database)).cursor).to.equal(300);
        expect(await readMessages(database, 'peer', 1000)).to.have.length(300);
      }
      expect(await readMessages(db, 'peer', 1000)).to.deep.equal(
        await readMessages(other, 'peer', 1000),
      );
    } finally {
      other.close();
      await deleteDB(otherName);
    }
  });

  it('moves receipts forward only, read covering every earlier own message', async () => {
    await storeIncomingBatch(
      db,
      [1, 2, 3].map((n) => ({ message: mine(n), unread: false })),
    );
    expect((await applyReceipt(db, 'peer', 'delivered', 'mo2')).map((m) => m.id)).to.deep.equal([
      'o2',
    ]);
    const read = await applyReceipt(db, 'peer', 'read', 'mo2');
    expect(read.map((m) => m.id).sort()).to.deep.equal(['o1', 'o2']);
    // Delivered after read changes nothing; an unknown mid changes nothing.
    expect(await applyReceipt(db, 'peer', 'delivered', 'mo1')).to.deep.equal([]);
    expect(await applyReceipt(db, 'peer', 'read', 'nope')).to.deep.equal([]);
    const messages = await readMessages(db, 'peer');
    expect(messages.map((m) => m.receipt)).to.deep.equal(['read', 'read', 'sent']);
    // A channel ack reads everything; the conversation's copy of the last message follows.
    await applyReceipt(db, 'peer', 'read');
    expect((await readMessages(db, 'peer')).map((m) => m.receipt)).to.deep.equal([
      'read',
      'read',
      'read',
    ]);
    expect((await readConversation(db, 'peer'))?.lastMessage?.receipt).to.equal('read');
  });

  it('reads up to a message and not past it, when the next one came in the same millisecond', async () => {
    // Sent in one burst, the server stamped both with one time; its ids still order them.
    const [one, two] = [mine(1), { ...mine(2), time: mine(1).time }];
    await storeIncomingBatch(
      db,
      [one, two].map((message) => ({ message, unread: false })),
    );
    const read = await applyReceipt(db, 'peer', 'read', 'mo1');
    expect(read.map((m) => m.id)).to.deep.equal(['o1']);
    expect((await readMessages(db, 'peer')).map((m) => m.receipt)).to.deep.equal(['read', 'sent']);
    expect((await applyReceipt(db, 'peer', 'read', 'mo2')).map((m) => m.id)).to.deep.equal(['o2']);
  });

  it('recalls a message into a notice and stops counting it as unread', async () => {
    await storeIncomingBatch(
      db,
      [1, 2].map((n) => ({ message: { ...fromPeer(n), ext: { a: 1 } }, unread: true })),
    );
    // Only its sender's recall reaches it (issue 11).
    expect(await applyRecall(db, 'mp2', 'me', 'someone')).to.equal(undefined);
    expect(await readMessage(db, 'p2')).to.include({ text: 'peer 2' });
    const recalled = await applyRecall(db, 'mp2', 'me', 'peer');
    expect(recalled).to.include({ id: 'p2', recalled: true, text: '' });
    expect(recalled).to.not.have.property('ext');
    const conversation = await readConversation(db, 'peer');
    expect(conversation?.unread).to.equal(1);
    expect(conversation?.lastMessage).to.include({ id: 'p2', recalled: true });
    expect(await applyRecall(db, 'mp2', 'me', 'peer')).to.equal(undefined);
    // A replay of the original does not bring it back.
    await storeIncoming(db, fromPeer(2), true);
    expect(await readMessage(db, 'p2')).to.include({ recalled: true, text: '' });
  });

  it('counts unread after the point seen and acks forward only', async () => {
    await storeIncomingBatch(
      db,
      [1, 2, 3, 4].map((n) => ({ message: fromPeer(n), unread: true })),
    );
    await storeIncoming(db, mine(4), false);
    const partly = await markSeenUpTo(db, 'peer', 'me', { id: 'p2', record: true });
    expect(partly).to.deep.equal({
      ack: { mid: 'mp2', to: 'peer', chatType: 'singleChat' },
      newest: false,
      unreadChanged: true,
      found: true,
    });
    // A message this device does not have changes nothing.
    expect(await markSeenUpTo(db, 'peer', 'me', { mid: 'elsewhere', record: true })).to.deep.equal({
      newest: false,
      unreadChanged: false,
      found: false,
    });
    expect((await readConversation(db, 'peer'))?.unread).to.equal(2);
    // Seeing an earlier message again sends nothing.
    expect((await markSeenUpTo(db, 'peer', 'me', { id: 'p1', record: true })).ack).to.equal(
      undefined,
    );
    // Offline: the count drops, but the ack stays due.
    const offline = await markSeenUpTo(db, 'peer', 'me', { record: false });
    expect(offline.ack).to.equal(undefined);
    expect((await readConversation(db, 'peer'))?.unread).to.equal(0);
    const online = await markSeenUpTo(db, 'peer', 'me');
    expect(online).to.deep.include({
      newest: true,
      ack: { mid: 'mp4', to: 'peer', chatType: 'singleChat' },
    });
    expect((await readHistory(db, 'peer')).readAck).to.deep.equal({ mid: 'mp4', time: 40 });
  });

  it('takes the server’s unread count without counting replayed messages twice', async () => {
    await storeIncoming(db, fromPeer(1), true);
    // Message 5 reached this device before the answer, but after the server counted.
    await storeIncoming(db, fromPeer(5), true);
    const result = await reconcileConversations(
      db,
      [
        { id: 'peer', chatType: 'singleChat', unread: 3, lastMessage: { ...fromPeer(3), seq: 0 } },
        { id: 'new', chatType: 'singleChat', unread: 1 },
        { id: 'stale', chatType: 'singleChat', unread: 9 },
      ],
      { me: 'me', skip: new Set(['stale']) },
    );
    expect(result).to.deep.equal({ created: ['new', 'stale'], changed: true });
    expect((await readConversation(db, 'peer'))?.unread).to.equal(4);
    // Messages 2 and 3 arrive by replay after the count: already in it. Message 4 is new.
    await storeIncomingBatch(
      db,
      [2, 3, 4].map((n) => ({ message: fromPeer(n), unread: true })),
    );
    expect((await readConversation(db, 'peer'))?.unread).to.equal(5);
    // A conversation read or recalled meanwhile keeps its own count; an unknown one is learnt.
    expect((await readConversation(db, 'stale'))?.unread).to.equal(9);
    // The server's last message is shown, not stored as a message (stored ones stay gap-free).
    expect((await readConversation(db, 'new'))?.unread).to.equal(1);
  });

  it('counts from the server’s newest message also when that is a command (the peer typing)', async () => {
    await storeIncomingBatch(
      db,
      [1, 2].map((n) => ({ message: fromPeer(n), unread: true })),
    );
    // The server counted both; its newest is the peer's TypingBegin after them, not shown.
    const typing = fromPeer(2).time + 1;
    await reconcileConversations(
      db,
      [{ id: 'peer', chatType: 'singleChat', unread: 2, asOf: typing }],
      {
        me: 'me',
      },
    );
    expect((await readConversation(db, 'peer'))?.unread).to.equal(2);
    // The message they were typing comes after: one more.
    await storeIncoming(db, { ...fromPeer(3), time: typing + 1 }, true);
    expect((await readConversation(db, 'peer'))?.unread).to.equal(3);
  });

  it('pages older messages by time and finds where the server continues', async () => {
    const pending: ChatMessage = { ...mine(0), id: 'local', status: 'failed', time: 1 };
    delete pending.mid;
    await storeIncomingBatch(
      db,
      [1, 2, 3, 4, 5].map((n) => ({ message: fromPeer(n), unread: false })),
    );
    await storeIncoming(db, pending, false);
    expect((await readOlder(db, 'peer', 40, 2)).map((m) => m.id)).to.deep.equal(['p2', 'p3']);
    expect((await readOlder(db, 'peer', 10, 5)).map((m) => m.id)).to.deep.equal(['local']);
    expect((await readOldestOnServer(db, 'peer'))?.id).to.equal('p1');
    expect((await readMessages(db, 'peer', { since: 30 })).map((m) => m.id)).to.deep.equal([
      'p3',
      'p4',
      'p5',
    ]);
  });

  it('keeps an attachment’s file in the outbox through a refusal, a close and a retry', async () => {
    const file = new Blob(['picture bytes'], { type: 'image/png' });
    const message: ChatMessage = {
      id: 'f1',
      conversationId: 'peer',
      chatType: 'singleChat',
      type: 'img',
      from: 'me',
      to: 'peer',
      text: '',
      attachment: { filename: 'a.png', size: file.size, mime: 'image/png' },
      time: 5,
      status: 'pending',
    };
    await storeOutgoing(db, message, {
      id: 'f1',
      to: 'peer',
      chatType: 'singleChat',
      type: 'img',
      file: { kind: 'img', file, filename: 'a.png', mime: 'image/png', size: file.size },
      queuedAt: 5,
    });
    await markFailed(db, 'f1', 'refused');
    expect(await readOutbox(db)).to.deep.equal([]);
    db.close();
    db = (await openUserDb(name)).db;
    const held = await readOutboxEntry(db, 'f1');
    expect(held?.held).to.equal(true);
    const retried = await requeue(db, 'f1');
    expect(retried?.message.status).to.equal('pending');
    const [entry] = await readOutbox(db);
    expect(entry && 'file' in entry ? await entry.file.file.text() : '').to.equal('picture bytes');
    await markSent(db, 'f1', { mid: 'srv' });
    expect(await readOutboxEntry(db, 'f1')).to.equal(undefined);
    // Too late to cancel a sent one; a pending one is removed with its entry.
    expect(await removeUnsent(db, 'f1')).to.equal(undefined);
  });
});
