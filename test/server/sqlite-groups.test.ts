// The group store of server/storage/sqlite-groups.ts re-checks, inside a change's transaction, the
// roles the domain's "who may" check relied on (RoleCheck). In one server process that check and
// the write never interleave with another request (the SQLite calls do not yield to the event
// loop), but with several processes on one data dir or a network database they can. So the race is
// made here at the storage: the second change carries the check its request made before the first
// change landed, as a request that lost the race would.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GroupRecord, RoleCheck } from '../../server/storage/group-storage.js';
import { SqliteStorage } from '../../server/storage/sqlite-storage.js';

const appKey = 'o#a';
const limits = { groupsPerUser: 10 };
const owner = (username: string): RoleCheck => ({ username, roles: ['owner'] });
const notOwner = (username: string): RoleCheck => ({ username, roles: ['admin', 'member'] });

let dir: string;
let storage: SqliteStorage;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openwebim-groups-'));
  storage = new SqliteStorage(join(dir, 'groups.sqlite'));
  for (const username of ['olga', 'bob', 'carol']) {
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
  await rm(dir, { recursive: true, force: true });
});

let groups = 0;
/** A group of Olga's with Bob and Carol as members. */
async function newGroup(): Promise<string> {
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
    maxUsers: 10,
    created: 1,
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

describe('group changes re-check the roles they rely on', () => {
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
});
