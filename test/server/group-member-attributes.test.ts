// Group member attributes (issue 14, the 4.x SDK's setGroupMemberAttributes and the two reads)
// through the real REST routes and a WebSocket session: a member sets their own, the owner and
// admins anyone's, every member reads them and hears each change live; every refusal with its
// status, Agora error and description; and the store on both engines (SQLite and PostgreSQL):
// merging, the limits, and a member who leaves and comes back starting without any.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  MemberAttributeLimits,
  type MemberAttributesResponse,
  type MembersAttributesResponse,
} from '../../src/protocol/rest.js';
import type { GroupRecord } from '../../server/storage/group-storage.js';
import type { Storage } from '../../server/storage/storage.js';
import { groupEvent } from './support/contact-group-steps.js';
import { createGroup } from './support/server-fixture.js';
import { storageEngines } from './support/storage-engines.js';
import {
  assertError,
  connectSynced,
  newUser,
  ok,
  rest,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('group member attributes over REST', () => {
  it('a member sets their own, owner and admins anyone’s; members read them and hear each change', async () => {
    const owner = await newUser(t.url);
    const admin = await newUser(t.url);
    const bob = await newUser(t.url);
    const carol = await newUser(t.url);
    const stranger = await newUser(t.url);
    const gid = await createGroup(t.url, owner, [admin, bob, carol]);
    await ok(rest(t.url, owner, 'POST', `/chatgroups/${gid}/admin`, { newadmin: admin.username }));
    const c = await connectSynced(t.url, carol);
    const path = (user: string) => `/metadata/chatgroup/${gid}/user/${user}`;

    const mine = await ok(
      rest<MemberAttributesResponse>(t.url, bob, 'PUT', path(bob.username), {
        metaData: { nickname: 'Bobby <b>', title: 'cook' },
      }),
    );
    assert.deepEqual(mine.data, { nickname: 'Bobby <b>', title: 'cook' });
    const event = await groupEvent(c.socket, 'memberAttributesUpdate');
    assert.deepEqual(
      [event.gid, event.from, event.userId, event.attributes],
      [gid, bob.username, bob.username, { nickname: 'Bobby <b>', title: 'cook' }],
    );

    // An admin changes one and removes another ('' removes); the rest stays.
    const set = await ok(
      rest<MemberAttributesResponse>(t.url, admin, 'PUT', path(bob.username), {
        metaData: { nickname: 'Bob', title: '' },
      }),
    );
    assert.deepEqual(set.data, { nickname: 'Bob' });
    const second = await groupEvent(c.socket, 'memberAttributesUpdate');
    assert.deepEqual(
      [second.from, second.userId, second.attributes],
      [admin.username, bob.username, { nickname: 'Bob', title: '' }],
    );
    await ok(rest(t.url, owner, 'PUT', path(admin.username), { metaData: { nickname: 'Ada' } }));

    const read = await ok(rest<MemberAttributesResponse>(t.url, carol, 'GET', path(bob.username)));
    assert.deepEqual(read.data, { nickname: 'Bob' });
    const none = await ok(
      rest<MemberAttributesResponse>(t.url, carol, 'GET', path(carol.username)),
    );
    assert.deepEqual(none.data, {});
    const many = await ok(
      rest<MembersAttributesResponse>(t.url, carol, 'POST', `/metadata/chatgroup/${gid}/get`, {
        targets: [bob.username, admin.username, carol.username, stranger.username],
        properties: ['nickname'],
      }),
    );
    assert.deepEqual(many.data, {
      [bob.username]: { nickname: 'Bob' },
      [admin.username]: { nickname: 'Ada' },
      [carol.username]: {},
    });

    // Refusals, one by one.
    assertError(
      await rest(t.url, bob, 'PUT', path(carol.username), { metaData: { nickname: 'x' } }),
      403,
      'forbidden_op',
      /only the owner and the admins may set another member's attributes/,
    );
    assertError(
      await rest(t.url, stranger, 'PUT', path(stranger.username), { metaData: { a: 'b' } }),
      403,
      'forbidden_op',
      /not a member/,
    );
    assertError(await rest(t.url, stranger, 'GET', path(bob.username)), 403, 'forbidden_op');
    assertError(
      await rest(t.url, owner, 'PUT', path(stranger.username), { metaData: { a: 'b' } }),
      404,
      'service_resource_not_found',
      /is not a member/,
    );
    assertError(
      await rest(t.url, carol, 'GET', path(stranger.username)),
      404,
      'service_resource_not_found',
    );
    assertError(
      await rest(t.url, owner, 'PUT', `/metadata/chatgroup/123456789012345678/user/x`, {
        metaData: { a: 'b' },
      }),
      404,
      'service_resource_not_found',
    );
    const bad = [
      [{ metaData: { ['k'.repeat(MemberAttributeLimits.keyMaxBytes + 1)]: 'v' } }, /keyMaxBytes/],
      [{ metaData: { '': 'v' } }, /keyMaxBytes/],
      [{ metaData: { k: 'v'.repeat(MemberAttributeLimits.valueMaxBytes + 1) } }, /valueMaxBytes/],
      [{ metaData: {} }, /at least one/],
      [{ metaData: { k: 1 } }, /object of strings/],
      [{ metaData: 'k' }, /object of strings/],
      [{}, /object of strings/],
    ] as const;
    for (const [body, why] of bad)
      assertError(
        await rest(t.url, bob, 'PUT', path(bob.username), body),
        400,
        'illegal_argument',
        why,
      );
    const tooMany = Object.fromEntries(
      Array.from({ length: MemberAttributeLimits.maxKeys }, (_, i) => [`k${i}`, 'v']),
    );
    assertError(
      await rest(t.url, bob, 'PUT', path(bob.username), { metaData: tooMany }),
      400,
      'illegal_argument',
      /MemberAttributeLimits.maxKeys/,
    );
    assertError(
      await rest(t.url, carol, 'POST', `/metadata/chatgroup/${gid}/get`, { targets: [] }),
      400,
      'illegal_argument',
      /readMaxUsers/,
    );
    // Nothing of the refused changes stayed.
    const after = await ok(rest<MemberAttributesResponse>(t.url, bob, 'GET', path(bob.username)));
    assert.deepEqual(after.data, { nickname: 'Bob' });
    c.socket.close();
  });
});

const appKey = 'o#a';
for (const engine of storageEngines) {
  describe(`group member attributes on ${engine.name}`, () => {
    let storage: Storage;
    before(async () => {
      ({ storage } = await engine.open());
      for (const username of ['olga', 'bob']) {
        const created = await storage.createUser(
          {
            uuid: `uuid-${username}`,
            appKey,
            username,
            passwordHash: 'x',
            nickname: null,
            created: 1,
            modified: 1,
          },
          null,
        );
        assert.equal(created, 'created');
      }
    });
    after(() => storage.close());

    it('merges, keeps to the limits, and forgets them when the member leaves', async () => {
      const gid = '100000000000000001';
      const group: GroupRecord = {
        id: gid,
        name: 'g',
        description: '',
        owner: 'olga',
        public: false,
        approval: false,
        allowInvites: false,
        inviteNeedConfirm: false,
        maxUsers: 10,
        created: 1,
        announcement: '',
        allMuted: false,
      };
      const limits = { groupsPerUser: 100 };
      const made = await storage.groups.change(
        appKey,
        gid,
        { kind: 'create', group, members: ['bob'], invitations: [] },
        [],
        limits,
      );
      assert.equal(made.outcome, 'done');
      const event = (from: string) =>
        ({
          kind: 'group',
          operation: 'memberAttributesUpdate',
          from,
          userId: 'bob',
          time: 2,
        }) as const;
      const set = (from: string, attributes: Record<string, string>) =>
        storage.memberAttributes.set(appKey, gid, 'bob', attributes, event(from), [
          'owner',
          'admin',
        ]);

      const first = await set('bob', { a: '1', b: '2' });
      assert.equal(first.outcome, 'done');
      assert.deepEqual(first.outcome === 'done' && first.deliveries.map((d) => d.username).sort(), [
        'bob',
        'olga',
      ]);
      assert.equal((await set('olga', { b: '', c: '3' })).outcome, 'done');
      assert.deepEqual(await storage.memberAttributes.get(appKey, gid, ['bob', 'olga', 'x']), {
        bob: { a: '1', c: '3' },
        olga: {},
      });
      // Past the limits: nothing changes, no event.
      const seq = await storage.lastSeq(appKey, 'olga');
      const wide = { big: 'v'.repeat(MemberAttributeLimits.valueMaxBytes) };
      for (let i = 0; i < 8; i += 1) wide[`w${i}` as 'big'] = 'v'.repeat(500);
      assert.deepEqual(await set('bob', wide), { outcome: 'too-many' });
      assert.equal(await storage.lastSeq(appKey, 'olga'), seq);
      // Another member's, by a member who is no longer owner or admin: refused.
      assert.deepEqual(await set('x', { a: '2' }), { outcome: 'role-changed', username: 'x' });

      // Bob leaves and comes back: none of his attributes are left.
      await storage.groups.change(
        appKey,
        gid,
        { kind: 'remove-member', username: 'bob' },
        [],
        limits,
      );
      assert.deepEqual(await set('bob', { a: '1' }), { outcome: 'not-member', username: 'bob' });
      await storage.groups.change(
        appKey,
        gid,
        { kind: 'add-members', usernames: ['bob'] },
        [],
        limits,
      );
      assert.deepEqual(await storage.memberAttributes.get(appKey, gid, ['bob']), { bob: {} });
    });
  });
}
