// Logout revokes the token on the server, and a password change revokes every token of the user
// (server/http/token-routes.ts): REST refuses them at once and their sessions are kicked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloseCode } from '../../src/protocol/frames.js';
import { ErrorDescriptions } from '../../src/protocol/rest.js';
import {
  PASSWORD,
  api,
  assertError,
  connectSynced,
  newUser,
  sendText,
  token,
  wsUrl,
  type TestServer,
  startTestServer,
} from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const expires = (username: string, accessToken: string) =>
  api(t.url, 'GET', `/demo/chat/sdk/users/${username}/token/expires`, { token: accessToken });

describe('logout', () => {
  it('revokes the token: REST answers 401, its session is kicked, other tokens stay', async () => {
    const alice = await newUser(t.url);
    const other = (await token(t.url, 'demo#chat', alice.username)).access_token;
    const { socket } = await connectSynced(t.url, alice, { multi: true });
    const otherSession = (await connectSynced(t.url, { ...alice, token: other }, { multi: true }))
      .socket;

    const out = await api(t.url, 'DELETE', `/demo/chat/sdk/users/${alice.username}/token`, {
      token: alice.token,
    });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.deepEqual(out.body, { data: { result: true } });

    const kicked = await socket.next('kicked');
    assert.equal(kicked.code, 33);
    assert.equal((await socket.closed).code, CloseCode.Kicked);
    assertError(await expires(alice.username, alice.token), 401, 'auth_bad_access_token');
    // A new socket with it is refused.
    const retry = await TestSocket.open(wsUrl(t.url));
    retry.send({ t: 'auth', user: alice.username, token: alice.token, deviceId: 'd', multi: true });
    assert.equal((await retry.next('auth-error')).code, 28);

    // The user's other token and its session are untouched.
    assert.equal((await expires(alice.username, other)).status, 200);
    otherSession.send({ t: 'ping' });
    await otherSession.next('pong');
    await otherSession.close();
  });

  it('takes the cursor report that crossed its kick, so my other devices are not replayed what this one had', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const laptop = await connectSynced(t.url, alice, { deviceId: 'laptop' });
    const b = await connectSynced(t.url, bob);
    for (const text of ['one', 'two', 'three']) sendText(b.socket, alice.username, text);
    const seqs: number[] = [];
    for (let n = 0; n < 3; n += 1) seqs.push((await laptop.socket.next('msg')).message.seq);

    // The store's sign-out revokes the token as the SDK closes, which reports the cursor then.
    // The revoke wins the race here: the session is kicked before the report is read (the test
    // client reads nothing meanwhile, so it still sends, as a client that is closing anyway).
    laptop.socket.pause();
    const out = await api(t.url, 'DELETE', `/demo/chat/sdk/users/${alice.username}/token`, {
      token: alice.token,
    });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    laptop.socket.send({ t: 'recv', seq: Math.max(...seqs) });
    laptop.socket.resume();
    assert.equal((await laptop.socket.closed).code, CloseCode.Kicked);

    // A device signing in later starts after what the laptop had.
    const phoneToken = (await token(t.url, 'demo#chat', alice.username)).access_token;
    const phone = await connectSynced(
      t.url,
      { ...alice, token: phoneToken },
      { deviceId: 'phone' },
    );
    assert.deepEqual(
      phone.socket.received.filter((frame) => frame.t === 'msg'),
      [],
      'the laptop’s messages were replayed to the phone',
    );
    assert.equal(phone.syncDone.seq, Math.max(...seqs));
    await Promise.all([phone.socket.close(), b.socket.close()]);
  });

  it('only for the token’s own user', async () => {
    const alice = await newUser(t.url);
    const bob = await newUser(t.url);
    const response = await api(t.url, 'DELETE', `/demo/chat/sdk/users/${bob.username}/token`, {
      token: alice.token,
    });
    assertError(response, 403, 'forbidden_op');
    assert.equal((await expires(bob.username, bob.token)).status, 200);
  });
});

describe('PUT /{org}/{app}/users/{me}/password', () => {
  const change = (username: string, accessToken: string, body: unknown) =>
    api(t.url, 'PUT', `/demo/chat/users/${username}/password`, { token: accessToken, body });

  it('sets the new password and revokes every token of the user, kicking its sessions with 216', async () => {
    const carol = await newUser(t.url);
    const second = (await token(t.url, 'demo#chat', carol.username)).access_token;
    const { socket } = await connectSynced(t.url, carol, { multi: true });

    const response = await change(carol.username, carol.token, {
      oldpassword: PASSWORD,
      newpassword: 'a-new-secret',
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const kicked = await socket.next('kicked');
    assert.equal(kicked.code, 216);
    assert.equal((await socket.closed).code, CloseCode.Kicked);
    for (const old of [carol.token, second]) {
      assertError(await expires(carol.username, old), 401, 'auth_bad_access_token');
    }
    // The old password no longer logs in; the new one does.
    const oldLogin = await api(t.url, 'POST', '/demo/chat/token', {
      body: { grant_type: 'password', username: carol.username, password: PASSWORD },
    });
    assertError(oldLogin, 400, 'invalid_grant', 'invalid password');
    assert.ok((await token(t.url, 'demo#chat', carol.username, 'a-new-secret')).access_token);
  });

  it('refuses a wrong old password (invalid_grant) and a missing or long new one, changing nothing', async () => {
    const dave = await newUser(t.url);
    assertError(
      await change(dave.username, dave.token, { oldpassword: 'wrong', newpassword: 'x' }),
      400,
      'invalid_grant',
      'invalid password',
    );
    assertError(
      await change(dave.username, dave.token, { oldpassword: PASSWORD }),
      400,
      'illegal_argument',
    );
    assertError(
      await change(dave.username, dave.token, {
        oldpassword: PASSWORD,
        newpassword: 'x'.repeat(65),
      }),
      400,
      'illegal_argument',
      ErrorDescriptions.passwordTooLong,
    );
    assert.equal((await expires(dave.username, dave.token)).status, 200);
    assert.ok((await token(t.url, 'demo#chat', dave.username)).access_token);
  });
});
