// The demo app's room admin (issue 14): `support`, whom every server makes a room admin of
// `demo#chat`, creates a room from the widget's Rooms tab, and shows as an admin in the Room info
// of a room someone else sees (the Lobby, which has no owner): the server's member list says who
// manages rooms, where it used to list the app's room admins as plain members.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import type { ChatGroupInfo, ChatRooms, ChatWidget } from '../../src/elements/index.js';
import { disposeServer, startServer, uniqueName } from '../support/servers.js';
import { otherMember, type OtherMember } from './other-member.js';
import { APP_KEY } from './peer.js';
import { rowOf, shadow } from './panel-queries.js';

const T = { timeout: 10_000 };

async function supportToken(url: string): Promise<string> {
  const response = await fetch(`${url}/demo/chat/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username: 'support', password: 'support-demo' }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('the demo app’s room admin', () => {
  it('creates a room from the widget and shows as admin in Room info', async function () {
    this.timeout(60_000);
    // A server of its own: the Lobby's members are this test's.
    const server = await startServer();
    const other = await otherMember(server.url, 'guest');
    try {
      const token = await supportToken(server.url);
      const el = await fixture<ChatWidget>(
        html`<chat-widget
          app-key=${APP_KEY}
          api-url=${server.url}
          user="support"
          access-token=${token}
          open
        ></chat-widget>`,
      );
      await waitUntil(() => shadow(el, 'chat-roster'), 'signed in', T);
      const roster = shadow(el, 'chat-roster');
      const tabs = roster.shadowRoot!.querySelectorAll<HTMLElement>('[role="tab"]');
      tabs[tabs.length - 1]!.click();
      await waitUntil(() => shadow(roster, 'chat-rooms'), 'the Rooms tab loads', T);
      const rooms = shadow(roster, 'chat-rooms');
      await waitUntil(() => shadow(rooms, '[part="create-button"]'), 'creating offered', T);
      shadow(rooms, '[part="create-button"]').click();
      await (rooms as ChatRooms).updateComplete;
      const name = uniqueName('Help desk ');
      shadow<HTMLInputElement>(rooms, '#room-name').value = name;
      shadow(rooms, '[part="create-submit"]').click();
      const win = shadow(el, 'chat-window');
      await waitUntil(() => shadow(win, '[part="title"]')?.textContent === name, 'it opens', T);

      // support is in the Lobby too; someone else opens its Room info.
      await other.store.refreshRooms();
      const lobby = await firstRoom(other, 'Lobby');
      await fetch(`${server.url}/demo/chat/chatrooms/${lobby}/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      await other.store.joinRoom(lobby);
      const info = await other.show('chat-group-info');
      info.chatType = 'chatRoom';
      info.groupId = lobby;
      const note = () => rowOf(info, 'member-list', 'support')?.querySelector('.note');
      await waitUntil(() => note(), 'support listed', T);
      expect(note()!.textContent).to.match(/admin/i);
      expect(
        rowOf(info, 'member-list', other.username)!.querySelector('.note')!.textContent,
      ).to.not.match(/admin|owner/i);
      await expect(info as ChatGroupInfo).to.be.accessible();
    } finally {
      await other.close();
      // The widget's session is saved in this origin's IndexedDB, which the next test file shares:
      // left there, that file's widget would start by signing support in again.
      await getChatStore(APP_KEY, server.url).logout({ wipe: true });
      await disposeServer(server.id);
    }
  });
});

async function firstRoom(member: OtherMember, name: string) {
  const rooms = await firstValueFrom(member.store.rooms$);
  const room = rooms.find((r) => r.name === name);
  if (!room) throw new Error(`no room ${name}`);
  return room.id;
}
