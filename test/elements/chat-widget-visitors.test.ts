// <chat-widget> for a site talking to its visitors (issue 9): `guest`, `to`, `to-type`, `greeting`,
// the away note with its e-mail field, an unavailable `to`, the page a first message carries, and
// the team's list showing each visitor's e-mail and page. Real server (its demo app allows guests).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWidget, ChatWindow } from '../../src/elements/index.js';
import {
  VisitorExt,
  type GroupIdResponse,
  type ServerMessage,
  type UsersMetadataResponse,
} from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const GREETING = 'Hi! How can we help?';

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const chatWindow = (el: ChatWidget) => $<ChatWindow>(el, 'chat-window');

async function open(el: ChatWidget): Promise<void> {
  $<HTMLButtonElement>(el, '[part="launcher"]').click();
  await el.updateComplete;
}

/** Types `text` in the window's composer and sends it. */
async function say(win: ChatWindow, text: string): Promise<void> {
  await win.updateComplete;
  $<HTMLTextAreaElement>(win, 'textarea').value = text;
  $<HTMLButtonElement>(win, '[part="send-button"]').click();
}

describe('chat-widget for visitors', () => {
  const peers: Peer[] = [];
  const peer = async (prefix = 'team') => {
    const p = await connectPeer(url, uniqueName(prefix));
    peers.push(p);
    return p;
  };

  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    // A wipe also forgets the guest this page kept, so each test starts as a new visitor.
    await store().logout({ wipe: true });
  });

  it('guest + to + greeting: a visitor writes at once; the first message carries the page', async () => {
    const team = await peer();
    const el = await fixture<ChatWidget>(
      html`<chat-widget
        app-key=${APP_KEY}
        api-url=${url}
        guest
        to=${team.username}
        greeting=${GREETING}
      ></chat-widget>`,
    );
    // Nobody is made a guest for merely loading the page.
    await store().ready;
    await el.updateComplete;
    expect(await store().hasGuest()).to.equal(false);
    expect(el.getAttribute('status')).to.equal('signed-out');

    await open(el);
    await waitUntil(() => chatWindow(el), 'the conversation opens', { timeout: 8000 });
    expect($(el, 'chat-login')).to.equal(null);
    expect($(el, 'chat-roster')).to.equal(null);
    expect($(el, '[part="back-button"]')).to.equal(null);
    expect($(el, '[part="logout-button"]'), 'a guest has nothing to log out of').to.equal(null);
    const win = chatWindow(el);
    expect(win.getAttribute('conversation')).to.equal(team.username);
    await waitUntil(() => $(win, '[part~="greeting"]'), 'the greeting shows');
    expect($(win, '[part~="greeting"]').textContent!.trim()).to.equal(GREETING);
    expect($(el, '[part="away"]'), 'the team member is online').to.equal(null);
    await expect(el).to.be.accessible();

    const guest = (await firstValueFrom(store().user$))!.username;
    expect(guest).to.match(/^guest-/);
    // The second is sent before the store's list shows the first: the page goes with the first only.
    await say(win, 'where is my order?');
    await say(win, 'order 42');
    const text = (m: ServerMessage) => m.type === 'txt' && m.msg;
    const received = await team.nextMessage(
      (m) => m.from === guest && text(m) === 'where is my order?',
    );
    expect(received.ext).to.deep.equal({
      [VisitorExt.page]: location.origin + location.pathname,
      [VisitorExt.pageTitle]: document.title,
    });
    const second = await team.nextMessage((m) => m.from === guest && text(m) === 'order 42');
    expect(second.ext ?? {}).not.to.have.property(VisitorExt.page);

    // The greeting was shown, never stored nor sent.
    const stored = await firstValueFrom(
      store()
        .messages$(team.username)
        .pipe(filter((list) => list.length === 2)),
    );
    expect(stored.map((m) => m.text)).to.deep.equal(['where is my order?', 'order 42']);

    // A guest may set a display name, which the team sees; the form then goes.
    const nameForm = $<HTMLFormElement>(el, '[part="name-form"]');
    expect(nameForm.querySelector('label')!.textContent).to.contain('Your name');
    const nameInput = nameForm.querySelector('input')!;
    expect(nameInput.autocomplete).to.equal('name');
    nameInput.value = '  Ann Example  ';
    $<HTMLButtonElement>(el, '[part="name-button"]').click();
    await waitUntil(() => !$(el, '[part="name-form"]'), 'the name is set', { timeout: 8000 });
    expect((await firstValueFrom(store().user$))!.nickname).to.equal('Ann Example');
    const { data } = await team.rest<UsersMetadataResponse>('POST', '/metadata/user/get', {
      targets: [guest],
    });
    expect(data[guest]!.nickname).to.equal('Ann Example');
  });

  it('a guest’s display name the server refuses is said in the form, which stays', async () => {
    const team = await peer();
    const el = await fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url} guest to=${team.username} open>
      </chat-widget>`,
    );
    await waitUntil(() => $(el, '[part="name-form"]'), 'the name form', { timeout: 8000 });
    await expect(el).to.be.accessible();
    const input = $<HTMLInputElement>(el, '[part="name-form"] input');
    // Past the field's maxlength, as a script (or an older page) could set it.
    input.value = 'n'.repeat(101);
    $<HTMLButtonElement>(el, '[part="name-button"]').click();
    const error = () => $(el, '[part="name-form"] [part="error"]')?.textContent?.trim();
    await waitUntil(error, 'the refusal is said', { timeout: 8000 });
    expect(error()).to.contain('nickname must be at most 100 characters');
    expect((await firstValueFrom(store().user$))!.nickname ?? '').to.equal('');
    expect($(el, '[part="name-form"]')).to.exist;
  });

  it('to without guest: the login form first, then straight into that conversation', async () => {
    const team = await peer();
    const me = uniqueName('me');
    await registerUser(url, me);
    const el = await fixture<ChatWidget>(
      html`<chat-widget
        app-key=${APP_KEY}
        api-url=${url}
        to=${team.username.toUpperCase()}
        greeting=${GREETING}
      ></chat-widget>`,
    );
    await open(el);
    expect($(el, 'chat-login')).to.exist;
    expect(chatWindow(el)).to.equal(null);
    await store().login({ username: me, password: PASSWORD });
    await waitUntil(() => chatWindow(el), 'the conversation opens', { timeout: 8000 });
    expect($(el, 'chat-roster')).to.equal(null);
    expect($(el, '[part="logout-button"]'), 'a member can log out').to.exist;
    // A username is matched as typed, in any case.
    expect(chatWindow(el).getAttribute('conversation')).to.equal(team.username);
    await waitUntil(
      async () => (await firstValueFrom(store().activeConversation$)) === team.username,
      'the conversation is the active one',
    );
    await waitUntil(() => $(chatWindow(el), '[part~="greeting"]'), 'the greeting shows');
  });

  it('says when the to user is away and keeps the e-mail left as the mail attribute', async () => {
    const away = uniqueName('away');
    await registerUser(url, away, 'Sam');
    const reader = await peer('reader');
    const el = await fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url} guest to=${away} open></chat-widget>`,
    );
    await waitUntil(() => $(el, '[part="away"]'), 'the away note', { timeout: 8000 });
    expect($(el, '[part="away"]').textContent).to.contain('Sam is away right now');
    expect(chatWindow(el), 'the visitor can still write').to.exist;
    await expect(el).to.be.accessible();

    const input = $<HTMLInputElement>(el, '[part="mail-form"] input');
    expect(input.type).to.equal('email');
    expect(input.required).to.equal(true);
    input.value = 'ann@example.com';
    $<HTMLButtonElement>(el, '[part="mail-button"]').click();
    await waitUntil(() => !$(el, '[part="mail-form"]'), 'saved', { timeout: 8000 });
    expect($(el, '[part="away"] [role="status"]').textContent).to.contain('ann@example.com');

    const guest = (await firstValueFrom(store().user$))!.username;
    const { data } = await reader.rest<UsersMetadataResponse>('POST', '/metadata/user/get', {
      targets: [guest],
    });
    expect(data[guest]!.mail).to.equal('ann@example.com');
  });

  describe('signed in', () => {
    let me = '';
    beforeEach(async () => {
      me = uniqueName('me');
      await registerUser(url, me);
      await store().login({ username: me, password: PASSWORD });
    });

    it('a to naming nobody: the window says it is unavailable and the console names the attribute', async () => {
      const warnings: unknown[][] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => warnings.push(args);
      try {
        const el = await fixture<ChatWidget>(
          html`<chat-widget
            app-key=${APP_KEY}
            api-url=${url}
            to="nobody-at-all"
            open
          ></chat-widget>`,
        );
        await waitUntil(() => $(el, '[part="unavailable"]'), 'unavailable', { timeout: 8000 });
        expect($(el, '[part="unavailable"]').textContent!.trim()).to.equal(
          'This conversation is unavailable.',
        );
        expect(chatWindow(el)).to.equal(null);
        expect(warnings.map(([text]) => String(text)).join('\n')).to.match(
          /to="nobody-at-all".*to attribute/,
        );
        await expect(el).to.be.accessible();
      } finally {
        console.warn = warn;
      }
    });

    it('to-type="group" opens the group’s conversation; a group that cannot be opened is unavailable', async () => {
      const owner = await peer('owner');
      const name = uniqueName('Help desk ');
      const { data } = await owner.rest<GroupIdResponse>('POST', '/chatgroups', {
        groupname: name,
        public: false,
        members: [me],
      });
      await store().acceptGroupInvitation(data.groupid);
      const el = await fixture<ChatWidget>(
        html`<chat-widget
          app-key=${APP_KEY}
          api-url=${url}
          to=${data.groupid}
          to-type="group"
          greeting=${GREETING}
          open
        ></chat-widget>`,
      );
      await waitUntil(() => chatWindow(el), 'the group opens', { timeout: 8000 });
      expect(chatWindow(el).getAttribute('conversation')).to.equal(data.groupid);
      await waitUntil(
        () => $(chatWindow(el), '[part="title"]')?.textContent?.includes(name),
        'named after the group',
        { timeout: 8000 },
      );

      const warn = console.warn;
      console.warn = () => undefined;
      try {
        const none = await fixture<ChatWidget>(
          html`<chat-widget
            app-key=${APP_KEY}
            api-url=${url}
            to="99999999999"
            to-type="group"
            open
          ></chat-widget>`,
        );
        await waitUntil(() => $(none, '[part="unavailable"]'), 'unavailable', { timeout: 8000 });
      } finally {
        console.warn = warn;
      }
    });

    it('the team’s list shows each visitor’s e-mail and the page they wrote from', async () => {
      const visitor = await peer('visitor');
      await visitor.rest('PUT', '/metadata/user/{me}', { mail: 'vi@example.com' });
      const el = await fixture<ChatWidget>(
        html`<chat-widget app-key=${APP_KEY} api-url=${url} open></chat-widget>`,
      );
      // What the widget sends as a visitor's first message: the page in the message's ext.
      const first = {
        type: 'txt',
        msg: 'is this in stock?',
        ext: { [VisitorExt.page]: 'https://shop.example/boots', [VisitorExt.pageTitle]: 'Boots' },
      } as const;
      await visitor.sendBody(me, first);
      const roster = $(el, 'chat-roster');
      const info = () =>
        roster.shadowRoot!.querySelector('chat-visitor-info')?.shadowRoot ?? undefined;
      await waitUntil(
        () =>
          info()?.querySelector('[part="visitor-page"]') &&
          info()?.querySelector('[part="visitor-mail"]'),
        'the visitor’s page and e-mail',
        { timeout: 8000 },
      );
      expect(info()!.querySelector('[part="visitor-page"]')!.textContent).to.contain(
        'Boots (https://shop.example/boots)',
      );
      expect(info()!.querySelector('[part="visitor-mail"]')!.textContent).to.contain(
        'vi@example.com',
      );
      await expect(el).to.be.accessible();

      // A display name set after the conversation began names it once the visitor writes again.
      const row = () => roster.shadowRoot!.querySelector('[part~="conversation"] .name');
      expect(row()!.textContent!.trim()).to.equal(visitor.username);
      await visitor.rest('PUT', '/metadata/user/{me}', { nickname: 'Vi Sitor' });
      await visitor.send(me, 'hello again');
      await waitUntil(
        () => row()?.textContent?.trim() === 'Vi Sitor',
        'the list names the visitor',
        { timeout: 12000 },
      );
      // Their page stays, though their last message no longer carries it.
      expect(info()!.querySelector('[part="visitor-page"]')!.textContent).to.contain('Boots');
    });
  });
});
