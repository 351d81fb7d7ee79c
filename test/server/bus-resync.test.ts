// A process swept while it only stalled (f2a5842): the bus services of two "processes" in this test
// process on one real Redis, and the sweep done here as a surviving process does it (the claim: off
// the list, the tombstone naming the sweeper; then the dead id's counts and sessions taken away).
// What scale-out.test.ts cannot aim at with SIGSTOP: a write sent right after the claim, which the
// tombstone refuses; and when the re-announcement waits for the sweep and when it does not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { openBusServices, type BusServices } from '../../server/bus/bus-services.js';
import { PROCESSES_KEY, sweptKey } from '../../server/bus/process-registry.js';
import { KEY_PREFIX } from '../../server/bus/redis-connection.js';
import { RedisCounts } from '../../server/bus/redis-counts.js';
import { RedisSessionDirectory } from '../../server/bus/session-directory.js';
import { startRedis } from '../support/services.mjs';

const APP = 'o#bus';
const ADDRESS = '10.7.0.1';
const silent = Fastify({ logger: false }).log;

let redis: Awaited<ReturnType<typeof startRedis>>;
let sql: Redis;
const opened: BusServices[] = [];

before(async () => {
  redis = await startRedis();
  sql = new Redis(redis.url);
});
after(async () => {
  await Promise.all(opened.map((services) => services.close()));
  sql?.disconnect();
  redis?.stop();
});

/** A process's bus services, once its first beat put it on the list. */
async function start(): Promise<BusServices> {
  const services = openBusServices({ redisUrl: redis.url, publicUrl: null }, silent);
  opened.push(services);
  while ((await sql.zscore(PROCESSES_KEY, services.registry.id)) === null) await sleep(20);
  return services;
}

/** The users `services` announces online again after a sweep, once it does. */
function regained(services: BusServices) {
  return new Promise<string[]>((resolve) => {
    services.onRegainedSessions = async (users) => resolve(users.map((user) => user.username));
  });
}

/** A sweeper's claim of `id` (process-registry.ts, CLAIM): off the list, fenced by a tombstone. */
async function claim(id: string, sweeper: string): Promise<void> {
  await sql
    .multi()
    .zrem(PROCESSES_KEY, id)
    .set(sweptKey(id), `sweeping:${sweeper}`, 'PX', 60_000)
    .exec();
}

/** The rest of the sweep: the claimed id's counts and sessions taken away, as onDead does. */
async function forget(id: string): Promise<void> {
  const incarnation = { id: 'sweeper', swept: async () => {} };
  await new RedisSessionDirectory(sql, incarnation, () => {}).forget(id);
  await new RedisCounts(sql, incarnation).forget(id);
}

/** The processes that hold a count of `key` in Redis. */
const holders = (key: string) => sql.hkeys(`${KEY_PREFIX}count:${key}`);

describe('a process swept while alive', () => {
  it('counts a session refused by the tombstone, and its sockets per address, under its new id', async () => {
    const sweeper = await start();
    const stalled = await start();
    assert.equal(await stalled.counts.add(APP, 'alice', 1), 1);
    assert.ok(await stalled.connections.open(ADDRESS, 10));
    assert.ok(await stalled.connections.open(ADDRESS, 10));
    const old = stalled.registry.id;
    await claim(old, sweeper.registry.id);
    // Sent right after the claim, under the old id: refused, and counted by the resync instead
    // (`undefined`: the total is the resync's business).
    assert.equal(await stalled.counts.add(APP, 'alice', 1), undefined);
    assert.notEqual(stalled.registry.id, old);
    await forget(old);
    assert.deepEqual(await sweeper.counts.totals(APP, ['alice']), [2]);
    assert.equal(await sweeper.connections.count(ADDRESS), 2);
    assert.deepEqual(await holders(`presence\n${APP}\nalice`), [stalled.registry.id]);
    assert.deepEqual(await holders(`address\n${ADDRESS}`), [stalled.registry.id]);
    // Still bounded per address across processes: 2 open, a bound of 3 lets one more in.
    assert.ok(await sweeper.connections.open(ADDRESS, 3));
    assert.equal(await sweeper.connections.open(ADDRESS, 3), false);
  });

  it('is counted once while its sweeper has not yet taken its old counts away', async () => {
    const sweeper = await start();
    const stalled = await start();
    const address = '10.7.0.2';
    assert.equal(await stalled.counts.add(APP, 'dave', 1), 1);
    assert.ok(await stalled.connections.open(address, 10));
    assert.ok(await stalled.connections.open(address, 10));
    const old = stalled.registry.id;
    await claim(old, sweeper.registry.id);
    // Refused under the old id: the process writes its counts again under a new one...
    assert.equal(await stalled.counts.add(APP, 'dave', 1), undefined);
    assert.notEqual(stalled.registry.id, old);
    // ...in place of the old ones, before the sweeper's forget(old) (it had counted them twice:
    // 3 sessions of dave's, 4 sockets from the address, a bound of 3 refusing the next one).
    assert.deepEqual(await sweeper.counts.totals(APP, ['dave']), [2]);
    assert.equal(await sweeper.connections.count(address), 2);
    assert.deepEqual(await holders(`presence\n${APP}\ndave`), [stalled.registry.id]);
    assert.ok(await sweeper.connections.open(address, 3));
    await forget(old);
    assert.deepEqual(await sweeper.counts.totals(APP, ['dave']), [2]);
    assert.equal(await sweeper.connections.count(address), 3);
  });

  it('lists a login refused by the tombstone, after its older sessions in the login order', async () => {
    const sweeper = await start();
    const stalled = await start();
    const first = await stalled.sessions.opened(APP, 'bob', 'one', 2);
    const old = stalled.registry.id;
    await claim(old, sweeper.registry.id);
    const second = await stalled.sessions.opened(APP, 'bob', 'two', 2);
    assert.notEqual(stalled.registry.id, old);
    assert.ok(second.order > first.order);
    assert.deepEqual(second.surplus, []);
    await forget(old);
    // Both listed again, in their order: a third login past the cap of 2 pushes out the oldest.
    const third = await sweeper.sessions.opened(APP, 'bob', 'three', 2);
    assert.deepEqual(third.surplus, ['one']);
  });

  it('announces its users online again once the sweep is over, or once the sweeper is gone', async () => {
    const sweeper = await start();
    const stalled = await start();
    const back = regained(stalled);
    let announced = false;
    void back.then(() => (announced = true));
    assert.equal(await stalled.counts.add(APP, 'carol', 1), 1);
    const old = stalled.registry.id;
    await claim(old, sweeper.registry.id);
    await forget(old);
    // Its next beat finds the tombstone: it goes on under a new id, and waits for the sweeper.
    while (stalled.registry.id === old) await sleep(50);
    await sleep(1500);
    assert.equal(announced, false, 'not while its sweeper is still at it');
    await sql.set(sweptKey(old), 'swept', 'PX', 60_000);
    assert.deepEqual(await back, ['carol']);

    // Swept again, by a sweeper that is off the list (it died mid-sweep): no minute's wait for its
    // tombstone to lapse.
    const again = regained(stalled);
    const second = stalled.registry.id;
    await claim(second, 'a-sweeper-that-died');
    await forget(second);
    assert.deepEqual(await again, ['carol']);
    assert.equal(await sql.get(sweptKey(second)), 'sweeping:a-sweeper-that-died');
  });
});
