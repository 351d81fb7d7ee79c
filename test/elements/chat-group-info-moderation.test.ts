// Moderation in the widget (issue 14), against the real server: a group's owner edits the
// announcement, mutes everyone and bans and unbans a member from Group info; a member sees the
// announcement and the all-muted note but none of the controls; an app's room admin creates a room
// from the rooms list and, from Room info, makes a member admin, mutes them for a while, bans and
// unbans them, removes another, and is offered nothing for a fellow room admin of the app.
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { ChatGroupInfo } from '../../src/elements/index.js';
import type {
  AnnouncementResponse,
  RoomMembersResponse,
  UsernamesResponse,
} from '../../src/protocol/index.js';
import { firstValueFrom } from 'rxjs';
import { getChatStore } from '../../src/store/index.js';
import {
  disposeServer,
  mainServer,
  serverCli,
  startServer,
  uniqueName,
} from '../support/servers.js';
import { openGroupInfo, openGroupWindow, sayInGroup } from './group-window.js';
import { confirmDialog, rowOf, shadow, within } from './panel-queries.js';
import { otherMember } from './other-member.js';
import { APP_KEY, PASSWORD, connectPeer, type Peer } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

/** Confirms the dialog `info` opened, once it asks `question`. */
async function confirm(info: Element, question: string): Promise<void> {
  const dialog = await confirmDialog(info);
  expect(dialog.textContent).to.contain(question);
  dialog.querySelector<HTMLElement>('[part="confirm-button"]')!.click();
}

/** The member's row in `info`, opened to its controls. */
async function manage(info: ChatGroupInfo, username: string): Promise<HTMLElement> {
  const row = () => rowOf(info, 'member-list', username)!;
  await waitUntil(row, `${username} is listed`, T);
  if (!within(row(), '[part="member-controls"]')) {
    within(row(), '[part="manage-button"]').click();
    await info.updateComplete;
  }
  return row();
}

describe('chat-group-info moderation', () => {
  const user = signedIn(url);

  it('the owner edits the announcement, mutes everyone, bans and unbans a member', async () => {
    const bob = await user.peer('bob');
    const group = await store().createGroup({ name: uniqueName('Mods '), members: [bob.username] });
    await bob.rest('POST', `/chatgroups/${group.id}/invite_verify`, { accept: true });
    const info = await openGroupInfo(await openGroupWindow(url, group.id));

    // The announcement: none yet; its form saves it, on the server too.
    expect(!!shadow(info, '[part="announcement"]'), 'no announcement yet').to.equal(false);
    const edit = shadow(info, '[part="announcement-button"]');
    expect(edit.getAttribute('aria-expanded')).to.equal('false');
    edit.click();
    await info.updateComplete;
    expect(edit.getAttribute('aria-expanded')).to.equal('true');
    await expect(info).to.be.accessible();
    const text = 'Be kind.\nNo spam, please.';
    shadow<HTMLTextAreaElement>(info, '#announcement-input').value = `  ${text} `;
    shadow(info, '[part="announcement-form"] [part="save-button"]').click();
    await waitUntil(() => !shadow(info, '[part="announcement-form"]'), 'saved, closed', T);
    expect(shadow(info, '[part="announcement"]').textContent).to.equal(text);
    const onServer = await bob.rest<AnnouncementResponse>(
      'GET',
      `/chatgroups/${group.id}/announcement`,
    );
    expect(onServer.data.announcement).to.equal(text);

    // Mute everyone: a toggle; bob cannot write while it is on.
    const muteAll = () => shadow(info, '[part="mute-all-button"]');
    expect(muteAll().getAttribute('aria-pressed')).to.equal('false');
    muteAll().click();
    await waitUntil(() => muteAll().getAttribute('aria-pressed') === 'true', 'everyone muted', T);
    expect(shadow(info, '[part="all-muted-note"]').textContent).to.contain('Everyone is muted');
    expect((await sayInGroup(bob, group.id, 'anyone?')).t, 'the server holds it').to.equal('nack');
    await expect(info).to.be.accessible();
    muteAll().click();
    await waitUntil(() => muteAll().getAttribute('aria-pressed') === 'false', 'lifted', T);
    expect(!!shadow(info, '[part="all-muted-note"]'), 'no note').to.equal(false);
    expect((await sayInGroup(bob, group.id, 'free')).t).to.equal('ack');

    // Ban: asked first; bob leaves the members for the banned list, and Unban lifts it.
    within(await manage(info, bob.username), '[part="ban-button"]').click();
    await confirm(info, `Ban ${bob.username} from ${group.name}?`);
    await waitUntil(() => rowOf(info, 'banned-list', bob.username), 'bob is banned', T);
    await waitUntil(() => !rowOf(info, 'member-list', bob.username), 'no longer a member', T);
    const bans = await fetchAs<UsernamesResponse>(user.me, `/chatgroups/${group.id}/blocks/users`);
    expect(bans.data).to.deep.equal([bob.username]);
    const unban = within(rowOf(info, 'banned-list', bob.username)!, '[part="unban-button"]');
    expect(unban.getAttribute('aria-label')).to.equal(`Unban ${bob.username}`);
    await expect(info).to.be.accessible();
    unban.click();
    await waitUntil(() => !shadow(info, '[part="banned-list"]'), 'nobody banned', T);
    const after = await fetchAs<UsernamesResponse>(user.me, `/chatgroups/${group.id}/blocks/users`);
    expect(after.data).to.deep.equal([]);
  });

  it('a member sees the announcement and why they cannot write, and no controls', async () => {
    const olga = await user.peer('olga');
    const { data } = await olga.rest<{ data: { groupid: string } }>('POST', '/chatgroups', {
      groupname: uniqueName('Quiet '),
      desc: '',
      public: true,
      approval: false,
      members: [],
    });
    const gid = data.groupid;
    await olga.rest('POST', `/chatgroups/${gid}/announcement`, { announcement: 'Read the rules' });
    await store().joinGroup(gid);
    const win = await openGroupWindow(url, gid);
    const info = await openGroupInfo(win);
    await waitUntil(() => shadow(info, '[part="announcement"]'), 'the announcement shows', T);
    expect(shadow(info, '[part="announcement"]').textContent).to.equal('Read the rules');
    for (const part of ['announcement-button', 'mute-all-button', 'banned-list', 'manage-button'])
      expect(!!shadow(info, `[part="${part}"]`), part).to.equal(false);

    const banner = () => shadow(win, '[part="muted-banner"]');
    expect(!!banner(), 'no banner yet').to.equal(false);
    await olga.rest('POST', `/chatgroups/${gid}/ban`);
    await waitUntil(banner, 'the window says so', T);
    expect(banner().textContent!.trim()).to.equal('Only admins can send messages now.');
    await waitUntil(() => shadow(info, '[part="all-muted-note"]'), 'and the info', T);
    await expect(info).to.be.accessible();
    await olga.rest('DELETE', `/chatgroups/${gid}/ban`);
    await waitUntil(() => !banner(), 'lifted', T);
  });
});

/** A REST call as `username` (a user of the main server). */
async function fetchAs<T>(username: string, path: string): Promise<T> {
  const token = await (
    await fetch(`${url}/demo/chat/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username, password: PASSWORD }),
    })
  ).json();
  const response = await fetch(`${url}/demo/chat${path}`, {
    headers: { authorization: `Bearer ${(token as { access_token: string }).access_token}` },
  });
  return (await response.json()) as T;
}

describe('chat-group-info moderation in a room', () => {
  it('a room admin of the app creates a room and moderates it from Room info', async function () {
    // A server of its own (the app's room admins are set on it) and a dozen steps of moderation.
    this.timeout(90_000);
    const server = await startServer();
    const peers: Peer[] = [];
    // The page's own store is the main server's: a store of its own, given to the elements below.
    const mine = await otherMember(server.url, 'me');
    const roomStore = mine.store;
    try {
      const me = mine.username;
      const [bob, carol, dave] = await Promise.all(
        ['bob', 'carol', 'dave'].map((p) => connectPeer(server.url, uniqueName(p))),
      );
      peers.push(bob!, carol!, dave!);
      const cli = await serverCli(server.id, [
        'app',
        'set',
        APP_KEY,
        '--room-admins',
        `${me},${dave!.username}`,
      ]);
      expect(cli.code, cli.stderr).to.equal(0);

      // The rooms list offers the app's room admins a form; the new room opens.
      const rooms = await mine.show('chat-rooms');
      const win = await mine.show('chat-window');
      await waitUntil(() => shadow(rooms, '[part="create-button"]'), 'offered', T);
      shadow(rooms, '[part="create-button"]').click();
      await rooms.updateComplete;
      await expect(rooms).to.be.accessible();
      const name = uniqueName('Lounge ');
      shadow<HTMLInputElement>(rooms, '#room-name').value = name;
      shadow(rooms, '[part="create-submit"]').click();
      await waitUntil(() => shadow(win, '[part="title"]')?.textContent === name, 'opened', T);
      await waitUntil(() => !shadow(rooms, '[part="create-form"]'), 'the form closes', T);
      const roomId = (await firstValueFrom(roomStore.activeConversation$))!;
      for (const peer of [bob!, carol!, dave!])
        await peer.rest('POST', `/chatrooms/${roomId}/apply`);

      shadow(win, '[part="group-info-button"]').click();
      await waitUntil(() => shadow(win, 'chat-group-info'), 'Room info opens', T);
      const info = shadow<ChatGroupInfo>(win, 'chat-group-info');
      await waitUntil(() => rowOf(info, 'member-list', carol!.username), 'members listed', T);
      await expect(info).to.be.accessible();

      // Make bob admin, then take it back.
      const bobNote = () => rowOf(info, 'member-list', bob!.username)!.querySelector('.note');
      within(await manage(info, bob!.username), '[part="admin-button"]').click();
      await waitUntil(() => /admin/.test(bobNote()?.textContent ?? ''), 'bob is admin', T);
      const admins = await bob!.rest<UsernamesResponse>('GET', `/chatrooms/${roomId}/admin`);
      expect(admins.data).to.deep.equal([bob!.username]);
      within(await manage(info, bob!.username), '[part="admin-button"]').click();
      await waitUntil(() => !/admin/.test(bobNote()?.textContent ?? ''), 'bob is not', T);

      // Mute bob for ten minutes: his row says until when, and the server refuses his messages.
      const row = await manage(info, bob!.username);
      within<HTMLSelectElement>(row, '[part="mute-select"]').value = '600000';
      within(row, '[part="mute-button"]').click();
      await waitUntil(() => /muted until/.test(bobNote()?.textContent ?? ''), 'muted', T);
      const said = await bob!.sendBody(roomId, { type: 'txt', msg: 'hi' }, 'chatRoom');
      expect(said.t).to.equal('nack');
      within(await manage(info, bob!.username), '[part="unmute-button"]').click();
      await waitUntil(() => !/muted/.test(bobNote()?.textContent ?? ''), 'unmuted', T);

      // Ban bob, unban him; remove carol.
      within(await manage(info, bob!.username), '[part="ban-button"]').click();
      await confirm(info, `Ban ${bob!.username} from ${name}?`);
      await waitUntil(() => rowOf(info, 'banned-list', bob!.username), 'bob banned', T);
      await waitUntil(() => !rowOf(info, 'member-list', bob!.username), 'bob out', T);
      within(rowOf(info, 'banned-list', bob!.username)!, '[part="unban-button"]').click();
      await waitUntil(() => !shadow(info, '[part="banned-list"]'), 'bob unbanned', T);
      within(await manage(info, carol!.username), '[part="kick-button"]').click();
      await confirm(info, `Remove ${carol!.username} from ${name}?`);
      await waitUntil(() => !rowOf(info, 'member-list', carol!.username), 'carol removed', T);
      const members = await dave!.rest<RoomMembersResponse>('GET', `/chatrooms/${roomId}/users`);
      expect(members.data.map((m) => m.member)).to.not.include(carol!.username);

      // dave is a room admin of the app too: his row says so, and I, the room's owner, get no
      // controls for him (the server refuses them: the app's room admins manage every room, as
      // its owner does; test/server/room-ranks.test.ts).
      const note = (el: ChatGroupInfo, username: string) =>
        rowOf(el, 'member-list', username)?.querySelector('.note')?.textContent ?? '';
      expect(note(info, dave!.username)).to.match(/room admin/);
      expect(
        within(rowOf(info, 'member-list', dave!.username)!, '[part="manage-button"]'),
      ).to.equal(null);
      const still = await dave!.rest<RoomMembersResponse>('GET', `/chatrooms/${roomId}/users`);
      expect(still.data).to.deep.include({ member: dave!.username, role: 'roomAdmin' });

      // The Lobby has no owner: there I am one of its managers as a room admin of the app, and
      // dave my equal, whom I cannot remove, ban or mute; carol, a member, I can.
      await roomStore.refreshRooms();
      const lobby = (await firstValueFrom(roomStore.rooms$)).find((r) => r.name === 'Lobby')!.id;
      for (const peer of [dave!, carol!]) await peer.rest('POST', `/chatrooms/${lobby}/apply`);
      await roomStore.joinRoom(lobby);
      const lobbyInfo = await mine.show('chat-group-info');
      lobbyInfo.chatType = 'chatRoom';
      lobbyInfo.groupId = lobby;
      await waitUntil(() => rowOf(lobbyInfo, 'member-list', carol!.username), 'listed', T);
      await waitUntil(() => rowOf(lobbyInfo, 'member-list', dave!.username), 'dave listed', T);
      expect(note(lobbyInfo, me)).to.match(/room admin/);
      expect(note(lobbyInfo, dave!.username)).to.match(/room admin/);
      const daveRow = rowOf(lobbyInfo, 'member-list', dave!.username)!;
      expect(within(daveRow, '[part="manage-button"]')).to.equal(null);
      const carolRow = await manage(lobbyInfo, carol!.username);
      expect(within(carolRow, '[part="kick-button"]')).to.not.equal(null);
      expect(within(carolRow, '[part="ban-button"]')).to.not.equal(null);
      await expect(info).to.be.accessible();
      await expect(lobbyInfo).to.be.accessible();
    } finally {
      for (const peer of peers) peer.close();
      await mine.close();
      await disposeServer(server.id);
    }
  });
});
