// A visitor's guest session (issue 9) against a real server whose demo app allows guests: minted
// once, kept in this browser's IndexedDB, the same guest and conversation after a reload (a new
// store on the same databases) and after the token is gone; user attributes and what the team sees.
import { expect } from '@open-wc/testing';
import { openDB } from 'idb';
import { firstValueFrom } from 'rxjs';
import { VisitorExt } from '../../src/protocol/index.js';
import { serverCli } from '../support/servers.js';
import {
  cleanUp,
  newStore,
  ownServer,
  rejection,
  signIn,
  signUp,
  until,
} from './store-fixtures.js';

describe('store: guests', () => {
  let url: string;
  let serverId: string;

  before(async () => {
    // A server of this file's own: guest minting is rate-limited per address.
    const server = await ownServer();
    url = server.url;
    serverId = server.id;
  });
  after(cleanUp);

  it('mints a guest once, keeps it, and is the same guest and conversation after a reload and a sign-out', async () => {
    const team = newStore(url, 'guests-team');
    const support = await signUp(team, 'Support');
    await signIn(team, support);

    const visitor = newStore(url, 'guests-v');
    await visitor.ready;
    expect(await visitor.hasGuest()).to.equal(false);
    await visitor.loginAsGuest();
    const me = await until(visitor.user$, (u) => !!u, 'the guest is signed in');
    expect(me!.username).to.match(/^guest-[a-z0-9]{12}$/);
    expect(await visitor.hasGuest()).to.equal(true);
    await until(visitor.status$, (s) => s === 'online', 'the guest online');

    const page = {
      [VisitorExt.page]: 'https://shop.example/boots',
      [VisitorExt.pageTitle]: 'Boots',
    };
    await visitor.openConversation(support);
    await visitor.send(support, 'do you ship abroad?', { ext: page });
    const sent = await until(
      visitor.messages$(support),
      (list) => list[0]?.status === 'sent',
      'the first message acked',
    );
    expect(sent[0]!.ext).to.deep.equal(page);

    // The team sees the conversation, with the page the visitor wrote from.
    await until(team.conversations$, (list) => list[0]?.id === me!.username, 'in the inbox');
    const seen = await until(team.visitor$(me!.username), (v) => !!v.page, 'the page');
    expect(seen).to.deep.include({ page: 'https://shop.example/boots', pageTitle: 'Boots' });

    // A reload: a new store on the same databases resumes the same guest with its messages.
    await visitor.dispose();
    const reloaded = newStore(url, 'guests-v');
    await reloaded.ready;
    expect((await until(reloaded.user$, (u) => !!u, 'resumed'))!.username).to.equal(me!.username);
    const kept = await until(reloaded.messages$(support), (l) => l.length === 1, 'kept');
    expect(kept[0]!.text).to.equal('do you ship abroad?');

    // Signed out (or the token gone): the kept password signs the same guest in again.
    await reloaded.logout();
    expect(await reloaded.hasGuest()).to.equal(true);
    await reloaded.loginAsGuest();
    expect((await firstValueFrom(reloaded.user$))!.username).to.equal(me!.username);
    await reloaded.openConversation(support);
    const again = await until(reloaded.messages$(support), (l) => l.length === 1, 'again');
    expect(again[0]!.text).to.equal('do you ship abroad?');
  });

  it('keeps the guest’s password in the app’s session database, and a wipe forgets it', async () => {
    const visitor = newStore(url, 'guests-w');
    await visitor.ready;
    await visitor.loginAsGuest();
    const me = (await until(visitor.user$, (u) => !!u, 'signed in'))!;
    const db = await openDB('guests-w:demo#chat');
    const kept = (await db.get('guest', 'current')) as { username: string; password: string };
    db.close();
    expect(kept.username).to.equal(me.username);
    expect(kept.password).to.be.a('string').and.not.equal('');

    await visitor.logout({ wipe: true });
    expect(await visitor.hasGuest()).to.equal(false);
    await visitor.loginAsGuest();
    const next = (await until(visitor.user$, (u) => !!u, 'a new guest'))!;
    expect(next.username)
      .to.match(/^guest-/)
      .and.not.equal(me.username);
  });

  it('replaces a kept guest the server no longer knows (removed after the app’s retention)', async () => {
    // What the browser keeps of a guest the server has since removed: its name and password.
    const db = await openDB('guests-x:demo#chat', 2, {
      upgrade(database) {
        database.createObjectStore('session');
        database.createObjectStore('guest');
      },
    });
    await db.put('guest', { username: 'guest-gone00000000', password: 'whatever' }, 'current');
    db.close();
    const visitor = newStore(url, 'guests-x');
    await visitor.ready;
    expect(await visitor.hasGuest()).to.equal(true);
    await visitor.loginAsGuest();
    const next = (await until(visitor.user$, (u) => !!u, 'a new guest'))!;
    expect(next.username)
      .to.match(/^guest-/)
      .and.not.equal('guest-gone00000000');
    expect(await visitor.hasGuest()).to.equal(true);
  });

  it('sets and reads user attributes: the e-mail a visitor leaves reaches the team', async () => {
    const team = newStore(url, 'guests-t2');
    const support = await signUp(team);
    await signIn(team, support);
    const visitor = newStore(url, 'guests-v2');
    await visitor.ready;
    await visitor.loginAsGuest();
    const me = (await until(visitor.user$, (u) => !!u, 'signed in'))!;

    // Support is online; a name nobody has is absent.
    const info = await visitor.userInfo([support, 'nobody-here']);
    expect(Object.keys(info)).to.deep.equal([support]);
    expect(info[support]!.online).to.equal(true);

    await visitor.updateOwnInfo({ mail: 'ann@example.com', nickname: 'Ann' });
    expect((await firstValueFrom(visitor.user$))!.nickname).to.equal('Ann');
    expect((await team.userInfo([me.username]))[me.username]).to.deep.include({
      mail: 'ann@example.com',
      nickname: 'Ann',
    });
    await visitor.openConversation(support);
    await visitor.send(support, 'hello');
    const seen = await until(team.visitor$(me.username), (v) => !!v.mail, 'the mail');
    expect(seen.mail).to.equal('ann@example.com');

    // Bad input changes nothing and says why.
    const refused = await rejection(visitor.updateOwnInfo({ mail: 'x'.repeat(300) }));
    expect(refused.type).to.be.a('number');
    expect((await team.userInfo([me.username]))[me.username]!.mail).to.equal('ann@example.com');

    await team.logout();
    expect((await visitor.userInfo([support]))[support]!.online).to.equal(false);
  });

  it('refuses a guest when the app has guests off, and keeps nothing', async () => {
    const off = await serverCli(serverId, ['app', 'set', 'demo#chat', '--no-guests']);
    expect(off.code, off.stderr).to.equal(0);
    try {
      const visitor = newStore(url, 'guests-off');
      await visitor.ready;
      const refused = await rejection(visitor.loginAsGuest());
      expect(refused.error).to.equal('forbidden_op');
      expect(await visitor.hasGuest()).to.equal(false);
      expect(await firstValueFrom(visitor.user$)).to.equal(null);
    } finally {
      await serverCli(serverId, ['app', 'set', 'demo#chat', '--guests']);
    }
  });
});
