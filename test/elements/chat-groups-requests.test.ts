import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/index.js';
import type { ChatGroups } from '../../src/elements/index.js';
import type {
  GroupIdResponse,
  GroupMembersResponse,
  PublicGroupsResponse,
} from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { disposeServer, startServer, uniqueName } from '../support/servers.js';
import { otherMember } from './other-member.js';
import { rowOf, shadow, within } from './panel-queries.js';
import { APP_KEY, fetchToken } from './peer.js';
import { signedIn } from './signed-in.js';

// A server of this file's own: the public group list must hold exactly the groups made here.
const server = await startServer();
const { url } = server;
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

describe('chat-groups: declined requests and more public groups', () => {
  const user = signedIn(url);
  after(() => disposeServer(server.id));

  const groups = () =>
    fixture<ChatGroups>(html`<chat-groups app-key=${APP_KEY} api-url=${url}></chat-groups>`);

  it('declines a request to join: it leaves the list and the applicant is told', async () => {
    const dave = await otherMember(url, 'dave');
    try {
      const daveNotices = await dave.show('chat-notices');
      const name = uniqueName('Members only ');
      const mine = await store().createGroup({ name, public: true, approval: true });
      const el = await groups();
      expect(await dave.store.joinGroup(mine.id, 'let me in'), 'asked, not joined').to.equal(
        'requested',
      );
      await waitUntil(() => rowOf(el, 'join-request-list', dave.username), 'the request', T);
      const decline = within(
        rowOf(el, 'join-request-list', dave.username)!,
        '[part="decline-button"]',
      );
      expect(decline.getAttribute('aria-label')).to.equal(`Decline ${dave.username} into ${name}`);
      decline.click();
      await waitUntil(() => !shadow(el, '[part="join-request-list"]'), 'answered', T);
      expect(shadow(el, '[part="error"]'), 'no error').to.equal(null);
      expect(rowOf(el, 'group-list', name)!.textContent, 'still only me').to.match(/1 member\b/);

      const told = () =>
        [...daveNotices.shadowRoot!.querySelectorAll('[part="notice"]')].some((n) =>
          n.textContent!.includes(`${user.me} declined your request to join ${name}`),
        );
      await waitUntil(told, 'dave is told', T);
      await expect(daveNotices).to.be.accessible();
      const token = await fetchToken(url, dave.username);
      const members = (await fetch(`${url}/demo/chat/chatgroups/${mine.id}/users`, {
        headers: { authorization: `Bearer ${token}` },
      }).then((r) => r.json())) as GroupMembersResponse;
      expect(
        members.entities.map((m) => m.username),
        'not let in',
      ).to.deep.equal([user.me]);
      await expect(el).to.be.accessible();
    } finally {
      await dave.close();
    }
  });

  it('pages the public groups with "More groups" until none are left', async () => {
    const erin = await user.peer('erin');
    // One more than the store reads per page (PUBLIC_PAGE in src/store/groups.ts), counting the
    // public groups other tests here made.
    const before = await erin.rest<PublicGroupsResponse>('GET', '/publicchatgroups?limit=100');
    const names = before.data.map((g) => g.groupname);
    while (names.length < 51) {
      const name = `Public ${String(names.length).padStart(2, '0')} ${uniqueName('')}`;
      await erin.rest<GroupIdResponse>('POST', '/chatgroups', { groupname: name, public: true });
      names.push(name);
    }
    const el = await groups();
    const listed = () =>
      [...el.shadowRoot!.querySelectorAll('[part="public-list"] > li .name')].map(
        (n) => n.textContent!,
      );
    shadow(el, '[part="browse-button"]').click();
    await waitUntil(() => listed().length > 0, 'the first page', T);
    expect(listed()).to.have.length(50);
    const firstPage = listed();
    expect(shadow(el, '[part="more-button"]'), 'more to come').to.exist;
    await expect(el).to.be.accessible();

    shadow(el, '[part="more-button"]').click();
    await waitUntil(() => listed().length > 50, 'the second page, added below', T);
    expect(listed()).to.have.length(51);
    expect(listed().slice(0, 50), 'the first page stays in place').to.deep.equal(firstPage);
    expect([...listed()].sort(), 'each group once, none missing').to.deep.equal(names.sort());
    expect(shadow(el, '[part="more-button"]'), 'nothing more').to.equal(null);
    expect(shadow(el, '[part="error"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});
