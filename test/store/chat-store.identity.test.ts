// A message's identity in the store, against a real server: the client id a sender picks is seen by
// every member of a group, so a member (mallory, on the bare SDK) can send a message reusing
// someone else's. Issue 11: the store keyed messages by that id alone, so mallory's message was
// merged into alice's on everyone's device, and recalling or editing it recalled or rewrote alice's.
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import WebIM, { type Connection } from '../../src/sdk/index.js';
import type { ChatMessage } from '../../src/store/types.js';
import { mainServer, uniqueName } from '../support/servers.js';
import {
  APP,
  PASSWORD,
  cleanUp,
  newStore,
  signUp,
  signUpOnDevices,
  until,
} from './store-fixtures.js';

const connections: Connection[] = [];

afterEach(async () => {
  for (const conn of connections.splice(0)) conn.close();
  await cleanUp();
});

const texts = (list: ChatMessage[]) => list.map((m) => [m.from, m.text, !!m.recalled]);

describe('store/chat-store: message identity', function () {
  this.timeout(90_000);

  it('keeps a group member’s message apart from the one whose client id it reuses, through recall and edit', async () => {
    const { url } = await mainServer();
    const a = newStore(url, uniqueName('pa'));
    const b = newStore(url, uniqueName('pb'));
    const mallorysStore = newStore(url, uniqueName('pm'));
    const [alice] = await signUpOnDevices([{ devices: [a] }, { devices: [b] }]);
    const mallory = await signUp(mallorysStore);
    await mallorysStore.dispose();
    const conn = new WebIM.connection({ appKey: APP, apiUrl: url });
    connections.push(conn);
    // What every member's SDK is told of a message: its server id and the sender's client id.
    const heard = new Promise<{ localMsgId: string }>((resolve) =>
      conn.addEventHandler('mallory', {
        onTextMessage: (message) => resolve(message as unknown as { localMsgId: string }),
      }),
    );
    await conn.open({ user: mallory, pwd: PASSWORD });

    const group = await a.createGroup({ name: 'Open', public: true });
    expect(await b.joinGroup(group.id)).to.equal('joined');
    await conn.joinGroup({ groupId: group.id });
    await until(a.groupMembers$(group.id), (l) => l.length === 3, 'three members');

    const original = await a.send(group.id, 'alice’s words');
    await until(b.messages$(group.id), (l) => l.length === 1, 'bob has alice’s message');
    expect((await heard).localMsgId).to.equal(original.id);

    // Mallory sends her own message under alice's client id: the server takes it (ids are unique
    // per sender), and every member is sent it.
    const forged = await conn.send(
      WebIM.message.create({
        type: 'txt',
        id: original.id,
        to: group.id,
        chatType: 'groupChat',
        msg: 'mallory’s words',
      }),
    );
    expect(forged.localMsgId).to.equal(original.id);
    for (const store of [a, b])
      expect(
        texts(await until(store.messages$(group.id), (l) => l.length === 2, 'both messages')),
      ).to.deep.equal([
        [alice, 'alice’s words', false],
        [mallory, 'mallory’s words', false],
      ]);

    // Her edit and her recall are of her own message; alice's stays as it was, everywhere.
    await conn.modifyMessage({
      messageId: forged.serverMsgId,
      modifiedMessage: WebIM.message.create({
        type: 'txt',
        to: group.id,
        chatType: 'groupChat',
        msg: 'edited by mallory',
      }),
    });
    for (const store of [a, b])
      expect(
        texts(
          await until(store.messages$(group.id), (l) => l[1]?.text === 'edited by mallory', 'edit'),
        ),
      ).to.deep.equal([
        [alice, 'alice’s words', false],
        [mallory, 'edited by mallory', false],
      ]);
    await conn.recallMessage({ mid: forged.serverMsgId, to: group.id, chatType: 'groupChat' });
    for (const store of [a, b])
      expect(
        texts(await until(store.messages$(group.id), (l) => !!l[1]?.recalled, 'recall')),
      ).to.deep.equal([
        [alice, 'alice’s words', false],
        [mallory, '', true],
      ]);
    const [bobs] = await firstValueFrom(b.messages$(group.id));
    expect(bobs).to.include({ from: alice, text: 'alice’s words' });
    expect(bobs?.edited).to.equal(undefined);

    // And the server refuses her the same on alice's message, named by its server id.
    const alicesMid = (await firstValueFrom(a.messages$(group.id)))[0]?.mid;
    expect(alicesMid).to.be.a('string');
    const refusal = await conn
      .recallMessage({ mid: alicesMid!, to: group.id, chatType: 'groupChat' })
      .then(
        () => expect.fail('recall should be refused'),
        (error: { type: number }) => error,
      );
    expect(refusal.type).to.equal(603);
    const editRefusal = await conn
      .modifyMessage({
        messageId: alicesMid!,
        modifiedMessage: WebIM.message.create({
          type: 'txt',
          to: group.id,
          chatType: 'groupChat',
          msg: 'x',
        }),
      })
      .then(
        () => expect.fail('edit should be refused'),
        (error: { type: number }) => error,
      );
    expect(editRefusal.type).to.equal(603);
  });
});
