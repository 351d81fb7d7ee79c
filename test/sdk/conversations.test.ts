// History pages (4.x getHistoryMessages, 3.x fetchHistoryMessages) and the conversation list
// (getSessionList / getConversationlist) against the real server.
import { expect } from '@open-wc/testing';
import WebIM, {
  type AjaxError,
  type ReceivedMessage,
  type TextMessage,
} from '../../src/sdk/index.js';
import { mainServer, type TestServer } from '../support/servers.js';
import { APP_KEY, closeAll, fileOf, loggedIn } from './sdk-fixtures.js';

const texts = (messages: ReceivedMessage[]) => messages.map((m) => (m as TextMessage).msg);

describe('history and conversations', () => {
  let server: TestServer;

  before(async () => {
    server = await mainServer();
  });

  afterEach(closeAll);

  it('getHistoryMessages pages backwards with cursors, no gaps or duplicates, in the live shape', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    for (let i = 1; i <= 7; i += 1) {
      const [from, to] = i % 2 ? [alice, bob] : [bob, alice];
      await from.conn.send(WebIM.message.create({ type: 'txt', to: to.username, msg: `m${i}` }));
    }
    await bob.events.wait('onTextMessage', 4);
    const live = bob.events.all('onTextMessage').map(([m]) => m as TextMessage);

    const first = await bob.conn.getHistoryMessages({
      targetId: alice.username,
      pageSize: 3,
      chatType: 'singleChat',
      searchDirection: 'up',
    });
    expect(texts(first.messages)).to.deep.equal(['m7', 'm6', 'm5']);
    expect(first.isLast).to.equal(false);
    expect(first.cursor).to.be.a('string');
    const second = await bob.conn.getHistoryMessages({
      targetId: alice.username,
      pageSize: 3,
      cursor: first.cursor,
    });
    expect(texts(second.messages)).to.deep.equal(['m4', 'm3', 'm2']);
    const last = await bob.conn.getHistoryMessages({
      targetId: alice.username,
      pageSize: 3,
      cursor: second.cursor,
    });
    expect(texts(last.messages)).to.deep.equal(['m1']);
    expect(last).to.include({ isLast: true, cursor: null });

    // The same converter as live messages; only seq differs (history is not per device).
    const m7 = first.messages[0] as TextMessage;
    const liveM7 = live.find((m) => m.msg === 'm7')!;
    expect({ ...m7, seq: liveM7.seq }).to.deep.equal(liveM7);
    expect(m7.seq).to.equal(0);
    // cursor -1 (4.x "from the newest") is the first page.
    const again = await bob.conn.getHistoryMessages({ targetId: alice.username, cursor: -1 });
    expect(texts(again.messages)).to.deep.equal(['m7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1']);
  });

  it('history holds file messages with urls on this host and their secrets remembered for download', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    await alice.conn.send(
      WebIM.message.create({ type: 'file', to: bob.username, file: fileOf('h.txt', 'text/plain') }),
    );
    await bob.events.wait('onFileMessage');
    const later = await loggedIn(server, {}, bob);
    const page = await later.conn.getHistoryMessages({ targetId: alice.username });
    const file = page.messages[0] as ReceivedMessage & { url: string };
    expect(file).to.include({ contentsType: 'FILE', filename: 'h.txt' });
    expect(file.url.startsWith(`${server.url}/demo/chat/chatfiles/`)).to.equal(true);
    expect((await WebIM.utils.download.call(later.conn, { url: file.url })).size).to.equal(1024);
  });

  it('fetchHistoryMessages (3.x) keeps its own cursor per conversation and ends with []', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const carol = await loggedIn(server);
    for (const msg of ['a', 'b', 'c']) {
      await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg }));
    }
    await carol.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg: 'z' }));
    const pages: string[][] = [];
    const fetch = (queue: string) =>
      bob.conn.fetchHistoryMessages({
        queue,
        count: 2,
        success: (messages) => pages.push(texts(messages)),
      });
    expect(texts(await fetch(alice.username))).to.deep.equal(['c', 'b']);
    expect(texts(await fetch(carol.username))).to.deep.equal(['z']);
    expect(texts(await fetch(alice.username))).to.deep.equal(['a']);
    expect(await fetch(alice.username)).to.deep.equal([]);
    expect(await fetch(carol.username)).to.deep.equal([]);
    expect(pages).to.deep.equal([['c', 'b'], ['z'], ['a'], [], []]);
  });

  it('history refusals: no targetId or "down" is -3; a cursor of another conversation is the REST error', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const carol = await loggedIn(server);
    const other = await alice.conn.send(
      WebIM.message.create({ type: 'txt', to: carol.username, msg: 'x' }),
    );
    const error = (options: Parameters<typeof bob.conn.getHistoryMessages>[0]) =>
      bob.conn.getHistoryMessages(options).catch((e: unknown) => e);
    expect(await error({ targetId: '' })).to.include({ type: -3 });
    expect(await error({ targetId: alice.username, searchDirection: 'down' })).to.include({
      type: -3,
    });
    const wrong = (await error({
      targetId: alice.username,
      cursor: other.serverMsgId,
    })) as AjaxError;
    expect(wrong.type).to.equal(17);
    expect(JSON.parse(wrong.data).error).to.equal('illegal_argument');
    let failed: unknown;
    await bob.conn
      .fetchHistoryMessages({ queue: alice.username, count: 1000, fail: (e) => (failed = e) })
      .catch(() => {});
    expect(failed).to.include({ type: 17 });
  });

  it('getSessionList / getConversationlist: the 3.x/4.x channel_infos with unread counts, kept in step by read acks', async () => {
    const alice = await loggedIn(server);
    const bob = await loggedIn(server);
    const carol = await loggedIn(server);
    const sends = [];
    for (const msg of ['1', '2', '3']) {
      sends.push(
        await alice.conn.send(WebIM.message.create({ type: 'txt', to: bob.username, msg })),
      );
    }
    await carol.conn.send(
      WebIM.message.create({ type: 'cmd', to: bob.username, action: 'ping', ext: { k: 'v' } }),
    );
    await bob.events.wait('onCmdMessage');

    let viaCallback: unknown;
    const list = await bob.conn.getSessionList({ success: (r) => (viaCallback = r) });
    expect(viaCallback).to.equal(list);
    const infos = list.data.channel_infos;
    expect(infos.map((info) => info.channel_id)).to.deep.equal([
      `${APP_KEY}_${carol.username}@easemob.com`,
      `${APP_KEY}_${alice.username}@easemob.com`,
    ]);
    const [withCarol, withAlice] = infos;
    expect(withAlice!.unread_num).to.equal(3);
    expect(withAlice!.meta).to.deep.include({
      from: alice.username,
      to: bob.username,
      id: sends[2]!.serverMsgId,
    });
    expect(withAlice!.meta.payload).to.deep.equal({
      bodies: [{ type: 'txt', msg: '3' }],
      ext: {},
      from: alice.username,
      to: bob.username,
    });
    expect(withAlice!.lastMessage).to.include({ contentsType: 'TEXT', msg: '3' });
    expect(withCarol!.meta.payload).to.deep.include({ bodies: [{ type: 'cmd', action: 'ping' }] });
    expect(withCarol!.meta.timestamp).to.be.a('number');
    // A command is listed as the conversation's last message but never counted unread (a typing
    // indicator is one).
    expect(list.entities.map((c) => [c.peer, c.unread])).to.deep.equal([
      [carol.username, 0],
      [alice.username, 3],
    ]);

    // Reading the second message leaves one unread; a channel ack clears the conversation.
    await bob.conn.send(
      WebIM.message.create({ type: 'read', to: alice.username, id: sends[1]!.serverMsgId }),
    );
    const unreadWithAlice = async () =>
      (await bob.conn.getConversationlist()).entities.find((c) => c.peer === alice.username)!
        .unread;
    // Receipts have no ack: alice's receipt tells that the server has processed it.
    await alice.events.wait('onReadMessage');
    expect(await unreadWithAlice()).to.equal(1);
    await bob.conn.send(
      WebIM.message.create({ type: 'channel', chatType: 'singleChat', to: alice.username }),
    );
    await alice.events.wait('onChannelMessage');
    expect(await unreadWithAlice()).to.equal(0);
  });
});
