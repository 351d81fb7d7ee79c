// Chat rooms in the store, against a real server of their own (a room admin is app configuration):
// rita on two devices (the first gets every room event twice), sam, and a room admin who creates,
// kicks and destroys through the SDK itself (the store has no room administration).
import { expect } from '@open-wc/testing';
import { firstValueFrom } from 'rxjs';
import { Connection } from '../../src/sdk/index.js';
import { openUserDb, readMeta, userDbName } from '../../src/store/database.js';
import { Messages } from '../../src/store/errors.js';
import type { ChatNotice } from '../../src/store/types.js';
import { restartServer, serverCli, uniqueName } from '../support/servers.js';
import {
  APP,
  PASSWORD,
  cleanUp,
  collect,
  doubledEvents,
  eventually,
  newStore,
  ownServer,
  rejection,
  signUpOnDevices,
  until,
} from './store-fixtures.js';

describe('store/chat-rooms', function () {
  this.timeout(120_000);

  after(cleanUp);

  it('join loads the recent window, messages are live and never move the cursor; kicked and destroyed are said once; refusals change nothing', async () => {
    const first = await ownServer();
    const adminName = uniqueName('ra');
    const cli = await serverCli(first.id, ['app', 'set', APP, '--room-admins', adminName]);
    expect(cli.code, cli.stderr).to.equal(0);
    const server = await restartServer(first.id);
    const r1 = newStore(server.url, 'rooms-r1', { createConnection: doubledEvents });
    const r2 = newStore(server.url, 'rooms-r2');
    const s = newStore(server.url, 'rooms-s');
    await r1.register({ username: adminName, password: PASSWORD });
    const [rita] = await signUpOnDevices([{ devices: [r1, r2] }, { devices: [s] }]);
    const told: ChatNotice[] = collect(r1.notices$);
    const samTold: ChatNotice[] = collect(s.notices$);

    const admin = new Connection({ appKey: APP, apiUrl: server.url, isHttpDNS: false });
    await admin.open({ user: adminName, pwd: PASSWORD });
    const {
      data: { id: room },
    } = await admin.createChatRoom({ name: 'Kitchen', description: 'snacks', maxusers: 50 });

    await r1.refreshRooms();
    expect((await firstValueFrom(r1.rooms$)).find((x) => x.id === room)).to.include({
      name: 'Kitchen',
      joined: false,
    });
    await s.refreshRooms();
    await s.joinRoom(room);
    await s.send(room, 'before rita came');
    await until(s.messages$(room), (l) => l[0]?.status === 'sent', 'sam’s message sent');

    const dbName = userDbName('rooms-r1', APP, rita);
    const { db } = await openUserDb(dbName);
    const cursor = (await readMeta(db)).cursor;
    await r1.joinRoom(room);
    expect((await firstValueFrom(r1.rooms$)).find((x) => x.id === room)?.joined).to.equal(true);
    await until(r2.rooms$, (l) => !!l.find((x) => x.id === room)?.joined, 'joined on device 2');
    await until(r2.conversations$, (l) => l.some((c) => c.id === room), 'and its conversation');
    const conversation = (await firstValueFrom(r1.conversations$)).find((c) => c.id === room);
    expect(conversation).to.include({ chatType: 'chatRoom', name: 'Kitchen' });
    expect((await firstValueFrom(r1.messages$(room))).map((x) => x.text)).to.deep.equal([
      'before rita came',
    ]);
    await s.send(room, 'welcome');
    await until(r1.messages$(room), (l) => l.some((x) => x.text === 'welcome'), 'live');
    await r1.openConversation(room, 'chatRoom');
    await r1.send(room, 'thanks');
    await until(s.messages$(room), (l) => l.some((x) => x.text === 'thanks'), 'heard');
    expect((await readMeta(db)).cursor).to.equal(cursor);
    db.close();

    // Refusals: nothing changes.
    const rooms = await firstValueFrom(r1.rooms$);
    expect((await rejection(r1.joinRoom('123456789012345678'))).message).to.equal(
      Messages.roomGone,
    );
    expect((await rejection(s.leaveRoom('123456789012345679'))).message).to.equal(
      Messages.roomGone,
    );
    expect(await firstValueFrom(r1.rooms$)).to.deep.equal(rooms);

    await admin.removeChatRoomMember({ chatRoomId: room, username: rita });
    const kicked = `${adminName} removed you from the room Kitchen.`;
    await eventually(() => told.some((n) => n.message === kicked), 'rita is told');
    expect((await firstValueFrom(r1.rooms$)).find((x) => x.id === room)?.joined).to.equal(false);
    await until(
      r1.conversations$,
      (l) => l.find((c) => c.id === room)?.membership === 'removed',
      'marked',
    );
    const after = await r1.send(room, 'still here?');
    const failed = await until(
      r1.messages$(room),
      (l) => l.some((x) => x.id === after.id && x.status === 'failed'),
      'a send after the kick fails',
    );
    expect(failed.find((x) => x.id === after.id)?.error).to.equal(Messages.notRoomMember);

    await admin.destroyChatRoom({ chatRoomId: room });
    await eventually(
      () => samTold.some((n) => n.message === 'The room Kitchen was closed.'),
      'sam is told',
    );
    await until(s.rooms$, (l) => !l.some((x) => x.id === room), 'gone for sam');
    expect((await firstValueFrom(s.conversations$)).find((c) => c.id === room)).to.include({
      membership: 'disbanded',
    });
    expect(told.filter((n) => n.message === kicked)).to.have.length(1);
    admin.close();
  });
});
