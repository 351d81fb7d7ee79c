// The seed document's snippets (test/sdk/seed-snippets.ts, verbatim) against the real server.
import { expect } from '@open-wc/testing';
import WebIM, { type Connection } from '../../src/sdk/index.js';
import { mainServer, serverCli, uniqueName, type TestServer } from '../support/servers.js';
import { Recorder, until } from './sdk-fixtures.js';
import * as seed from './seed-snippets.js';

/** Runs `work` while recording console.log lines (the seed's error handler logs its branch). */
async function logsOf(work: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    await work().catch(() => undefined);
    await until(() => lines.length > 0, 'a line from the error handler');
  } finally {
    console.log = original;
  }
  return lines;
}

describe('the seed document, verbatim', () => {
  let server: TestServer;
  let conn: Connection;
  let events: Recorder;
  const username = uniqueName('seed');
  const password = 'password';

  before(async () => {
    server = await mainServer();
    // The classic script sets WebIM.defaults.apiUrl to the origin it was served from, so seed code
    // (isHttpDNS: true, no apiUrl) reads its DNS list from that server. This test page was not
    // served by the chat server, so the test sets it as the script would.
    WebIM.defaults.apiUrl = server.url;
  });

  after(() => {
    conn?.close();
    WebIM.defaults.apiUrl = undefined;
  });

  it('creates the connection and accepts the whole listen block', () => {
    conn = seed.createConnection(WebIM);
    expect(conn).to.be.instanceOf(WebIM.connection);
    expect(WebIM.conn).to.equal(conn);
    events = new Recorder(conn);
    seed.addCallbacks(WebIM, conn);
    expect(conn.isOpened()).to.equal(false);
  });

  it('registers a user', async () => {
    const res = await seed.register(conn, username, password, 'demo#chat');
    expect(res.entities[0].username).to.equal(username);
    expect(res.entities[0].nickname).to.equal('nickname');
  });

  it('error branch: user already existed', async () => {
    const lines = await logsOf(() => seed.register(conn, username, password, 'demo#chat'));
    expect(lines).to.deep.equal(['user already existed！']);
  });

  it('error branch: user name exceeds 64 bytes', async () => {
    const lines = await logsOf(() => seed.register(conn, 'a'.repeat(65), password, 'demo#chat'));
    expect(lines).to.deep.equal(['user name exceeds 64 bytes！']);
  });

  it('error branch: illegal user name', async () => {
    const lines = await logsOf(() => seed.register(conn, 'Not Legal!', password, 'demo#chat'));
    expect(lines).to.deep.equal(['illegal user name！']);
  });

  it('error branch: registration closed (no authority)', async () => {
    const key = `closed${Date.now().toString(36)}#app`;
    const added = await serverCli(server.id, ['app', 'add', key, '--closed-registration']);
    expect(added.code, added.stderr).to.equal(0);
    const lines = await logsOf(() => seed.register(conn, uniqueName(), password, key));
    expect(lines).to.deep.equal(['registration failed，no authority！']);
  });

  it('error branch: the app reached its user limit', async () => {
    const key = `full${Date.now().toString(36)}#app`;
    const added = await serverCli(server.id, ['app', 'add', key, '--max-users', '1']);
    expect(added.code, added.stderr).to.equal(0);
    await seed.register(conn, uniqueName(), password, key);
    const lines = await logsOf(() => seed.register(conn, uniqueName(), password, key));
    expect(lines).to.deep.equal([
      'Your APP user registration number has reached the limit, please upgrade to the enterprise version！',
    ]);
  });

  it('logs in with username/password', async () => {
    seed.passwordLogin(conn, username, password);
    await events.wait('onOpened');
    expect(conn.isOpened()).to.equal(true);
    expect(events.names()).to.deep.equal(['onOpened', 'onConnected']);
  });

  it('modifies the pushed nickname', async () => {
    const res = await seed.modifyNickname(conn);
    expect(res.entities[0].nickname).to.equal('newNick');
  });

  it('uploads a push token', async () => {
    const options = { deviceId: 'device-1', deviceToken: 'push-token-1', notifierName: 'fcm-1' };
    const res = await seed.uploadPushToken(conn, options);
    expect(res.entities[0].pushInfo).to.deep.include({
      device_id: 'device-1',
      device_token: 'push-token-1',
      notifier_name: 'fcm-1',
    });
  });

  it('logs out', async () => {
    seed.logout(conn);
    await events.wait('onClosed');
    expect(conn.isOpened()).to.equal(false);
    expect(events.names().slice(-2)).to.deep.equal(['onClosed', 'onDisconnected']);
  });

  it('logs in with a token from a password login', async () => {
    let token: string | undefined;
    seed.getToken(conn, username, password, (t: string) => (token = t));
    await events.wait('onOpened', 2);
    expect(token).to.be.a('string').and.not.empty;
    seed.logout(conn);
    await events.wait('onClosed', 2);

    seed.tokenLogin(conn, username, token);
    await events.wait('onOpened', 3);
    expect(conn.isOpened()).to.equal(true);
  });

  it('offers WebIM.statusCode, WebIM.message and WebIM.utils', () => {
    expect(WebIM.statusCode.WEBIM_CONNCTION_AJAX_ERROR).to.equal(17);
    expect(WebIM.statusCode.WEBIM_CONNCTION_USER_LOGIN_ANOTHER_DEVICE).to.equal(206);
    expect(WebIM.statusCode.MESSAGE_SIZE_LIMIT).to.equal(511);
    expect(WebIM.statusCode.SERVER_GET_DNSLIST_FAILED).to.equal(304);
    expect(WebIM.statusCode).to.include({
      REQUEST_TIMEOUT: -1,
      WEBIM_CONNCTION_DISCONNECTED: 16,
      WEBIM_TOKEN_EXPIRED: 56,
      WEBIM_MESSAGE_SED_ERROR: 317,
      STATUS_ERROR: 406,
      MESSAGE_WEBSOCKET_DISCONNECTED: 510,
      CONVERSATION_NOT_EXIST: 1400,
    });
    const id = WebIM.utils.getUniqueId();
    expect(id).to.match(/^\d+$/).and.not.equal(WebIM.utils.getUniqueId());
    const msg = new WebIM.message('txt', id).set({ msg: 'hi', to: 'bob' });
    expect(msg.body).to.include({ id, type: 'txt', msg: 'hi', to: 'bob', chatType: 'singleChat' });
  });
});
