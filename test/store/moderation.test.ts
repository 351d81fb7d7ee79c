// Moderation in the store, against real servers: a group's owner (olga) and member (max), a room's
// manager (the app's room admin, rosa) and member (ben). Each action changes the store once the
// server agreed and the other side's store follows the live events; every refusal rejects and
// leaves the stored lists as they were.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import type { ChatStore } from '../../src/store/chat-store.js';
import { Codes } from '../../src/store/errors.js';
import type { ChatRoom, Group } from '../../src/store/types.js';
import { mainServer, serverCli } from '../support/servers.js';
import {
  APP,
  anotherDevice,
  cleanUp,
  newStore,
  ownServer,
  rejection,
  signIn,
  signUp,
  signUpOnDevices,
  until,
} from './store-fixtures.js';

const group = async (store: ChatStore, id: string): Promise<Group | undefined> =>
  (await firstValueFrom(store.groups$)).find((g) => g.id === id);
const room = async (store: ChatStore, id: string): Promise<ChatRoom | undefined> =>
  (await firstValueFrom(store.rooms$)).find((r) => r.id === id);
const groupOf = (store: ChatStore, id: string, test: (g: Group) => boolean, what: string) =>
  until(store.groups$, (list) => list.some((g) => g.id === id && test(g)), what);
const roomOf = (store: ChatStore, id: string, test: (r: ChatRoom) => boolean, what: string) =>
  until(store.rooms$, (list) => list.some((r) => r.id === id && test(r)), what);

describe('store/moderation', function () {
  this.timeout(120_000);

  after(cleanUp);

  it('a group: announcement, mute everyone and bans, live on the member’s side; refusals change nothing', async () => {
    const { url } = await mainServer();
    const o = newStore(url, 'moderation-o');
    const m = newStore(url, 'moderation-m');
    const [, max] = await signUpOnDevices([{ devices: [o] }, { devices: [m] }]);
    const { id } = await o.createGroup({ name: 'Moderated', public: true });
    expect(await group(o, id)).to.include({ announcement: '', allMuted: false });
    expect(await m.joinGroup(id)).to.equal('joined');
    await groupOf(m, id, () => true, 'max in the group');

    // A member may do none of it; the store stays as it was.
    const before = JSON.stringify(await group(m, id));
    const refused = await rejection(m.updateAnnouncement('groupChat', id, 'mine'));
    expect(refused.error).to.equal('forbidden_op');
    expect((await rejection(m.updateAnnouncement('groupChat', id, 'mine'))).type).to.equal(
      Codes.ajaxError,
    );
    expect((await rejection(m.muteEveryone('groupChat', id, true))).type).to.equal(Codes.ajaxError);
    expect((await rejection(m.banMember('groupChat', id, max, true))).type).to.equal(
      Codes.ajaxError,
    );
    expect(JSON.stringify(await group(m, id))).to.equal(before);
    const tooLong = 'a'.repeat(513);
    expect((await rejection(o.updateAnnouncement('groupChat', id, tooLong))).error).to.equal(
      'illegal_argument',
    );
    expect((await group(o, id))?.announcement).to.equal('');

    await o.updateAnnouncement('groupChat', id, 'Be kind');
    expect((await group(o, id))?.announcement).to.equal('Be kind');
    await groupOf(m, id, (g) => g.announcement === 'Be kind', 'the announcement, live');
    await o.muteEveryone('groupChat', id, true);
    expect((await group(o, id))?.allMuted).to.equal(true);
    await groupOf(m, id, (g) => g.allMuted, 'everyone muted, live');
    await o.muteEveryone('groupChat', id, false);
    await groupOf(m, id, (g) => !g.allMuted, 'unmuted, live');

    expect(await firstValueFrom(o.bans$('groupChat', id))).to.deep.equal([]);
    await o.banMember('groupChat', id, max, true);
    await until(o.bans$('groupChat', id), (l) => l.join() === max, 'max banned');
    await until(m.groups$, (l) => !l.some((g) => g.id === id), 'the group gone for max');
    // The group's read after an earlier event may drop it first; the ban's event marks why.
    await until(
      m.conversations$,
      (l) => l.some((c) => c.id === id && c.membership === 'removed'),
      'max told he was removed',
    );
    // A read of max's groups begun before the ban may be written after its event: it must not
    // take the mark away. The reads run one after another, so once one begun after the ban is
    // stored (another group's member count), every earlier one is done.
    const after = await o.createGroup({ name: 'After', public: true });
    expect(await m.joinGroup(after.id)).to.equal('joined');
    await groupOf(m, after.id, (g) => g.memberCount === 2, 'a read begun after the ban');
    const marked = (await firstValueFrom(m.conversations$)).find((c) => c.id === id);
    expect(marked?.membership).to.equal('removed');
    expect((await rejection(m.joinGroup(id))).type).to.equal(Codes.ajaxError);
    await o.banMember('groupChat', id, max, false);
    expect(await firstValueFrom(o.bans$('groupChat', id))).to.deep.equal([]);
    expect(await m.joinGroup(id)).to.equal('joined');
  });

  it('a room: whether I am muted comes from the server after a reload and after a join', async () => {
    const server = await ownServer();
    const r = newStore(server.url, 'moderation-mr');
    const b = newStore(server.url, 'moderation-mb');
    const rosa = await signUp(r);
    const ben = await signUp(b);
    const cli = await serverCli(server.id, ['app', 'set', APP, '--room-admins', rosa]);
    expect(cli.code, cli.stderr).to.equal(0);
    await Promise.all([signIn(r, rosa), signIn(b, ben)]);
    await r.refreshRooms();
    const id = await r.createRoom('Quiet');
    await b.joinRoom(id);
    await roomOf(b, id, (x) => x.joined && x.mutedUntil === undefined, 'ben in, not muted');

    // Muted while ben's page is closed: no live event tells the reloaded page.
    await b.dispose();
    await r.muteRoomMember(id, ben, 600_000);
    const reloaded = newStore(server.url, 'moderation-mb');
    await until(reloaded.status$, (s) => s === 'online', 'ben back');
    const list = await roomOf(reloaded, id, (x) => (x.mutedUntil ?? 0) > Date.now(), 'muted');
    expect(list.find((x) => x.id === id)?.mutedUntil).to.be.below(Date.now() + 601_000);

    // A mute outlasts leaving: a device that never heard of it joins and knows.
    await reloaded.leaveRoom(id);
    const other = newStore(server.url, 'moderation-mb2', anotherDevice());
    await signIn(other, ben);
    await other.refreshRooms();
    expect(await room(other, id)).to.include({ joined: false });
    expect((await room(other, id))?.mutedUntil).to.equal(undefined);
    await other.joinRoom(id);
    await roomOf(other, id, (x) => x.joined && (x.mutedUntil ?? 0) > Date.now(), 'muted on join');
  });

  it('a room: created by the app’s room admin; admins, timed mutes, mute everyone, bans; refusals change nothing', async () => {
    const server = await ownServer();
    const r = newStore(server.url, 'moderation-r');
    const b = newStore(server.url, 'moderation-b');
    const rosa = await signUp(r);
    const ben = await signUp(b);
    const cli = await serverCli(server.id, ['app', 'set', APP, '--room-admins', rosa]);
    expect(cli.code, cli.stderr).to.equal(0);
    await Promise.all([signIn(r, rosa), signIn(b, ben)]);

    await b.refreshRooms();
    expect(await firstValueFrom(b.canCreateRooms$)).to.equal(false);
    const roomsBefore = JSON.stringify(await firstValueFrom(b.rooms$));
    expect((await rejection(b.createRoom('Mine'))).type).to.equal(Codes.ajaxError);
    expect(JSON.stringify(await firstValueFrom(b.rooms$))).to.equal(roomsBefore);

    await r.refreshRooms();
    expect(await firstValueFrom(r.canCreateRooms$)).to.equal(true);
    const id = await r.createRoom('Lounge', 'sit down');
    expect(await room(r, id)).to.include({ name: 'Lounge', joined: true, owner: rosa });
    await b.refreshRooms();
    await b.joinRoom(id);
    // The read that follows a join is in the background: wait for it before comparing.
    await roomOf(b, id, (x) => x.memberCount === 2, 'two in the room');

    const unchanged = JSON.stringify(await room(b, id));
    expect((await rejection(b.setRoomAdmin(id, rosa, true))).type).to.equal(Codes.ajaxError);
    expect((await rejection(b.muteRoomMember(id, rosa, 60_000))).type).to.equal(Codes.ajaxError);
    expect((await rejection(b.updateAnnouncement('chatRoom', id, 'mine'))).type).to.equal(
      Codes.ajaxError,
    );
    expect((await rejection(b.muteEveryone('chatRoom', id, true))).type).to.equal(Codes.ajaxError);
    expect(JSON.stringify(await room(b, id))).to.equal(unchanged);

    await r.muteRoomMember(id, ben, 60_000);
    const muted = await roomOf(b, id, (x) => (x.mutedUntil ?? 0) > Date.now(), 'ben muted');
    expect(muted.find((x) => x.id === id)?.mutedUntil).to.be.below(Date.now() + 61_000);
    await r.muteRoomMember(id, ben, 0);
    await roomOf(b, id, (x) => x.mutedUntil === undefined, 'ben unmuted');

    await r.setRoomAdmin(id, ben, true);
    expect((await room(r, id))?.admins).to.deep.equal([ben]);
    await roomOf(b, id, (x) => x.admins.includes(ben), 'ben an admin, live');
    // Ben, an admin now, may set the announcement; the manager's store follows.
    await b.updateAnnouncement('chatRoom', id, 'No spam');
    await roomOf(r, id, (x) => x.announcement === 'No spam', 'the announcement, live');
    await r.setRoomAdmin(id, ben, false);
    await roomOf(b, id, (x) => x.admins.length === 0, 'ben no longer an admin');

    await r.muteEveryone('chatRoom', id, true);
    expect((await room(r, id))?.allMuted).to.equal(true);
    await roomOf(b, id, (x) => x.allMuted, 'everyone muted, live');

    await r.banMember('chatRoom', id, ben, true);
    await until(r.bans$('chatRoom', id), (l) => l.join() === ben, 'ben banned');
    await roomOf(b, id, (x) => !x.joined, 'ben out');
    expect((await rejection(b.joinRoom(id))).type).to.equal(Codes.ajaxError);
    await r.banMember('chatRoom', id, ben, false);
    expect(await firstValueFrom(r.bans$('chatRoom', id))).to.deep.equal([]);
    await b.joinRoom(id);
  });
});
