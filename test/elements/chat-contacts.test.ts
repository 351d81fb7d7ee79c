import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/index.js';
import type { ChatContacts } from '../../src/elements/index.js';
import type { ContactsResponse, ContactRequestsResponse } from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { nextEvent } from './event-log.js';
import { APP_KEY, type Peer } from './peer.js';
import { signedIn } from './signed-in.js';
import { confirmDialog, rowOf, shadow, text, within } from './panel-queries.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

describe('chat-contacts', () => {
  const user = signedIn(url);
  const peer = (prefix?: string) => user.peer(prefix);
  /** `p` asks me to be their contact, over REST as their client would. */
  const requestFrom = (p: Peer, message = '') =>
    p.rest('POST', '/users/{me}/contacts/requests', { to: user.me, message });

  const contacts = () =>
    fixture<ChatContacts>(html`<chat-contacts app-key=${APP_KEY} api-url=${url}></chat-contacts>`);

  it('adds a contact by username; once accepted both lists show it, with live presence', async () => {
    const el = await contacts();
    await expect(el).to.be.accessible();
    const bob = await peer('bob');
    shadow(el, '[part="add-contact-button"]').click();
    await el.updateComplete;
    shadow(el, '#contact-name').focus();
    await sendKeys({ type: bob.username });
    shadow(el, '#contact-message').focus();
    await sendKeys({ type: 'hello from the test' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => text(el, '[role="status"]').includes(bob.username), 'sent', T);
    await waitUntil(() => rowOf(el, 'outgoing-list', bob.username), 'shown as waiting', T);
    expect(rowOf(el, 'outgoing-list', bob.username)!.textContent).to.contain('Waiting');
    await expect(el).to.be.accessible();

    const pending = await bob.rest<ContactRequestsResponse>('GET', '/users/{me}/contacts/requests');
    expect(pending.entities.map((r) => [r.from, r.message])).to.deep.include([
      user.me,
      'hello from the test',
    ]);
    await bob.rest('POST', `/users/{me}/contacts/requests/${user.me}/accept`);

    await waitUntil(() => rowOf(el, 'contact-list', bob.username), 'a contact now', T);
    expect(rowOf(el, 'outgoing-list', bob.username)).to.equal(undefined);
    const row = () => rowOf(el, 'contact-list', bob.username)!;
    await waitUntil(() => row().textContent!.includes(', online'), 'online', T);
    expect(row().querySelector('[part~="presence"]')!.classList.contains('online')).to.equal(true);
    const theirs = await bob.rest<ContactsResponse>('GET', '/users/{me}/contacts/users');
    expect(theirs.entities.map((c) => c.username)).to.include(user.me);
    await expect(el).to.be.accessible();

    bob.close();
    await waitUntil(() => row().textContent!.includes(', offline'), 'offline once they leave', T);
    expect(row().querySelector('[part~="presence"]')!.classList.contains('online')).to.equal(false);
  });

  it('accepts and declines requests received, then opens a contact', async () => {
    const [carol, dave] = await Promise.all([peer('carol'), peer('dave')]);
    const el = await contacts();
    await requestFrom(carol, 'we met at the fair');
    await requestFrom(dave);
    await waitUntil(() => rowOf(el, 'request-list', dave.username), 'both requests listed', T);
    expect(rowOf(el, 'request-list', carol.username)!.textContent).to.contain('we met at the fair');
    await expect(el).to.be.accessible();

    within(rowOf(el, 'request-list', carol.username)!, '[part="accept-button"]').click();
    await waitUntil(() => rowOf(el, 'contact-list', carol.username), 'carol is a contact', T);
    const declined = within(rowOf(el, 'request-list', dave.username)!, '[part="decline-button"]');
    declined.focus();
    declined.click();
    await waitUntil(() => !rowOf(el, 'request-list', dave.username), 'dave is answered', T);
    expect(rowOf(el, 'contact-list', dave.username)).to.equal(undefined);
    expect(el.shadowRoot!.activeElement, 'focus stays in the list').to.not.equal(null);

    const selected = nextEvent(el, 'chat-conversation-select');
    within(rowOf(el, 'contact-list', carol.username)!, '[part="contact"]').click();
    expect((await selected).conversationId).to.equal(carol.username);
  });

  it('blocks, unblocks and removes a contact, each only once confirmed', async () => {
    const erin = await peer('erin');
    await requestFrom(erin);
    await store().acceptContact(erin.username);
    const el = await contacts();
    await waitUntil(() => rowOf(el, 'contact-list', erin.username), 'a contact', T);
    const block = () => within(rowOf(el, 'contact-list', erin.username)!, '[part="block-button"]');

    block().click();
    const dialog = await confirmDialog(el);
    expect(dialog.textContent).to.contain(`Block ${erin.username}?`);
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'cancelled');
    expect(shadow(el, '[part="blocked-list"]')).to.equal(null);

    block().click();
    (await confirmDialog(el)).querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitUntil(() => rowOf(el, 'blocked-list', erin.username), 'blocked', T);
    // The server holds it: erin's messages to me are refused.
    const answer = await erin.send(user.me, 'can you hear me?');
    expect(answer.t).to.equal('nack');
    await expect(el).to.be.accessible();

    within(rowOf(el, 'blocked-list', erin.username)!, '[part="unblock-button"]').click();
    (await confirmDialog(el)).querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitUntil(() => !shadow(el, '[part="blocked-list"]'), 'unblocked', T);
    expect((await erin.send(user.me, 'and now?')).t).to.equal('ack');

    within(rowOf(el, 'contact-list', erin.username)!, '[part="remove-button"]').click();
    const remove = await confirmDialog(el);
    expect(remove.textContent).to.contain(`Remove ${erin.username}`);
    remove.querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitUntil(() => !rowOf(el, 'contact-list', erin.username), 'removed', T);
    const theirs = await erin.rest<ContactsResponse>('GET', '/users/{me}/contacts/users');
    expect(
      theirs.entities.map((c) => c.username),
      'on both sides',
    ).to.not.include(user.me);
  });

  it('says in plain words why a request cannot be sent, and lists nothing new', async () => {
    const el = await contacts();
    shadow(el, '[part="add-contact-button"]').click();
    await el.updateComplete;
    const form = shadow(el, '[part="add-form"]');
    shadow<HTMLInputElement>(el, '#contact-name').value = uniqueName('nobody');
    shadow(el, '[part="send-request-button"]').click();
    await waitUntil(() => within(form, '[role="alert"]'), 'an error next to the form', T);
    expect(within(form, '[role="alert"]').textContent).to.match(/no user|not found|exist/i);
    expect(shadow(el, '[part="outgoing-list"]')).to.equal(null);

    shadow<HTMLInputElement>(el, '#contact-name').value = user.me;
    shadow(el, '[part="send-request-button"]').click();
    await el.updateComplete;
    expect(within(form, '[role="alert"]'), 'the last error goes as the next try starts').to.equal(
      null,
    );
    await waitUntil(() => within(form, '[role="alert"]'), 'myself: refused', T);
    expect(within(form, '[role="alert"]').textContent!.trim()).to.not.equal('');
    expect(shadow(el, '[part="outgoing-list"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});
