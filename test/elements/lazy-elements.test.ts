// The elements loaded when first shown (src/elements/controllers/lazy-element-controller.ts): the
// roster's Contacts, Groups and Rooms panels and the window's <chat-group-info>. This file imports
// <chat-roster> and <chat-window> alone, as the widget's chunk does, not src/elements/index.js
// (which defines every element up front), so the panels are undefined until first shown.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/chat-roster/chat-roster.js';
import '../../src/elements/chat-window/chat-window.js';
import type { ChatGroupInfo, ChatRoster } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { openGroupWindow } from './group-window.js';
import { shadow } from './panel-queries.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();

describe('lazily loaded elements', () => {
  signedIn(url);

  it('a roster tab shows "Loading…" until its panel is loaded, then the panel', async () => {
    const el = await fixture<ChatRoster>(
      html`<chat-roster app-key=${APP_KEY} api-url=${url}></chat-roster>`,
    );
    for (const [tab, name] of [
      ['contacts', 'chat-contacts'],
      ['groups', 'chat-groups'],
      ['rooms', 'chat-rooms'],
    ] as const) {
      expect(customElements.get(name), `${name} not loaded with the roster`).to.equal(undefined);
      shadow(el, `#tab-${tab}`).click();
      await el.updateComplete;
      const loading = shadow(el, '[role="tabpanel"] [part="loading"]');
      expect(loading.getAttribute('role')).to.equal('status');
      expect(loading.textContent!.trim()).to.equal('Loading…');
      // The roster re-renders once the import resolves, a little after the module defined it.
      await waitUntil(() => shadow(el, `[role="tabpanel"] ${name}`), `${name} shown`);
      expect(shadow(el, '[role="tabpanel"] [part="loading"]')).to.equal(null);
      const panel = shadow(el, `[role="tabpanel"] ${name}`);
      expect(panel, `${name} shown`).to.be.instanceOf(customElements.get(name)!);
      await expect(el).to.be.accessible();
    }
  });

  it('"Group info" shows "Loading…" in its dialog until <chat-group-info> is loaded', async () => {
    const group = await getChatStore(APP_KEY, url).createGroup({ name: uniqueName('Lazy ') });
    const el = await openGroupWindow(url, group.id);
    await waitUntil(() => shadow(el, '[part="group-info-button"]'), 'the group is known', {
      timeout: 8000,
    });
    expect(customElements.get('chat-group-info'), 'not loaded with the window').to.equal(undefined);
    expect(shadow(el, 'chat-group-info'), 'nothing before the dialog opens').to.equal(null);
    shadow(el, '[part="group-info-button"]').click();
    await el.updateComplete;
    expect(shadow<HTMLDialogElement>(el, '[part="group-dialog"]').open).to.equal(true);
    expect(shadow(el, '[part="group-dialog"] [part="loading"]').textContent!.trim()).to.equal(
      'Loading…',
    );
    await waitUntil(() => shadow(el, 'chat-group-info'), '<chat-group-info> shown');
    const info = shadow<ChatGroupInfo>(el, 'chat-group-info');
    expect(info).to.be.instanceOf(customElements.get('chat-group-info')!);
    await info.updateComplete;
    expect(info.shadowRoot!.textContent).to.contain(group.name);
  });
});
