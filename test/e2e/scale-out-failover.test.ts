// Three server processes on one PostgreSQL database and one Redis, 30 clients of the real SDK
// (src/sdk, in node over the `ws` WebSocket) spread over them, sending 1:1 and group messages;
// one process is killed with SIGKILL in the middle. Its clients fail over through server.json to
// the other two (the SDK's own host failover and outbox). Afterwards: every message acked to its
// sender reached every recipient exactly once, in send order per sender and conversation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import WebIM, { type Connection } from '../../src/sdk/index.js';
import { ServerProcess } from '../support/server-process.mjs';
import { startRedis } from '../support/services.mjs';
import { freshDatabase } from '../server/support/postgres.js';
import { register, rest, type TestUser, token } from '../server/support/test-server.js';

// The SDK is the browser's: in node it gets the `ws` WebSocket (fetch is node's own).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const USERS = 30;
const DIRECT = 12;
const GROUP = 6;
const APP_KEY = 'demo#chat';

interface Received {
  mid: string;
  from: string;
  to: string;
  text: string;
}

interface Client {
  username: string;
  conn: Connection;
  received: Received[];
  acked: { mid: string; to: string; chatType: string; text: string }[];
}

let redis: Awaited<ReturnType<typeof startRedis>>;
const servers: ServerProcess[] = [];
const clients: Client[] = [];

before(async () => {
  redis = await startRedis();
  const env = {
    OPENWEBIM_DATABASE_URL: await freshDatabase(),
    OPENWEBIM_REDIS_URL: redis.url,
    OPENWEBIM_LOG_LEVEL: 'error',
  };
  for (let n = 0; n < 3; n++) {
    // Its public URL names its port: picked again if another process takes it first.
    const server = new ServerProcess({
      env: (port) => ({ ...env, OPENWEBIM_PUBLIC_URL: `http://127.0.0.1:${port}` }),
    });
    servers.push(await server.start());
  }
});

after(async () => {
  for (const client of clients) client.conn.close();
  for (const server of servers) await server.dispose();
  redis?.stop();
});

const text = (to: string, chatType: 'singleChat' | 'groupChat', msg: string) =>
  WebIM.message.create({ type: 'txt', chatType, to, msg });

/** Waits until `done()` holds, checking every 50 ms; fails with `what` after `timeoutMs`. */
async function until(done: () => boolean, what: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(what());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('three processes, one killed mid-run', () => {
  it('delivers every acked message exactly once, in order, through the failover', async () => {
    const base = servers[0]!.url;
    const users: TestUser[] = [];
    for (let i = 0; i < USERS; i++) {
      const username = await register(base, APP_KEY, `fo${Date.now().toString(36)}x${i}`);
      users.push({ username, token: (await token(base, APP_KEY, username)).access_token });
    }
    // Three groups of ten; each spans the three processes (user i is on process i % 3).
    const groups: string[] = [];
    for (let g = 0; g < 3; g++) {
      const members = users.slice(g * 10, g * 10 + 10);
      const created = await rest<{ data: { groupid: string } }>(
        base,
        members[0]!,
        'POST',
        '/chatgroups',
        {
          groupname: `g${g}`,
          public: false,
          inviteNeedConfirm: false,
          members: members.slice(1).map((member) => member.username),
        },
      );
      assert.equal(created.status, 200, JSON.stringify(created.body));
      groups.push(created.body.data.groupid);
    }

    for (const [i, user] of users.entries()) {
      const conn = new WebIM.connection({
        appKey: APP_KEY,
        isHttpDNS: true,
        dnsUrl: servers[i % 3]!.url,
        deviceId: `device-${i}`,
        autoReconnectNumMax: 50,
        autoReconnectInterval: 0.2,
      });
      const client: Client = { username: user.username, conn, received: [], acked: [] };
      conn.listen({
        onTextMessage: (message: { id: string; from: string; to: string; msg: string }) => {
          client.received.push({
            mid: message.id,
            from: message.from,
            to: message.to,
            text: message.msg,
          });
        },
      });
      clients.push(client);
    }
    await Promise.all(
      clients.map((client) =>
        client.conn.open({
          user: client.username,
          accessToken: users.find((u) => u.username === client.username)!.token,
        }),
      ),
    );

    let acks = 0;
    let killed = false;
    const failures: string[] = [];
    const total = USERS * (DIRECT + GROUP);
    const sending = clients.map(async (client, i) => {
      const peer = clients[(i + 1) % USERS]!.username;
      const gid = groups[Math.floor(i / 10)]!;
      for (let n = 0; n < DIRECT + GROUP; n++) {
        const direct = n % 3 !== 2 || n >= GROUP * 3;
        const to = direct ? peer : gid;
        const chatType = direct ? 'singleChat' : 'groupChat';
        const body = `${client.username} ${chatType} ${n}`;
        try {
          const sent = (await client.conn.send(text(to, chatType, body))) as {
            serverMsgId: string;
          };
          client.acked.push({ mid: sent.serverMsgId, to, chatType, text: body });
          acks += 1;
        } catch (error) {
          // Not acked (the SDK gave up on it): it need not arrive, but may (stored, ack lost).
          failures.push(JSON.stringify(error));
        }
        if (!killed && acks >= total / 3) {
          killed = true;
          // kill -9: no goodbye, no cleanup; its sockets drop.
          const victim = servers[1]!;
          const child = victim.child;
          assert.ok(child, 'the victim runs');
          // Gone: its later stop() must not wait for an exit that already happened.
          child.once('exit', () => {
            victim.child = undefined;
          });
          child.kill('SIGKILL');
        }
      }
    });
    await Promise.all(sending);
    assert.ok(killed, 'a process was killed mid-run');
    const acked = clients.reduce((sum, client) => sum + client.acked.length, 0);
    assert.ok(acked > total * 0.9, `most messages acked (${acked} of ${total})`);

    // Who must receive what: 1:1 the peer, a group its other nine members.
    const expected = new Map<string, { mid: string; from: string; text: string }[]>();
    for (const [i, client] of clients.entries()) {
      for (const message of client.acked) {
        const recipients =
          message.chatType === 'singleChat'
            ? [message.to]
            : clients
                .slice(Math.floor(i / 10) * 10, Math.floor(i / 10) * 10 + 10)
                .map((member) => member.username)
                .filter((name) => name !== client.username);
        for (const name of recipients) {
          const list = expected.get(name) ?? [];
          list.push({ mid: message.mid, from: client.username, text: message.text });
          expected.set(name, list);
        }
      }
    }
    const missing = () =>
      clients.flatMap((client) => {
        const got = new Set(client.received.map((message) => message.mid));
        return (expected.get(client.username) ?? []).filter((message) => !got.has(message.mid));
      });
    await until(
      () => missing().length === 0,
      () => `lost: ${missing().length} messages, e.g. ${JSON.stringify(missing().slice(0, 3))}`,
      30_000,
    );

    let delivered = 0;
    let selfCopies = 0;
    for (const client of clients) {
      const mids = client.received.map((message) => message.mid);
      assert.equal(new Set(mids).size, mids.length, `${client.username} got a message twice`);
      // Nor stored twice under two ids (a resend after the failover is the same message).
      const texts = client.received.map((message) => message.text);
      assert.equal(new Set(texts).size, texts.length, `${client.username} got a text twice`);
      // A client may also get its own message as a copy (the replay after a reconnect carries the
      // sender's own inbox entry when its ack did not move the cursor): only ones it sent and had acked.
      const own = new Set(client.acked.map((message) => message.mid));
      const copies = client.received.filter((message) => message.from === client.username);
      for (const copy of copies) assert.ok(own.has(copy.mid), `${client.username}: ${copy.text}`);
      selfCopies += copies.length;
      const wantedMids = new Set((expected.get(client.username) ?? []).map((m) => m.mid));
      const extra = client.received.filter(
        (message) => message.from !== client.username && !wantedMids.has(message.mid),
      );
      assert.deepEqual(extra, [], `${client.username} got messages nobody acked to it`);
      delivered += mids.length - copies.length;
      // Per sender (1:1 and each group are separate conversations), the send order.
      const wanted = expected.get(client.username) ?? [];
      for (const sender of new Set(wanted.map((message) => message.from))) {
        for (const kind of ['singleChat', 'groupChat']) {
          const order = (list: { from: string; text: string }[]) =>
            list
              .filter((message) => message.from === sender && message.text.includes(` ${kind} `))
              .map((message) => message.text);
          assert.deepEqual(order(client.received), order(wanted), `${sender} → ${client.username}`);
        }
      }
    }
    // Nothing arrived that was not sent: every delivery is a text its sender sent.
    for (const client of clients) {
      for (const message of client.received) {
        assert.match(message.text, new RegExp(`^${message.from} (singleChat|groupChat) \\d+$`));
      }
    }
    const expectedCount = [...expected.values()].reduce((sum, list) => sum + list.length, 0);
    assert.equal(delivered, expectedCount, 'recipients got exactly what was acked, once');
    console.log(
      `# failover: ${acked} of ${total} sends acked (${failures.length} refused by the SDK` +
        `${failures.length ? `: ${[...new Set(failures)].join(', ')}` : ''}), ` +
        `${delivered} deliveries to recipients (+${selfCopies} own copies), 0 lost, 0 duplicated`,
    );
  });
});
