import { expect } from '@open-wc/testing';
import WebIM, { type ErrorEvent, type MessageBody, type TextMessage } from '../../src/sdk/index.js';
import { mainServer, serverCli, uniqueName, type TestServer } from '../support/servers.js';
import {
  APP_KEY,
  Recorder,
  closeAll,
  connection,
  loggedIn,
  newUser,
  until,
} from './sdk-fixtures.js';

const texts = (events: Recorder) =>
  events.all('onTextMessage').map(([message]) => (message as TextMessage).msg);

describe('Connection', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('two users exchange text both ways, with acks and receipts', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);

    const id = alice.conn.getUniqueId();
    let acked: unknown[] = [];
    const msg = new WebIM.message('txt', id).set({
      msg: 'hi bob',
      to: bob.username,
      ext: { mood: 'happy' },
      success: (...args: unknown[]) => (acked = args),
      fail: () => expect.fail('no failure expected'),
    });
    const sent = await alice.conn.send(msg.body);
    expect(sent.localMsgId).to.equal(id);
    expect(sent.serverMsgId).to.be.a('string').and.not.empty;
    expect(acked).to.deep.equal([id, sent.serverMsgId]);
    const [receipt] = await alice.events.wait('onReceivedMessage');
    expect(receipt).to.include({ id, mid: sent.serverMsgId, to: bob.username });
    expect((receipt as { time: number }).time).to.be.a('number');

    const [received] = (await bob.events.wait('onTextMessage')) as [TextMessage];
    expect(received).to.deep.include({
      id: sent.serverMsgId,
      type: 'chat',
      chatType: 'singleChat',
      contentsType: 'TEXT',
      from: alice.username,
      to: bob.username,
      data: 'hi bob',
      msg: 'hi bob',
      ext: { mood: 'happy' },
      error: false,
      errorText: '',
      errorCode: '',
      localMsgId: id,
    });
    expect(received.time).to.be.a('number');
    expect(received.seq).to.be.a('number');
    const [batch] = await bob.events.wait('onMessage');
    expect(batch).to.deep.equal([received]);

    const reply = WebIM.message.create({
      type: 'txt',
      chatType: 'singleChat',
      to: alice.username,
      msg: 'hi alice',
    });
    const replied = await bob.conn.send(reply);
    const [back] = (await alice.events.wait('onTextMessage')) as [TextMessage];
    expect(back).to.include({ from: bob.username, msg: 'hi alice', id: replied.serverMsgId });
    expect(alice.events.count('onTextMessage')).to.equal(1);
  });

  it('queues messages sent before open() finished and sends them in order once authenticated', async () => {
    const bob = await loggedIn(server);
    const alice = await newUser(server);
    const conn = connection(server);
    const sends = ['one', 'two', 'three'].map((text) =>
      conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: text })),
    );
    await conn.open({ user: alice.username, pwd: alice.password });
    const results = await Promise.all(sends);
    expect(new Set(results.map((r) => r.serverMsgId)).size).to.equal(3);
    await until(() => bob.events.count('onTextMessage') === 3, 'three messages');
    expect(texts(bob.events)).to.deep.equal(['one', 'two', 'three']);
  });

  it('isMultiLoginSessions: false — a new login closes the older session (206, no reconnect)', async () => {
    const first = await loggedIn(server, { isMultiLoginSessions: false });
    const second = await loggedIn(server, { isMultiLoginSessions: false }, first);
    const [error] = await first.events.wait('onClosed').then(() => first.events.wait('onError'));
    expect(error).to.include({ type: 206 });
    expect(first.events.names().slice(-3)).to.deep.equal(['onError', 'onClosed', 'onDisconnected']);
    expect(first.conn.isOpened()).to.equal(false);

    // The newer session stays and receives; the older one never comes back.
    const bob = await loggedIn(server);
    await bob.conn.send(WebIM.message.create({ type: 'txt', to: first.username, msg: 'still?' }));
    await second.events.wait('onTextMessage');
    expect(second.conn.isOpened()).to.equal(true);
    expect(first.events.count('onReconnecting')).to.equal(0);
    expect(first.events.count('onTextMessage')).to.equal(0);
  });

  it('isMultiLoginSessions: true — both sessions stay and both receive (own messages too)', async () => {
    const first = await loggedIn(server, { isMultiLoginSessions: true });
    const second = await loggedIn(server, { isMultiLoginSessions: true }, first);
    const bob = await loggedIn(server);

    await bob.conn.send(WebIM.message.create({ type: 'txt', to: first.username, msg: 'to both' }));
    await first.events.wait('onTextMessage');
    await second.events.wait('onTextMessage');

    // A message sent on one device reaches the user's other device, from === me.
    await first.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'from one' }));
    const [own] = (await second.events.wait('onTextMessage', 2)) as [TextMessage];
    expect(own).to.include({ from: first.username, to: bob.username, msg: 'from one' });
    expect(first.conn.isOpened() && second.conn.isOpened()).to.equal(true);
    expect(first.events.count('onError') + second.events.count('onError')).to.equal(0);
  });

  it('wrong password: onError type 1 carrying {type: 17, data} with invalid_grant', async () => {
    const user = await newUser(server);
    const conn = connection(server);
    const events = new Recorder(conn);
    let viaCallback: ErrorEvent | undefined;
    const error = await conn
      .open({ user: user.username, pwd: 'wrong', error: (e) => (viaCallback = e) })
      .then(
        () => expect.fail('must not log in'),
        (e: ErrorEvent) => e,
      );
    expect(error.type).to.equal(1);
    expect(error.data!.type).to.equal(17);
    const body = JSON.parse(error.data!.data);
    expect(body.error).to.equal('invalid_grant');
    expect(body.error_description).to.equal('invalid password');
    expect(viaCallback).to.equal(error);
    expect(events.all('onError')).to.deep.equal([[error]]);
    expect(events.count('onClosed')).to.equal(0);
  });

  it('unknown user: invalid_grant "user not found"', async () => {
    const conn = connection(server);
    const error = (await conn
      .open({ user: uniqueName('nobody'), pwd: 'x' })
      .catch((e) => e)) as ErrorEvent;
    expect(error.type).to.equal(1);
    expect(JSON.parse(error.data!.data)).to.include({
      error: 'invalid_grant',
      error_description: 'user not found',
    });
  });

  it('registerUser rejects with exactly {type: 17, data: responseText}', async () => {
    const user = await newUser(server);
    const error = await connection(server)
      .registerUser(user)
      .catch((e: unknown) => e);
    expect(error).to.have.all.keys('type', 'data');
    expect((error as { type: number }).type).to.equal(17);
    const body = JSON.parse((error as { data: string }).data);
    expect(body.error).to.equal('duplicate_unique_property_exists');
  });

  it('without DNS, uses apiUrl for REST and `url` for the socket', async () => {
    const user = await newUser(server);
    const url = `//127.0.0.1:${server.port}/websocket`; // scheme-less, as 3.x configs wrote it
    const conn = connection(server, { isHttpDNS: false, url });
    const events = new Recorder(conn);
    await conn.open({ user: user.username, pwd: user.password });
    expect(events.names()).to.deep.equal(['onOpened', 'onConnected']);
  });

  it('refuses bad open() input with the classic codes (0, 27, 28)', async () => {
    const conn = connection(server, { appKey: undefined });
    const codes = [];
    for (const options of [
      { user: '', pwd: 'x', appKey: APP_KEY },
      { user: 'a', pwd: 'x', appKey: 'no-hash' },
      { user: 'a', pwd: 'x' },
      { user: 'a', appKey: APP_KEY },
    ]) {
      codes.push(((await conn.open(options).catch((e) => e)) as ErrorEvent).type);
    }
    expect(codes).to.deep.equal([0, 27, 27, 28]);
  });

  it('oversize text fails with 511 before it is sent; unknown types with 205, a picture without a file with 103', async () => {
    const alice = await loggedIn(server);
    let failed: ErrorEvent | undefined;
    const big = WebIM.message.create({ type: 'txt', to: 'bob', msg: 'x'.repeat(16 * 1024 + 1) });
    big.fail = (e) => (failed = e);
    const error = (await alice.conn.send(big).catch((e) => e)) as ErrorEvent;
    expect(error.type).to.equal(511);
    expect(failed).to.equal(error);
    const code = async (body: MessageBody) =>
      ((await alice.conn.send(body).catch((e) => e)) as ErrorEvent).type;
    expect(await code(new WebIM.message('poll').set({ to: 'bob' }).body)).to.equal(205);
    expect(await code(new WebIM.message('img').set({ to: 'bob' }).body)).to.equal(103);
    expect(alice.conn.isOpened()).to.equal(true);
  });

  it('the server is the authority: its nack (an app limit) fails the send with its code', async () => {
    const key = `small${Date.now().toString(36)}#app`;
    const added = await serverCli(server.id, ['app', 'add', key, '--max-message-bytes', '8']);
    expect(added.code, added.stderr).to.equal(0);
    const alice = await loggedIn(server, { appKey: key }, await registerIn(key));
    const bob = await registerIn(key);
    const error = (await alice.conn
      .send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'more than eight bytes' }))
      .catch((e) => e)) as ErrorEvent;
    expect(error.type).to.equal(511);
    const ok = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'ok' }),
    );
    expect(ok.serverMsgId).to.be.a('string');
  });

  it('learns the app’s limits at login: a raised text limit lets longer text through, and only that', async () => {
    const key = `roomy${Date.now().toString(36)}#app`;
    const added = await serverCli(server.id, [
      'app',
      'add',
      key,
      '--max-message-bytes',
      '20000',
      '--recall-seconds',
      '600',
    ]);
    expect(added.code, added.stderr).to.equal(0);
    const alice = await loggedIn(server, { appKey: key }, await registerIn(key));
    const bob = await loggedIn(server, { appKey: key }, await registerIn(key));
    expect(alice.conn.appLimits).to.deep.equal({
      messageMaxBytes: 20000,
      fileMaxBytes: 10 * 1024 * 1024,
      recallSeconds: 600,
    });
    const long = 'x'.repeat(17_000);
    await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: long }));
    const [received] = (await bob.events.wait('onTextMessage')) as [{ data: string }];
    expect(received.data).to.equal(long);
    const tooLong = WebIM.message.create({ type: 'txt', to: bob.username, msg: 'x'.repeat(20001) });
    expect(((await alice.conn.send(tooLong).catch((e) => e)) as ErrorEvent).type).to.equal(511);
  });

  it('listen() replaces the legacy set; a throwing handler breaks nothing', async () => {
    const user = await newUser(server);
    const conn = connection(server);
    const calls: string[] = [];
    conn.listen({ onOpened: () => calls.push('replaced') });
    conn.listen({
      onOpened: () => {
        calls.push('legacy');
        throw new Error('app bug');
      },
    });
    conn.addEventHandler('other', { onOpened: () => calls.push('other') });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (error: unknown) => errors.push(error);
    try {
      await conn.open({ user: user.username, pwd: user.password });
    } finally {
      console.error = original;
    }
    expect(calls).to.deep.equal(['legacy', 'other']);
    expect(errors).to.have.length(1);
    expect(conn.isOpened()).to.equal(true);
    conn.removeEventHandler('other');
  });

  it('syncCursor: replays after auth.since, advances, and the server resumes from what was reported', async () => {
    const alice = await loggedIn(server);
    const bob = await newUser(server);
    for (const text of ['a', 'b', 'c']) {
      await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: text }));
    }
    const first = await loggedIn(server, {}, bob);
    await until(() => first.events.count('onTextMessage') === 3, 'the offline messages');
    expect(texts(first.events)).to.deep.equal(['a', 'b', 'c']);
    const seqs = first.events.all('onTextMessage').map(([m]) => (m as TextMessage).seq);
    expect(first.conn.syncCursor).to.equal(seqs[2]);
    first.conn.close();

    // since = the first message: only the later two come again.
    const second = connection(server);
    second.syncCursor = seqs[0];
    const secondEvents = new Recorder(second);
    await second.open({ user: bob.username, pwd: bob.password });
    await until(() => secondEvents.count('onTextMessage') === 2, 'the replay after since');
    expect(texts(secondEvents)).to.deep.equal(['b', 'c']);
    second.close();

    // No cursor of its own: the server resumes from the cursor this device reported.
    const third = await loggedIn(server, {}, bob);
    await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'new' }));
    await third.events.wait('onTextMessage');
    expect(texts(third.events)).to.deep.equal(['new']);
  });

  it('a password login resolves the user entity too; send() resolves the ack seq and the message', async () => {
    const user = await newUser(server);
    const bob = await newUser(server);
    const conn = connection(server);
    const result = await conn.open({ user: user.username, pwd: user.password });
    expect(result.user).to.include({ username: user.username, nickname: user.username });
    expect(result.accessToken).to.be.a('string');
    const sent = await conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'x' }));
    expect(sent.seq).to.be.a('number').greaterThan(0);
    expect(conn.syncCursor).to.equal(sent.seq);
    expect(sent.message).to.include({
      id: sent.serverMsgId,
      from: user.username,
      to: bob.username,
      msg: 'x',
      seq: sent.seq,
    });
    // A token login has no entity to give.
    conn.close();
    const again = await conn.open({ user: user.username, accessToken: result.accessToken });
    expect(again.user).to.equal(undefined);
  });

  for (const callback of ['onError', 'onClosed', 'onDisconnected'] as const) {
    it(`open() called from inside ${callback} of the ending login starts a new login`, async () => {
      const user = await newUser(server);
      const first = await loggedIn(server, { isMultiLoginSessions: false }, user);
      const token = first.conn.accessToken!;
      let reopened: Promise<unknown> | undefined;
      let calls = 0;
      first.conn.addEventHandler('reopen', {
        [callback]: () => {
          calls += 1;
          // A token login reaches the socket stage synchronously, the harder case.
          if (calls === 1) reopened = first.conn.open({ user: user.username, accessToken: token });
        },
      });
      // A second single-login session kicks the first (206), which ends its login.
      const second = await loggedIn(server, { isMultiLoginSessions: false }, user);
      await until(() => reopened, `open() from ${callback}`);
      await reopened;
      expect(first.conn.isOpened()).to.equal(true);
      // The reopened session is the single one now; the second got kicked in turn.
      await second.events.wait('onClosed');
      first.conn.removeEventHandler('reopen');
    });
  }

  async function registerIn(appKey: string) {
    const user = { username: uniqueName(), password: 'secret' };
    await connection(server, { appKey }).registerUser(user);
    return user;
  }
});

describe('Connection: receipts and recall', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('delivery: true acknowledges each received 1:1 message → the sender gets onDeliveredMessage', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server, { delivery: true });
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'did it arrive?' }),
    );
    const [delivered] = await alice.events.wait('onDeliveredMessage');
    expect(delivered).to.include({ from: bob.username, to: alice.username, mid: sent.serverMsgId });
    // Alice has no `delivery` option: bob's message to her is not acknowledged.
    const back = await bob.conn.send(
      WebIM.message.create({ type: 'txt', to: alice.username, msg: 'yes' }),
    );
    await alice.events.wait('onTextMessage');
    // A later message of alice's shows bob's acks are still flowing, and none came for `back`.
    await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'good' }));
    await alice.events.wait('onDeliveredMessage', 2);
    expect(bob.events.all('onDeliveredMessage').map(([e]) => e)).to.deep.equal([]);
    expect(back.serverMsgId).to.be.a('string');
  });

  it('deliverOnlineOnly (4.x): to the peer connected now with seq 0, never acknowledged as delivered', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server, { delivery: true });
    const typing = WebIM.message.create({
      type: 'cmd',
      chatType: 'singleChat',
      to: bob.username,
      action: 'TypingBegin',
      deliverOnlineOnly: true,
    });
    const sent = await alice.conn.send(typing);
    expect(sent.seq).to.equal(0);
    const [command] = await bob.events.wait('onCmdMessage');
    expect(command).to.include({
      id: sent.serverMsgId,
      action: 'TypingBegin',
      deliverOnlineOnly: true,
      seq: 0,
    });
    // Stored nowhere, so there is nothing to acknowledge: the first delivery ack alice gets is
    // that of the stored message after it, and bob's SDK sent none the server would refuse.
    const stored = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'stored' }),
    );
    const [delivered] = await alice.events.wait('onDeliveredMessage');
    expect(delivered).to.include({ mid: stored.serverMsgId });
    expect(stored.seq).to.equal(1);
    expect(bob.events.count('onError')).to.equal(0);
  });

  it('read receipts both ways (3.x message and 4.x create), reaching the reader’s other device too', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server, { isMultiLoginSessions: true });
    const bobPhone = await loggedIn(server, { isMultiLoginSessions: true }, bob);
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'read me' }),
    );
    const [received] = (await bob.events.wait('onTextMessage')) as [TextMessage];

    const read = new WebIM.message('read', bob.conn.getUniqueId());
    read.set({ id: received.id, to: received.from });
    expect(read.body).to.include({ type: 'read', ackId: sent.serverMsgId, to: alice.username });
    const result = await bob.conn.send(read.body);
    expect(result).to.include({ localMsgId: read.id, serverMsgId: '' });
    const [receipt] = await alice.events.wait('onReadMessage');
    expect(receipt).to.include({
      from: bob.username,
      to: alice.username,
      mid: sent.serverMsgId,
      chatType: 'singleChat',
    });
    // Bob's phone learns that bob read it (from === the current user: another device did it).
    const [own] = await bobPhone.events.wait('onReadMessage');
    expect(own).to.include({ from: bob.username, to: alice.username, mid: sent.serverMsgId });

    // And back: alice reads bob's reply, with the 4.x create form.
    const reply = await bob.conn.send(
      WebIM.message.create({ type: 'txt', to: alice.username, msg: 'seen it' }),
    );
    await alice.events.wait('onTextMessage');
    await alice.conn.send(
      WebIM.message.create({ type: 'read', to: bob.username, id: reply.serverMsgId }),
    );
    // The session that sent a read is not told of it again; bob's first read is not here.
    const [back] = await bob.events.wait('onReadMessage');
    expect(back).to.include({ from: alice.username, to: bob.username, mid: reply.serverMsgId });
    expect(bob.events.count('onReadMessage')).to.equal(1);
  });

  it('channel acks both ways → onChannelMessage({from, to}); a receipt without its message id fails 205', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'one' }));
    await bob.events.wait('onTextMessage');
    await bob.conn.send(
      WebIM.message.create({ type: 'channel', chatType: 'singleChat', to: alice.username }),
    );
    const [channel] = await alice.events.wait('onChannelMessage');
    expect(channel).to.include({ from: bob.username, to: alice.username });
    expect(channel).to.not.have.property('mid');
    await alice.conn.send(new WebIM.message('channel').set({ to: bob.username }).body);
    const [back] = await bob.events.wait('onChannelMessage');
    expect(back).to.include({ from: alice.username, to: bob.username });
    // Every channel ack reaches the peer, as with the real SDK, even when all was read already
    // (told live: it moves no sync cursor).
    const cursor = alice.conn.syncCursor;
    await bob.conn.send(
      WebIM.message.create({ type: 'channel', chatType: 'singleChat', to: alice.username }),
    );
    const [again] = await alice.events.wait('onChannelMessage', 2);
    expect(again).to.include({ from: bob.username, to: alice.username });
    expect(again).to.not.have.property('seq');
    expect(alice.conn.syncCursor).to.equal(cursor);

    const bad = WebIM.message.create({ type: 'read', to: alice.username });
    expect(((await bob.conn.send(bad).catch((e) => e)) as ErrorEvent).type).to.equal(205);
  });

  it('receipts made while the sender is offline are replayed at its next login', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'later' }),
    );
    alice.conn.close();
    await bob.events.wait('onTextMessage');
    await bob.conn.send(
      WebIM.message.create({ type: 'read', to: alice.username, id: sent.serverMsgId }),
    );
    // Bob's own inbox holds the read too; its arrival means the server has stored it.
    const again = await loggedIn(server, {}, alice);
    const [receipt] = await again.events.wait('onReadMessage');
    expect(receipt).to.include({ from: bob.username, mid: sent.serverMsgId });
  });

  it('recallMessage within the window → everyone (the recaller’s other session too) gets onRecallMessage', async () => {
    const alice = await loggedIn(server, { isMultiLoginSessions: true });
    const aliceTablet = await loggedIn(server, { isMultiLoginSessions: true }, alice);
    const bob = await loggedIn(server);
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'oops' }),
    );
    await bob.events.wait('onTextMessage');
    // Only the sender may recall (603).
    const refused = (await bob.conn
      .recallMessage({ mid: sent.serverMsgId, to: alice.username })
      .catch((e) => e)) as ErrorEvent;
    expect(refused.type).to.equal(603);

    let viaCallback: unknown;
    const result = await alice.conn.recallMessage({
      mid: sent.serverMsgId,
      to: bob.username,
      type: 'chat',
      success: (r) => (viaCallback = r),
    });
    expect(result).to.deep.equal({ mid: sent.serverMsgId, to: bob.username });
    expect(viaCallback).to.equal(result);
    const expected = { from: alice.username, to: bob.username, mid: sent.serverMsgId };
    expect((await bob.events.wait('onRecallMessage'))[0]).to.include(expected);
    expect((await aliceTablet.events.wait('onRecallMessage'))[0]).to.include(expected);
    expect((await alice.events.wait('onRecallMessage'))[0]).to.include(expected);
    expect(alice.conn.isOpened() && bob.conn.isOpened()).to.equal(true);
    // History no longer holds it, for either side.
    const bobs = await bob.conn.getHistoryMessages({ targetId: alice.username });
    const alices = await alice.conn.getHistoryMessages({ targetId: bob.username });
    expect([...bobs.messages, ...alices.messages]).to.deep.equal([]);
  });

  it('recall past the window fails with 504 and changes nothing', async () => {
    const key = `recall${Date.now().toString(36)}#app`;
    const added = await serverCli(server.id, ['app', 'add', key, '--recall-seconds', '1']);
    expect(added.code, added.stderr).to.equal(0);
    const alice = await loggedIn(server, { appKey: key }, await registerIn(key));
    const bob = await loggedIn(server, { appKey: key }, await registerIn(key));
    const sent = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: bob.username, msg: 'forever' }),
    );
    await bob.events.wait('onTextMessage');
    // The window is one second of server time; wait for the clock, not for an event.
    await until(() => Date.now() > sent.message!.time + 1500, 'the recall window to pass', 5000);
    let failed: ErrorEvent | undefined;
    const error = (await alice.conn
      .recallMessage({ mid: sent.serverMsgId, to: bob.username, fail: (e) => (failed = e) })
      .catch((e) => e)) as ErrorEvent;
    expect(error.type).to.equal(WebIM.statusCode.MESSAGE_RECALL_TIME_LIMIT);
    expect(failed).to.equal(error);
    const history = await bob.conn.getHistoryMessages({ targetId: alice.username });
    expect(history.messages.map((m) => m.id)).to.deep.equal([sent.serverMsgId]);
    expect(bob.events.count('onRecallMessage')).to.equal(0);
  });

  async function registerIn(appKey: string) {
    const user = { username: uniqueName(), password: 'secret' };
    await connection(server, { appKey }).registerUser(user);
    return user;
  }
});
