// The `openwebim-server` CLI of server/cli.ts, run as the child process users run, including apps
// added while a server runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServerProcess } from '../support/server-process.mjs';
import { Limits } from '../../src/protocol/rest.js';
import {
  PASSWORD,
  api,
  assertError,
  connect,
  newUser,
  register,
  uniqueName,
  wsUrl,
} from './support/test-server.js';
import { freshDatabase } from './support/postgres.js';
import { TestSocket } from './support/ws-client.js';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface Harness {
  url: string;
  output: string;
  start(): Promise<Harness>;
  dispose(): Promise<void>;
  cli(args: string[]): Promise<CliResult>;
}

let server: Harness;
before(async () => {
  server = (await new ServerProcess().start()) as Harness;
});
after(() => server.dispose());

describe('openwebim-server start', () => {
  it('logs where it listens and that demo#chat may be embedded anywhere', () => {
    assert.match(server.output, /openwebim listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(server.output, /app demo#chat: any origin may embed it/);
  });

  it('names localhost, an address a browser can open, when it listens on every interface', async () => {
    const everywhere = await new ServerProcess({ env: { HOST: '0.0.0.0' } }).start();
    try {
      assert.match(everywhere.output, /openwebim listening on http:\/\/localhost:\d+/);
      assert.match(everywhere.output, /app set demo#chat --origins/);
    } finally {
      await everywhere.dispose();
    }
  });
});

describe('openwebim-server app add', () => {
  it('refuses a malformed key, a duplicate key and bad options with a message and non-zero exit', async () => {
    const bad = await server.cli(['app', 'add', 'no-hash']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /bad app key "no-hash"/);
    const again = await server.cli(['app', 'add', 'demo#chat']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /app demo#chat already exists/);
    const count = await server.cli(['app', 'add', `cli#${uniqueName('a')}`, '--max-users', 'lots']);
    assert.notEqual(count.code, 0);
    assert.match(count.stderr, /--max-users must be a positive integer/);
    const origin = await server.cli([
      'app',
      'add',
      `cli#${uniqueName('a')}`,
      '--origins',
      'shop.example',
    ]);
    assert.notEqual(origin.code, 0);
    assert.match(origin.stderr, /bad origin "shop.example"/);
    const unknown = await server.cli(['app', 'add', `cli#${uniqueName('a')}`, '--colour', 'red']);
    assert.equal(unknown.code, 2);
    const verb = await server.cli(['app', 'remove', 'demo#chat']);
    assert.equal(verb.code, 2);
    assert.match(verb.stderr, /usage/);
  });

  it('adds a closed app that a running server refuses registration for at once', async () => {
    const app = `cli${uniqueName('c')}`;
    const added = await server.cli(['app', 'add', `${app}#closed`, '--closed-registration']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /registration: closed/);
    assertError(
      await api(server.url, 'POST', `/${app}/closed/users`, {
        body: { username: uniqueName(), password: PASSWORD },
      }),
      401,
      'unauthorized',
      'registration is not open, please contact the app admin',
    );
  });

  it('adds an app with a user limit that a running server enforces', async () => {
    const key = `cli#${uniqueName('m')}`;
    assert.equal((await server.cli(['app', 'add', key, '--max-users', '1'])).code, 0);
    await register(server.url, key);
    assertError(
      await api(server.url, 'POST', `/${key.replace('#', '/')}/users`, {
        body: { username: uniqueName(), password: PASSWORD },
      }),
      429,
      'resource_limited',
    );
  });

  it('adds an app with origins: CORS and WebSocket follow on the running server', async () => {
    const key = `cli#${uniqueName('o')}`;
    const added = await server.cli([
      'app',
      'add',
      key,
      '--origins',
      'https://shop.example, http://localhost:3000',
    ]);
    assert.equal(added.code, 0, added.stderr);
    const path = `/${key.replace('#', '/')}/users`;
    const allowed = await api(server.url, 'POST', path, {
      body: { username: uniqueName(), password: PASSWORD },
      headers: { origin: 'http://localhost:3000' },
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    const refused = await api(server.url, 'POST', path, {
      body: { username: uniqueName(), password: PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    assertError(refused, 403, 'forbidden_op');
    await assert.rejects(
      TestSocket.open(wsUrl(server.url, key), { origin: 'https://evil.example' }),
      { statusCode: 403 },
    );
    const socket = await TestSocket.open(wsUrl(server.url, key), {
      origin: 'https://shop.example',
    });
    await socket.close();
  });

  it('adds an app with a token lifetime and a message size', async () => {
    const key = `cli#${uniqueName('t')}`;
    const added = await server.cli([
      'app',
      'add',
      key,
      '--token-ttl',
      '120',
      '--max-message-bytes',
      '10',
    ]);
    assert.equal(added.code, 0, added.stderr);
    const alice = await newUser(server.url, key);
    const bob = await newUser(server.url, key);
    const expires = await api<{ expire_timestamp: number }>(
      server.url,
      'GET',
      `/${key.replace('#', '/')}/sdk/users/${alice.username}/token/expires`,
      { token: alice.token },
    );
    assert.ok(expires.body.expire_timestamp <= Date.now() + 120_000);
    assert.ok(expires.body.expire_timestamp > Date.now() + 100_000);
    const socket = await TestSocket.open(wsUrl(server.url, key));
    socket.send({
      t: 'auth',
      user: alice.username,
      token: alice.token,
      deviceId: 'd',
      multi: false,
    });
    await socket.next('auth-ok');
    const msg = { t: 'msg', chatType: 'singleChat', type: 'txt', to: bob.username };
    socket.send({ ...msg, id: 'short', msg: '0123456789' });
    assert.equal((await socket.next('ack')).id, 'short');
    socket.send({ ...msg, id: 'long', msg: '0123456789a' });
    assert.equal((await socket.next('nack')).code, 511);
    await socket.close();
  });
});

describe('openwebim-server app list', () => {
  it('prints every app with its settings', async () => {
    const key = `cli#${uniqueName('l')}`;
    await server.cli(['app', 'add', key, '--max-users', '5']);
    const list = await server.cli(['app', 'list']);
    assert.equal(list.code, 0);
    assert.match(
      list.stdout,
      /^demo#chat {2}registration: open {2}max users: unlimited {2}origins: any/m,
    );
    assert.match(list.stdout, new RegExp(`^${key} .*max users: 5`, 'm'));
  });
});

describe('openwebim-server app set', () => {
  it('changes an existing app on a running server: file limit, recall window, registration', async () => {
    const key = `cli#${uniqueName('s')}`;
    const added = await server.cli(['app', 'add', key, '--max-file-bytes', '25000000']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /max file bytes: 25000000 {2}recall seconds: default/);
    const set = await server.cli([
      'app',
      'set',
      key,
      '--recall-seconds',
      '5',
      '--closed-registration',
    ]);
    assert.equal(set.code, 0, set.stderr);
    // Settings not given are kept.
    assert.match(
      set.stdout,
      /registration: closed .*max file bytes: 25000000 {2}recall seconds: 5/,
    );
    const response = await api(server.url, 'POST', `/${key.replace('#', '/')}/users`, {
      body: { username: uniqueName(), password: PASSWORD },
    });
    assertError(response, 401, 'unauthorized');
    const reopened = await server.cli(['app', 'set', key, '--open-registration']);
    assert.match(reopened.stdout, /registration: open/);
    // Clients learn the app's limits at login, so they refuse exactly what this server would.
    const { socket, authOk } = await connect(server.url, await newUser(server.url, key), {
      appKey: key,
    });
    assert.deepEqual(authOk.limits, {
      messageMaxBytes: Limits.messageMaxBytes,
      fileMaxBytes: 25_000_000,
      recallSeconds: 5,
    });
    await socket.close();
  });

  it('turns guests on and off on a running server, with their retention; prints and rotates the client secret (issue 9)', async () => {
    const key = `cli#${uniqueName('g')}`;
    const guests = () => api(server.url, 'POST', `/${key.replace('#', '/')}/guests`, { body: {} });
    const added = await server.cli(['app', 'add', key, '--guests', '--guest-retention-days', '5']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /guests: on {2}guest retention days: 5/);
    assert.equal((await guests()).status, 200);
    // The site's backend credentials, printed once.
    const id = /client id: (YXA6\S+)/.exec(added.stdout)?.[1];
    const secret = /client secret: (YXA6\S+)/.exec(added.stdout)?.[1];
    assert.ok(id && secret, added.stdout);
    const rotated = await server.cli(['app', 'set', key, '--rotate-secret']);
    assert.equal(/client id: (\S+)/.exec(rotated.stdout)?.[1], id);
    const newSecret = /client secret: (\S+)/.exec(rotated.stdout)?.[1];
    assert.ok(newSecret && newSecret !== secret, rotated.stdout);
    const appToken = (clientSecret: string) =>
      api(server.url, 'POST', `/${key.replace('#', '/')}/token`, {
        body: { grant_type: 'client_credentials', client_id: id, client_secret: clientSecret },
      });
    assertError(await appToken(secret), 400, 'invalid_grant');
    assert.equal((await appToken(newSecret)).status, 200);
    const off = await server.cli(['app', 'set', key, '--no-guests']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /guests: off {2}guest retention days: 5/, 'the retention is kept');
    assertError(await guests(), 403, 'forbidden_op', 'guests are not enabled for this app');
    const plain = await server.cli(['app', 'add', `cli#${uniqueName('g')}`]);
    assert.match(plain.stdout, /guests: off {2}guest retention days: 30/);
    const both = await server.cli(['app', 'set', key, '--guests', '--no-guests']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /contradict/);
    const zero = await server.cli(['app', 'set', key, '--guest-retention-days', '0']);
    assert.equal(zero.code, 2);
  });

  it('refuses an unknown app and contradictory flags', async () => {
    const missing = await server.cli(['app', 'set', 'cli#no-such-app', '--recall-seconds', '5']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no app cli#no-such-app/);
    const both = await server.cli([
      'app',
      'set',
      'demo#chat',
      '--open-registration',
      '--closed-registration',
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /contradict/);
    const zero = await server.cli(['app', 'set', 'demo#chat', '--max-file-bytes', '0']);
    assert.equal(zero.code, 2);
  });
});

describe('configuration', () => {
  it('refuses to start with a malformed setting and says which', async () => {
    const bad = new ServerProcess({ env: { OPENWEBIM_TOKEN_TTL: 'forever' } }) as Harness;
    await assert.rejects(bad.start(), /OPENWEBIM_TOKEN_TTL must be a positive integer/);
    await bad.dispose();
  });

  it('lists configured DNS hosts', async () => {
    const configured = new ServerProcess({
      env: { OPENWEBIM_REST_HOSTS: 'https://a.example,http://b.example:81' },
    }) as Harness;
    await configured.start();
    try {
      const dns = await api<{ rest: { hosts: { domain: string }[] } }>(
        configured.url,
        'GET',
        '/easemob/server.json?app_key=demo%23chat',
      );
      assert.deepEqual(
        dns.body.rest.hosts.map((h) => h.domain),
        ['a.example', 'b.example'],
      );
    } finally {
      await configured.dispose();
    }
  });
});

describe('openwebim-server on PostgreSQL (OPENWEBIM_DATABASE_URL)', () => {
  it('starts on a fresh database with demo#chat and its Lobby, and the CLI adds an app it serves at once', async () => {
    const env = { OPENWEBIM_DATABASE_URL: await freshDatabase() };
    const pgServer = (await new ServerProcess({ env }).start()) as Harness;
    try {
      const user = await newUser(pgServer.url);
      const rooms = await api<{ data: { name: string }[] }>(
        pgServer.url,
        'GET',
        '/demo/chat/chatrooms',
        { token: user.token },
      );
      assert.equal(rooms.status, 200);
      assert.deepEqual(
        rooms.body.data.map((room) => room.name),
        ['Lobby'],
      );
      const key = `pg#${uniqueName('a')}`;
      const added = await pgServer.cli(['app', 'add', key, '--max-users', '1']);
      assert.equal(added.code, 0, added.stderr);
      const listed = await pgServer.cli(['app', 'list']);
      assert.match(listed.stdout, /demo#chat/);
      assert.ok(listed.stdout.includes(key), listed.stdout);
      await register(pgServer.url, key);
      assertError(
        await api(pgServer.url, 'POST', `/${key.replace('#', '/')}/users`, {
          body: { username: uniqueName(), password: PASSWORD },
        }),
        429,
        'resource_limited',
      );
    } finally {
      await pgServer.dispose();
    }
  });
});
