// Members' nicknames in a group (issue 14: the `nickName` member attribute of the 4.x SDK and UI
// kit) in Group info, against the real server: shown beside the username, kept live by the group's
// events, and mine set from my own row (refused in plain words past the server's limit).
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { MemberAttributesResponse } from '../../src/protocol/index.js';
import { firstValueFrom } from 'rxjs';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { rowOf, shadow, within } from './panel-queries.js';
import { APP_KEY } from './peer.js';
import { openGroupInfo, openGroupWindow } from './group-window.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

describe('chat-group-info nicknames', () => {
  const user = signedIn(url);

  it('shows members’ nicknames beside their usernames, live, and sets mine', async () => {
    const bob = await user.peer('bob');
    const carol = await user.peer('carol');
    const group = await store().createGroup({
      name: uniqueName('Nicks '),
      members: [bob.username, carol.username],
    });
    for (const peer of [bob, carol])
      await peer.rest('POST', `/chatgroups/${group.id}/invite_verify`, { accept: true });
    const attributes = (username: string) =>
      `/metadata/chatgroup/${group.id}/user/${username}` as const;
    // Set before Group info is first shown: read from the server then.
    await bob.rest('PUT', attributes(bob.username), {
      metaData: { nickName: 'Bobby', title: 'cook' },
    });

    const info = await openGroupInfo(await openGroupWindow(url, group.id));
    const row = (username: string) => rowOf(info, 'member-list', username);
    const shown = (username: string) => row(username)?.querySelector('.name')?.textContent;
    await waitUntil(() => shown(bob.username) === 'Bobby', 'bob’s nickname shows', T);
    expect(row(bob.username)!.textContent, 'his username beside it').to.contain(bob.username);
    await waitUntil(() => shown(carol.username), 'carol’s row', T);
    expect(shown(carol.username), 'no nickname: her username').to.equal(carol.username);
    await expect(info).to.be.accessible();

    // Live: carol sets hers, bob removes his.
    await carol.rest('PUT', attributes(carol.username), { metaData: { nickName: 'Caz' } });
    await waitUntil(() => shown(carol.username) === 'Caz', 'carol’s new nickname shows', T);
    await bob.rest('PUT', attributes(bob.username), { metaData: { nickName: '' } });
    await waitUntil(() => shown(bob.username) === bob.username, 'bob’s is gone', T);
    expect(row(bob.username)!.textContent!.split(bob.username).length, 'named once').to.equal(2);

    // Mine, from my own row only.
    await waitUntil(() => row(user.me), 'my row', T);
    expect(within(row(carol.username)!, '[part="nickname-button"]')).to.equal(null);
    const button = within(row(user.me)!, '[part="nickname-button"]');
    button.click();
    await info.updateComplete;
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    const input = () => shadow<HTMLInputElement>(info, '[part="nickname-form"] input');
    expect(input().value, 'none yet').to.equal('');
    await expect(info).to.be.accessible();
    input().value = '  Captain ';
    shadow(info, '[part="nickname-form"] [part="save-button"]').click();
    await waitUntil(() => !shadow(info, '[part="nickname-form"]'), 'the form closes once saved', T);
    await waitUntil(() => shown(user.me) === 'Captain', 'mine shows', T);
    const mine = await bob.rest<MemberAttributesResponse>('GET', attributes(user.me));
    expect(mine.data, 'on the server, trimmed').to.deep.equal({ nickName: 'Captain' });

    // Past the server's limit (512 bytes a value): refused in plain words, nothing changed.
    within(row(user.me)!, '[part="nickname-button"]').click();
    await info.updateComplete;
    expect(input().value, 'starts from mine').to.equal('Captain');
    input().value = '😀'.repeat(200);
    shadow(info, '[part="nickname-form"] [part="save-button"]').click();
    await waitUntil(() => shadow(info, '[part="nickname-form"] [role="alert"]'), 'refused', T);
    expect(shadow(info, '[part="nickname-form"] [role="alert"]').textContent).to.contain(
      'goes over a limit',
    );
    expect(shown(user.me)).to.equal('Captain');
    expect(
      (await bob.rest<MemberAttributesResponse>('GET', attributes(user.me))).data,
    ).to.deep.equal({ nickName: 'Captain' });
    await expect(info).to.be.accessible();

    // The group gone, this device keeps none of its nicknames (as none of its members).
    await store().disbandGroup(group.id);
    const nicknames = await store().groupNicknames();
    expect([...(await firstValueFrom(nicknames.of$(group.id)))]).to.deep.equal([]);
  });
});
