import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatRoster } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import type { GroupIdResponse } from '../../src/protocol/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { eventLog, nextEvent } from './event-log.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const items = (el: Element) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="conversation"]'),
];
const itemFor = (el: Element, text: string) => items(el).find((i) => i.textContent!.includes(text));

describe('chat-roster', () => {
  let me: string;
  let peer: Peer | undefined;

  beforeEach(async () => {
    me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
  });

  afterEach(async () => {
    peer?.close();
    peer = undefined;
    await store().logout({ wipe: true });
  });

  const roster = () =>
    fixture<ChatRoster>(html`<chat-roster app-key=${APP_KEY} api-url=${url}></chat-roster>`);

  it('is accessible when empty and exposes its parts', async () => {
    const el = await roster();
    await expect(el).to.be.accessible();
    for (const part of ['empty', 'start-form', 'label', 'input', 'start-button', 'error']) {
      expect($(el, `[part~="${part}"]`), part).to.exist;
    }
    expect($(el, 'label[for="peer"]').textContent).to.contain('Start a chat');
    expect($(el, '[part="start-button"]').textContent!.trim()).to.equal('Open chat');
  });

  it('starts a chat by username with Enter', async () => {
    const el = await roster();
    const other = uniqueName('other');
    await registerUser(url, other);
    const input = $<HTMLInputElement>(el, '#peer');
    input.focus();
    await sendKeys({ type: other });
    const selected = nextEvent(el, 'chat-conversation-select');
    await sendKeys({ press: 'Enter' });
    expect((await selected).conversationId).to.equal(other);
    expect(await firstValueFrom(store().activeConversation$)).to.equal(other);
    expect(input.value).to.equal('');
    await waitUntil(() => itemFor(el, other), 'the new conversation is listed');
    expect(itemFor(el, other)!.getAttribute('aria-current')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('says in plain words that there is no such user, and opens nothing', async () => {
    const el = await roster();
    const log = eventLog(el);
    $<HTMLInputElement>(el, '#peer').value = uniqueName('nobody');
    $(el, '[part="start-button"]').click();
    const alert = $(el, '[role="alert"]');
    await waitUntil(() => alert.textContent!.trim(), 'an error shows', { timeout: 8000 });
    expect(alert.textContent).to.match(/no user|not found|does not exist/i);
    expect(log).to.deep.equal([]);
    expect(await firstValueFrom(store().activeConversation$)).to.equal(null);
    expect(items(el)).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('lists a received message with name, text, time and unread count; a click opens and reads it', async () => {
    const el = await roster();
    const log = eventLog(el);
    peer = await connectPeer(url, uniqueName('peer'));
    const answer = await peer.send(me, 'hi there');
    expect(answer.t).to.equal('ack');
    await waitUntil(() => itemFor(el, 'hi there'), 'the conversation is listed', { timeout: 8000 });
    const item = itemFor(el, 'hi there')!;
    expect(item.querySelector('.name')!.textContent).to.equal(peer.username);
    expect(item.querySelector('time')!.getAttribute('datetime')).to.match(/^\d{4}-/);
    expect(item.querySelector('[part="badge"]')!.textContent).to.equal('1');
    expect(item.textContent).to.contain('1 unread message');
    expect(log, 'no event for data arriving').to.deep.equal([]);
    await expect(el).to.be.accessible();

    const selected = nextEvent(el, 'chat-conversation-select');
    item.click();
    expect((await selected).conversationId).to.equal(peer.username);
    await waitUntil(() => !itemFor(el, 'hi there')?.querySelector('[part="badge"]'), 'read');
    expect(itemFor(el, 'hi there')!.getAttribute('aria-current')).to.equal('true');
  });

  it('shows message text literally, never as markup', async () => {
    const el = await roster();
    peer = await connectPeer(url, uniqueName('peer'));
    const markup = '<img src=x onerror="window.__rosterXss=1">';
    await peer.send(me, markup);
    await waitUntil(() => itemFor(el, markup), 'listed as text', { timeout: 8000 });
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __rosterXss?: number }).__rosterXss).to.equal(undefined);
  });

  it('fires nothing when its properties are set', async () => {
    const el = await roster();
    const log = eventLog(el);
    el.theme = 'dark';
    await el.updateComplete;
    expect(log).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('previews the last message by kind, and a recalled one as a notice', async () => {
    peer = await connectPeer(url, uniqueName('peer'));
    const el = await roster();
    await peer.sendBody(me, { type: 'loc', addr: 'Harbour Road 1', lat: 1.5, lng: 2.5 });
    const last = () => itemFor(el, peer!.username)?.querySelector('.last')?.textContent?.trim();
    await waitUntil(() => last() === 'Location: Harbour Road 1', 'location preview', {
      timeout: 8000,
    });
    const answer = await peer.send(me, 'never mind');
    await waitUntil(() => last() === 'never mind', 'text preview', { timeout: 8000 });
    if (answer.t !== 'ack') throw new Error(`not sent: ${JSON.stringify(answer)}`);
    await peer.recall(answer.mid, me);
    await waitUntil(() => last() === 'Message recalled', 'recalled preview', { timeout: 8000 });
    await expect(el).to.be.accessible();
  });

  it('has tabs for chats, contacts, groups and rooms, moved between with the arrow keys', async () => {
    const el = await roster();
    const tabs = () => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="tab"]')];
    expect(tabs().map((t) => t.textContent!.trim())).to.deep.equal([
      'Chats',
      'Contacts',
      'Groups',
      'Rooms',
    ]);
    const selected = () => $(el, '[aria-selected="true"]');
    expect(selected().id).to.equal('tab-chats');
    selected().focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(selected().id).to.equal('tab-contacts');
    expect(el.shadowRoot!.activeElement).to.equal(selected());
    expect($(el, '[role="tabpanel"] chat-contacts')).to.exist;
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(selected().id).to.equal('tab-rooms');
    expect($(el, '[role="tabpanel"] chat-rooms')).to.exist;
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(selected().id, 'arrows wrap').to.equal('tab-chats');
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowLeft' });
    await el.updateComplete;
    expect(selected().id).to.equal('tab-groups');
    expect($(el, '[role="tabpanel"]').getAttribute('aria-labelledby')).to.equal('tab-groups');
    await expect(el).to.be.accessible();
  });

  it('counts friend requests on the Contacts tab', async () => {
    const el = await roster();
    peer = await connectPeer(url, uniqueName('peer'));
    await peer.rest('POST', '/users/{me}/contacts/requests', { to: me });
    const tab = () => $(el, '#tab-contacts');
    await waitUntil(() => tab().querySelector('[part="tab-count"]'), 'counted', { timeout: 8000 });
    expect(tab().querySelector('[part="tab-count"]')!.textContent).to.equal('1');
    expect(tab().textContent).to.contain('1 friend request');
    await expect(el).to.be.accessible();
  });

  it('previews a group by its name and the last sender, and opens it as a group', async () => {
    peer = await connectPeer(url, uniqueName('peer'));
    const name = uniqueName('Band ');
    const { data } = await peer.rest<GroupIdResponse>('POST', '/chatgroups', {
      groupname: name,
      public: false,
      members: [me],
    });
    await store().acceptGroupInvitation(data.groupid);
    const el = await roster();
    await peer.sendBody(data.groupid, { type: 'txt', msg: 'rehearsal at 7' }, 'groupChat');
    const last = () => itemFor(el, name)?.querySelector('.last')?.textContent?.trim();
    await waitUntil(() => last() === `${peer!.username}: rehearsal at 7`, 'previewed', {
      timeout: 8000,
    });
    const selected = nextEvent(el, 'chat-conversation-select');
    itemFor(el, name)!.click();
    const event = await selected;
    expect([event.conversationId, event.chatType]).to.deep.equal([data.groupid, 'groupChat']);
    await expect(el).to.be.accessible();
  });
});
