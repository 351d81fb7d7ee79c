import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/index.js';
import type { ChatGroups } from '../../src/elements/index.js';
import type {
  GroupIdResponse,
  GroupInfoResponse,
  GroupMembersResponse,
} from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { nextEvent } from './event-log.js';
import { APP_KEY, type Peer } from './peer.js';
import { signedIn } from './signed-in.js';
import { rowOf, shadow, within } from './panel-queries.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const T = { timeout: 8000 };

/** `owner` creates a group over REST; resolves with its id. */
async function createGroup(owner: Peer, name: string, options: Record<string, unknown> = {}) {
  const answer = await owner.rest<GroupIdResponse>('POST', '/chatgroups', {
    groupname: name,
    public: false,
    ...options,
  });
  return answer.data.groupid;
}

describe('chat-groups', () => {
  const user = signedIn(url);
  const peer = (prefix?: string) => user.peer(prefix);

  const groups = () =>
    fixture<ChatGroups>(html`<chat-groups app-key=${APP_KEY} api-url=${url}></chat-groups>`);

  it('creates a group with members, who join by accepting, and opens it', async () => {
    const bob = await peer('bob');
    const el = await groups();
    await expect(el).to.be.accessible();
    shadow(el, '[part="create-group-button"]').click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
    const name = uniqueName('Hikers ');
    shadow(el, '#group-name').focus();
    await sendKeys({ type: name });
    shadow<HTMLInputElement>(el, '#group-description').value = 'Weekend walks';
    shadow<HTMLInputElement>(el, '#group-members').value = `${bob.username}, `;
    shadow<HTMLInputElement>(el, '[name="allowInvites"]').click();
    const selected = nextEvent(el, 'chat-conversation-select');
    shadow(el, '[part="create-button"]').click();
    const event = await selected;
    expect(event.chatType).to.equal('groupChat');
    expect(shadow(el, '[part="create-form"]'), 'the form closes').to.equal(null);
    await waitUntil(() => rowOf(el, 'group-list', name), 'listed', T);
    expect(rowOf(el, 'group-list', name)!.textContent).to.match(/1 member\b.*owner/s);

    // Bob was invited (not added): he joins by accepting.
    const gid = event.conversationId;
    await bob.rest('POST', `/chatgroups/${gid}/invite_verify`, { accept: true });
    await waitUntil(() => /2 members/.test(rowOf(el, 'group-list', name)!.textContent!), '', T);
    const info = await bob.rest<GroupInfoResponse>('GET', `/chatgroups/${gid}`);
    expect(info.data[0]).to.include({ description: 'Weekend walks', allowinvites: true });
    expect(info.data[0]).to.include({ public: false, approval: false });
    const members = await bob.rest<GroupMembersResponse>('GET', `/chatgroups/${gid}/users`);
    expect(members.entities.map((m) => [m.username, m.role])).to.have.deep.members([
      [user.me, 'owner'],
      [bob.username, 'member'],
    ]);
    await expect(el).to.be.accessible();
  });

  it('accepts and declines invitations, and approves an application', async () => {
    const [carol, dave] = await Promise.all([peer('carol'), peer('dave')]);
    const el = await groups();
    const book = uniqueName('Book club ');
    const chess = uniqueName('Chess ');
    await createGroup(carol, book, { members: [user.me] });
    await createGroup(carol, chess, { members: [user.me] });
    await waitUntil(() => rowOf(el, 'invitation-list', chess), 'invitations listed', T);
    expect(rowOf(el, 'invitation-list', book)!.textContent).to.contain(`from ${carol.username}`);
    await expect(el).to.be.accessible();

    within(rowOf(el, 'invitation-list', book)!, '[part="accept-button"]').click();
    await waitUntil(() => rowOf(el, 'group-list', book), 'joined', T);
    within(rowOf(el, 'invitation-list', chess)!, '[part="decline-button"]').click();
    await waitUntil(() => !shadow(el, '[part="invitation-list"]'), 'all answered', T);
    expect(rowOf(el, 'group-list', chess)).to.equal(undefined);

    const mine = await store().createGroup({
      name: uniqueName('Quiet '),
      public: true,
      approval: true,
    });
    await dave.rest('POST', `/chatgroups/${mine.id}/apply`, { message: 'let me in' });
    await waitUntil(() => rowOf(el, 'join-request-list', dave.username), 'application', T);
    expect(rowOf(el, 'join-request-list', dave.username)!.textContent).to.contain('let me in');
    await expect(el).to.be.accessible();
    within(rowOf(el, 'join-request-list', dave.username)!, '[part="accept-button"]').click();
    await waitUntil(() => !shadow(el, '[part="join-request-list"]'), 'answered', T);
    const members = await dave.rest<GroupMembersResponse>('GET', `/chatgroups/${mine.id}/users`);
    expect(members.entities.map((m) => m.username)).to.include(dave.username);
  });

  it('joins a public group, asks to join one with approval, and says why a join failed', async () => {
    const erin = await peer('erin');
    const open = uniqueName('Open ');
    const closed = uniqueName('Closed ');
    const gone = uniqueName('Gone ');
    await createGroup(erin, open, { public: true });
    await createGroup(erin, closed, { public: true, approval: true });
    const goneId = await createGroup(erin, gone, { public: true });
    const el = await groups();
    shadow(el, '[part="browse-button"]').click();
    await waitUntil(() => rowOf(el, 'public-list', open), 'public groups listed', T);
    await expect(el).to.be.accessible();

    within(rowOf(el, 'public-list', open)!, '[part="join-button"]').click();
    await waitUntil(() => rowOf(el, 'group-list', open), 'joined at once', T);
    expect(rowOf(el, 'public-list', open)!.textContent).to.contain('Joined');
    within(rowOf(el, 'public-list', closed)!, '[part="join-button"]').click();
    await waitUntil(() => rowOf(el, 'public-list', closed)!.textContent!.includes('Request sent'));
    expect(rowOf(el, 'group-list', closed)).to.equal(undefined);

    await erin.rest('DELETE', `/chatgroups/${goneId}`);
    within(rowOf(el, 'public-list', gone)!, '[part="join-button"]').click();
    await waitUntil(() => within(rowOf(el, 'public-list', gone)!, '[role="alert"]'), 'refused', T);
    expect(within(rowOf(el, 'public-list', gone)!, '[role="alert"]').textContent!.trim()).to.not.be
      .empty;
    expect(rowOf(el, 'group-list', gone)).to.equal(undefined);
    await expect(el).to.be.accessible();
  });
});
