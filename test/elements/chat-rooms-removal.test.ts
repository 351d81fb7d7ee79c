import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { ChatNotices, ChatRooms, ChatWindow } from '../../src/elements/index.js';
import type { RoomIdResponse } from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, serverCli, uniqueName } from '../support/servers.js';
import { rowOf, shadow, within } from './panel-queries.js';
import { APP_KEY, type Peer } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

describe('chat-rooms: removed from a room, a room closed', () => {
  const user = signedIn(url);

  /** A room admin (set through the server CLI, reset after) and a room of theirs. */
  const withRoom = async (
    test: (admin: Peer, room: { id: string; name: string }) => Promise<void>,
  ) => {
    const admin = await user.peer('admin');
    const set = (admins: string) =>
      serverCli('main', ['app', 'set', APP_KEY, '--room-admins', admins]);
    expect((await set(admin.username)).code).to.equal(0);
    try {
      const name = uniqueName('Room ');
      const { data } = await admin.rest<RoomIdResponse>('POST', '/chatrooms', { name });
      await test(admin, { id: data.id, name });
    } finally {
      await set('');
    }
  };
  const show = async () => {
    const rooms = await fixture<ChatRooms>(
      html`<chat-rooms app-key=${APP_KEY} api-url=${url}></chat-rooms>`,
    );
    const win = await fixture<ChatWindow>(
      html`<chat-window app-key=${APP_KEY} api-url=${url}></chat-window>`,
    );
    const notices = await fixture<ChatNotices>(
      html`<chat-notices app-key=${APP_KEY} api-url=${url}></chat-notices>`,
    );
    return { rooms, win, notices };
  };
  const noticeSays = (el: ChatNotices, words: string) =>
    [...el.shadowRoot!.querySelectorAll('[part="notice"]')].some((n) =>
      n.textContent!.includes(words),
    );
  const leftNotice = (win: ChatWindow) => shadow(win, '[part="left-notice"]')?.textContent?.trim();

  it('a room admin removes me: the window says so in place of the composer', () =>
    withRoom(async (admin, room) => {
      const { rooms, win, notices } = await show();
      await waitUntil(() => rowOf(rooms, 'room-list', room.name), 'listed', T);
      within(rowOf(rooms, 'room-list', room.name)!, '[part="join-button"]').click();
      await waitUntil(() => shadow(win, '[part="composer"]'), 'the room is open to write in', T);
      expect(shadow(win, '[part="title"]').textContent).to.equal(room.name);

      await admin.rest('DELETE', `/chatrooms/${room.id}/users/${user.me}`);
      await waitUntil(() => leftNotice(win) === 'You were removed from this room.', 'told', T);
      expect(!!shadow(win, '[part="composer"]'), 'no composer').to.equal(false);
      expect(!!shadow(win, '[part="leave-room-button"]'), 'nothing to leave').to.equal(false);
      await waitUntil(
        () => noticeSays(notices, `${admin.username} removed you from the room ${room.name}`),
        'a notice says who did it',
        T,
      );
      await waitUntil(
        () => within(rowOf(rooms, 'room-list', room.name)!, '[part="join-button"]'),
        'the room can be joined again',
        T,
      );
      await expect(win).to.be.accessible();
      await admin.rest('DELETE', `/chatrooms/${room.id}`);
    }));

  it('a room admin mutes me: the window says so in a room’s words', () =>
    withRoom(async (admin, room) => {
      await store().joinRoom(room.id);
      await store().openConversation(room.id, 'chatRoom');
      const { win } = await show();
      await waitUntil(() => shadow(win, '[part="composer"]'), 'the room is open to write in', T);
      await admin.rest('POST', `/chatrooms/${room.id}/mute`, {
        usernames: [user.me],
        mute_duration: 3_600_000,
      });
      const banner = () => shadow(win, '[part="muted-banner"]')?.textContent ?? '';
      await waitUntil(() => banner() !== '', 'the muted banner shows', T);
      expect(banner()).to.match(/muted you in this room: you are muted until/);
      await expect(win).to.be.accessible();
      await admin.rest('DELETE', `/chatrooms/${room.id}`);
    }));

  it('a room admin closes a room I am in: the window says it was closed', () =>
    withRoom(async (admin, room) => {
      await store().joinRoom(room.id);
      await store().openConversation(room.id, 'chatRoom');
      const { rooms, win, notices } = await show();
      await waitUntil(() => shadow(win, '[part="composer"]'), 'the room is open to write in', T);
      await waitUntil(() => rowOf(rooms, 'room-list', room.name), 'listed', T);

      await admin.rest('DELETE', `/chatrooms/${room.id}`);
      await waitUntil(() => leftNotice(win) === 'This room was closed.', 'told', T);
      expect(!!shadow(win, '[part="composer"]'), 'no composer').to.equal(false);
      await waitUntil(() => noticeSays(notices, `The room ${room.name} was closed`), 'notice', T);
      await waitUntil(() => !rowOf(rooms, 'room-list', room.name), 'gone from the list', T);
      await expect(win).to.be.accessible();
      await expect(notices).to.be.accessible();
    }));
});
