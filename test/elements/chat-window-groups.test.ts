import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import type { GroupIdResponse } from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { confirmDialog, rowOf, shadow, within } from './panel-queries.js';
import { APP_KEY } from './peer.js';
import { openGroupInfo, openGroupWindow, sayInGroup } from './group-window.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

const bubbles = (el: ChatWindow) => [
  ...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="message"]'),
];
const bubble = (el: ChatWindow, text: string) =>
  bubbles(el).find((b) => b.querySelector('[part~="message-text"]')?.textContent?.trim() === text);

describe('chat-window in a group', () => {
  const user = signedIn(url);

  const open = (gid: string) => openGroupWindow(url, gid);

  it('names the senders above their runs of messages; the owner manages members', async () => {
    const [bob, carol] = await Promise.all([user.peer('bob'), user.peer('carol')]);
    const group = await store().createGroup({
      name: uniqueName('Team '),
      members: [bob.username, carol.username],
    });
    await Promise.all(
      [bob, carol].map((p) =>
        p.rest('POST', `/chatgroups/${group.id}/invite_verify`, { accept: true }),
      ),
    );
    const el = await open(group.id);
    const title = () => shadow(el, '[part="title"]').textContent;
    await waitUntil(() => title() === group.name, 'titled with the group name', T);
    await sayInGroup(bob, group.id, 'first from bob');
    await sayInGroup(bob, group.id, 'second from bob');
    await sayInGroup(carol, group.id, 'hello from carol');
    await waitUntil(() => bubble(el, 'hello from carol'), 'group messages shown', T);
    const sender = (text: string) =>
      bubble(el, text)!.querySelector('[part="sender"]')?.textContent?.trim();
    expect(sender('first from bob')).to.equal(bob.username);
    expect(sender('second from bob'), 'a run of one sender is named once').to.equal(undefined);
    expect(bubble(el, 'second from bob')!.textContent).to.contain(`${bob.username}:`);
    expect(sender('hello from carol')).to.equal(carol.username);
    await expect(el).to.be.accessible();

    const info = await openGroupInfo(el);
    await waitUntil(() => rowOf(info, 'member-list', carol.username), 'members listed', T);
    expect(rowOf(info, 'member-list', user.me)!.textContent).to.match(/owner.*you/s);
    const manage = (name: string) =>
      within(rowOf(info, 'member-list', name)!, '[part="manage-button"]');
    manage(bob.username).click();
    await info.updateComplete;
    for (const part of [
      'kick-button',
      'mute-select',
      'mute-button',
      'admin-button',
      'owner-button',
    ]) {
      expect(within(rowOf(info, 'member-list', bob.username)!, `[part="${part}"]`), part).to.exist;
    }
    await expect(el).to.be.accessible();

    within<HTMLSelectElement>(rowOf(info, 'member-list', bob.username)!, 'select').value = '600000';
    within(rowOf(info, 'member-list', bob.username)!, '[part="mute-button"]').click();
    await waitUntil(() =>
      /muted until/.test(rowOf(info, 'member-list', bob.username)!.textContent!),
    );
    expect(
      (await sayInGroup(bob, group.id, 'am I muted?')).t,
      'the server holds the mute',
    ).to.equal('nack');
    expect((await sayInGroup(carol, group.id, 'carol is not')).t).to.equal('ack');

    manage(carol.username).click();
    await info.updateComplete;
    within(rowOf(info, 'member-list', carol.username)!, '[part="kick-button"]').click();
    const dialog = await confirmDialog(info);
    expect(dialog.textContent).to.contain(`Remove ${carol.username}`);
    dialog.querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitUntil(() => !rowOf(info, 'member-list', carol.username), 'carol removed', T);
    expect((await sayInGroup(carol, group.id, 'still here?')).t).to.equal('nack');
  });

  it('a member sees no owner controls, why they are muted, and a notice once removed', async () => {
    const bob = await user.peer('bob');
    const { data } = await bob.rest<GroupIdResponse>('POST', '/chatgroups', {
      groupname: uniqueName('Bobs '),
      public: false,
      members: [user.me],
    });
    const gid = data.groupid;
    await store().acceptGroupInvitation(gid);
    const el = await open(gid);
    const info = await openGroupInfo(el);
    await waitUntil(() => rowOf(info, 'member-list', bob.username), 'members listed', T);
    expect(!!shadow(info, '[part="manage-button"]'), 'nothing to manage').to.equal(false);
    expect(!!shadow(info, '[part="disband-button"]')).to.equal(false);
    expect(shadow(info, '[part="leave-button"]')).to.exist;
    expect(rowOf(info, 'member-list', bob.username)!.textContent).to.contain('owner');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !shadow<HTMLDialogElement>(el, '[part="group-dialog"]').open, 'closed');
    const deep = (root: Document | ShadowRoot): Element | null =>
      root.activeElement?.shadowRoot ? deep(root.activeElement.shadowRoot) : root.activeElement;
    expect(deep(document), 'focus back on Group info').to.equal(
      shadow(el, '[part="group-info-button"]'),
    );

    await bob.rest('POST', `/chatgroups/${gid}/mute`, {
      usernames: [user.me],
      mute_duration: 3_600_000,
    });
    await waitUntil(() => shadow(el, '[part="muted-banner"]'), 'the muted banner shows', T);
    expect(shadow(el, '[part="muted-banner"]').textContent).to.match(/muted you.*until/s);
    const input = shadow<HTMLTextAreaElement>(el, 'textarea');
    input.value = 'let me speak';
    shadow(el, '[part="send-button"]').click();
    await waitUntil(
      () => bubble(el, 'let me speak')?.dataset.status === 'failed',
      'refused by the server',
      T,
    );
    expect(bubble(el, 'let me speak')!.textContent).to.match(/Not sent: .*mute/is);
    await expect(el).to.be.accessible();

    await bob.rest('DELETE', `/chatgroups/${gid}/users/${user.me}`);
    await waitUntil(() => shadow(el, '[part="left-notice"]'), 'no longer a member', T);
    expect(shadow(el, '[part="left-notice"]').textContent).to.match(/removed|no longer/);
    expect(!!shadow(el, '[part="composer"]'), 'no composer').to.equal(false);
    expect(bubble(el, 'let me speak'), 'the messages stay').to.exist;
    await expect(el).to.be.accessible();
  });

  it('shows a refused invitation or edit next to its form, and changes nothing', async () => {
    const bob = await user.peer('bob');
    const group = await store().createGroup({ name: uniqueName('Edit '), members: [] });
    const el = await open(group.id);
    const info = await openGroupInfo(el);
    await waitUntil(() => rowOf(info, 'member-list', user.me), 'members listed', T);

    shadow<HTMLInputElement>(info, '#invitees').value = uniqueName('nobody');
    shadow(info, '[part="invite-button"]').click();
    const inviteForm = shadow(info, '[part="invite-form"]');
    await waitUntil(() => within(inviteForm, '[role="alert"]'), 'refused', T);
    expect(within(inviteForm, '[role="alert"]').textContent!.trim()).to.not.equal('');

    shadow(info, '[part="edit-button"]').click();
    await info.updateComplete;
    shadow<HTMLInputElement>(info, '#edit-name').value = 'x'.repeat(129);
    shadow(info, '[part="save-button"]').click();
    const editForm = shadow(info, '[part="edit-form"]');
    await waitUntil(() => within(editForm, '[role="alert"]'), 'refused', T);
    expect(shadow(info, '[part="title"]').textContent).to.equal(group.name);
    expect(shadow(el, '[part="title"]').textContent).to.equal(group.name);

    shadow<HTMLInputElement>(info, '#invitees').value = bob.username;
    shadow(info, '[part="invite-button"]').click();
    await waitUntil(() => !within(inviteForm, '[role="alert"]'), 'invited', T);
    await waitUntil(() => shadow<HTMLInputElement>(info, '#invitees').value === '', 'form reset');
    await expect(info).to.be.accessible();
  });

  it('the owner makes an admin, hands the group over and leaves; a disbanded group says so', async () => {
    const bob = await user.peer('bob');
    const group = await store().createGroup({
      name: uniqueName('Handover '),
      members: [bob.username],
    });
    await bob.rest('POST', `/chatgroups/${group.id}/invite_verify`, { accept: true });
    const el = await open(group.id);
    const info = await openGroupInfo(el);
    const bobRow = () => rowOf(info, 'member-list', bob.username)!;
    await waitUntil(() => rowOf(info, 'member-list', bob.username), 'bob listed', T);
    within(bobRow(), '[part="manage-button"]').click();
    await info.updateComplete;
    within(bobRow(), '[part="admin-button"]').click();
    await waitUntil(() => /\(admin\)/.test(bobRow().textContent!), 'bob is an admin', T);
    expect(within(bobRow(), '[part="admin-button"]').textContent!.trim()).to.equal('Remove admin');

    within(bobRow(), '[part="owner-button"]').click();
    const dialog = await confirmDialog(info);
    expect(dialog.textContent).to.contain(`Make ${bob.username} the owner`);
    dialog.querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitUntil(() => /\(owner\)/.test(bobRow().textContent!), 'bob owns it', T);
    // Bob's row comes from the members' read, my own role from the groups' read: the store reads
    // both again after the change, in either order, so the controls go with the second.
    await waitUntil(() => !!shadow(info, '[part="leave-button"]'), 'I am a member now', T);
    expect(!!shadow(info, '[part="disband-button"]'), 'nothing to disband').to.equal(false);
    expect(!!shadow(info, '[part="manage-button"]'), 'a member manages nobody').to.equal(false);

    shadow(info, '[part="leave-button"]').click();
    (await confirmDialog(info)).querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitUntil(() => shadow(el, '[part="left-notice"]'), 'left', T);
    expect(shadow(el, '[part="left-notice"]').textContent).to.contain('no longer a member');

    // Bob disbands a group I am in: the window says so.
    const { data } = await bob.rest<GroupIdResponse>('POST', '/chatgroups', {
      groupname: uniqueName('Short-lived '),
      public: false,
      members: [user.me],
    });
    await store().acceptGroupInvitation(data.groupid);
    const other = await open(data.groupid);
    await waitUntil(() => shadow(other, '[part="group-info-button"]'), 'a member', T);
    await bob.rest('DELETE', `/chatgroups/${data.groupid}`);
    await waitUntil(() => shadow(other, '[part="left-notice"]'), 'disbanded', T);
    expect(shadow(other, '[part="left-notice"]').textContent).to.match(/disbanded|no longer/);
    await expect(other).to.be.accessible();
  });
});
