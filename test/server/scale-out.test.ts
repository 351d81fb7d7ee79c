// Two server processes' worth of the reference server (two createServer instances in this node
// process, with nothing shared in memory) on one PostgreSQL database and one Redis: everything a
// user does on one reaches the other's sessions through Redis and PostgreSQL. Each case has the
// sender on one server and the recipient on the other. Redis is stopped and started again for real.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerMessage } from '../../src/protocol/frames.js';
import type { DnsResponse } from '../../src/protocol/rest.js';
import { ServerProcess } from '../support/server-process.mjs';
import { startRedis } from '../support/services.mjs';
import { befriend, contactEvent, groupEvent } from './support/contact-group-steps.js';
import { freshDatabase } from './support/postgres.js';
import {
  api,
  connectSynced,
  newUser,
  ok,
  rest,
  sendGroupText,
  sendRoomText,
  sendText,
  settle,
  startTestServer,
  textOf,
  wsUrl,
  type TestServer,
} from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

let redis: Awaited<ReturnType<typeof startRedis>>;
let a: TestServer;
let b: TestServer;
let shared: { databaseUrl: string; redisUrl: string };

before(async () => {
  redis = await startRedis();
  shared = { databaseUrl: await freshDatabase(), redisUrl: redis.url };
  // Their public URLs are known once they listen; the registry is told through the config.
  a = await startTestServer({ ...shared, publicUrl: 'http://a.example:8001' });
  b = await startTestServer({ ...shared, publicUrl: 'http://b.example:8002' });
});
after(async () => {
  await a?.close();
  await b?.close();
  redis?.stop();
});

const received = (socket: Awaited<ReturnType<typeof connectSynced>>['socket'], text: string) =>
  socket.next('msg', (frame) => frame.message.type === 'txt' && frame.message.msg === text);

describe('across processes on PostgreSQL and Redis', () => {
  it('delivers a 1:1 message sent on one process to the recipient on the other, with receipts and recall', async () => {
    const alice = await newUser(a.url);
    const bob = await newUser(b.url);
    const onA = await connectSynced(a.url, alice);
    const onB = await connectSynced(b.url, bob);
    sendText(onA.socket, bob.username, 'hello across');
    const ack = await onA.socket.next('ack');
    const { message } = await received(onB.socket, 'hello across');
    assert.equal(message.mid, ack.mid);
    assert.equal(message.seq, 1);

    onB.socket.send({ t: 'read', mid: ack.mid, to: alice.username });
    const read = await onA.socket.next('event', (f) => f.event.kind === 'read');
    assert.equal(read.event.kind === 'read' && read.event.mid, ack.mid);

    onA.socket.send({
      t: 'recall',
      id: 'r1',
      mid: ack.mid,
      to: bob.username,
      chatType: 'singleChat',
    });
    await onA.socket.next('recalled');
    const recall = await onB.socket.next('event', (f) => f.event.kind === 'recall');
    assert.equal(recall.event.kind === 'recall' && recall.event.mid, ack.mid);
    await Promise.all([onA.socket.close(), onB.socket.close()]);
  });

  it('carries a message sent online only to the sessions on the other process, storing it nowhere', async () => {
    const alice = await newUser(a.url);
    const bob = await newUser(b.url);
    const onA = await connectSynced(a.url, alice, { multi: true });
    const aliceOnB = await connectSynced(b.url, alice, { multi: true });
    const onB = await connectSynced(b.url, bob);
    onA.socket.send({
      t: 'msg',
      id: 'typing1',
      to: bob.username,
      chatType: 'singleChat',
      type: 'cmd',
      action: 'TypingBegin',
      deliverOnlineOnly: true,
    });
    const ack = await onA.socket.next('ack', (frame) => frame.id === 'typing1');
    assert.equal(ack.seq, 0);
    const { message } = await onB.socket.next('msg');
    assert.deepEqual([message.mid, message.seq, message.deliverOnlineOnly], [ack.mid, 0, true]);
    assert.equal((await aliceOnB.socket.next('msg')).message.mid, ack.mid);
    // A new device of Bob's, on the sender's process, is replayed nothing.
    const later = await connectSynced(a.url, bob, { multi: true, since: 0 });
    await settle(later.socket);
    assert.equal(later.syncDone.seq, 0);
    assert.equal(later.socket.received.filter((frame) => frame.t === 'msg').length, 0);
    await Promise.all([onA, aliceOnB, onB, later].map((session) => session.socket.close()));
  });

  it('keeps one sender’s messages in order and the recipient’s seqs gap-free when two processes write', async () => {
    const [alice, carl] = [await newUser(a.url), await newUser(b.url)];
    const bob = await newUser(a.url);
    const fromA = await connectSynced(a.url, alice);
    const fromB = await connectSynced(b.url, carl);
    const onB = await connectSynced(b.url, bob);
    for (let n = 0; n < 20; n++) {
      sendText(fromA.socket, bob.username, `a${n}`);
      sendText(fromB.socket, bob.username, `c${n}`);
    }
    const got: ServerMessage[] = [];
    for (let n = 0; n < 40; n++) got.push((await onB.socket.next('msg')).message);
    assert.deepEqual(
      got.map((m) => m.seq).sort((x, y) => x - y),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    for (const prefix of ['a', 'c']) {
      assert.deepEqual(
        got.map(textOf).filter((text) => text.startsWith(prefix)),
        Array.from({ length: 20 }, (_, n) => `${prefix}${n}`),
      );
    }
    await Promise.all([fromA.socket.close(), fromB.socket.close(), onB.socket.close()]);
  });

  it('carries reactions between processes: each change reaches the members on the other one', async () => {
    const alice = await newUser(a.url);
    const bob = await newUser(b.url);
    const carol = await newUser(b.url);
    const onA = await connectSynced(a.url, alice);
    const onB = await connectSynced(b.url, bob);
    // Bob's second device is on A: his own change reaches it from B.
    const bobOnA = await connectSynced(a.url, bob, { multi: true });
    const react = (base: string, user: typeof alice, mid: string, reaction: string, add = true) =>
      ok(
        add
          ? rest(base, user, 'POST', `/reaction/user/${user.username}`, {
              msgId: mid,
              message: reaction,
            })
          : rest(
              base,
              user,
              'DELETE',
              `/reaction/user/${user.username}?msgId=${mid}&message=${encodeURIComponent(reaction)}`,
            ),
      );
    const reactionOn = (socket: typeof onA.socket, mid: string) =>
      socket.next('reaction', (frame) => frame.messageId === mid);

    sendText(onA.socket, bob.username, 'react across');
    const ack = await onA.socket.next('ack');
    await received(onB.socket, 'react across');
    await react(b.url, bob, ack.mid, '👍');
    const toAlice = await reactionOn(onA.socket, ack.mid);
    assert.deepEqual(toAlice.reactions, [
      {
        reaction: '👍',
        count: 1,
        userList: [bob.username],
        isAddedBySelf: false,
        op: [{ operator: bob.username, reactionType: 'create' }],
      },
    ]);
    assert.equal((await reactionOn(bobOnA.socket, ack.mid)).reactions[0]!.isAddedBySelf, true);
    await reactionOn(onB.socket, ack.mid);
    // Taken back on A, heard on B.
    await react(a.url, bob, ack.mid, '👍', false);
    const removed = await reactionOn(onB.socket, ack.mid);
    assert.deepEqual(
      removed.reactions.map((r) => [r.reaction, r.count, r.op?.[0]?.reactionType]),
      [['👍', 0, 'delete']],
    );

    // In a group made on A, with its members on B: every member's sessions hear it.
    const created = await rest<{ data: { groupid: string } }>(a.url, alice, 'POST', '/chatgroups', {
      groupname: 'reacting across',
      public: false,
      inviteNeedConfirm: false,
      members: [bob.username, carol.username],
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const gid = created.body.data.groupid;
    const carolOnB = await connectSynced(b.url, carol);
    await groupEvent(onB.socket, 'directJoined');
    sendGroupText(onA.socket, gid, 'vote across');
    const groupAck = await onA.socket.next('ack', (f) => f.mid !== ack.mid);
    await received(carolOnB.socket, 'vote across');
    await react(a.url, alice, groupAck.mid, '✅');
    for (const socket of [onB.socket, carolOnB.socket, bobOnA.socket]) {
      const frame = await reactionOn(socket, groupAck.mid);
      assert.equal(frame.chatType, 'groupChat');
      assert.equal(frame.to, gid);
      assert.deepEqual(
        frame.reactions.map((r) => [r.reaction, r.count, r.userList, r.isAddedBySelf]),
        [['✅', 1, [alice.username], false]],
      );
    }
    await Promise.all([onA, onB, bobOnA, carolOnB].map((connection) => connection.socket.close()));
  });

  it('carries contact and group events, group messages and presence between processes', async () => {
    const alice = await newUser(a.url);
    const bob = await newUser(b.url);
    const onA = await connectSynced(a.url, alice);
    const onB = await connectSynced(b.url, bob);
    await befriend(a.url, alice, bob);
    await contactEvent(onB.socket, 'accept');
    // Bob's session is on B; A's REST answers that he is online, and A hears him go.
    const contacts = await rest<{ entities: { username: string; online: boolean }[] }>(
      a.url,
      alice,
      'GET',
      `/users/${alice.username}/contacts/users`,
    );
    assert.deepEqual(contacts.body.entities, [{ username: bob.username, online: true }]);

    const created = await rest<{ data: { groupid: string } }>(a.url, alice, 'POST', '/chatgroups', {
      groupname: 'across',
      public: false,
      inviteNeedConfirm: false,
      members: [bob.username],
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const gid = created.body.data.groupid;
    await groupEvent(onB.socket, 'directJoined');
    sendGroupText(onB.socket, gid, 'to the group');
    const { message } = await received(onA.socket, 'to the group');
    assert.equal(message.to, gid);

    await onB.socket.close();
    const presence = await onA.socket.next('presence', (f) => f.user === bob.username && !f.online);
    assert.equal(presence.online, false);
    await onA.socket.close();
  });

  it('carries room messages between processes, live to the members connected on the other', async () => {
    const alice = await newUser(a.url);
    const bob = await newUser(b.url);
    const rooms = await ok(
      rest<{ data: { id: string; name: string }[] }>(
        a.url,
        alice,
        'GET',
        '/chatrooms?pagenum=1&pagesize=100',
      ),
    );
    const lobby = rooms.data.find((room) => room.name === 'Lobby')?.id ?? '';
    await ok(rest(a.url, alice, 'POST', `/chatrooms/${lobby}/apply`));
    await ok(rest(b.url, bob, 'POST', `/chatrooms/${lobby}/apply`));
    const onA = await connectSynced(a.url, alice);
    const onB = await connectSynced(b.url, bob);
    sendRoomText(onB.socket, lobby, 'to the lobby');
    const { message } = await received(onA.socket, 'to the lobby');
    assert.deepEqual(
      [message.to, message.chatType, message.from, message.seq],
      [lobby, 'chatRoom', bob.username, 0],
    );
    await Promise.all([onA.socket.close(), onB.socket.close()]);
  });

  it('turns the users of a process killed with SIGKILL offline for the others once its heartbeats stop', async (t) => {
    // Everything but the sessions is made on A first (the database is shared), so the victim dies
    // within its first second: a process must be known to the others before it counts anything.
    const alice = await newUser(a.url);
    const carol = await newUser(a.url);
    const bob = await newUser(a.url);
    await befriend(a.url, alice, bob);
    await befriend(a.url, carol, bob);
    const onB = await connectSynced(b.url, bob);
    const carolHere = await connectSynced(a.url, carol, { multi: true });
    // A real process this time: kill -9 leaves it no chance to count its sessions down.
    const victim = new ServerProcess({
      env: { OPENWEBIM_DATABASE_URL: shared.databaseUrl, OPENWEBIM_REDIS_URL: shared.redisUrl },
    });
    await victim.start();
    t.after(() => victim.dispose());
    // Alice is only on the victim; Carol on the victim and on A.
    const [aliceThere, carolThere] = await Promise.all([
      connectSynced(victim.url, alice),
      connectSynced(victim.url, carol, { multi: true }),
    ]);
    const online = async () =>
      (
        await rest<{ entities: { username: string; online: boolean }[] }>(
          a.url,
          bob,
          'GET',
          `/users/${bob.username}/contacts/users`,
        )
      ).body.entities.sort((x, y) => x.username.localeCompare(y.username));
    const expected = (aliceOnline: boolean) =>
      [
        { username: alice.username, online: aliceOnline },
        { username: carol.username, online: true },
      ].sort((x, y) => x.username.localeCompare(y.username));
    assert.deepEqual(await online(), expected(true));

    const child = victim.child;
    assert.ok(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    victim.child = undefined;
    await Promise.all([aliceThere.socket.closed, carolThere.socket.closed]);
    // Four missed heartbeats (1 s each), then a survivor's next beat sweeps the dead process.
    const offline = await onB.socket.next(
      'presence',
      (frame) => frame.user === alice.username && !frame.online,
      10_000,
    );
    assert.equal(offline.online, false);
    // Carol still has a session on A: she stays online and nobody is told otherwise.
    assert.deepEqual(await online(), expected(false));
    assert.ok(
      !onB.socket.received.some(
        (frame) => frame.t === 'presence' && frame.user === carol.username && !frame.online,
      ),
      'carol never looked offline',
    );
    await Promise.all([onB.socket.close(), carolHere.socket.close()]);
  });

  it('gives a process swept while it stalled its users back when it runs again, without reconnecting', async (t) => {
    // SIGSTOP holds the whole process still, as a long GC pause or a paused VM does: its event
    // loop runs nothing and its sockets stay open until SIGCONT. The others take it for dead after
    // four missed heartbeats and sweep it; when it runs again it must count its sessions again.
    const app = `stall${Date.now().toString(36)}#chat`;
    await a.server.domain.apps.add(app, { maxSessionsPerUser: 2 });
    const alice = await newUser(a.url, app);
    const bob = await newUser(a.url, app);
    await befriend(a.url, alice, bob, app);
    const onB = await connectSynced(b.url, bob, { appKey: app });
    const stalled = new ServerProcess({
      env: { OPENWEBIM_DATABASE_URL: shared.databaseUrl, OPENWEBIM_REDIS_URL: shared.redisUrl },
    });
    await stalled.start();
    const child = stalled.child;
    assert.ok(child);
    t.after(() => {
      child.kill('SIGCONT');
      return stalled.dispose();
    });
    const there = await connectSynced(stalled.url, alice, { appKey: app });
    const aliceOnline = async () => {
      const { body } = await rest<{ entities: { username: string; online: boolean }[] }>(
        a.url,
        bob,
        'GET',
        `/users/${bob.username}/contacts/users`,
        undefined,
        app,
      );
      return body.entities.find((entry) => entry.username === alice.username)?.online;
    };
    const presence = (online: boolean) =>
      onB.socket.next('presence', (f) => f.user === alice.username && f.online === online, 15_000);
    await presence(true);
    assert.equal(await aliceOnline(), true);

    child.kill('SIGSTOP');
    await presence(false);
    assert.equal(await aliceOnline(), false, 'swept');
    child.kill('SIGCONT');
    await presence(true);
    assert.equal(await aliceOnline(), true, 'counted again');
    // The same session all along: it still sends, and nothing closed it.
    sendText(there.socket, bob.username, 'still here');
    await there.socket.next('ack');
    await received(onB.socket, 'still here');

    // Listed again in its place: the oldest of her sessions when two more open past the cap of 2.
    const more = [
      await connectSynced(a.url, alice, { appKey: app, multi: true }),
      await connectSynced(b.url, alice, { appKey: app, multi: true }),
    ];
    assert.equal((await there.socket.next('kicked')).code, 206);
    await there.socket.closed;
    // Counted once: when her last sessions close she is offline, on every process.
    await Promise.all(more.map(({ socket }) => socket.close()));
    await presence(false);
    assert.equal(await aliceOnline(), false);
    await onB.socket.close();
  });

  it('kicks a single-login session on one process when the user logs in on the other', async () => {
    const alice = await newUser(a.url);
    const older = await connectSynced(a.url, alice);
    const newer = await connectSynced(b.url, alice);
    const kicked = await older.socket.next('kicked');
    assert.deepEqual(kicked, { t: 'kicked', code: 206, reason: 'logged in on another device' });
    await newer.socket.close();
  });

  it('keeps the newer single login across processes whatever their clocks say', async (t) => {
    // The victim's clock is a minute ahead (another machine's clock; see skewed-clock.mjs): its
    // login happened first and must lose to the later one on A, and the reverse the other way.
    const ahead = new ServerProcess({
      env: {
        OPENWEBIM_DATABASE_URL: shared.databaseUrl,
        OPENWEBIM_REDIS_URL: shared.redisUrl,
        NODE_OPTIONS: `--import=${new URL('../support/skewed-clock.mjs', import.meta.url).href}`,
        OPENWEBIM_TEST_CLOCK_SKEW_MS: '60000',
      },
    });
    await ahead.start();
    t.after(() => ahead.dispose());
    const alice = await newUser(a.url);
    const first = await connectSynced(ahead.url, alice);
    const second = await connectSynced(a.url, alice);
    assert.equal((await first.socket.next('kicked')).code, 206);
    const third = await connectSynced(ahead.url, alice);
    assert.equal((await second.socket.next('kicked')).code, 206);
    await settle(third.socket);
    assert.ok(!third.socket.received.some((frame) => frame.t === 'kicked'));

    // Two logins at the same moment on two processes: exactly one survives.
    await third.socket.close();
    // (The loser may be kicked before its auth-ok: it lost before it was told it is in.)
    const login = async (url: string) => {
      const socket = await TestSocket.open(wsUrl(url));
      socket.send({
        t: 'auth',
        user: alice.username,
        token: alice.token,
        deviceId: url,
        multi: false,
      });
      return socket;
    };
    const both = await Promise.all([login(a.url), login(b.url)]);
    const kicked = await Promise.race(
      both.map((socket, index) => socket.next('kicked').then(() => index)),
    );
    const survivor = both[1 - kicked]!;
    await survivor.next('sync-done');
    await settle(survivor);
    assert.ok(!survivor.received.some((frame) => frame.t === 'kicked'), 'one survives');
    await survivor.close();
  });

  it('caps a user’s sessions and an address’s sockets for the whole service, not per process', async (t) => {
    // Two more processes trusting a proxy, so the forwarded address is the one counted.
    const limited = { ...shared, connectionsPerAddress: 3, trustProxy: true };
    const [c, d] = [await startTestServer(limited), await startTestServer(limited)];
    t.after(() => Promise.all([c.close(), d.close()]));
    const app = `cap${Date.now().toString(36)}#chat`;
    await c.server.domain.apps.add(app, { maxSessionsPerUser: 3 });
    const carol = await newUser(c.url, app);
    const from = (ip: string) => ({ appKey: app, multi: true, headers: { 'x-forwarded-for': ip } });
    // Three sessions on two processes; a fourth on either kicks the oldest, on the other one.
    const oldest = await connectSynced(c.url, carol, from('10.7.0.1'));
    const second = await connectSynced(d.url, carol, from('10.7.0.2'));
    const third = await connectSynced(c.url, carol, from('10.7.0.3'));
    const fourth = await connectSynced(d.url, carol, from('10.7.0.4'));
    assert.deepEqual(await oldest.socket.next('kicked'), {
      t: 'kicked',
      code: 206,
      reason: 'too many sessions: logged in on another device',
    });
    // The three newest stay (a closed socket fails to answer).
    for (const { socket } of [second, third, fourth]) await settle(socket);
    await Promise.all([second, third, fourth].map(({ socket }) => socket.close()));

    // Three sockets from one address, spread over both processes: a fourth is refused on either.
    const dave = await newUser(c.url, app);
    const one = from('10.7.0.9');
    const open = [
      await connectSynced(c.url, dave, one),
      await connectSynced(d.url, dave, one),
      await connectSynced(c.url, dave, one),
    ];
    for (const server of [c, d]) {
      await assert.rejects(
        TestSocket.open(wsUrl(server.url, app), { 'x-forwarded-for': '10.7.0.9' }),
        /upgrade refused: 429/,
      );
    }
    await open[0]!.socket.close();
    // Counted down on the other process once it closed there.
    let again;
    for (let tries = 0; !again && tries < 50; tries++) {
      again = await connectSynced(d.url, dave, one).catch(() => undefined);
      if (!again) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(again, 'a socket closed on C frees a place on D');
    await Promise.all([again, open[1]!, open[2]!].map(({ socket }) => socket.close()));
  });

  it('counts a rate limit once for the whole service, not once per process', async (t) => {
    // Two more processes on the same database and Redis, allowing 4 registrations a second each:
    // eight in the same second, half on each. (a and b keep the default, so that the users the
    // other tests register never meet this limit.) The window is the epoch second, counted in
    // Redis for every process: start at a fresh one.
    const limited = { ...shared, registerPerSecond: 4 };
    const [c, d] = [await startTestServer(limited), await startTestServer(limited)];
    t.after(() => Promise.all([c.close(), d.close()]));
    await new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));
    const second = Math.floor(Date.now() / 1000);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        api(n % 2 ? c.url : d.url, 'POST', '/demo/chat/users', {
          body: { username: `rl${second}x${n}`, password: 'secret-pw' },
        }).then((response) => response.status),
      ),
    );
    // Should the second have turned meanwhile, the new window allows four more.
    if (Math.floor(Date.now() / 1000) === second) {
      assert.deepEqual(
        statuses.sort(),
        [200, 200, 200, 200, 429, 429, 429, 429],
        'four for the service',
      );
    }
  });

  it('lists every live process in server.json, this one first', async () => {
    for (const [server, own, other] of [
      [a, 'a.example', 'b.example'],
      [b, 'b.example', 'a.example'],
    ] as const) {
      const response = await api<DnsResponse>(
        server.url,
        'GET',
        '/easemob/server.json?app_key=demo%23chat',
      );
      assert.equal(response.status, 200);
      assert.deepEqual(
        response.body.rest.hosts.map((host) => host.domain),
        [own, other],
      );
      assert.deepEqual(
        response.body['msync-ws'].hosts.map(
          (host) => `${host.protocol}://${host.domain}:${host.port}`,
        ),
        [own, other].map((name) => `ws://${name}:${name === 'a.example' ? 8001 : 8002}`),
      );
    }
  });

  it('says it is ready, and not ready while Redis is down; sessions catch up after Redis restarts', async () => {
    assert.deepEqual((await api(a.url, 'GET', '/health')).body, { status: 'ok' });
    assert.deepEqual((await api(a.url, 'GET', '/ready')).body, {
      status: 'ready',
      storage: 'ok',
      bus: 'ok',
    });
    const alice = await newUser(a.url);
    const bob = await newUser(b.url);
    const onA = await connectSynced(a.url, alice);
    const onB = await connectSynced(b.url, bob);

    redis.stop();
    // Until the processes notice, /ready may still say ready; then it says why not.
    let down = await api(a.url, 'GET', '/ready');
    for (let tries = 0; down.status === 200 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      down = await api(a.url, 'GET', '/ready');
    }
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, { status: 'unavailable', storage: 'ok', bus: 'unreachable' });
    // Sent while Redis is down: stored and acked, published nowhere.
    sendText(onA.socket, bob.username, 'while redis was down');
    await onA.socket.next('ack');

    redis = await startRedis({ port: redis.port });
    // Once Redis is back, both processes close their sessions so their clients catch up.
    await Promise.all([onA.socket.closed, onB.socket.closed]);
    const back = await connectSynced(b.url, bob, { since: onB.syncDone.seq });
    const replayed = () =>
      back.socket.received.filter(
        (frame) => frame.t === 'msg' && textOf(frame.message) === 'while redis was down',
      ).length;
    assert.equal(replayed(), 1, 'replayed once');
    // And live again across processes.
    const again = await connectSynced(a.url, alice);
    sendText(again.socket, bob.username, 'after the restart');
    await received(back.socket, 'after the restart');
    assert.equal(replayed(), 1);
    await Promise.all([again.socket.close(), back.socket.close()]);
  });
});
