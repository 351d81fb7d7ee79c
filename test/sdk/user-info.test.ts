// User attributes (4.x `updateOwnUserInfo` / `updateUserInfo`, `fetchUserInfoById`), rows of the
// SDK's route table, against the real server, in the real SDK's shapes. (Guests are minted by the
// store's own REST call: test/store/guests.test.ts.)
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

  it('leaves the checks to the server: its 400 in the REST error shape, and 28 without a login', async () => {
    const me = await loggedIn(server);
    const refusal = async (call: Promise<unknown>) => {
      const error = (await failure(call)) as (ErrorEvent & { data: string }) | undefined;
      expect(error!.type).to.equal(17);
      return JSON.parse(error!.data) as { error: string; error_description: string };
    };
    const unknown = await refusal(me.conn.updateOwnUserInfo('shoeSize' as 'mail', '42'));
    expect(unknown.error_description).to.contain('shoeSize');
    const notString = await refusal(me.conn.updateOwnUserInfo({ mail: 42 as unknown as string }));
    expect(notString.error_description).to.contain('mail must be a string');
    const none = await refusal(me.conn.fetchUserInfoById([]));
    expect(none.error_description).to.contain('at least one user');
    const badProperty = await refusal(me.conn.fetchUserInfoById(me.username, 'shoeSize' as 'mail'));
    expect(badProperty.error_description).to.contain('shoeSize');
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
});
