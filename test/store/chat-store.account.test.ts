// The account against a real server: signing out revokes the token there, and a password change
// signs every other session out while this one stays signed in on a new token.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import type { TextMessage } from '../../src/sdk/index.js';
import { openSessionDb, readSession, sessionDbName } from '../../src/store/database.js';
import { Messages } from '../../src/store/errors.js';
import type { ChatError } from '../../src/store/types.js';
import {
  disposeProxy,
  mainServer,
  proxyHold,
  proxyRefused,
  proxyRelease,
  startNoWebSocketProxy,
  uniqueName,
  type TestServer,
} from '../support/servers.js';
import { Recorder, closeAll, connection } from '../sdk/sdk-fixtures.js';
import {
  APP,
  PASSWORD,
  aliceAndBob,
  cleanUp,
  newStore,
  rejection,
  signIn,
  signUp,
  until,
} from './store-fixtures.js';

afterEach(cleanUp);
afterEach(closeAll);

const APP_PATH = APP.replace('#', '/');

async function savedToken(prefix: string): Promise<string> {
  const db = await openSessionDb(sessionDbName(prefix, APP));
  try {
    const saved = await readSession(db);
    if (!saved) throw new Error('no saved session');
    return saved.accessToken;
  } finally {
    db.close();
  }
}

/** What the server says of a token: the REST status of a request made with it. */
async function tokenStatus(url: string, username: string, token: string): Promise<number> {
  const response = await fetch(`${url}/${APP_PATH}/sdk/users/${username}/token/expires`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status;
}

describe('store/chat-store: account', function () {
  this.timeout(60_000);

  it('signs out on the server too: the token is revoked, and a tab sharing it is signed out', async () => {
    const { url } = await mainServer();
    const prefix = uniqueName('pacc');
    const tab1 = newStore(url, prefix);
    const me = await signUp(tab1);
    await signIn(tab1, me);
    const token = await savedToken(prefix);
    expect(await tokenStatus(url, me, token)).to.equal(200);
    // A second tab resumes the saved session: the same token.
    const tab2 = newStore(url, prefix);
    await tab2.ready;
    await until(tab2.status$, (s) => s === 'online', 'the second tab online');
    const lost = firstValueFrom(tab2.error$);

    await tab1.logout();
    expect(await tokenStatus(url, me, token)).to.equal(401);
    await until(tab2.status$, (s) => s === 'signed-out', 'the second tab signed out');
    expect(((await lost) as ChatError).message).to.equal(Messages.signedOutElsewhere);
  });

  it('signs out right after receiving without my other devices being replayed what it had', async () => {
    const { url, a, b, alice, bob } = await aliceAndBob();
    for (const text of ['one', 'two', 'three']) await b.send(alice, text);
    await until(a.messages$(bob), (list) => list.length === 3, 'three received');
    // At once: the revoke and the SDK's last cursor report race to the server.
    await a.logout({ wipe: true });

    // Another device of mine signs in (no cursor of its own: it starts after what any device
    // reported). What comes first is Bob's next message, not the three again.
    const phone = connection({ url } as TestServer, { isMultiLoginSessions: true });
    const events = new Recorder(phone);
    await phone.open({ user: alice, pwd: PASSWORD });
    await b.send(alice, 'four');
    const [first] = (await events.wait('onTextMessage')) as [TextMessage];
    expect(first.msg).to.equal('four');
  });

  it('revokes the token offered on sign-out even when the session never connected', async () => {
    const { url } = await mainServer();
    const me = await signUp(newStore(url, uniqueName('preg')));
    const answer = await fetch(`${url}/${APP_PATH}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: me, password: PASSWORD }),
    });
    const token = ((await answer.json()) as { access_token: string }).access_token;
    expect(await tokenStatus(url, me, token)).to.equal(200);
    // A network whose proxy passes REST on but no WebSocket: the socket never opens, the token
    // login keeps retrying, and the store never hears the server accept the token.
    const proxy = await startNoWebSocketProxy(url);
    try {
      const store = newStore(proxy.url, uniqueName('pnever'));
      await store.ready;
      const signingIn = store.loginWithToken({ username: me, accessToken: token }).then(
        () => undefined,
        (error: ChatError) => error,
      );
      // The SDK has tried its socket with the token.
      await proxyRefused(proxy.id, 1);
      expect(await firstValueFrom(store.status$)).to.not.equal('online');

      await store.logout();
      expect((await signingIn)?.message).to.equal(Messages.signInCancelled);
      expect(await tokenStatus(url, me, token)).to.equal(401);
    } finally {
      await disposeProxy(proxy.id);
    }
  });

  it("revokes a follower tab's token on sign-out before the server accepted it", async () => {
    const { url } = await mainServer();
    const me = await signUp(newStore(url, uniqueName('preg')));
    const newToken = async () => {
      const answer = await fetch(`${url}/${APP_PATH}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'password', username: me, password: PASSWORD }),
      });
      return ((await answer.json()) as { access_token: string }).access_token;
    };
    const [first, second] = [await newToken(), await newToken()];
    const proxy = await startNoWebSocketProxy(url);
    try {
      // Two tabs of one browser (one prefix: one Web Lock). The first holds the connection, whose
      // socket the proxy refuses: the server never accepts its token.
      const prefix = uniqueName('pfol');
      const holder = newStore(proxy.url, prefix);
      await holder.ready;
      void holder.loginWithToken({ username: me, accessToken: first }).catch(() => undefined);
      await proxyRefused(proxy.id, 1);
      // The second follows it: it checks its token over REST, and that answer is slow.
      const hold = proxyHold(proxy.id, '/token/expires');
      const follower = newStore(proxy.url, prefix);
      await follower.ready;
      const signingIn = follower.loginWithToken({ username: me, accessToken: second }).then(
        () => undefined,
        (error: ChatError) => error,
      );
      await hold;

      await follower.logout();
      await proxyRelease(proxy.id);
      expect((await signingIn)?.message).to.equal(Messages.signInCancelled);
      expect(await tokenStatus(url, me, second)).to.equal(401);
      expect(await tokenStatus(url, me, first)).to.equal(200);
    } finally {
      await disposeProxy(proxy.id);
    }
  });

  it('changes the password: other sessions end, this one stays signed in on a new token', async () => {
    const { url, a: here, b: peer, alice: me, bob: friend, alicePrefix } = await aliceAndBob();
    const prefix = alicePrefix;
    const elsewhere = newStore(url, uniqueName('pother'));
    await signIn(elsewhere, me);
    const oldToken = await savedToken(prefix);

    // A wrong current password changes nothing and ends nothing.
    const wrong = await rejection(
      here.changePassword({ oldPassword: 'not it', newPassword: 'another one' }),
    );
    expect(wrong.message).to.equal(Messages.invalidPassword);
    expect(
      (await rejection(here.changePassword({ oldPassword: PASSWORD, newPassword: '' }))).message,
    ).to.equal(Messages.emptyPassword);
    expect(await firstValueFrom(elsewhere.status$)).to.equal('online');

    const lost = firstValueFrom(elsewhere.error$);
    await here.changePassword({ oldPassword: PASSWORD, newPassword: 'a new secret' });
    await until(elsewhere.status$, (s) => s === 'signed-out', 'the other device signed out');
    expect(((await lost) as ChatError).message).to.equal(Messages.passwordChanged);

    // This session goes on: online, sending, on a new token that a reload resumes.
    expect(await firstValueFrom(here.status$)).to.equal('online');
    expect((await firstValueFrom(here.user$))?.username).to.equal(me);
    await here.send(friend, 'after the change');
    await until(here.messages$(friend), (l) => l[0]?.status === 'sent', 'sent on the new token');
    await until(peer.messages$(me), (l) => l.length === 1, 'delivered');
    const newToken = await savedToken(prefix);
    expect(newToken).to.not.equal(oldToken);
    expect(await tokenStatus(url, me, oldToken)).to.equal(401);
    expect(await tokenStatus(url, me, newToken)).to.equal(200);

    const relogin = newStore(url, uniqueName('pnew'));
    expect((await rejection(relogin.login({ username: me, password: PASSWORD }))).message).to.equal(
      Messages.invalidPassword,
    );
    await relogin.login({ username: me, password: 'a new secret' });
    await until(relogin.status$, (s) => s === 'online', 'signed in with the new password');
  });

  it('refuses a password change when signed out', async () => {
    const { url } = await mainServer();
    const store = newStore(url, uniqueName('pout'));
    await store.ready;
    const refused = await rejection(
      store.changePassword({ oldPassword: PASSWORD, newPassword: 'x' }),
    );
    expect(refused.message).to.equal(Messages.notSignedIn);
  });
});
