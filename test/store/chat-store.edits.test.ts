// An edit made with the SDK's modifyMessage reaches a store signed in to a real server: the stored
// message (and the conversation's last message) takes the new text and says it was edited.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import WebIM from '../../src/sdk/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { APP, PASSWORD, cleanUp, newStore, signIn, signUp, until } from './store-fixtures.js';

afterEach(cleanUp);

describe('store/chat-store: edited messages', function () {
  this.timeout(60_000);

  it('shows the new text of an edited message, marked edited, in the list too', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const b = newStore(url, uniqueName('pb'));
    const alice = await signUp(a);
    const bob = await signUp(b);
    await signIn(a, alice);
    const conn = new WebIM.connection({ appKey: APP, apiUrl: url });
    try {
      await conn.open({ user: bob, pwd: PASSWORD });
      const text = (msg: string) => WebIM.message.create({ type: 'txt', to: alice, msg });
      const sent = await conn.send(text('meet at 5'));
      await conn.send(text('ok?'));
      await until(a.messages$(bob), (l) => l.length === 2, 'both at alice');

      await conn.modifyMessage({ messageId: sent.serverMsgId, modifiedMessage: text('meet at 6') });
      const edited = await until(
        a.messages$(bob),
        (l) => l[0]?.text === 'meet at 6',
        'the edit at alice',
      );
      expect(edited[0]?.edited).to.include({ by: bob, count: 1 });
      expect(edited[1]).to.include({ text: 'ok?' }).and.not.have.property('edited');

      // The last message of the list is edited in place when it is the one edited.
      const last = await conn.send(text('see you'));
      await until(a.messages$(bob), (l) => l.length === 3, 'the third');
      await conn.modifyMessage({ messageId: last.serverMsgId, modifiedMessage: text('see you!') });
      const list = await until(
        a.conversations$,
        (l) => l[0]?.lastMessage?.text === 'see you!',
        'the edited last message in the list',
      );
      expect(list[0]?.lastMessage?.edited?.count).to.equal(1);
      expect((await firstValueFrom(a.messages$(bob))).map((m) => m.text)).to.deep.equal([
        'meet at 6',
        'ok?',
        'see you!',
      ]);
    } finally {
      conn.close();
    }
  });
});
