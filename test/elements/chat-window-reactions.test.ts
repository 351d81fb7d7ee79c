// Reactions in <chat-window> against the real server, between the page's user and a peer on its own
// socket: the menu's quick row and "More reactions…" (the composer's emoji picker), the chips under
// a message (count, mine pressed, a press toggling mine), the peer's changes live, the list of who
// reacted (by nickname in a group), the keyboard and the screen-reader names, and a refusal said
// in plain words. The chips are a chunk loaded with the first message that has reactions. The
// picker's data comes from the test server's dist/emoji/ (run `vite build --mode widget` first, as
// `npm run test:browser` does).
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/index.js';
import type { GroupIdResponse, ReactionListResponse } from '../../src/protocol/index.js';
import { Limits } from '../../src/protocol/index.js';
import { filter, firstValueFrom } from 'rxjs';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { openGroupWindow, sayInGroup } from './group-window.js';
import { APP_KEY, fetchToken, registerUser, type Peer } from './peer.js';
import { signedIn } from './signed-in.js';
import { bubble, menu, openMenu, openWindow, root } from './window-fixture.js';

const { url } = await mainServer();
const session = signedIn(url);

/** The chips of the message saying `text`, as "emoji count" with a * when mine. */
const chips = (el: Element, text: string) =>
  [...(bubble(el, text)?.querySelectorAll<HTMLElement>('[part~="reaction"]') ?? [])].map(
    (c) =>
      `${c.textContent!.replace(/\s+/g, ' ').trim()}${c.getAttribute('aria-pressed') === 'true' ? '*' : ''}`,
  );
const chip = (el: Element, text: string, emoji: string) =>
  bubble(el, text)!.querySelector<HTMLElement>(`[part~="reaction"][data-reaction="${emoji}"]`)!;

/** The reactions of message `mid` as the peer reads them from the server, "emoji count". */
async function atPeer(peer: Peer, mid: string): Promise<string[]> {
  const { data } = await peer.rest<ReactionListResponse>(
    'GET',
    `/reaction/user/{me}?messageId=${encodeURIComponent(mid)}`,
  );
  return (data[0]?.reactionList ?? []).map((r) => `${r.reaction} ${r.userCount}`);
}

const peerReacts = (peer: Peer, mid: string, emoji: string, add = true) =>
  peer.rest(
    add ? 'POST' : 'DELETE',
    `/reaction/user/{me}?messageId=${encodeURIComponent(mid)}&reaction=${encodeURIComponent(emoji)}`,
  );

/**
 * A group of the page's user, `bob` and `count` more users who join it, where bob says "vote?"
 * and all of them react 👍 to it (bob first): the window on it once it shows them all. Registered and signed
 * in a batch at a time (the server takes 100 registrations a second).
 */
async function voted(bob: Peer, count: number) {
  const voters: { username: string; token: string }[] = [];
  for (let i = 0; i < count; i += 25) {
    voters.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(25, count - i) }, async () => {
          const username = uniqueName('voter');
          await registerUser(url, username);
          return { username, token: await fetchToken(url, username) };
        }),
      )),
    );
  }
  // A public group they join themselves: bob may invite only 30 a minute.
  const { data } = await bob.rest<GroupIdResponse>('POST', '/chatgroups', {
    groupname: uniqueName('Vote '),
    public: true,
    approval: false,
    inviteNeedConfirm: false,
    members: [session.me],
  });
  const call = (method: string, path: string, token: string) =>
    fetch(`${url}/demo/chat${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  for (const voter of voters) {
    const joined = await call('POST', `/chatgroups/${data.groupid}/apply`, voter.token);
    expect(joined.status, await joined.clone().text()).to.equal(200);
  }
  // In at once (no invitation to accept): the store hears of it.
  await firstValueFrom(
    getChatStore(APP_KEY, url).groups$.pipe(
      filter((groups) => groups.some((g) => g.id === data.groupid)),
    ),
  );
  const el = await openGroupWindow(url, data.groupid);
  const ack = await sayInGroup(bob, data.groupid, 'vote?');
  if (ack.t !== 'ack') throw new Error('not acked');
  await waitUntil(() => bubble(el, 'vote?'), 'received', { timeout: 8000 });
  const vote = `/reaction/user/{me}?messageId=${encodeURIComponent(ack.mid)}&reaction=${encodeURIComponent('👍')}`;
  await peerReacts(bob, ack.mid, '👍');
  for (const voter of voters) {
    const response = await call('POST', vote.replace('{me}', voter.username), voter.token);
    expect(response.status).to.equal(200);
  }
  const all = `👍 ${count + 1}`;
  await waitUntil(() => chips(el, 'vote?').join() === all, `all ${count + 1}, live`, {
    timeout: 60_000,
  });
  return { el, voters: [bob, ...voters] };
}

/** The element that has focus, looking through shadow roots. */
function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

describe('chat-window reactions', () => {
  const open = (peer: string) => openWindow(url, peer);

  it('reacts from the menu, shows the peer’s reactions live, toggles mine, and lists who reacted', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    await peer.send(session.me, 'no reactions here');
    const ack = await peer.send(session.me, 'lunch?');
    if (ack.t !== 'ack') throw new Error('not acked');
    await waitUntil(() => bubble(el, 'lunch?'), 'received', { timeout: 8000 });
    // A message without reactions has nothing under it, and nothing of them is loaded.
    expect(root(el).querySelector('[part~="reactions"]')).to.equal(null);

    await openMenu(el, 'lunch?');
    const quick = [...menu(el)!.querySelectorAll<HTMLElement>('[part~="quick-reaction"]')];
    expect(quick.map((b) => b.dataset.reaction)).to.deep.equal([
      '👍',
      '❤️',
      '😂',
      '😮',
      '😢',
      '🙏',
    ]);
    expect(quick[0]!.getAttribute('aria-label')).to.equal('React with 👍');
    expect(quick[0]!.getAttribute('aria-checked')).to.equal('false');
    expect(menu(el)!.querySelector('[data-action="react"]')!.textContent!.trim()).to.equal(
      'More reactions…',
    );
    await expect(el).to.be.accessible();
    quick[0]!.click();
    await waitUntil(() => chips(el, 'lunch?').join() === '👍 1*', 'my chip', { timeout: 8000 });
    await waitUntil(async () => (await atPeer(peer, ack.mid)).join() === '👍 1', 'at the peer');

    // The peer's, live: the same kind counts two, another kind is a chip of its own.
    await peerReacts(peer, ack.mid, '👍');
    await peerReacts(peer, ack.mid, '🎉');
    await waitUntil(() => chips(el, 'lunch?').join() === '👍 2*,🎉 1', 'the peer’s, live', {
      timeout: 8000,
    });
    expect(bubble(el, 'no reactions here')!.querySelector('[part~="reactions"]')).to.equal(null);
    const group = bubble(el, 'lunch?')!.querySelector('[part~="reactions"]')!;
    expect(group.getAttribute('role')).to.equal('group');
    expect(group.getAttribute('aria-label')).to.equal('Reactions');
    expect(chip(el, 'lunch?', '👍').getAttribute('aria-label')).to.equal('👍: 2 reactions');
    expect(chip(el, 'lunch?', '🎉').getAttribute('aria-label')).to.equal('🎉: 1 reaction');
    // Its styles came with its chunk (an adopted sheet).
    expect(getComputedStyle(group).display).to.equal('flex');
    await expect(el).to.be.accessible();

    // The menu knows mine: pressing its 👍 again would take it back.
    await openMenu(el, 'lunch?');
    const thumbs = menu(el)!.querySelector<HTMLElement>('[data-reaction="👍"]')!;
    expect(thumbs.getAttribute('aria-checked')).to.equal('true');
    expect(thumbs.getAttribute('aria-label')).to.equal('Take back your 👍');
    menu(el)!.hidePopover();

    // Who reacted: "You" and the peer (the store's name for them), the peer's alone for 🎉.
    const who = bubble(el, 'lunch?')!.querySelector<HTMLElement>('[part~="who-reacted-button"]')!;
    expect(who.getAttribute('aria-label')).to.equal('Who reacted');
    who.click();
    const list = bubble(el, 'lunch?')!.querySelector<HTMLElement>('[part~="who-reacted"]')!;
    await waitUntil(() => list.matches(':popover-open'), 'the list shown');
    expect(list.getAttribute('role')).to.equal('dialog');
    expect(list.getAttribute('aria-label')).to.equal('Who reacted');
    const rows = [...list.querySelectorAll('li')].map((li) =>
      li.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(rows).to.deep.equal([
      `👍 👍: 2 reactions: You, ${peer.username}`,
      `🎉 🎉: 1 reaction: ${peer.username}`,
    ]);
    await expect(list).to.be.accessible();
    list.hidePopover();

    // Pressing my chip takes mine back, here and at the peer; pressing it again adds it.
    chip(el, 'lunch?', '👍').click();
    await waitUntil(() => chips(el, 'lunch?').join() === '👍 1,🎉 1', 'mine taken back');
    await waitUntil(
      async () => (await atPeer(peer, ack.mid)).join() === '👍 1,🎉 1',
      'taken back at the peer',
    );
    // The peer takes theirs back: the chip goes, live.
    await peerReacts(peer, ack.mid, '👍', false);
    await waitUntil(() => chips(el, 'lunch?').join() === '🎉 1', 'the peer’s taken back');

    // A new window over the same store shows them from IndexedDB.
    el.remove();
    const again = await open(peer.username);
    await waitUntil(() => chips(again, 'lunch?').join() === '🎉 1', 'shown again');
  });

  it('works from the keyboard, reacts with any emoji through the picker, and says a refusal', async () => {
    const peer = await session.peer();
    const el = await open(peer.username);
    const ack = await peer.send(session.me, 'pick one');
    if (ack.t !== 'ack') throw new Error('not acked');
    await waitUntil(() => bubble(el, 'pick one'), 'received', { timeout: 8000 });
    await peerReacts(peer, ack.mid, '🎉');
    await waitUntil(() => chips(el, 'pick one').join() === '🎉 1', 'the peer’s', { timeout: 8000 });

    // A chip is a toggle button: Enter or Space on it adds mine, and takes it back.
    chip(el, 'pick one', '🎉').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => chips(el, 'pick one').join() === '🎉 2*', 'mine added');
    expect(deepActive() === chip(el, 'pick one', '🎉'), 'focus stays on the chip').to.equal(true);
    await sendKeys({ press: 'Space' });
    await waitUntil(() => chips(el, 'pick one').join() === '🎉 1', 'mine taken back');
    // Tab reaches "Who reacted"; Enter opens the list with focus in it, Escape returns.
    await sendKeys({ press: 'Tab' });
    const who = bubble(el, 'pick one')!.querySelector<HTMLElement>('[part~="who-reacted-button"]')!;
    expect(deepActive() === who, 'focus').to.equal(true);
    await sendKeys({ press: 'Enter' });
    const list = bubble(el, 'pick one')!.querySelector<HTMLElement>('[part~="who-reacted"]')!;
    await waitUntil(() => deepActive() === list, 'focus in the list');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !list.matches(':popover-open'), 'closed');
    expect(deepActive() === who, 'focus').to.equal(true);

    // From the menu, by keyboard: focus on the first quick reaction, End to the last item, Home
    // back, ArrowDown past the row to "More reactions…", which opens the picker.
    const button = bubble(el, 'pick one')!.querySelector<HTMLElement>('[part~="menu-button"]')!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => menu(el)?.matches(':popover-open'), 'menu open');
    const item = (selector: string) => menu(el)!.querySelector<HTMLElement>(selector)!;
    await waitUntil(() => deepActive() === item('[data-reaction="👍"]'), 'the first emoji');
    await sendKeys({ press: 'End' });
    expect(deepActive() === item('[data-action="delete"]'), 'focus').to.equal(true);
    await sendKeys({ press: 'Home' });
    expect(deepActive() === item('[data-reaction="👍"]'), 'focus').to.equal(true);
    for (let i = 0; i < 6; i++) await sendKeys({ press: 'ArrowDown' });
    expect(deepActive() === item('[data-action="react"]'), 'focus').to.equal(true);
    await sendKeys({ press: 'Enter' });
    const popover = await waitUntil(
      () => root(el).querySelector<HTMLElement>('[part~="reaction-picker"]'),
      'the picker',
      { timeout: 8000 },
    ).then(() => root(el).querySelector<HTMLElement>('[part~="reaction-picker"]')!);
    expect(popover.matches(':popover-open')).to.equal(true);
    expect(popover.getAttribute('aria-label')).to.equal('More reactions…');
    const pickerRoot = popover
      .querySelector('chat-emoji-picker')!
      .shadowRoot!.querySelector('emoji-picker')!.shadowRoot!;
    await waitUntil(() => deepActive() === pickerRoot.querySelector('input'), 'in its search', {
      timeout: 8000,
    });
    await sendKeys({ type: 'grinning face with big eyes' });
    await new Promise((resolve) => requestIdleCallback(resolve));
    await waitUntil(
      () =>
        [...pickerRoot.querySelectorAll('#search-results [id^="emo-"]')].map((b) => b.id).join() ===
        'emo-😃',
      'the one result',
      { timeout: 15000 },
    );
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => chips(el, 'pick one').join() === '🎉 1,😃 1*', 'reacted with it', {
      timeout: 8000,
    });
    expect(popover.matches(':popover-open'), 'the picker closed').to.equal(false);
    expect(deepActive() === button, 'focus back on the message’s button').to.equal(true);
    await waitUntil(
      async () => (await atPeer(peer, ack.mid)).join() === '🎉 1,😃 1',
      'at the peer',
    );

    // A message that has every kind it may have: a new kind is refused, said, and nothing shows.
    const kinds = ['😃', '🎉', ...'🍎🍐🍊🍋🍌🍉🍇🍓🫐🍈🍒🍑🥭🍍🥥🥝🍅🥑'].slice(
      0,
      Limits.reactionsPerMessageMax,
    );
    for (const kind of kinds.slice(2)) await peerReacts(peer, ack.mid, kind);
    await waitUntil(
      () => chips(el, 'pick one').length === Limits.reactionsPerMessageMax,
      'every kind',
      { timeout: 8000 },
    );
    await openMenu(el, 'pick one');
    menu(el)!.querySelector<HTMLElement>('[data-reaction="🙏"]')!.click();
    await waitUntil(
      () => root(el).querySelector('[part~="error"]')?.textContent?.trim(),
      'the refusal said',
    );
    expect(root(el).querySelector('[part~="error"]')!.textContent!.trim()).to.equal(
      'This message has all the kinds of reaction it can have: add one of those.',
    );
    expect(chips(el, 'pick one')).to.not.include('🙏 1*');
    expect(chips(el, 'pick one').length).to.equal(Limits.reactionsPerMessageMax);
  });

  it('names who reacted in a group by their nicknames', async () => {
    const bob = await session.peer('bob');
    await bob.rest('PUT', '/users/{me}', { nickname: 'Bobby Tables' });
    const { data } = await bob.rest<GroupIdResponse>('POST', '/chatgroups', {
      groupname: uniqueName('Lunch '),
      public: false,
      members: [session.me],
    });
    await getChatStore(APP_KEY, url).acceptGroupInvitation(data.groupid);
    const el = await openGroupWindow(url, data.groupid);
    const ack = await sayInGroup(bob, data.groupid, 'pizza?');
    if (ack.t !== 'ack') throw new Error('not acked');
    await waitUntil(() => bubble(el, 'pizza?'), 'received', { timeout: 8000 });
    await peerReacts(bob, ack.mid, '🍕');
    await waitUntil(() => chips(el, 'pizza?').join() === '🍕 1', 'bob’s, live', { timeout: 8000 });
    chip(el, 'pizza?', '🍕').click();
    await waitUntil(() => chips(el, 'pizza?').join() === '🍕 2*', 'mine too', { timeout: 8000 });

    bubble(el, 'pizza?')!.querySelector<HTMLElement>('[part~="who-reacted-button"]')!.click();
    const list = bubble(el, 'pizza?')!.querySelector<HTMLElement>('[part~="who-reacted"]')!;
    await waitUntil(
      () => list.querySelector('li')?.textContent?.includes('Bobby Tables'),
      'bob by his nickname',
      { timeout: 8000 },
    );
    expect(list.querySelector('li')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      '🍕 🍕: 2 reactions: Bobby Tables, You',
    );
  });

  it('names everyone who reacted, past the 20 a message keeps, when "+5" is pressed', async () => {
    // 25 real users of a group react: the server names the first 20 with the message, the rest
    // come from getReactionDetail when asked.
    const { el, voters } = await voted(await session.peer('bob'), 24);
    bubble(el, 'vote?')!.querySelector<HTMLElement>('[part~="who-reacted-button"]')!.click();
    const list = bubble(el, 'vote?')!.querySelector<HTMLElement>('[part~="who-reacted"]')!;
    const names = () => [...list.querySelectorAll('li bdi')].map((b) => b.textContent!.trim());
    const more = () => list.querySelector<HTMLButtonElement>('[part~="more-button"]');
    expect(names().length).to.equal(20);
    expect(more()!.textContent!.trim()).to.equal('+5');
    expect(more()!.getAttribute('aria-label')).to.equal('Show more who reacted with 👍');
    more()!.click();
    await waitUntil(() => names().length === 25, 'all 25 named', { timeout: 8000 });
    expect(names()).to.have.members(voters.map((v) => v.username));
    expect(more(), 'nobody left to read').to.equal(null);
    expect(list.matches(':focus'), 'focus stays in the list').to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('pages through who reacted past the 100 a page holds, each press from the cursor the last gave', async function () {
    // 130 users signed up (two scrypt hashes each), joining and reacting one after another.
    this.timeout(120_000);
    // 130 react: the message names 20, the first press reads the first page of 100 from the start
    // (getReactionDetail's most), the second the 30 after the cursor it gave.
    const { el, voters } = await voted(
      await session.peer('bob'),
      Limits.reactionDetailPageMax + 29,
    );
    bubble(el, 'vote?')!.querySelector<HTMLElement>('[part~="who-reacted-button"]')!.click();
    const list = bubble(el, 'vote?')!.querySelector<HTMLElement>('[part~="who-reacted"]')!;
    const names = () => [...list.querySelectorAll('li bdi')].map((b) => b.textContent!.trim());
    const more = () => list.querySelector<HTMLButtonElement>('[part~="more-button"]');
    expect(names().length).to.equal(20);
    expect(more()!.textContent!.trim()).to.equal('+110');
    more()!.click();
    await waitUntil(() => names().length === 100, 'the first page', { timeout: 8000 });
    expect(more()!.textContent!.trim(), 'the rest still to read').to.equal('+30');
    expect(new Set(names()).size, 'nobody twice').to.equal(100);
    more()!.click();
    await waitUntil(() => names().length === 130, 'the second page', { timeout: 8000 });
    expect(names()).to.have.members(voters.map((v) => v.username));
    expect(more(), 'nobody left to read').to.equal(null);
    expect(list.matches(':focus'), 'focus stays in the list').to.equal(true);
  });
});
