// Contacts, presence and the blocklist through the SDK against the real server: every callback of
// the 3.x `listen` set and the 4.x handlers, with the shapes of sdk-surface.md.
import { expect } from '@open-wc/testing';
import WebIM, {
  type BlacklistMap,
  type ErrorEvent,
  type MultiDeviceEvent,
  type PresenceEvent,
  type PresenceStatus,
  type RosterItem,
} from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { APP_KEY, closeAll, connection, loggedIn, newUser } from './sdk-fixtures.js';

const OK = { data: { result: true } };

describe('contacts and presence', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('walks a friendship: an offline request, accept, roster, presence both ways, delete', async () => {
    const alice = await loggedIn(server);
    const bobUser = await newUser(server);
    const bob = bobUser.username;

    // Bob is offline: the request waits in his inbox.
    expect(await alice.conn.addContact(bob, 'hi, it is alice')).to.deep.equal(OK);
    const [multi] = (await alice.events.wait('onMultiDeviceEvent')) as [MultiDeviceEvent];
    expect(multi).to.deep.include({
      operation: 'contactAdd',
      target: bob,
      data: 'hi, it is alice',
    });

    // Bob logs in with 3.x `listen`.
    const bobSide = await loggedIn(server, {}, bobUser, true);
    const [invited] = (await bobSide.events.wait('onContactInvited')) as [PresenceEvent];
    expect(invited).to.deep.include({
      type: 'subscribe',
      from: alice.username,
      to: bob,
      status: 'hi, it is alice',
    });
    expect(invited.time).to.be.a('number');
    const [presence] = (await bobSide.events.wait('onPresence')) as [PresenceEvent];
    expect(presence).to.deep.equal(invited);
    const requests = await bobSide.conn.getContactRequests();
    expect(requests.entities).to.deep.include.members([
      {
        from: alice.username,
        to: bob,
        message: 'hi, it is alice',
        time: requests.entities[0]!.time,
      },
    ]);

    expect(await bobSide.conn.acceptInvitation(alice.username)).to.deep.equal(OK);
    const [agreed] = (await alice.events.wait('onContactAgreed')) as [PresenceEvent];
    expect(agreed).to.deep.include({ type: 'subscribed', from: bob, to: alice.username });
    expect((await alice.events.wait('onContactAdded'))[0]).to.deep.equal(agreed);
    expect((await alice.events.wait('onPresence'))[0]).to.deep.equal(agreed);
    const [accepted] = (await bobSide.events.wait('onMultiDeviceEvent')) as [MultiDeviceEvent];
    expect(accepted).to.deep.include({ operation: 'contactAccept', target: alice.username });

    // 3.x roster: the callback, the success option and the Promise agree.
    let fromSuccess: RosterItem[] | undefined;
    const roster = await alice.conn.getRoster({ success: (list) => (fromSuccess = list) });
    expect(roster).to.deep.equal([
      {
        name: bob,
        subscription: 'both',
        jid: `${APP_KEY}_${bob}@easemob.com`,
        nickname: bob,
        online: true,
      },
    ]);
    expect(fromSuccess).to.equal(roster);
    expect((await alice.events.wait('onRoster'))[0]).to.equal(roster);
    expect(await alice.conn.getAllContacts()).to.deep.equal({ type: 0, data: [bob] });
    expect(await bobSide.conn.getContacts()).to.deep.equal({ type: 0, data: [alice.username] });

    // Presence: Bob's only session closes, then he comes back.
    bobSide.conn.close();
    const [offline] = (await alice.events.wait('onPresenceStatusChange')) as [PresenceStatus[]];
    expect(offline).to.have.length(1);
    expect(offline[0]).to.deep.include({ userId: bob, description: '', expire: 0 });
    expect(offline[0]!.statusDetails).to.deep.equal([{ device: 'web', status: 0 }]);
    expect(offline[0]!.last_time).to.be.closeTo(Date.now() / 1000, 60);
    const bobAgain = await loggedIn(server, {}, bobUser);
    const [online] = (await alice.events.wait('onPresenceStatusChange', 2)) as [PresenceStatus[]];
    expect(online[0]).to.deep.include({
      userId: bob,
      statusDetails: [{ device: 'web', status: 1 }],
    });

    expect(await alice.conn.deleteContact(bob)).to.deep.equal(OK);
    const [deleted] = (await bobAgain.events.wait('onContactDeleted')) as [PresenceEvent];
    expect(deleted).to.deep.include({ type: 'unsubscribed', from: alice.username, to: bob });
    expect((await bobAgain.events.wait('onPresence'))[0]).to.deep.equal(deleted);
    const [removed] = (await alice.events.wait('onMultiDeviceEvent', 2)) as [MultiDeviceEvent];
    expect(removed).to.deep.include({ operation: 'contactRemove', target: bob });
    expect(await alice.conn.getRoster()).to.deep.equal([]);
    // Replays after the cursor: the old request is not fired again on a new login.
    expect(bobAgain.events.count('onContactInvited')).to.equal(0);
  });

  it('a declined request reaches the asker as onContactRefuse; a request back is accepted by asking (4.x names)', async () => {
    const alice = await loggedIn(server);
    const carol = await loggedIn(server);
    await alice.conn.addContact(carol.username);
    const [invited] = (await carol.events.wait('onContactInvited')) as [PresenceEvent];
    expect(invited).to.deep.include({ type: 'subscribe', status: '' });
    expect(await carol.conn.declineContactInvite(alice.username)).to.deep.equal(OK);
    const [refused] = (await alice.events.wait('onContactRefuse')) as [PresenceEvent];
    expect(refused).to.deep.include({
      type: 'unsubscribed',
      from: carol.username,
      to: alice.username,
    });
    expect((await alice.events.wait('onPresence'))[0]).to.deep.equal(refused);
    const [declined] = (await carol.events.wait('onMultiDeviceEvent')) as [MultiDeviceEvent];
    expect(declined).to.deep.include({ operation: 'contactDecline', target: alice.username });
    expect(await alice.conn.getContacts()).to.deep.equal({ type: 0, data: [] });
    // The other way round: Carol asks, and Alice asking back accepts it.
    await carol.conn.addContact(alice.username, 'sorry, let us try again');
    await alice.events.wait('onContactInvited');
    await alice.conn.addContact(carol.username);
    const [agreed] = (await carol.events.wait('onContactAgreed')) as [PresenceEvent];
    expect(agreed).to.deep.include({
      type: 'subscribed',
      from: alice.username,
      to: carol.username,
    });
    expect(await alice.conn.getContacts()).to.deep.equal({ type: 0, data: [carol.username] });
    await alice.conn.deleteContact(carol.username);
    // Nothing pending any more: a second answer is refused with the REST error shape.
    const failure = (await carol.conn
      .acceptContactInvite(alice.username)
      .catch((e: unknown) => e)) as ErrorEvent & { data: string };
    expect(failure.type).to.equal(17);
    expect(JSON.parse(failure.data).error).to.equal('service_resource_not_found');
  });

  it('blocklist: onBlacklistUpdate, 603 on a blocked send, no requests from the blocked', async () => {
    const alice = await loggedIn(server, {}, undefined, true);
    const bob = await loggedIn(server);
    const text = (msg: string, to: string) => WebIM.message.create({ type: 'txt', to, msg });

    const blocked = await alice.conn.addToBlackList({ name: bob.username });
    expect(blocked).to.deep.equal({ data: [bob.username] });
    const [list] = (await alice.events.wait('onBlacklistUpdate')) as [BlacklistMap];
    expect(list).to.deep.equal({ [bob.username]: { name: bob.username } });
    const [ban] = (await alice.events.wait('onMultiDeviceEvent')) as [MultiDeviceEvent];
    expect(ban).to.deep.include({ operation: 'contactBan', target: bob.username });

    const refused = (await bob.conn
      .send(text('let me in', alice.username))
      .catch((e) => e)) as ErrorEvent;
    expect(refused.type).to.equal(WebIM.statusCode.PERMISSION_DENIED);
    const request = (await bob.conn.addContact(alice.username).catch((e) => e)) as { data: string };
    expect(JSON.parse(request.data).error).to.equal('forbidden_op');
    // The blocked user is never told.
    expect(bob.events.names().filter((name) => name !== 'onOpened' && name !== 'onConnected')).to.be
      .empty;

    expect(await alice.conn.getBlocklist()).to.deep.equal({ data: [bob.username] });
    expect(alice.events.count('onBlacklistUpdate')).to.equal(2);
    expect(await alice.conn.removeUserFromBlocklist({ name: [bob.username] })).to.deep.equal({
      data: [],
    });
    const [allow] = (await alice.events.wait('onMultiDeviceEvent', 2)) as [MultiDeviceEvent];
    expect(allow).to.deep.include({ operation: 'contactAllow', target: bob.username });
    expect((await alice.events.wait('onBlacklistUpdate', 3))[0]).to.deep.equal({});
    await bob.conn.send(text('thanks', alice.username));
    const [message] = (await alice.events.wait('onTextMessage')) as [{ data: string }];
    expect(message.data).to.equal('thanks');
  });

  it('refuses before sending: 28 when not logged in, -3 for a missing parameter', async () => {
    const conn = connection(server);
    let viaCallback: unknown;
    const failure = await conn
      .getRoster({ error: (error) => (viaCallback = error) })
      .catch((e: unknown) => e);
    expect(failure).to.deep.include({
      type: WebIM.statusCode.WEBIM_CONNCTION_TOKEN_NOT_ASSIGN_ERROR,
    });
    expect(viaCallback).to.equal(failure);
    const alice = await loggedIn(server);
    const missing = await alice.conn.removeFromBlackList({ name: '' }).catch((e: unknown) => e);
    expect(missing).to.deep.equal({ type: -3, message: 'name is required' });
    const unknown = (await alice.conn.addContact('nobody-like-this').catch((e) => e)) as {
      type: number;
      data: string;
    };
    expect(unknown.type).to.equal(17);
    expect(JSON.parse(unknown.data).error).to.equal('service_resource_not_found');
  });
});
