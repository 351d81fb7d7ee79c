import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { ChatRooms, ChatWindow } from '../../src/elements/index.js';
import type { RoomIdResponse, RoomsResponse } from '../../src/protocol/index.js';
import { mainServer, serverCli, uniqueName } from '../support/servers.js';
import { nextEvent } from './event-log.js';
import { rowOf, shadow, within } from './panel-queries.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const T = { timeout: 8000 };

describe('chat-rooms', () => {
  const user = signedIn(url);

  it('joins the Lobby and opens it, shows who says what, and leaves it', async () => {
    const bob = await user.peer('bob');
    const { data: rooms } = await bob.rest<RoomsResponse>(
      'GET',
      '/chatrooms?pagenum=1&pagesize=100',
    );
    const lobby = rooms.find((r) => r.name === 'Lobby')!;
    expect(lobby, 'the server makes a Lobby').to.exist;
    await bob.rest('POST', `/chatrooms/${lobby.id}/apply`);

    const el = await fixture<ChatRooms>(
      html`<chat-rooms app-key=${APP_KEY} api-url=${url}></chat-rooms>`,
    );
    const win = await fixture<ChatWindow>(
      html`<chat-window app-key=${APP_KEY} api-url=${url}></chat-window>`,
    );
    await waitUntil(() => rowOf(el, 'room-list', 'Lobby'), 'rooms listed', T);
    expect(rowOf(el, 'room-list', 'Lobby')!.textContent).to.match(/\d+ members?/);
    await expect(el).to.be.accessible();

    const selected = nextEvent(el, 'chat-conversation-select');
    within(rowOf(el, 'room-list', 'Lobby')!, '[part="join-button"]').click();
    const opened = await selected;
    expect([opened.conversationId, opened.chatType]).to.deep.equal([lobby.id, 'chatRoom']);
    await waitUntil(() => within(rowOf(el, 'room-list', 'Lobby')!, '[part="leave-button"]'), '', T);
    await expect(el).to.be.accessible();

    await waitUntil(() => shadow(win, '[part="leave-room-button"]'), 'the room is open', T);
    const hello = `hello room ${Date.now()}`;
    expect((await bob.sendBody(lobby.id, { type: 'txt', msg: hello }, 'chatRoom')).t).to.equal(
      'ack',
    );
    const bubble = () =>
      [...win.shadowRoot!.querySelectorAll('[part~="message"]')].find((b) =>
        b.textContent!.includes(hello),
      );
    await waitUntil(bubble, 'the room message shows', T);
    expect(bubble()!.querySelector('[part="sender"]')!.textContent!.trim()).to.equal(bob.username);
    await expect(win).to.be.accessible();

    shadow(win, '[part="leave-room-button"]').click();
    await waitUntil(() => shadow(win, '[part="left-notice"]'), 'left', T);
    expect(shadow(win, '[part="composer"]')).to.equal(null);
    await waitUntil(() => within(rowOf(el, 'room-list', 'Lobby')!, '[part="join-button"]'), '', T);
    await expect(win).to.be.accessible();
  });

  it('says why a full room cannot be joined, and stays out of it', async () => {
    const admin = await user.peer('admin');
    const set = (admins: string) =>
      serverCli('main', ['app', 'set', APP_KEY, '--room-admins', admins]);
    expect((await set(admin.username)).code).to.equal(0);
    try {
      const name = uniqueName('Tiny ');
      const { data } = await admin.rest<RoomIdResponse>('POST', '/chatrooms', {
        name,
        maxusers: 1,
      });
      await admin.rest('POST', `/chatrooms/${data.id}/apply`);
      const el = await fixture<ChatRooms>(
        html`<chat-rooms app-key=${APP_KEY} api-url=${url}></chat-rooms>`,
      );
      await waitUntil(() => rowOf(el, 'room-list', name), 'listed', T);
      within(rowOf(el, 'room-list', name)!, '[part="join-button"]').click();
      await waitUntil(() => within(rowOf(el, 'room-list', name)!, '[role="alert"]'), 'refused', T);
      expect(within(rowOf(el, 'room-list', name)!, '[role="alert"]').textContent!.trim()).to.not.be
        .empty;
      expect(within(rowOf(el, 'room-list', name)!, '[part="join-button"]'), 'still out').to.exist;
      await expect(el).to.be.accessible();
      await admin.rest('DELETE', `/chatrooms/${data.id}`);
    } finally {
      await set('');
    }
  });
});
