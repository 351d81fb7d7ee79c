// Password checks under attack (server/domain/passwords.ts, login-backoff.ts, token-routes.ts):
// a burst of guesses from one address is held to its limit, hashing in the worker pool keeps
// another person's login from waiting behind the burst, accounts back off after repeated
// failures, and an unknown username costs a hash like a known one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PasswordHasher } from '../../server/domain/passwords.js';
import {
  PASSWORD,
  api,
  assertError,
  register,
  startTestServer,
  uniqueName,
  type ApiResponse,
  type TestServer,
} from './support/test-server.js';

const LIMIT = 12;
let t: TestServer;
before(async () => {
  // trustProxy: each request names its address in X-Forwarded-For, so one test has many clients.
  t = await startTestServer({ tokenFailuresPerMinute: LIMIT, trustProxy: true });
});
after(() => t.close());

const login = (username: string, password: string, ip: string) =>
  api(t.url, 'POST', '/demo/chat/token', {
    body: { grant_type: 'password', username, password },
    headers: { 'x-forwarded-for': ip },
  });

describe('the queue of password checks', () => {
  it('refuses an address past its configured queue at once, and not another address', async () => {
    const hasher = new PasswordHasher({ workers: 1, queuePerKey: 2 });
    try {
      // The first is hashed at once, two wait, the fourth finds the queue full.
      const mine = Array.from({ length: 4 }, () =>
        hasher.hash('pw', '10.5.0.1').then(
          () => 'hashed',
          (error: Error) => error.name,
        ),
      );
      const other = hasher.hash('pw', '10.5.0.2');
      assert.deepEqual(await Promise.all(mine), ['hashed', 'hashed', 'hashed', 'HashQueueFull']);
      assert.match(await other, /^scrypt\$/);
    } finally {
      await hasher.close();
    }
  });
});

describe('password guessing', () => {
  it('holds a concurrent burst from one address to the limit while another user logs in', async () => {
    const bob = await register(t.url);
    let answered = 0;
    const order = (response: ApiResponse<unknown>) => ({ response, at: ++answered });
    // Many usernames, so the per-account back-off does not stop the burst before the address limit.
    const burst = Array.from({ length: LIMIT * 4 }, () =>
      login(uniqueName('guess'), 'wrong', '10.1.0.1').then(order),
    );
    const bobsLogin = login(bob, PASSWORD, '10.1.0.2').then(order);
    const results = await Promise.all(burst);
    const bobs = await bobsLogin;

    const evaluated = results.filter((r) => r.response.status === 400);
    const refused = results.filter((r) => r.response.status === 429);
    assert.equal(evaluated.length, LIMIT, 'exactly the limit is evaluated');
    assert.equal(refused.length, LIMIT * 3);
    for (const r of evaluated) assertError(r.response, 400, 'invalid_grant', 'user not found');
    assertError(refused[0]!.response, 429, 'reach_limit');

    assert.equal(bobs.response.status, 200, JSON.stringify(bobs.response.body));
    // Not a timing: an order. Bob's hash is not queued behind the whole burst's hashes.
    const evaluatedBeforeBob = evaluated.filter((r) => r.at < bobs.at).length;
    assert.ok(
      evaluatedBeforeBob <= LIMIT / 2,
      `${evaluatedBeforeBob} of ${LIMIT} guesses were hashed before Bob's login was answered`,
    );
  });

  it('makes an account back off after repeated failures, from any address', async () => {
    const carol = await register(t.url);
    for (let i = 0; i < 5; i += 1) {
      assertError(await login(carol, `wrong${i}`, `10.2.0.${i}`), 400, 'invalid_grant');
    }
    const waited = await login(carol, 'wrong-again', '10.2.1.1');
    assertError(waited, 429, 'reach_limit', /too many failed logins for this user; retry in 1 s/);
    // While it waits the right password is refused too, without being checked.
    assertError(await login(carol, PASSWORD, '10.2.1.2'), 429, 'reach_limit');
    // Another account is not affected.
    const dave = await register(t.url);
    assert.equal((await login(dave, PASSWORD, '10.2.1.3')).status, 200);
  });

  it('counts concurrent guesses at one account before hashing them', async () => {
    const erin = await register(t.url);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(erin, `wrong${i}`, `10.3.0.${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 400).length, 5);
    assert.equal(results.filter((r) => r.status === 429).length, 15);
  });

  it('spends a hash on an unknown username as on a wrong password', async () => {
    const hasher = t.server.domain.passwords;
    const before = hasher.computed;
    assertError(await login('nobody-at-all', 'x', '10.4.0.1'), 400, 'invalid_grant');
    assert.equal(hasher.computed, before + 1);
    const frank = await register(t.url);
    const registered = hasher.computed;
    assertError(await login(frank, 'wrong', '10.4.0.2'), 400, 'invalid_grant');
    assert.equal(hasher.computed, registered + 1);
  });
});
