import { expect } from '@open-wc/testing';
import { mainServer, serverCli, uniqueName, type TestServer } from '../support/servers.js';
import { Recorder, closeAll, connection, loggedIn, until } from './sdk-fixtures.js';

describe('token expiry', () => {
  let server: TestServer;
  let appKey: string;

  before(async () => {
    server = await mainServer();
    appKey = `ttl${Date.now().toString(36)}#app`;
    const added = await serverCli(server.id, ['app', 'add', appKey, '--token-ttl', '3']);
    expect(added.code, added.stderr).to.equal(0);
  });

  afterEach(closeAll);

  async function user() {
    const account = { username: uniqueName('t'), password: 'secret' };
    await connection(server, { appKey }).registerUser(account);
    return account;
  }

  async function freshToken(username: string, password: string): Promise<string> {
    const [org, app] = appKey.split('#');
    const response = await fetch(`${server.url}/${org}/${app}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username, password }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it('fires onTokenWillExpire at 80 %, then onTokenExpired, and ends the session', async () => {
    const start = Date.now();
    const account = await user();
    const conn = connection(server, { appKey });
    const alice = { conn, events: new Recorder(conn) };
    const { accessToken } = await conn.open({ user: account.username, pwd: account.password });
    await alice.events.wait('onTokenWillExpire', 1, 5000);
    const willExpireAfter = Date.now() - start;
    await alice.events.wait('onTokenExpired', 1, 5000);
    const expiredAfter = Date.now() - start;
    await alice.events.wait('onClosed');
    expect(willExpireAfter).to.be.within(1800, 3000);
    expect(expiredAfter).to.be.within(2500, 4000);
    expect(alice.events.count('onTokenExpired')).to.equal(1);
    expect(alice.events.count('onReconnecting')).to.equal(0);
    expect(alice.events.names().slice(-3)).to.deep.equal([
      'onTokenExpired',
      'onClosed',
      'onDisconnected',
    ]);
    expect(alice.conn.isOpened()).to.equal(false);

    // The expired token is refused at auth (56): onError and onTokenExpired, no reconnection.
    const error = await alice.conn
      .open({ user: account.username, accessToken })
      .catch((e: unknown) => e);
    expect(error).to.include({ type: 56 });
    expect(alice.events.count('onTokenExpired')).to.equal(2);
    expect(alice.events.all('onError').at(-1)).to.deep.equal([error]);
    expect(alice.events.count('onReconnecting')).to.equal(0);
  });

  it('a token the server does not know is refused at auth, without reconnecting', async () => {
    const account = await user();
    const conn = connection(server, { appKey });
    const events = new Recorder(conn);
    const error = (await conn
      .open({ user: account.username, accessToken: 'no-such-token' })
      .catch((e: unknown) => e)) as { type: number; message: string };
    expect(error.type).to.equal(28);
    expect(error.message).to.be.a('string');
    expect(events.all('onError')).to.deep.equal([[error]]);
    expect(events.count('onReconnecting')).to.equal(0);
    expect(conn.isOpened()).to.equal(false);
  });

  it('renewToken moves the expiry of the session', async () => {
    const account = await user();
    const alice = await loggedIn(server, { appKey }, account);
    await alice.events.wait('onTokenWillExpire', 1, 5000);
    const token = await freshToken(account.username, account.password);
    const renewed = await alice.conn.renewToken(token);
    expect(renewed).to.include({ status: true, token });
    expect(renewed.expire).to.be.greaterThan(Date.now() + 2000);

    // The next warning comes from the new token, long after the old one ran out.
    await alice.events.wait('onTokenWillExpire', 2, 5000);
    expect(Date.now()).to.be.greaterThan(renewed.expire - 3000 + 2000);
    expect(alice.events.count('onTokenExpired')).to.equal(0);
    expect(alice.conn.isOpened()).to.equal(true);

    const refused = await alice.conn.renewToken('not-a-token').catch((e: unknown) => e);
    expect(refused).to.include({ status: false, type: 17 });
    await until(() => alice.conn.isOpened(), 'the session to stay open');
  });
});
