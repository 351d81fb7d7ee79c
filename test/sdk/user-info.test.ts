// User attributes (4.x `updateOwnUserInfo` / `updateUserInfo`, `fetchUserInfoById`) and openwebim's
// `registerGuest`, through the SDK against the real server, in the real SDK's shapes.
import { expect } from '@open-wc/testing';
import type { ErrorEvent } from '../../src/sdk/index.js';
import { startServer, disposeServer, type TestServer } from '../support/servers.js';
import { closeAll, connection, failure, loggedIn, newUser } from './sdk-fixtures.js';

describe('user attributes and guests', () => {
  let server: TestServer;

  before(async () => {
    // Guest minting is rate-limited per address: a server of this file's own.
    server = await startServer();
  });
  after(() => disposeServer(server.id));
  afterEach(closeAll);

  it('updateOwnUserInfo takes a key and a value or an object, and answers all my attributes', async () => {
    const me = await loggedIn(server);
    expect(await me.conn.updateOwnUserInfo('nickname', 'Ann')).to.deep.equal({
      type: 0,
      data: { nickname: 'Ann' },
    });
    const both = await me.conn.updateUserInfo({ mail: 'ann@example.com', sign: 'hi' });
    expect(both).to.deep.equal({
      type: 0,
      data: { nickname: 'Ann', mail: 'ann@example.com', sign: 'hi' },
    });
  });

  it('fetchUserInfoById answers {type: 0, data} by username, only the properties asked, and who is online', async () => {
    const ann = await loggedIn(server);
    await ann.conn.updateOwnUserInfo({ nickname: 'Ann', mail: 'ann@example.com' });
    const bob = await newUser(server);
    const reader = await loggedIn(server);
    const all = await reader.conn.fetchUserInfoById([ann.username, bob.username, 'no-such-user']);
    expect(all.type).to.equal(0);
    expect(all.data[ann.username]).to.deep.equal({ nickname: 'Ann', mail: 'ann@example.com' });
    expect(all.data).to.have.property(bob.username);
    expect(all.data).not.to.have.property('no-such-user');
    expect(all.online).to.deep.equal({ [ann.username]: true, [bob.username]: false });
    const mailOnly = await reader.conn.fetchUserInfoById(ann.username, 'mail');
    expect(mailOnly.data).to.deep.equal({ [ann.username]: { mail: 'ann@example.com' } });
  });

  it('refuses what the real SDK refuses before sending, with -3, and needs a login', async () => {
    const me = await loggedIn(server);
    const unknown = await failure(me.conn.updateOwnUserInfo('shoeSize' as 'mail', '42'));
    expect(unknown.type).to.equal(-3);
    const notString = await failure(me.conn.updateOwnUserInfo({ mail: 42 as unknown as string }));
    expect(notString.type).to.equal(-3);
    expect((await failure(me.conn.fetchUserInfoById([]))).type).to.equal(-3);
    const loggedOut = connection(server);
    expect((await failure(loggedOut.fetchUserInfoById('x'))).type).to.equal(28);
  });

  it('a value over the limit is the server’s 400, in the REST error shape', async () => {
    const me = await loggedIn(server);
    const refused = (await failure(me.conn.updateOwnUserInfo('mail', 'x'.repeat(300)))) as
      (ErrorEvent & { data: string }) | undefined;
    expect(refused!.type).to.equal(17);
    expect(JSON.parse(refused!.data).error).to.be.a('string');
  });

  it('registerGuest mints a guest whose password signs it in again', async () => {
    const conn = connection(server);
    const guest = await conn.registerGuest({ nickname: 'Visitor' });
    expect(guest.user.username).to.match(/^guest-[a-z0-9]{12}$/);
    expect(guest.user.guest).to.equal(true);
    expect(guest.password).to.be.a('string');
    expect(guest.access_token).to.be.a('string');
    const login = await conn.open({ user: guest.user.username, pwd: guest.password });
    expect(login.accessToken).to.be.a('string');
    let called: unknown;
    const again = await connection(server).registerGuest({ success: (r) => (called = r) });
    expect(called).to.equal(again);
  });
});
