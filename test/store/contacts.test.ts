// Contacts, requests, the blocklist and presence in the store, against the real server: three
// users, one of them (alice) on two devices, the first of which gets every contact event twice.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import type { ChatStore } from '../../src/store/chat-store.js';
import { openUserDb, readMeta, userDbName } from '../../src/store/database.js';
import { Messages } from '../../src/store/errors.js';
import type { ChatNotice, Contact } from '../../src/store/types.js';
import { mainServer, stopServer } from '../support/servers.js';
import {
  APP,
  cleanUp,
  collect,
  doubledEvents,
  eventually,
  newStore,
  ownServer,
  rejection,
  signIn,
  signUp,
  signUpOnDevices,
  until,
} from './store-fixtures.js';

/** Presence is live (the last test's sign-ins may still be arriving): not what a refusal changes. */
const withoutPresence = (contacts: Contact[]) => contacts.map(({ online: _, ...rest }) => rest);
const names = (contacts: Contact[]) => contacts.map((c) => `${c.username}:${c.online}`);

describe('store/contacts', function () {
  this.timeout(90_000);

  let alice: string;
  let bob: string;
  let carol: string;
  let a1: ChatStore;
  let a2: ChatStore;
  let b: ChatStore;
  let c: ChatStore;
  let notices: ChatNotice[];

  before(async () => {
    const { url: apiUrl } = await mainServer();
    a1 = newStore(apiUrl, 'contacts-a1', { createConnection: doubledEvents });
    a2 = newStore(apiUrl, 'contacts-a2');
    b = newStore(apiUrl, 'contacts-b');
    c = newStore(apiUrl, 'contacts-c');
    [alice, bob, carol] = await signUpOnDevices([
      { devices: [a1, a2], nickname: 'Alice A.' },
      { devices: [b], nickname: 'Bobby' },
      { devices: [c] },
    ]);
    notices = collect(a1.notices$);
  });

  after(cleanUp);

  it('a request, accepted, makes contacts on both sides and my other device; presence is live; each event counts once', async () => {
    await a1.addContact(bob, 'hi, it is alice');
    const [outgoing] = await firstValueFrom(a1.contactRequests$);
    expect(outgoing).to.include({
      direction: 'outgoing',
      username: bob,
      message: 'hi, it is alice',
    });
    await until(a2.contactRequests$, (l) => l.some((r) => r.username === bob), 'other device');
    const [incoming] = await until(b.contactRequests$, (l) => l.length === 1, 'bob is asked');
    expect(incoming).to.include({
      direction: 'incoming',
      username: alice,
      message: 'hi, it is alice',
    });

    await b.acceptContact(alice);
    expect((await firstValueFrom(b.contacts$)).map((x) => x.username)).to.deep.equal([alice]);
    await until(b.contacts$, (l) => names(l).includes(`${alice}:true`), 'alice online for bob');
    expect(await firstValueFrom(b.contactRequests$)).to.deep.equal([]);
    await until(a1.contacts$, (l) => names(l).includes(`${bob}:true`), 'bob online for alice');
    await until(a2.contacts$, (l) => l.some((x) => x.username === bob), 'bob on alice 2');
    await until(a1.contactRequests$, (l) => l.length === 0, 'request settled');
    // Nicknames come with the roster read after the accept.
    await until(a1.displayName$(bob), (name) => name === 'Bobby', 'bob by nickname');
    await until(b.displayName$(alice), (name) => name === 'Alice A.', 'alice by nickname');

    // Bob leaves: alice sees it live (the presence event comes after the doubled accept).
    await b.logout();
    await until(a1.contacts$, (l) => names(l).includes(`${bob}:false`), 'bob offline');
    const accepted = notices.filter((n) => n.message === `${bob} accepted your contact request.`);
    expect(accepted).to.have.length(1);
    expect(accepted[0]).to.include({ kind: 'contact', conversationId: bob });
    await signIn(b, bob);
  });

  it('every refusal rejects in plain words and changes nothing', async () => {
    const before = {
      requests: await firstValueFrom(a1.contactRequests$),
      contacts: withoutPresence(await firstValueFrom(a1.contacts$)),
      blocklist: await firstValueFrom(a1.blocklist$),
    };
    expect((await rejection(a1.addContact(bob))).message).to.equal(Messages.contactExists);
    expect((await rejection(a1.addContact(alice))).message).to.equal(Messages.contactExists);
    expect((await rejection(a1.addContact('nobody-here-at-all'))).message).to.equal(
      Messages.userNotFound,
    );
    expect((await rejection(a1.acceptContact(carol))).message).to.equal(Messages.noContactRequest);
    expect((await rejection(a1.declineContact(carol))).message).to.equal(Messages.noContactRequest);
    expect((await rejection(a1.block('Not A Name'))).message).to.equal(Messages.illegalUsername);
    expect(await firstValueFrom(a1.contactRequests$)).to.deep.equal(before.requests);
    expect(withoutPresence(await firstValueFrom(a1.contacts$))).to.deep.equal(before.contacts);
    expect(await firstValueFrom(a1.blocklist$)).to.deep.equal(before.blocklist);
  });

  it('blocking stops requests and messages, on every device of the blocker, until unblocked', async () => {
    await a1.block(carol);
    expect(await firstValueFrom(a1.blocklist$)).to.deep.equal([carol]);
    await until(a2.blocklist$, (l) => l.includes(carol), 'blocklist on alice 2');

    const refused = await rejection(c.addContact(alice, 'let me in'));
    expect(refused.message).to.equal(Messages.contactRefused);
    expect(await firstValueFrom(c.contactRequests$)).to.deep.equal([]);
    const sent = await c.send(alice, 'are you there?');
    const failed = await until(
      c.messages$(alice),
      (l) => l.some((m) => m.id === sent.id && m.status === 'failed'),
      'the message fails',
    );
    expect(failed.find((m) => m.id === sent.id)?.error).to.equal(Messages.blockedByPeer);

    await a2.unblock(carol);
    await until(a1.blocklist$, (l) => l.length === 0, 'unblocked on alice 1');
    const told = collect(c.notices$);
    await c.addContact(alice, 'again');
    await until(a1.contactRequests$, (l) => l.some((r) => r.username === carol), 'asked');
    await a1.declineContact(carol);
    await eventually(
      () => told.some((n) => n.message === `${alice} declined your contact request.`),
      'carol is told',
    );
    expect(await firstValueFrom(c.contactRequests$)).to.deep.equal([]);
    await until(a2.contactRequests$, (l) => l.length === 0, 'settled on alice 2');

    await b.removeContact(alice);
    await until(a1.contacts$, (l) => l.length === 0, 'removed on both sides');
    await until(a2.contacts$, (l) => l.length === 0, 'and on alice 2');
  });

  it('a request made while I was offline arrives when I connect; a drop or a reload shows contacts (from IndexedDB) with nobody online', async () => {
    const server = await ownServer();
    const d = newStore(server.url, 'contacts-d');
    let e = newStore(server.url, 'contacts-e');
    const dan = await signUp(d);
    const eve = await signUp(e);
    await signIn(d, dan);
    await d.addContact(eve, 'while you were away');
    await signIn(e, eve);
    const [request] = await until(e.contactRequests$, (l) => l.length === 1, 'replayed request');
    expect(request).to.include({ username: dan, message: 'while you were away' });
    // The stored sync cursor moves past the request, so a reload does not replay it.
    const { db } = await openUserDb(userDbName('contacts-e', APP, eve));
    let cursor = 0;
    for (const deadline = Date.now() + 10_000; cursor === 0 && Date.now() < deadline;) {
      cursor = (await readMeta(db)).cursor;
      if (cursor === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    db.close();
    expect(cursor, 'stored cursor after the replayed request').to.be.greaterThan(0);
    await e.acceptContact(dan);
    await until(e.contacts$, (l) => names(l).includes(`${dan}:true`), 'dan online');

    // The connection drops: presence is unknown, so nobody shows online from stale data.
    await stopServer(server.id);
    await until(e.contacts$, (l) => names(l).includes(`${dan}:false`), 'dan not shown online');
    await e.dispose();
    e = newStore(server.url, 'contacts-e');
    await e.ready;
    expect(names(await firstValueFrom(e.contacts$))).to.deep.equal([`${dan}:false`]);
    expect(await firstValueFrom(e.status$)).to.not.equal('online');
  });
});
