// The group store re-checks, inside a change's transaction, the roles the domain's "who may" check
// relied on (RoleCheck), on every engine (SQLite and PostgreSQL, one suite). In one server process on
// SQLite that check and the write never interleave with another request, but with several processes
// on a network database they can. So the race is made here at the storage: the second change
// carries the check its request made before the first change landed, as a request that lost the
// race would; and on two handles at once (two processes), where the engine's locks must order them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GroupChange, GroupRecord, RoleCheck } from '../../server/storage/group-storage.js';
import type { Storage } from '../../server/storage/storage.js';
import { storageEngines } from './support/storage-engines.js';

const appKey = 'o#a';
const limits = { groupsPerUser: 100 };
const owner = (username: string): RoleCheck => ({ username, roles: ['owner'] });
const notOwner = (username: string): RoleCheck => ({ username, roles: ['admin', 'member'] });

for (const engine of storageEngines) {
  describe(`group changes on ${engine.name} re-check the roles they rely on`, () => {
    let storage: Storage;
    let other: Storage;
    before(async () => {
      const opened = await engine.open();
      storage = opened.storage;
      other = opened.another();
      for (const username of ['olga', 'bob', 'carol', 'dan', 'eve']) {
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
    after(async () => {
      await storage.close();
      await other.close();
    });

    let groups = 0;
    /** A group of Olga's with Bob and Carol as members. */
    async function newGroup(maxUsers = 10): Promise<string> {
      groups += 1;
      const id = `10000000000000000${groups}`;
      const group: GroupRecord = {
        id,
        name: 'g',
        description: '',
        owner: 'olga',
        public: false,
        approval: false,
        allowInvites: false,
        inviteNeedConfirm: false,
        maxUsers,
        created: 1,
        announcement: '',
        allMuted: false,
      };
      const created = await storage.groups.change(
        appKey,
        id,
        { kind: 'create', group, members: ['bob', 'carol'], invitations: [] },
        [],
        limits,
      );
      assert.equal(created.outcome, 'done');
      return id;
    }

    const roleOf = async (gid: string, username: string) =>
      (await storage.groups.getMember(appKey, gid, username))?.role;

    it('refuses to disband for an owner whose hand-over landed first, and stores no event', async () => {
      const gid = await newGroup();
      const handOver = await storage.groups.change(
        appKey,
        gid,
        { kind: 'change-owner', to: 'bob' },
        [
          {
            event: { kind: 'group', operation: 'changeOwner', from: 'olga', time: 2 },
            to: { members: true },
          },
        ],
        limits,
        [owner('olga'), notOwner('bob')],
      );
      assert.equal(handOver.outcome, 'done');
      const seqBefore = await storage.lastSeq(appKey, 'carol');

      // Olga's disband was checked while she still owned the group.
      const disband = await storage.groups.change(
        appKey,
        gid,
        { kind: 'destroy' },
        [
          {
            event: { kind: 'group', operation: 'destroy', from: 'olga', time: 3 },
            to: { members: true },
          },
        ],
        limits,
        [owner('olga')],
      );
      assert.deepEqual(disband, { outcome: 'role-changed', username: 'olga' });
      assert.equal((await storage.groups.getGroup(appKey, gid))?.owner, 'bob');
      assert.equal(await storage.lastSeq(appKey, 'carol'), seqBefore, 'no destroy event stored');
    });

    it('refuses to hand the group to a member who quit meanwhile, so it keeps its owner', async () => {
      const gid = await newGroup();
      const quit = await storage.groups.change(
        appKey,
        gid,
        { kind: 'remove-member', username: 'carol' },
        [],
        limits,
        [notOwner('carol')],
      );
      assert.equal(quit.outcome, 'done');

      // The hand-over to Carol was checked while she was still a member.
      const handOver = await storage.groups.change(
        appKey,
        gid,
        { kind: 'change-owner', to: 'carol' },
        [],
        limits,
        [owner('olga'), notOwner('carol')],
      );
      assert.deepEqual(handOver, { outcome: 'role-changed', username: 'carol' });
      assert.equal((await storage.groups.getGroup(appKey, gid))?.owner, 'olga');
      assert.equal(await roleOf(gid, 'olga'), 'owner');
      assert.equal(await roleOf(gid, 'carol'), undefined);
    });

    it('refuses an admin’s kick once the admin was demoted, and lets the checks pass when they hold', async () => {
      const gid = await newGroup();
      const promote = { kind: 'set-role', username: 'bob', role: 'admin' } as const;
      assert.equal((await storage.groups.change(appKey, gid, promote, [], limits)).outcome, 'done');
      const demote = { kind: 'set-role', username: 'bob', role: 'member' } as const;
      assert.equal((await storage.groups.change(appKey, gid, demote, [], limits)).outcome, 'done');

      // Bob's kick of Carol was checked while he was an admin.
      const kickChecks: RoleCheck[] = [
        { username: 'bob', roles: ['owner', 'admin'] },
        { username: 'carol', roles: ['member'] },
      ];
      const kick = { kind: 'remove-member', username: 'carol' } as const;
      assert.deepEqual(await storage.groups.change(appKey, gid, kick, [], limits, kickChecks), {
        outcome: 'role-changed',
        username: 'bob',
      });
      assert.equal(await roleOf(gid, 'carol'), 'member');
      // The owner's kick, checked now, goes through.
      const ownerKick: RoleCheck[] = [owner('olga'), notOwner('carol')];
      assert.equal(
        (await storage.groups.change(appKey, gid, kick, [], limits, ownerKick)).outcome,
        'done',
      );
      assert.equal(await roleOf(gid, 'carol'), undefined);
    });

    it('orders a disband and a hand-over sent at the same moment: one wins, the other sees it', async () => {
      for (let round = 0; round < 5; round++) {
        const gid = await newGroup();
        const [handOver, disband] = await Promise.all([
          storage.groups.change(appKey, gid, { kind: 'change-owner', to: 'bob' }, [], limits, [
            owner('olga'),
            notOwner('bob'),
          ]),
          other.groups.change(
            appKey,
            gid,
            { kind: 'destroy' },
            [
              {
                event: { kind: 'group', operation: 'destroy', from: 'olga', time: 3 },
                to: { members: true },
              },
            ],
            limits,
            [owner('olga')],
          ),
        ]);
        const outcomes = [handOver.outcome, disband.outcome];
        assert.ok(
          (outcomes[0] === 'done' && outcomes[1] === 'role-changed') ||
            (outcomes[0] === 'no-group' && outcomes[1] === 'done'),
          `round ${round}: ${outcomes.join(' + ')}`,
        );
        const group = await storage.groups.getGroup(appKey, gid);
        assert.equal(group?.owner, outcomes[0] === 'done' ? 'bob' : undefined);
      }
    });

    it('never lets members added at the same moment pass the group’s size', async () => {
      const gid = await newGroup(4);
      const results = await Promise.all(
        ['dan', 'eve'].map((username, index) =>
          (index % 2 ? other : storage).groups.change(
            appKey,
            gid,
            { kind: 'add-members', usernames: [username] },
            [],
            limits,
          ),
        ),
      );
      assert.deepEqual(results.map((result) => result.outcome).sort(), ['done', 'group-full']);
      assert.equal((await storage.groups.members(appKey, gid)).length, 4);
    });

    it('gives every member gap-free seqs while group messages and changes race', async () => {
      const gid = await newGroup();
      const seqBefore = await storage.lastSeq(appKey, 'carol');
      const sends = Array.from({ length: 20 }, (_, n) =>
        (n % 2 ? other : storage).groups.storeGroupMessage(
          appKey,
          {
            mid: `gm-${gid}-${n}`,
            clientId: `gc-${gid}-${n}`,
            from: n % 3 ? 'bob' : 'olga',
            to: gid,
            chatType: 'groupChat',
            type: 'txt',
            body: '{}',
            ext: '{}',
            time: n,
            files: [],
            allowGroupAck: false,
          },
          [],
        ),
      );
      const change = other.groups.change(
        appKey,
        gid,
        { kind: 'update-info', name: 'renamed' },
        [
          {
            event: { kind: 'group', operation: 'updateInfo', from: 'olga', time: 4 },
            to: { members: true },
          },
        ],
        limits,
      );
      await Promise.all([...sends, change]);
      const inbox = await storage.readInbox(appKey, 'carol', seqBefore, 100);
      assert.deepEqual(
        inbox.map((entry) => entry.seq),
        Array.from({ length: 21 }, (_, i) => seqBefore + i + 1),
      );
    });

    it('keeps a banned user out whatever races the ban: adding, inviting, applying', async () => {
      for (let round = 0; round < 5; round++) {
        const gid = await newGroup();
        const ban: GroupChange = { kind: 'ban', usernames: ['dan'], by: 'olga', time: 5 };
        const [banned, added] = await Promise.all([
          storage.groups.change(appKey, gid, ban, [], limits, [owner('olga')]),
          other.groups.change(appKey, gid, { kind: 'add-members', usernames: ['dan'] }, [], limits),
        ]);
        assert.equal(banned.outcome, 'done', `round ${round}`);
        // The add landed first (and the ban removed Dan) or second (and was refused).
        assert.ok(
          added.outcome === 'done' || (added.outcome === 'banned' && added.username === 'dan'),
          `round ${round}: ${added.outcome}`,
        );
        assert.equal(await roleOf(gid, 'dan'), undefined);
        assert.equal(await other.groups.isBanned(appKey, gid, 'dan'), true);
      }
      const gid = await newGroup();
      const ban: GroupChange = { kind: 'ban', usernames: ['dan'], by: 'olga', time: 5 };
      assert.equal((await storage.groups.change(appKey, gid, ban, [], limits)).outcome, 'done');
      const invitation = { gid, username: 'dan', by: 'olga', reason: '', time: 6 };
      assert.deepEqual(
        await other.groups.change(
          appKey,
          gid,
          { kind: 'invite', invitations: [invitation] },
          [],
          limits,
        ),
        { outcome: 'banned', username: 'dan' },
      );
      assert.equal(await storage.groups.getInvitation(appKey, gid, 'dan'), undefined);
      assert.deepEqual(
        await other.groups.change(
          appKey,
          gid,
          { kind: 'apply', application: invitation },
          [],
          limits,
        ),
        { outcome: 'banned', username: 'dan' },
      );
      assert.deepEqual(await storage.groups.bans(appKey, gid), ['dan']);
      const unban: GroupChange = { kind: 'unban', usernames: ['dan'] };
      assert.equal((await other.groups.change(appKey, gid, unban, [], limits)).outcome, 'done');
      const add: GroupChange = { kind: 'add-members', usernames: ['dan'] };
      assert.equal((await storage.groups.change(appKey, gid, add, [], limits)).outcome, 'done');
    });

    it('refuses a ban, an announcement and muting everyone by an admin demoted meanwhile', async () => {
      const gid = await newGroup();
      const promote = { kind: 'set-role', username: 'bob', role: 'admin' } as const;
      assert.equal((await storage.groups.change(appKey, gid, promote, [], limits)).outcome, 'done');
      const demote = { kind: 'set-role', username: 'bob', role: 'member' } as const;
      assert.equal((await other.groups.change(appKey, gid, demote, [], limits)).outcome, 'done');
      const asAdmin: RoleCheck[] = [
        { username: 'bob', roles: ['owner', 'admin'] },
        { username: 'carol', roles: ['member'] },
      ];
      const refusals = await Promise.all(
        (
          [
            { kind: 'ban', usernames: ['carol'], by: 'bob', time: 7 },
            { kind: 'announce', text: 'mine' },
            { kind: 'mute-all', muted: true },
          ] satisfies GroupChange[]
        ).map((change) => storage.groups.change(appKey, gid, change, [], limits, asAdmin)),
      );
      for (const refusal of refusals) {
        assert.deepEqual(refusal, { outcome: 'role-changed', username: 'bob' });
      }
      assert.equal(await roleOf(gid, 'carol'), 'member');
      assert.deepEqual(await storage.groups.bans(appKey, gid), []);
      const group = await other.groups.getGroup(appKey, gid);
      assert.deepEqual([group?.announcement, group?.allMuted], ['', false]);
      // The owner's, checked now, go through and are read back by the other handle.
      for (const change of [
        { kind: 'announce', text: 'Hello' } as const,
        { kind: 'mute-all', muted: true } as const,
      ]) {
        const done = await storage.groups.change(appKey, gid, change, [], limits, [owner('olga')]);
        assert.equal(done.outcome, 'done');
      }
      const after = await other.groups.getGroup(appKey, gid);
      assert.deepEqual([after?.announcement, after?.allMuted], ['Hello', true]);
    });

    it('orders a room ban and a join of the same user: the banned user is never left inside', async () => {
      for (let round = 0; round < 5; round++) {
        const id = `20000000000000000${round}`;
        const room = {
          id,
          name: `r${round}`,
          description: '',
          owner: 'olga',
          maxUsers: 10,
          created: 1,
          announcement: '',
          allMuted: false,
        };
        assert.equal(await storage.rooms.addRoom(appKey, room), true);
        const [, joined] = await Promise.all([
          storage.rooms.banFromRoom(appKey, id, 'dan', true),
          other.rooms.joinRoom(appKey, id, 'dan', 2),
        ]);
        assert.ok(['joined', 'banned'].includes(joined), `round ${round}: ${joined}`);
        assert.equal(await storage.rooms.isRoomMember(appKey, id, 'dan'), false);
        assert.equal(await other.rooms.joinRoom(appKey, id, 'dan', 3), 'banned');
        await other.rooms.setRoomRole(appKey, id, 'eve', { admin: true });
        await storage.rooms.setRoomRole(appKey, id, 'eve', { muteUntil: -1 });
        assert.deepEqual(await other.rooms.roomRole(appKey, id, 'eve'), {
          username: 'eve',
          admin: true,
          muteUntil: -1,
          banned: false,
        });
        assert.equal(await storage.rooms.banFromRoom(appKey, id, 'dan', false), false);
        assert.equal(await other.rooms.joinRoom(appKey, id, 'dan', 4), 'joined');
        assert.equal(await storage.rooms.updateRoom(appKey, id, { announcement: 'hi' }), true);
        const stored = await other.rooms.getRoom(appKey, id);
        assert.deepEqual([stored?.announcement, stored?.allMuted], ['hi', false]);
        await storage.rooms.deleteRoom(appKey, id);
        assert.deepEqual(await other.rooms.roomRoles(appKey, id), []);
      }
    });
  });
}
