import { expect, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import type { GroupInfoResponse, UsernamesResponse } from '../../src/protocol/index.js';
import { getChatStore, type Group } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { otherMember } from './other-member.js';
import { confirmDialog, rowOf, shadow, within } from './panel-queries.js';
import { APP_KEY, fetchToken } from './peer.js';
import { openGroupInfo, openGroupWindow, sayInGroup } from './group-window.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

describe('chat-group-info', () => {
  const user = signedIn(url);

  const open = (gid: string) => openGroupWindow(url, gid);

  it('the owner unmutes a member and removes an admin, on the server too', async () => {
    const bob = await user.peer('bob');
    const group = await store().createGroup({ name: uniqueName('Mods '), members: [bob.username] });
    await bob.rest('POST', `/chatgroups/${group.id}/invite_verify`, { accept: true });
    await store().muteGroupMember(group.id, bob.username, -1);
    expect((await sayInGroup(bob, group.id, 'muted?')).t, 'the server holds the mute').to.equal(
      'nack',
    );

    const info = await openGroupInfo(await open(group.id));
    const bobRow = () => rowOf(info, 'member-list', bob.username)!;
    /** What the row says of bob: role, muted. */
    const note = () => bobRow()?.querySelector('.note')?.textContent ?? '';
    await waitUntil(() => /muted/.test(note()), 'bob shows muted', T);
    within(bobRow(), '[part="manage-button"]').click();
    await info.updateComplete;
    expect(within(bobRow(), '[part="mute-button"]'), 'no Mute while muted').to.equal(null);
    await expect(info).to.be.accessible();
    within(bobRow(), '[part="unmute-button"]').click();
    await waitUntil(() => !/muted/.test(note()), 'bob no longer muted', T);
    expect(within(bobRow(), '[part="mute-button"]'), 'Mute offered again').to.exist;
    expect((await sayInGroup(bob, group.id, 'free again')).t, 'the server lifted it').to.equal(
      'ack',
    );

    await store().setGroupAdmin(group.id, bob.username);
    await waitUntil(() => /admin/.test(note()), 'bob is an admin', T);
    const adminButton = () => within(bobRow(), '[part="admin-button"]');
    expect(adminButton().textContent!.trim()).to.equal('Remove admin');
    adminButton().click();
    await waitUntil(() => !/admin/.test(note()), 'bob is a member again', T);
    expect(adminButton().textContent!.trim()).to.equal('Make admin');
    const admins = await bob.rest<UsernamesResponse>('GET', `/chatgroups/${group.id}/admin`);
    expect(admins.data, 'the server took the role away').to.not.include(bob.username);
    expect(within(bobRow(), '[role="alert"]'), 'no error').to.equal(null);
    await expect(info).to.be.accessible();

    // Another control of the same member, clicked while the first action is still at work (the
    // store reads the group again after the server agreed: the control says it is busy).
    await waitUntil(() => adminButton().getAttribute('aria-disabled') === 'false', 'idle', T);
    adminButton().click();
    await info.updateComplete;
    expect(adminButton().getAttribute('aria-disabled'), 'busy').to.equal('true');
    within(bobRow(), '[part="owner-button"]').click();
    const dialog = await confirmDialog(info);
    expect(dialog.textContent).to.contain(`Make ${bob.username} the owner`);
    dialog.querySelector<HTMLElement>('[part="cancel-button"]')!.click();
    await waitUntil(() => /admin/.test(note()), 'the first action done too', T);
    expect(note(), 'still not the owner').to.not.contain('owner');
  });

  it("an edit reaches another member's window; disbanding, confirmed, closes it for them", async () => {
    const bob = await otherMember(url, 'bob');
    try {
      const group = await store().createGroup({
        name: uniqueName('Old '),
        members: [bob.username],
      });
      await bob.store.acceptGroupInvitation(group.id);
      await bob.store.openConversation(group.id, 'groupChat');
      const bobWindow = await bob.show('chat-window');
      const bobNotices = await bob.show('chat-notices');
      let bobGroups: Group[] = [];
      const watching = bob.store.groups$.subscribe((list) => (bobGroups = list));
      const bobTitle = () => shadow(bobWindow, '[part="title"]').textContent;
      await waitUntil(() => bobTitle() === group.name, "bob's window shows the group", T);

      const auth = { authorization: `Bearer ${await fetchToken(url, user.me)}` };
      const el = await open(group.id);
      const info = await openGroupInfo(el);
      shadow(info, '[part="edit-button"]').click();
      await info.updateComplete;
      expect(shadow<HTMLInputElement>(info, '#edit-name').value, 'starts from the name').to.equal(
        group.name,
      );
      await expect(info).to.be.accessible();
      const name = uniqueName('New ');
      shadow<HTMLInputElement>(info, '#edit-name').value = `  ${name} `;
      shadow<HTMLTextAreaElement>(info, '#edit-description').value = 'Now with a description';
      shadow(info, '[part="save-button"]').click();
      await waitUntil(() => !shadow(info, '[part="edit-form"]'), 'the form closes once saved', T);
      expect(shadow(info, '[part="title"]').textContent).to.equal(name);
      expect(shadow(info, '[part="description"]').textContent).to.equal('Now with a description');
      await waitUntil(() => shadow(el, '[part="title"]').textContent === name, 'my window', T);
      const onServer = await fetch(`${url}/demo/chat/chatgroups/${group.id}`, { headers: auth });
      expect(((await onServer.json()) as GroupInfoResponse).data[0]).to.include({
        name,
        description: 'Now with a description',
      });

      await waitUntil(() => bobTitle() === name, "bob's window is renamed", T);
      await waitUntil(
        () => bobGroups.find((g) => g.id === group.id)?.description === 'Now with a description',
        "bob's store has the description",
        T,
      );
      watching.unsubscribe();

      // Cancelling changes nothing; confirming disbands it for everyone.
      shadow(info, '[part="disband-button"]').click();
      let dialog = await confirmDialog(info);
      expect(dialog.textContent).to.contain(`Disband ${name}?`);
      dialog.querySelector<HTMLElement>('[part="cancel-button"]')!.click();
      await waitUntil(() => !dialog.open, 'cancelled');
      expect((await fetch(`${url}/demo/chat/chatgroups/${group.id}`, { headers: auth })).ok).to.be
        .true;
      expect(shadow(el, '[part="composer"]'), 'still mine').to.exist;
      const leftNotice = (win: ChatWindow) =>
        shadow(win, '[part="left-notice"]')?.textContent?.trim();
      // Every wording bob's window shows on the way: the reason, never a generic "left" first.
      const seen = new Set<string>();
      const watcher = new MutationObserver(() => {
        const words = leftNotice(bobWindow);
        if (words) seen.add(words);
      });
      watcher.observe(bobWindow.shadowRoot!, {
        subtree: true,
        childList: true,
        characterData: true,
      });
      shadow(info, '[part="disband-button"]').click();
      dialog = await confirmDialog(info);
      dialog.querySelector<HTMLElement>('[part="confirm-button"]')!.click();
      await waitUntil(() => leftNotice(el) === 'This group was disbanded.', 'my window', T);
      await waitUntil(() => leftNotice(bobWindow) === 'This group was disbanded.', "bob's", T);
      watcher.disconnect();
      expect([...seen]).to.deep.equal(['This group was disbanded.']);
      expect(shadow(bobWindow, '[part="composer"]'), 'bob has no composer').to.equal(null);
      const notices = () =>
        [...bobNotices.shadowRoot!.querySelectorAll('[part="notice"]')].map((n) => n.textContent);
      await waitUntil(
        () => notices().some((n) => n!.includes(`${name} was disbanded by ${user.me}`)),
        'bob is told',
        T,
      );
      await expect(bobWindow).to.be.accessible();
    } finally {
      await bob.close();
    }
  });
});
