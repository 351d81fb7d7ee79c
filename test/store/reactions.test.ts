// Reactions in the store against a real server: two users see each other's reactions live, a
// reload shows them from IndexedDB, and one made while a store was away shows once it is back. My
// own shows at once and is undone when the server refuses it; refusals found here first change
// nothing. Every change goes through the store's public API or the SDK, as an app would.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import WebIM from '../../src/sdk/index.js';
import type { ChatMessage, ChatStore } from '../../src/store/index.js';
import {
  APP,
  PASSWORD,
  aliceAndBob,
  cleanUp,
  meAndPeer,
  newStore,
  rejection,
  until,
} from './store-fixtures.js';

afterEach(cleanUp);

/** The reactions of the first message of `store`'s conversation, as `[reaction, count, mine, users]`. */
const shown = (messages: ChatMessage[]) =>
  (messages[0]?.reactions ?? []).map((r) => [r.reaction, r.count, r.mine, r.users.join(',')]);

const refusal = async (action: Promise<unknown>) =>
  (await rejection(action)) as { type: number; key?: string; error?: string };

const showing = (store: ChatStore, conversation: string, want: unknown[], what: string) =>
  until(
    store.messages$(conversation),
    (l) => JSON.stringify(shown(l)) === JSON.stringify(want),
    what,
  );

describe('store/reactions', function () {
  this.timeout(60_000);

  it('two users see each other’s reactions live, after a reload, and those made while away', async () => {
    const { url, a, b, alice, bob, bobPrefix } = await aliceAndBob();
    const sent = await a.send(bob, 'lunch?');
    const [received] = await until(b.messages$(alice), (l) => l.length === 1, 'at bob');

    // Bob's shows at once (before the server answered), then at alice's, live.
    const reacting = b.react(received!.id, '👍');
    await showing(b, alice, [['👍', 1, true, bob]], 'bob’s own, at once');
    await reacting;
    await showing(a, bob, [['👍', 1, false, bob]], 'bob’s at alice, live');

    await a.react(sent.id, '👍');
    await a.react(sent.id, '🎉');
    // Adding one I have already is nothing new.
    await a.react(sent.id, '👍');
    await showing(
      b,
      alice,
      [
        ['👍', 2, true, `${bob},${alice}`],
        ['🎉', 1, false, alice],
      ],
      'alice’s two at bob',
    );
    await b.react(received!.id, '👍', false);
    await showing(
      a,
      bob,
      [
        ['👍', 1, true, alice],
        ['🎉', 1, true, alice],
      ],
      'bob’s taken back, at alice',
    );

    // A reload shows what IndexedDB kept.
    await b.dispose();
    const reloaded = newStore(url, bobPrefix);
    // The first read, made before the socket opens (a resume shows the stored data at once).
    const stored = await until(reloaded.messages$(alice), (l) => l.length === 1, 'reloaded');
    expect(shown(stored)).to.deep.equal([
      ['👍', 1, false, alice],
      ['🎉', 1, false, alice],
    ]);
    await reloaded.dispose();

    // While bob is away alice changes hers: no frame reaches him, the refresh on return does.
    await a.react(sent.id, '🎉', false);
    await a.react(sent.id, '❤️');
    const back = newStore(url, bobPrefix);
    await showing(
      back,
      alice,
      [
        ['👍', 1, false, alice],
        ['❤️', 1, false, alice],
      ],
      'the changes made while bob was away, after his reload',
    );
  });

  it('undoes my reaction when the server refuses it; refusals found first change nothing', async () => {
    const { a: o, b: m, alice: owner, bob: member } = await aliceAndBob();
    const group = await o.createGroup({ name: 'Reacting', members: [member] });
    await until(m.groupInvitations$, (l) => l.some((i) => i.groupId === group.id), 'invited');
    await m.acceptGroupInvitation(group.id);
    const sent = await o.send(group.id, 'vote here');
    const [received] = await until(m.messages$(group.id), (l) => l.length === 1, 'at member');

    // Live in a group too, both ways.
    await m.react(received!.id, '✅');
    await showing(o, group.id, [['✅', 1, false, member]], 'the member’s at the owner');
    await o.react(sent.id, '✅');
    await showing(
      m,
      group.id,
      [['✅', 2, true, `${member},${owner}`]],
      'the owner’s at the member',
    );

    // Removed from the group, the member still has the message, but the server refuses: what
    // showed for a moment is undone, and the other reactions stay.
    await o.removeGroupMember(group.id, member);
    await until(m.groups$, (l) => !l.some((g) => g.id === group.id), 'member removed');
    const seen: string[] = [];
    const watching = m.messages$(group.id).subscribe((l) => seen.push(JSON.stringify(shown(l))));
    const refused = await refusal(m.react(received!.id, '🙃'));
    expect(refused).to.include({ type: 17, error: 'forbidden_op', key: 'notGroupMember' });
    const before = JSON.stringify([['✅', 2, true, `${member},${owner}`]]);
    await until(m.messages$(group.id), (l) => JSON.stringify(shown(l)) === before, 'undone');
    watching.unsubscribe();
    expect(seen[0]).to.equal(before);
    expect(seen).to.include(
      JSON.stringify([
        ['✅', 2, true, `${member},${owner}`],
        ['🙃', 1, true, member],
      ]),
    );
    expect(seen.at(-1)).to.equal(before);
    // Taking one back is refused and undone the same way.
    expect((await refusal(m.react(received!.id, '✅', false))).key).to.equal('notGroupMember');
    expect(JSON.stringify(shown(await firstValueFrom(m.messages$(group.id))))).to.equal(before);

    // Found by the store first: nothing is stored, nothing is asked of the server.
    expect((await refusal(m.react('no-such-id', '👍'))).key).to.equal('noSuchMessage');
    for (const reaction of ['   ', 'x'.repeat(129)])
      expect((await refusal(o.react(sent.id, reaction))).key).to.equal('cannotReact');
    expect(shown(await firstValueFrom(o.messages$(group.id)))).to.deep.equal([
      ['✅', 2, true, `${member},${owner}`],
    ]);
  });

  it('refuses a kind too many before showing it, as the server would', async () => {
    const { url, store: a, me: alice, peer: bob } = await meAndPeer();
    const sent = await a.send(bob, 'react a lot');
    await until(a.messages$(bob), (l) => !!l[0]?.mid, 'sent');
    const conn = new WebIM.connection({ appKey: APP, apiUrl: url });
    try {
      await conn.open({ user: bob, pwd: PASSWORD });
      const mid = (await firstValueFrom(a.messages$(bob)))[0]!.mid!;
      const kinds = Array.from({ length: 20 }, (_, i) => `k${i}`);
      for (const reaction of kinds) await conn.addReaction({ messageId: mid, reaction });
      await until(a.messages$(bob), (l) => l[0]?.reactions?.length === 20, 'twenty kinds at alice');
      expect((await refusal(a.react(sent.id, 'one more'))).key).to.equal('tooManyReactions');
      // One of those it has is still fine.
      await a.react(sent.id, 'k3');
      const [message] = await until(
        a.messages$(bob),
        (l) => !!l[0]?.reactions?.some((r) => r.reaction === 'k3' && r.count === 2),
        'alice joins k3',
      );
      expect(message!.reactions).to.have.length(20);
      expect(message!.reactions!.find((r) => r.reaction === 'k3')).to.deep.equal({
        reaction: 'k3',
        count: 2,
        mine: true,
        users: [bob, alice],
      });
    } finally {
      conn.close();
    }
  });
});
