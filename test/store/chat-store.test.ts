// The store against real reference servers, real WebSockets and the browser's own IndexedDB.
// Two users on one page are two ChatStore instances with different database prefixes, which keeps
// their data apart the way two browsers would.
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { firstValueFrom } from 'rxjs';
import { ChatStore, getChatStore } from '../../src/store/chat-store.js';
import { Messages } from '../../src/store/errors.js';
import { createSdkConnection } from '../../src/store/sdk-connection.js';
import type { ChatMessage, ConnectionStatus } from '../../src/store/types.js';
import {
  disposeServer,
  freePort,
  mainServer,
  resumeServer,
  serverCli,
  startServer,
  stopServer,
  uniqueName,
} from '../support/servers.js';
import {
  APP,
  PASSWORD,
  TestVisibility,
  rejection,
  signIn,
  signUp,
  until,
} from './store-fixtures.js';

const stores: ChatStore[] = [];
const prefixes: string[] = [];
const servers: string[] = [];

function newStore(apiUrl: string, prefix: string, visibility = new TestVisibility()): ChatStore {
  const store = new ChatStore({ appKey: APP, apiUrl, databasePrefix: prefix, visibility });
  stores.push(store);
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  return store;
}

async function ownServer() {
  const server = await startServer();
  servers.push(server.id);
  return server;
}

const texts = (messages: ChatMessage[]) => messages.map((m) => m.text);

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.dispose()));
  await Promise.all(servers.splice(0).map((id) => disposeServer(id)));
  const names = (await indexedDB.databases()).map((db) => db.name ?? '');
  for (const prefix of prefixes.splice(0)) {
    await Promise.all(names.filter((n) => n.startsWith(`${prefix}:`)).map((n) => deleteDB(n)));
  }
});

describe('store/chat-store', function () {
  this.timeout(90_000);

  it('lets two users chat: messages, conversation names, unread counts, read on open', async () => {
    const { url } = await mainServer();
    const aliceSees = new TestVisibility();
    const a = newStore(url, uniqueName('pa'), aliceSees);
    const b = newStore(url, uniqueName('pb'));
    const alice = await signUp(a, 'Alice');
    const bob = await signUp(b, 'Bob');
    await signIn(a, alice);
    await signIn(b, bob);
    expect(await firstValueFrom(a.user$)).to.deep.equal({ username: alice, nickname: 'Alice' });

    await a.openConversation(bob);
    expect(await firstValueFrom(a.activeConversation$)).to.equal(bob);
    await until(
      a.conversations$,
      (l) => l[0]?.id === bob && l[0].name === 'Bob',
      'named by nickname',
    );

    const hello = await a.send(bob, 'hello bob');
    expect(hello).to.include({ status: 'pending', from: alice, to: bob, conversationId: bob });
    const mine = await until(
      a.messages$(bob),
      (l) => l.some((m) => m.id === hello.id && m.status === 'sent'),
      'ack',
    );
    expect(mine).to.have.length(1);
    expect(mine[0]!.mid).to.be.a('string');

    // The peer's nickname is looked up after the message is stored, so it may come a moment later.
    const bobs = await until(
      b.conversations$,
      (l) => l[0]?.unread === 1 && l[0].name === 'Alice',
      'unread at bob, named',
    );
    expect(bobs).to.have.length(1);
    expect(bobs[0]).to.include({ id: alice, name: 'Alice', unread: 1 });
    // Keyed at bob's by the server's id, not by the client id alice picked (issue 11).
    expect(bobs[0]!.lastMessage).to.include({
      id: mine[0]!.mid,
      text: 'hello bob',
      status: 'received',
    });
    expect(await until(b.totalUnread$, (n) => n === 1, 'total 1')).to.equal(1);

    await b.openConversation(alice);
    expect(await until(b.totalUnread$, (n) => n === 0, 'read on open')).to.equal(0);

    // Alice looks at the conversation: Bob's reply arrives read.
    const reply = await b.send(alice, 'hi alice');
    const both = await until(a.messages$(bob), (l) => l.length === 2, 'reply');
    expect(texts(both)).to.deep.equal(['hello bob', 'hi alice']);
    const replied = await until(
      b.messages$(alice),
      (l) => l.some((m) => m.id === reply.id && !!m.mid),
      'reply acked',
    );
    const replyMid = replied.find((m) => m.id === reply.id)!.mid;
    expect(both[1]).to.include({ id: replyMid, mid: replyMid, status: 'received', from: bob });
    expect((await firstValueFrom(a.conversations$))[0]!.unread).to.equal(0);

    // Alice's tab is hidden: the next one counts, until the tab shows again.
    aliceSees.set(false);
    await b.send(alice, 'are you there?');
    await until(a.conversations$, (l) => l[0]?.unread === 1, 'unread while hidden');
    aliceSees.set(true);
    await until(a.totalUnread$, (n) => n === 0, 'read when visible again');
  });

  it('stores my messages from another device as sent, without unread', async () => {
    const { url } = await mainServer();
    const phone = newStore(url, uniqueName('pphone'));
    const laptop = newStore(url, uniqueName('plaptop'));
    const peer = newStore(url, uniqueName('ppeer'));
    const me = await signUp(phone);
    const friend = await signUp(peer, 'Friend');
    await signIn(phone, me);
    await signIn(laptop, me);
    await signIn(peer, friend);

    const sent = await phone.send(friend, 'from my phone');
    const onLaptop = await until(laptop.messages$(friend), (l) => l.length === 1, 'laptop copy');
    expect(onLaptop[0]).to.include({
      id: sent.id,
      from: me,
      status: 'sent',
      text: 'from my phone',
    });
    const conversations = await until(laptop.conversations$, (l) => l.length === 1, 'laptop list');
    expect(conversations[0]).to.include({ id: friend, unread: 0 });
    await until(peer.messages$(me), (l) => l.length === 1, 'peer copy');
    // Still one copy everywhere once the dust settles: the ack and the echo are the same record.
    await until(phone.messages$(friend), (l) => l[0]?.status === 'sent', 'phone ack');
    expect(await firstValueFrom(phone.messages$(friend))).to.have.length(1);
  });

  it('marks a refused message failed in plain words and retries it under the same id', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const me = await signUp(a);
    await signIn(a, me);

    const nobody = uniqueName('nobody');
    expect(await rejection(a.openConversation(nobody))).to.include({
      type: 204,
      message: Messages.userNotFound,
    });

    const message = await a.send(nobody, 'anyone?');
    const failed = await until(a.messages$(nobody), (l) => l[0]?.status === 'failed', 'refusal');
    expect(failed[0]).to.include({ id: message.id, error: Messages.userNotFound });

    await a.retry(message.id);
    const again = await until(
      a.messages$(nobody),
      (l) => l[0]?.status === 'failed',
      'second refusal',
    );
    expect(again.map((m) => m.id)).to.deep.equal([message.id]);

    // A draft the server would refuse is refused before it is stored: nothing to clean up.
    expect(await rejection(a.send(nobody, 'x'.repeat(20_000)))).to.include({
      type: 511,
      message: Messages.messageTooLong,
    });
    expect(await rejection(a.send(nobody, '   '))).to.include({ message: Messages.emptyMessage });
    expect(await firstValueFrom(a.messages$(nobody))).to.have.length(1);
  });

  it('sends a burst past the server’s rate limit a little later instead of failing it', async () => {
    const server = await startServer({ OPENWEBIM_RATE_MESSAGES: '2' });
    servers.push(server.id);
    const a = newStore(server.url, uniqueName('pr'));
    const peer = await signUp(a);
    const me = await signUp(a);
    await signIn(a, me);
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const text of texts) await a.send(peer, text);
    const sent = await until(
      a.messages$(peer),
      (l) => l.length === texts.length && l.every((m) => m.status === 'sent'),
      'every message sent, none failed',
      30_000,
    );
    expect(sent.map((m) => m.text).sort()).to.deep.equal([...texts].sort());
  });

  it('renders from IndexedDB after a reload before the socket connects', async () => {
    const server = await ownServer();
    const alicePrefix = uniqueName('pa');
    const a = newStore(server.url, alicePrefix);
    const b = newStore(server.url, uniqueName('pb'));
    const alice = await signUp(a);
    const bob = await signUp(b, 'Bob');
    await signIn(a, alice);
    await signIn(b, bob);
    await a.send(bob, 'one');
    await until(b.messages$(alice), (l) => l.length === 1, 'one');
    await b.send(alice, 'two');
    await until(a.messages$(bob), (l) => l.length === 2 && l[0]!.status === 'sent', 'two');
    await until(a.conversations$, (l) => l[0]?.name === 'Bob', 'named after the nickname');

    // The page goes away, and the server with it: the reload must not need the network to render.
    await a.dispose();
    await stopServer(server.id);
    const reloaded = newStore(server.url, alicePrefix);
    let status: ConnectionStatus | undefined;
    const watching = reloaded.status$.subscribe((s) => (status = s));
    try {
      const list = await until(reloaded.conversations$, (l) => l.length > 0, 'stored list');
      expect(status).to.not.equal('online');
      expect(list[0]).to.include({ id: bob, name: 'Bob' });
      expect(list[0]!.lastMessage).to.include({ text: 'two' });
      const stored = await firstValueFrom(reloaded.messages$(bob));
      expect(texts(stored)).to.deep.equal(['one', 'two']);
      expect(stored.map((m) => m.status)).to.deep.equal(['sent', 'received']);
      expect(await firstValueFrom(reloaded.user$)).to.include({ username: alice });
      expect(status).to.not.equal('online');

      await resumeServer(server.id);
      await until(reloaded.status$, (s) => s === 'online', 'resumed online');
      await until(b.status$, (s) => s === 'online', 'bob back online');
      await b.send(alice, 'three');
      const after = await until(reloaded.messages$(bob), (l) => l.length >= 3, 'three');
      // The stored cursor kept the server from replaying what was already there.
      expect(texts(after)).to.deep.equal(['one', 'two', 'three']);
    } finally {
      watching.unsubscribe();
    }
  });

  it('keeps the outbox through a reload and delivers it exactly once', async () => {
    const server = await ownServer();
    const alicePrefix = uniqueName('pa');
    const a = newStore(server.url, alicePrefix);
    const b = newStore(server.url, uniqueName('pb'));
    const alice = await signUp(a);
    const bob = await signUp(b);
    await signIn(a, alice);
    await signIn(b, bob);

    await stopServer(server.id);
    await until(a.status$, (s) => s !== 'online', 'alice sees the drop');
    const queued = await a.send(bob, 'sent while offline');
    const pending = await until(a.messages$(bob), (l) => l.length === 1, 'pending');
    expect(pending[0]).to.include({ id: queued.id, status: 'pending' });
    await a.dispose();

    const reloaded = newStore(server.url, alicePrefix);
    const stored = await until(reloaded.messages$(bob), (l) => l.length === 1, 'stored pending');
    expect(stored[0]).to.include({ id: queued.id, status: 'pending' });

    await resumeServer(server.id);
    const sent = await until(reloaded.messages$(bob), (l) => l[0]?.status === 'sent', 'flushed');
    expect(sent).to.have.length(1);
    const received = await until(b.messages$(alice), (l) => l.length > 0, 'delivered');
    expect(received.map((m) => m.id)).to.deep.equal([sent[0]!.mid]);

    // A second flush (another reconnect) must not make a second copy anywhere.
    await stopServer(server.id);
    await resumeServer(server.id);
    await until(reloaded.status$, (s) => s === 'online', 'online again');
    await until(b.status$, (s) => s === 'online', 'bob online again');
    await b.send(alice, 'got it');
    await until(reloaded.messages$(bob), (l) => l.length === 2, 'reply after reconnect');
    expect(
      (await firstValueFrom(b.messages$(alice))).filter((m) => m.id === sent[0]!.mid),
    ).to.have.length(1);
  });

  it('logout keeps the data; logout({wipe: true}) deletes it and the saved session', async () => {
    const { url } = await mainServer();
    const prefix = uniqueName('pa');
    const a = newStore(url, prefix);
    const me = await signUp(a);
    const peer = await signUp(a);
    await signIn(a, me);
    await a.send(peer, 'remember me');
    await until(a.messages$(peer), (l) => l[0]?.status === 'sent', 'sent');
    const dbName = `${prefix}:${APP}:${me}`;
    const exists = async () => (await indexedDB.databases()).some((d) => d.name === dbName);

    await a.logout();
    expect(await firstValueFrom(a.status$)).to.equal('signed-out');
    expect(await firstValueFrom(a.user$)).to.equal(null);
    expect(await firstValueFrom(a.conversations$)).to.deep.equal([]);
    expect(await exists()).to.equal(true);

    await signIn(a, me);
    expect(texts(await until(a.messages$(peer), (l) => l.length === 1, 'kept'))).to.deep.equal([
      'remember me',
    ]);

    await a.logout({ wipe: true });
    expect(await exists()).to.equal(false);
    // Nothing to resume either: a reload shows the login form.
    const reloaded = newStore(url, prefix);
    await reloaded.ready;
    expect(await firstValueFrom(reloaded.status$)).to.equal('signed-out');
    expect(await firstValueFrom(reloaded.user$)).to.equal(null);
  });

  it('rejects register and login with ChatErrors in plain words', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const taken = await signUp(a);

    const duplicate = await rejection(a.register({ username: taken, password: PASSWORD }));
    expect(duplicate).to.include({
      type: 17,
      error: 'duplicate_unique_property_exists',
      message: Messages.duplicateUser,
    });
    expect(
      await rejection(a.register({ username: 'x'.repeat(65), password: PASSWORD })),
    ).to.include({ message: Messages.usernameTooLong });
    expect(await rejection(a.register({ username: 'no spaces', password: PASSWORD }))).to.include({
      message: Messages.illegalUsername,
    });
    // The server's description is a constant of the protocol (not English to match with a regex).
    expect(
      await rejection(a.register({ username: uniqueName(), password: 'p'.repeat(65) })),
    ).to.include({ message: Messages.passwordTooLong });
    expect(await rejection(a.login({ username: taken, password: 'wrong password' }))).to.include({
      message: Messages.invalidPassword,
    });
    expect(await rejection(a.login({ username: uniqueName(), password: PASSWORD }))).to.include({
      message: Messages.userNotFound,
    });
    expect(await firstValueFrom(a.status$)).to.equal('signed-out');

    const unknownApp = new ChatStore({
      appKey: 'nosuch#app',
      apiUrl: url,
      databasePrefix: uniqueName('px'),
    });
    stores.push(unknownApp);
    expect(
      await rejection(unknownApp.register({ username: uniqueName(), password: PASSWORD })),
    ).to.include({ error: 'organization_application_not_found', message: Messages.unknownApp });

    const nowhere = newStore(`http://127.0.0.1:${await freePort()}`, uniqueName('pn'));
    expect(
      await rejection(nowhere.register({ username: uniqueName(), password: PASSWORD })),
    ).to.include({ message: Messages.networkDown });
    expect(
      await rejection(nowhere.login({ username: uniqueName(), password: PASSWORD })),
    ).to.include({ message: Messages.networkDown });
  });

  it('explains closed registration and the user limit', async () => {
    const main = await mainServer();
    const closedApp = `acme#${uniqueName('closed')}`;
    const tinyApp = `acme#${uniqueName('tiny')}`;
    const added = await Promise.all([
      serverCli(main.id, ['app', 'add', closedApp, '--closed-registration']),
      serverCli(main.id, ['app', 'add', tinyApp, '--max-users', '1']),
    ]);
    expect(added.map((r) => r.code)).to.deep.equal([0, 0]);
    const store = (appKey: string) => {
      const s = new ChatStore({ appKey, apiUrl: main.url, databasePrefix: uniqueName('pz') });
      stores.push(s);
      return s;
    };

    const closed = store(closedApp);
    expect(
      await rejection(closed.register({ username: uniqueName(), password: PASSWORD })),
    ).to.include({ error: 'unauthorized', message: Messages.registrationClosed });

    const tiny = store(tinyApp);
    await tiny.register({ username: uniqueName(), password: PASSWORD });
    expect(
      await rejection(tiny.register({ username: uniqueName(), password: PASSWORD })),
    ).to.include({ error: 'resource_limited', message: Messages.userLimit });
  });

  it('checks drafts against the app’s own limits, as the server last said, also after a reload', async () => {
    const main = await mainServer();
    const app = `acme#${uniqueName('limits')}`;
    const added = await serverCli(main.id, [
      'app',
      'add',
      app,
      '--max-message-bytes',
      '20000',
      '--max-file-bytes',
      '1000',
      '--recall-seconds',
      '30',
    ]);
    expect(added.code, added.stderr).to.equal(0);
    const prefix = uniqueName('pl');
    const open = () => {
      const s = new ChatStore({ appKey: app, apiUrl: main.url, databasePrefix: prefix });
      stores.push(s);
      return s;
    };
    let store = open();
    const peer = await signUp(store);
    const me = await signUp(store);
    await signIn(store, me);
    const limits = { messageMaxBytes: 20000, fileMaxBytes: 1000, recallSeconds: 30 };
    await until(store.limits$, (l) => l.recallSeconds === 30, 'the app’s limits');
    expect(await firstValueFrom(store.limits$)).to.deep.equal(limits);
    // Longer than the protocol's default, within the app's: stored and sent.
    await store.send(peer, 'x'.repeat(17_000));
    await until(store.messages$(peer), (l) => l[0]?.status === 'sent', 'the long text is sent');
    const big = new File([new Uint8Array(2000)], 'big.bin');
    expect((await rejection(store.sendFile(peer, big))).message).to.equal(Messages.fileTooLarge);
    expect(await firstValueFrom(store.messages$(peer))).to.have.length(1);

    // A reload knows them before the socket opens.
    await store.dispose();
    store = open();
    await store.ready;
    expect(await firstValueFrom(store.limits$)).to.deep.equal(limits);
  });

  it('explains the registration rate limit', async () => {
    const server = await startServer({ OPENWEBIM_RATE_REGISTER: '1' });
    servers.push(server.id);
    const demo = newStore(server.url, uniqueName('pr'));
    // One registration a second: of three at once, at most two fall into different seconds.
    const attempts = await Promise.allSettled(
      [1, 2, 3].map(() => demo.register({ username: uniqueName(), password: PASSWORD })),
    );
    const refusals = attempts.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as { error?: string; message: string }] : [],
    );
    expect(refusals.length).to.be.greaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).to.include({ error: 'reach_limit', message: Messages.rateLimited });
    }
  });

  it('shares one store per app key through getChatStore', async () => {
    const { url } = await mainServer();
    const appKey = `acme#${uniqueName('shared')}`;
    const first = getChatStore(appKey, url);
    stores.push(first);
    expect(getChatStore(appKey)).to.equal(first);
    // (Unique app keys only: the default database prefix is shared with the element tests.)
    const other = getChatStore(`acme#${uniqueName('other')}`, url);
    stores.push(other);
    expect(other).to.not.equal(first);
    await first.dispose();
    const next = getChatStore(appKey, url);
    stores.push(next);
    expect(next).to.not.equal(first);
  });

  it('refreshes another tab of the same user after a write here', async () => {
    const { url } = await mainServer();
    const prefix = uniqueName('ptabs');
    const tab1 = newStore(url, prefix);
    const tab2 = newStore(url, prefix);
    const peer = newStore(url, uniqueName('ppeer'));
    const me = await signUp(tab1);
    const friend = await signUp(peer);
    await signIn(tab1, me);
    await signIn(tab2, me);
    await signIn(peer, friend);

    await peer.send(me, 'for both tabs');
    // Both tabs receive it, through the one socket tab 1 holds; the shared database counts it once.
    await until(tab1.totalUnread$, (n) => n === 1, 'tab 1 unread');
    await until(tab2.totalUnread$, (n) => n === 1, 'tab 2 unread');
    await tab1.markRead(friend);
    await until(tab2.totalUnread$, (n) => n === 0, 'tab 2 sees the read');
  });

  it('signs out with a plain-words error when the token expires', async () => {
    const server = await startServer({ OPENWEBIM_TOKEN_TTL: '2' });
    servers.push(server.id);
    const prefix = uniqueName('pt');
    const a = newStore(server.url, prefix);
    const me = await signUp(a);
    const errors: string[] = [];
    const watching = a.error$.subscribe((e) => errors.push(e.message));
    try {
      await signIn(a, me);
      await until(a.status$, (s) => s === 'signed-out', 'expiry signs out');
      expect(errors).to.include(Messages.sessionExpired);
      expect(await firstValueFrom(a.user$)).to.equal(null);
      // The dead token is not resumed by the next page either.
      const reloaded = newStore(server.url, prefix);
      await reloaded.ready;
      expect(await firstValueFrom(reloaded.status$)).to.equal('signed-out');
    } finally {
      watching.unsubscribe();
    }
  });

  it('signs out at once while a token login waits for an unreachable server', async () => {
    const nowhere = newStore(`http://127.0.0.1:${await freePort()}`, uniqueName('pw'));
    const signingIn = nowhere.loginWithToken({ username: uniqueName(), accessToken: 'token' });
    await until(nowhere.status$, (s) => s === 'reconnecting', 'retrying the socket');
    await nowhere.logout();
    expect(await firstValueFrom(nowhere.status$)).to.equal('signed-out');
    expect(await rejection(signingIn)).to.include({ message: Messages.signInCancelled });
  });

  it('comes back by itself after the SDK gives up reconnecting', async () => {
    const server = await ownServer();
    // One attempt per round, so the SDK gives up (error 16, onClosed) within a second or two.
    const impatient = new ChatStore({
      appKey: APP,
      apiUrl: server.url,
      databasePrefix: uniqueName('pi'),
      createConnection: (config) => createSdkConnection(config, { autoReconnectNumMax: 1 }),
    });
    stores.push(impatient);
    const me = await signUp(impatient);
    const peer = await signUp(impatient);
    await signIn(impatient, me);

    const gaveUp = until(
      impatient.error$,
      (e) => e.message === Messages.reconnectGaveUp,
      'the SDK gives up',
    );
    await stopServer(server.id);
    await gaveUp;
    expect(await firstValueFrom(impatient.user$)).to.include({ username: me });

    await resumeServer(server.id);
    await until(impatient.status$, (s) => s === 'online', 'reopened with the token');
    const message = await impatient.send(peer, 'after the outage');
    await until(
      impatient.messages$(peer),
      (l) => l.some((m) => m.id === message.id && m.status === 'sent'),
      'sent after reopening',
    );
  });
});
