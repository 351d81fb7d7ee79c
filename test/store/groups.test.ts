// Groups in the store, against the real server: an owner on two devices (olga), a member who gets
// every group event twice (max), and an outsider (nina).
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import type { ChatStore } from '../../src/store/chat-store.js';
import { Messages } from '../../src/store/errors.js';
import type { ChatNotice, Group } from '../../src/store/types.js';
import { mainServer, stopServer } from '../support/servers.js';
import {
  cleanUp,
  collect,
  doubledEvents,
  eventually,
  newStore,
  ownServer,
  rejection,
  signIn,
  signUp,
  signUpOnDevices,
  until,
} from './store-fixtures.js';

const find = (groups: Group[], id: string) => groups.find((g) => g.id === id);

describe('store/groups', function () {
  this.timeout(120_000);

  let olga: string;
  let max: string;
  let o1: ChatStore;
  let o2: ChatStore;
  let m: ChatStore;
  let n: ChatStore;
  let told: ChatNotice[];
  let group: Group;

  const conversation = async (store: ChatStore, id: string) =>
    (await firstValueFrom(store.conversations$)).find((c) => c.id === id);
  const saidOnce = async (text: string) => {
    await eventually(() => told.some((notice) => notice.message === text), text);
    expect(told.filter((notice) => notice.message === text)).to.have.length(1);
  };

  before(async () => {
    const { url } = await mainServer();
    o1 = newStore(url, 'groups-o1');
    o2 = newStore(url, 'groups-o2');
    m = newStore(url, 'groups-m', { createConnection: doubledEvents });
    n = newStore(url, 'groups-n');
    [olga, max] = await signUpOnDevices([
      { devices: [o1, o2], nickname: 'Olga' },
      { devices: [m], nickname: 'Max' },
      { devices: [n] },
    ]);
    told = collect(m.notices$);
  });

  after(cleanUp);

  it('create, invite, accept; messages name their sender; unread and read acks across devices', async () => {
    group = await o1.createGroup({ name: 'Friends', description: 'the usual' });
    expect(group).to.include({ name: 'Friends', owner: olga, role: 'owner', memberCount: 1 });
    expect(find(await firstValueFrom(o1.groups$), group.id)).to.include({ role: 'owner' });
    await until(o2.groups$, (l) => !!find(l, group.id), 'on the owner’s other device');

    await o1.inviteToGroup(group.id, [max], 'join us');
    const [invitation] = await until(m.groupInvitations$, (l) => l.length > 0, 'invited');
    expect(invitation).to.include({ groupId: group.id, groupName: 'Friends', from: olga });
    expect(invitation!.reason).to.equal('join us');
    await m.acceptGroupInvitation(group.id);
    expect(await firstValueFrom(m.groupInvitations$)).to.deep.equal([]);
    expect(find(await firstValueFrom(m.groups$), group.id)).to.include({ role: 'member' });
    await until(o1.groups$, (l) => find(l, group.id)?.memberCount === 2, 'two members');
    const members = await until(o1.groupMembers$(group.id), (l) => l.length === 2, 'members');
    expect(members.map((x) => `${x.username}:${x.role}`).sort()).to.deep.equal(
      [`${max}:member`, `${olga}:owner`].sort(),
    );
    await until(o1.displayName$(max), (name) => name === 'Max', 'max by nickname');

    await m.send(group.id, 'hello group');
    const [received] = await until(o1.messages$(group.id), (l) => l.length === 1, 'received');
    expect(received).to.include({ from: max, chatType: 'groupChat', conversationId: group.id });
    await until(o2.conversations$, (l) => l.some((c) => c.id === group.id && c.unread === 1), 'o2');
    expect(await conversation(o1, group.id)).to.include({
      chatType: 'groupChat',
      name: 'Friends',
      unread: 1,
    });
    await o1.openConversation(group.id, 'groupChat');
    expect((await conversation(o1, group.id))?.unread).to.equal(0);
    await until(
      o2.conversations$,
      (l) => l.some((c) => c.id === group.id && c.unread === 0),
      'read on the other device',
    );
    const [mine] = await until(
      m.messages$(group.id),
      (l) => l[0]?.receipt === 'read',
      'the sender learns a member read it',
    );
    expect(mine).to.include({ status: 'sent', from: max });
  });

  it('mute, admin, rename, kick: said once to the member, a muted send fails with why, refusals change nothing', async () => {
    await o1.muteGroupMember(group.id, max, -1);
    await saidOnce(`${olga} muted you in Friends.`);
    expect(find(await firstValueFrom(m.groups$), group.id)?.mutedUntil).to.equal(-1);
    const muted = await m.send(group.id, 'can I speak?');
    const failed = await until(
      m.messages$(group.id),
      (l) => l.some((x) => x.id === muted.id && x.status === 'failed'),
      'the muted send fails',
    );
    expect(failed.find((x) => x.id === muted.id)?.error).to.equal(Messages.mutedInGroup);
    await o1.send(group.id, 'the owner may');
    await until(m.messages$(group.id), (l) => l.some((x) => x.text === 'the owner may'), 'heard');
    await o1.unmuteGroupMember(group.id, max);
    await saidOnce(`${olga} unmuted you in Friends.`);

    await o1.setGroupAdmin(group.id, max);
    await saidOnce(`${olga} made you an admin of Friends.`);
    expect(find(await firstValueFrom(m.groups$), group.id)?.role).to.equal('admin');
    await o1.updateGroup(group.id, { name: 'Best friends' });
    await until(m.groups$, (l) => find(l, group.id)?.name === 'Best friends', 'renamed');

    // Refusals: the store stays as it was.
    const before = await firstValueFrom(o1.groups$);
    const outsider = await firstValueFrom(n.groups$);
    expect((await rejection(o1.leaveGroup(group.id))).message).to.equal(Messages.ownerCannotLeave);
    expect((await rejection(n.removeGroupMember(group.id, max))).message).to.be.oneOf([
      Messages.groupNotAllowed,
      Messages.groupGone,
    ]);
    expect((await rejection(n.acceptGroupInvitation(group.id))).message).to.equal(
      Messages.noInvitation,
    );
    expect((await rejection(n.openConversation(group.id, 'groupChat'))).message).to.equal(
      Messages.notGroupMember,
    );
    expect((await rejection(o1.createGroup({ name: '  ' }))).message).to.equal(
      Messages.groupNameMissing,
    );
    expect((await rejection(o1.disbandGroup('123456789012345678'))).message).to.equal(
      Messages.groupGone,
    );
    expect(await firstValueFrom(o1.groups$)).to.deep.equal(before);
    expect(await firstValueFrom(n.groups$)).to.deep.equal(outsider);

    await o1.removeGroupMember(group.id, max);
    await saidOnce(`${olga} removed you from Best friends.`);
    expect(find(await firstValueFrom(m.groups$), group.id)).to.equal(undefined);
    expect(await conversation(m, group.id)).to.include({ membership: 'removed' });
    expect((await firstValueFrom(m.messages$(group.id))).length).to.be.greaterThan(1);
    await until(o1.groups$, (l) => find(l, group.id)?.memberCount === 1, 'one member again');
  });

  it('public groups: join at once or by approval, leave, disband; a reload shows groups from IndexedDB with the server stopped', async () => {
    const server = await ownServer();
    const owner = newStore(server.url, 'groups-p-owner');
    let joiner = newStore(server.url, 'groups-p-joiner');
    const pat = await signUp(owner);
    const quinn = await signUp(joiner);
    await Promise.all([signIn(owner, pat), signIn(joiner, quinn)]);
    const open = await owner.createGroup({ name: 'Open', public: true });
    const vetted = await owner.createGroup({ name: 'Vetted', public: true, approval: true });
    const listed = await joiner.listPublicGroups();
    expect(listed.groups.map((g) => g.id)).to.include.members([open.id, vetted.id]);

    expect(await joiner.joinGroup(open.id)).to.equal('joined');
    expect(find(await firstValueFrom(joiner.groups$), open.id)).to.include({ role: 'member' });
    expect(await joiner.joinGroup(vetted.id, 'please')).to.equal('requested');
    const [request] = await until(owner.joinRequests$, (l) => l.length === 1, 'an application');
    expect(request).to.include({ groupId: vetted.id, username: quinn, reason: 'please' });
    await owner.acceptJoinRequest(vetted.id, quinn);
    expect(await firstValueFrom(owner.joinRequests$)).to.deep.equal([]);
    await until(joiner.groups$, (l) => !!find(l, vetted.id), 'let in');

    await joiner.leaveGroup(open.id);
    expect(find(await firstValueFrom(joiner.groups$), open.id)).to.equal(undefined);
    expect(await conversation(joiner, open.id)).to.include({ membership: 'left' });
    const gone = collect(joiner.notices$);
    await owner.disbandGroup(open.id);
    expect(find(await firstValueFrom(owner.groups$), open.id)).to.equal(undefined);

    await joiner.dispose();
    await stopServer(server.id);
    joiner = newStore(server.url, 'groups-p-joiner');
    await joiner.ready;
    expect((await firstValueFrom(joiner.groups$)).map((g) => g.name)).to.deep.equal(['Vetted']);
    expect(gone).to.deep.equal([]);
  });

  it('disbanding tells every member once and keeps the conversation, marked', async () => {
    await o1.disbandGroup(group.id);
    await until(o2.groups$, (l) => !find(l, group.id), 'gone on the other device');
    expect(await conversation(o1, group.id)).to.include({ membership: 'disbanded' });

    const second = await o1.createGroup({ name: 'Second', members: [max] });
    await until(m.groupInvitations$, (l) => l.some((i) => i.groupId === second.id), 'invited');
    await m.acceptGroupInvitation(second.id);
    await m.send(second.id, 'hi all');
    await until(o1.messages$(second.id), (l) => l.length === 1, 'heard');
    await o1.disbandGroup(second.id);
    await saidOnce(`Second was disbanded by ${olga}.`);
    expect(find(await firstValueFrom(m.groups$), second.id)).to.equal(undefined);
    expect(await conversation(m, second.id)).to.include({ membership: 'disbanded' });
    expect(await firstValueFrom(m.messages$(second.id))).to.have.length(1);
    // Max got every group event twice: each notice still came once.
    expect(told.length).to.be.greaterThan(4);
    expect(new Set(told.map((notice) => notice.message)).size).to.equal(told.length);
  });
});
