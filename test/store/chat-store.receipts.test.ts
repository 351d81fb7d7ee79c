// Receipts, recall and unread counts across users and across two devices of one user, against a
// real server. Two stores with different prefixes are two devices (each its own IndexedDB).
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import { Messages } from '../../src/store/errors.js';
import { mainServer, serverCli, uniqueName } from '../support/servers.js';
import {
  TestVisibility,
  aliceAndBob,
  cleanUp,
  eventually,
  newStore,
  rejection,
  signIn,
  signUp,
  until,
} from './store-fixtures.js';

afterEach(cleanUp);

describe('store/chat-store: receipts, recall, unread', function () {
  this.timeout(90_000);

  it('shows sent → delivered → read on own messages, both ways', async () => {
    const bobSees = new TestVisibility();
    bobSees.visible = false;
    const { a, b, alice, bob } = await aliceAndBob({ bob: { visibility: bobSees } });

    const first = await a.send(bob, 'one');
    const second = await a.send(bob, 'two');
    // Bob's SDK acks delivery by itself; nobody has read anything yet.
    const delivered = await until(
      a.messages$(bob),
      (l) => l.length === 2 && l.every((m) => m.receipt === 'delivered'),
      'delivered',
    );
    expect(delivered.map((m) => m.id)).to.deep.equal([first.id, second.id]);
    expect((await firstValueFrom(b.conversations$))[0]?.unread).to.equal(2);

    // Bob sees the first one only: it is read, the second stays delivered.
    const bobs = await until(b.messages$(alice), (l) => l.length === 2, 'bob has both');
    await b.markSeen(alice, bobs[0]!.id);
    const partly = await until(a.messages$(bob), (l) => l[0]?.receipt === 'read', 'first read');
    expect(partly[1]?.receipt).to.equal('delivered');
    expect((await firstValueFrom(b.conversations$))[0]?.unread).to.equal(1);

    // Opening the conversation on a visible page reads everything.
    bobSees.visible = true;
    await b.openConversation(alice);
    await until(a.messages$(bob), (l) => l.every((m) => m.receipt === 'read'), 'both read');
    expect((await firstValueFrom(b.conversations$))[0]?.unread).to.equal(0);
    expect((await firstValueFrom(a.conversations$))[0]?.lastMessage?.receipt).to.equal('read');

    // The other way round.
    const reply = await b.send(alice, 'three');
    await until(b.messages$(alice), (l) => l.at(-1)?.receipt === 'delivered', 'reply delivered');
    await a.markRead(bob);
    const read = await until(b.messages$(alice), (l) => l.at(-1)?.receipt === 'read', 'reply read');
    expect(read.at(-1)?.id).to.equal(reply.id);
  });

  it('recalls within the window for everyone, refuses others’ messages and late ones', async () => {
    const { url, a, b, alice, bob } = await aliceAndBob();

    const secret = await a.send(bob, 'oops, wrong chat');
    await until(a.messages$(bob), (l) => l[0]?.status === 'sent', 'sent');
    const bobs = await until(b.messages$(alice), (l) => l.length === 1, 'bob has it');
    const notMine = await rejection(b.recall(bobs[0]!.id));
    expect(notMine.message).to.equal(Messages.recallNotMine);

    await a.recall(secret.id);
    const mine = await firstValueFrom(a.messages$(bob));
    expect(mine[0]).to.include({ id: secret.id, recalled: true, text: '' });
    const theirs = await until(
      b.messages$(alice),
      (l) => l[0]?.recalled === true,
      'recalled at bob',
    );
    expect(theirs[0]).to.include({ text: '' });
    expect(theirs[0]).to.not.have.property('ext');
    const list = await until(
      b.conversations$,
      (l) => l[0]?.lastMessage?.recalled === true,
      'bob’s list shows the notice',
    );
    // The recalled message no longer counts as unread.
    expect(list[0]?.unread).to.equal(0);

    // An app whose window is one second: past it, the server's 504 in plain words.
    const shortApp = `${uniqueName('org')}#chat`;
    const main = await mainServer();
    const added = await serverCli(main.id, ['app', 'add', shortApp, '--recall-seconds', '1']);
    expect(added.code, added.stderr).to.equal(0);
    const c = newStore(url, uniqueName('pc'), { appKey: shortApp });
    const carol = await signUp(c);
    const dave = await signUp(c);
    await signIn(c, carol);
    const late = await c.send(dave, 'too late to take back');
    const sent = await until(c.messages$(dave), (l) => l[0]?.status === 'sent', 'carol sent');
    await eventually(() => Date.now() > sent[0]!.time + 1500, 'the window has passed');
    const refused = await rejection(c.recall(late.id));
    expect(refused.message).to.equal(Messages.recallTooLate);
    expect((await firstValueFrom(c.messages$(dave)))[0]).to.include({
      text: 'too late to take back',
    });
  });

  it('applies a recall made on another device of mine', async () => {
    const { url } = await mainServer();
    const phone = newStore(url, uniqueName('pa'));
    const laptop = newStore(url, uniqueName('pa'));
    const b = newStore(url, uniqueName('pb'));
    const alice = await signUp(phone);
    const bob = await signUp(b);
    await signIn(phone, alice);
    await signIn(laptop, alice);
    await signIn(b, bob);

    const message = await phone.send(bob, 'from the phone');
    const copy = await until(laptop.messages$(bob), (l) => l.length === 1, 'laptop has my copy');
    expect(copy[0]).to.include({ id: message.id, status: 'sent', text: 'from the phone' });
    await until(phone.messages$(bob), (l) => l[0]?.status === 'sent', 'sent');
    await phone.recall(message.id);
    await until(laptop.messages$(bob), (l) => l[0]?.recalled === true, 'recalled on the laptop');
    await until(b.messages$(alice), (l) => l[0]?.recalled === true, 'recalled at bob');
  });

  it('keeps unread counts in step across devices, and takes the server’s on sign-in', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const desk = newStore(url, uniqueName('pb'));
    const pocket = newStore(url, uniqueName('pb'));
    const alice = await signUp(a);
    const bob = await signUp(desk);
    await signIn(a, alice);
    await signIn(desk, bob);
    await signIn(pocket, bob);

    for (const text of ['1', '2', '3']) await a.send(bob, text);
    await until(desk.totalUnread$, (n) => n === 3, 'desk: 3 unread');
    await until(pocket.totalUnread$, (n) => n === 3, 'pocket: 3 unread');

    // Read on the desk: the pocket's count drops too.
    await desk.markRead(alice);
    expect(await firstValueFrom(desk.totalUnread$)).to.equal(0);
    await until(pocket.totalUnread$, (n) => n === 0, 'pocket follows the desk');

    // Two more while the pocket is signed out; the desk reads one of them.
    await pocket.logout();
    await a.send(bob, '4');
    await a.send(bob, '5');
    const deskMessages = await until(desk.messages$(alice), (l) => l.length === 5, 'desk has 5');
    await desk.markSeen(alice, deskMessages[3]!.id);
    await until(desk.totalUnread$, (n) => n === 1, 'desk: 1 unread');

    // A device that was away, and a brand-new one, both show what the server counts.
    await signIn(pocket, bob);
    await until(pocket.totalUnread$, (n) => n === 1, 'pocket: 1 after sign-in');
    const fresh = newStore(url, uniqueName('pb'));
    await signIn(fresh, bob);
    const list = await until(fresh.conversations$, (l) => l[0]?.unread === 1, 'fresh device');
    expect(list[0]).to.include({ id: alice });
    expect(list[0]?.lastMessage).to.include({ text: '5', from: alice });
  });
});
