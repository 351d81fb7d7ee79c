// Reporting a message (the 4.x SDK's reportMessage) on a real server process: stored for the
// app's moderators and listed by `openwebim-server reports list <org#app>`; every refusal
// answers Agora's error body and stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServerProcess } from '../support/server-process.mjs';
import { RestRoutes, routeParts } from '../../src/protocol/routes.js';
import {
  assertError,
  connect,
  newUser,
  rest,
  sendText,
  type TestUser,
} from './support/test-server.js';

interface Harness {
  url: string;
  dispose(): Promise<void>;
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

let server: Harness;
before(async () => {
  server = (await new ServerProcess().start()) as Harness;
});
after(() => server.dispose());

const [verb, path] = routeParts(RestRoutes.reportMessage);
const report = (user: TestUser, body: unknown, me = user.username) =>
  rest(server.url, user, verb, path.replace('{me}', me), body);

describe('reportMessage', () => {
  it('stores a report of a message of my conversation, listed for moderators; refuses the rest', async () => {
    const [ann, ben, cid] = await Promise.all([1, 2, 3].map(() => newUser(server.url)));
    const { socket } = await connect(server.url, ann!);
    const id = sendText(socket, ben!.username, 'buy cheap pills');
    const ack = await socket.next('ack', (a) => a.id === id);
    socket.close();

    const reason = 'spam\tagain\nand again';
    const done = await report(ben!, {
      reportType: 'spam',
      reportReason: reason,
      reportMsgId: ack.mid,
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));

    // Not of a conversation of cid's.
    assertError(
      await report(cid!, { reportType: 'spam', reportReason: '', reportMsgId: ack.mid }),
      403,
      'forbidden_op',
      /not part of the conversation/,
    );
    // No such message; no category; a reason past the limit; someone else's path.
    assertError(
      await report(ben!, { reportType: 'spam', reportReason: '', reportMsgId: '999' }),
      404,
      'service_resource_not_found',
    );
    assertError(
      await report(ben!, { reportType: '', reportReason: 'x', reportMsgId: ack.mid }),
      400,
      'illegal_argument',
      /reportType/,
    );
    assertError(
      await report(ben!, {
        reportType: 'spam',
        reportReason: 'x'.repeat(1001),
        reportMsgId: ack.mid,
      }),
      400,
      'illegal_argument',
      /reportReason/,
    );
    const other = await report(
      ben!,
      { reportType: 'spam', reportReason: '', reportMsgId: ack.mid },
      ann!.username,
    );
    assert.equal(other.status, 403);

    const listed = await server.cli(['reports', 'list', 'demo#chat']);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.equal(lines[0], 'time\treporter\ttype\treason\tmid\tsender\tchat');
    const mine = lines.filter((line) => line.includes(ack.mid));
    assert.equal(mine.length, 1, listed.stdout);
    const [, reporter, type, said, mid, sender, chat] = mine[0]!.split('\t');
    assert.deepEqual(
      [reporter, type, said, mid, sender, chat],
      [
        ben!.username,
        'spam',
        'spam again and again',
        ack.mid,
        ann!.username,
        `singleChat:${ben!.username}`,
      ],
    );
    assert.equal(lines.filter((line) => line.includes(cid!.username)).length, 0);

    const unknown = await server.cli(['reports', 'list', 'no#such']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no app no#such/);
  });
});
