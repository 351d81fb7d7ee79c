// A stored message's JSON reused for its outgoing copies (server/domain/message-json.ts, issue 11):
// the text spliced from the stored body and ext must be exactly what serialising the message object
// gives, for every kind of body and field a message can carry, with each copy's seq and url base.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  messageJson,
  nestedDeeperThan,
  serialisedFrame,
} from '../../server/domain/message-json.js';
import { withFileBase } from '../../server/domain/message-bodies.js';
import {
  toServerMessage,
  toServerMessages,
  type MessageCopy,
} from '../../server/domain/server-messages.js';
import type { StoredMessage } from '../../server/storage/storage.js';
import type { MessageBody } from '../../src/protocol/frames.js';

const base = 'https://chat.example.com:8443';
const path = '/demo/chat/chatfiles/0f8fad5b-d9cb-469f-a165-70867728950e';

const stored = (body: object, more: Partial<StoredMessage> = {}): StoredMessage => ({
  mid: '1234567890123456789',
  clientId: 'c-1 "quoted" \\ ü',
  from: 'alice',
  to: 'bob',
  chatType: 'singleChat',
  type: (body as { type: string }).type,
  body: JSON.stringify(body),
  ext: '{}',
  time: 1_796_000_000_000,
  recalled: false,
  ...more,
});

const bodies: Record<string, object> = {
  txt: { type: 'txt', msg: 'hi "there" \\ \u2028 😀 {"url":"/x"} ]}' },
  emptyText: { type: 'txt', msg: '' },
  img: {
    type: 'img',
    url: path,
    secret: 's',
    filename: 'a.png',
    file_length: 3,
    thumb: path,
    thumb_secret: 't',
    width: 4,
    height: 5,
  },
  file: { type: 'file', url: path, secret: 's', filename: 'r.pdf', file_length: 9 },
  loc: { type: 'loc', addr: 'Somewhere', lat: 1.5, lng: -2.25, buildingName: 'B' },
  cmd: { type: 'cmd', action: 'TypingBegin' },
  custom: { type: 'custom', customEvent: 'e', customExts: { url: '/not-a-file', k: 'v' } },
};

const variants: Record<string, Partial<StoredMessage>> = {
  plain: {},
  ext: { ext: JSON.stringify({ a: [1, { b: 'c]}' }], n: null, deep: { x: { y: { z: 1 } } } }) },
  group: { chatType: 'groupChat', to: '987654321', allowGroupAck: true },
  history: { receipt: 'read', edit: { by: 'alice', at: 1_796_000_000_500, count: 2 } },
};

/** What the object path sends: the message as toServerMessage builds it, urls on the base. */
const expected = (message: StoredMessage, seq: number, extra: object = {}) =>
  JSON.stringify({ ...withFileBase(toServerMessage(message, seq), base), ...extra });

describe('a stored message’s JSON', () => {
  for (const [kind, body] of Object.entries(bodies)) {
    for (const [name, more] of Object.entries(variants)) {
      it(`is the serialised message: ${kind}, ${name}`, () => {
        const message = stored(body, more);
        const json = messageJson(message, (seq) => toServerMessage(message, seq));
        for (const seq of [0, 1, 4_294_967_296]) {
          assert.equal(json.text(seq, base), expected(message, seq));
          assert.equal(
            json.frame(seq, base),
            JSON.stringify({ t: 'msg', message: JSON.parse(expected(message, seq)) }),
          );
        }
        const reactions = [{ reaction: '👍', count: 1, isAddedBySelf: true, userList: ['bob'] }];
        assert.equal(
          json.text(0, base, `,"reactions":${JSON.stringify(reactions)}`),
          expected(message, 0, { reactions }),
        );
      });
    }
  }

  it('gives each copy its own seq and each reader its own url base', () => {
    const message = stored(bodies.img!);
    const copy = toServerMessages(message, JSON.parse(message.body) as MessageBody);
    const [one, two] = [copy(7), copy(8)];
    const serialised = (copy: MessageCopy, base: string) =>
      JSON.stringify({ t: 'msg', message: withFileBase(copy.message, base) });
    assert.equal(one.frame(base), serialised(one, base));
    assert.equal(two.frame(''), serialised(two, ''));
    assert.equal(two.frame(base), serialised(two, base));
    assert.match(one.frame('http://other'), /"url":"http:\/\/other\/demo\/chat\/chatfiles/);
    // A message that came over a bus from another process has no stored JSON: it is serialised.
    assert.equal(serialisedFrame(one.message, base), serialised(one, base));
  });

  it('falls back to serialising an ext deeper than the protocol allows, which fails as before', () => {
    const nested = `{"a":${'['.repeat(20)}1${']'.repeat(20)}}`;
    const message = stored(bodies.txt!, { ext: nested });
    const json = messageJson(message, (seq) => toServerMessage(message, seq));
    assert.equal(json.text(3, base), expected(message, 3));
    const depth = 5_000;
    const deep = stored(bodies.txt!, {
      ext: `{"n":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
    });
    const unservable = messageJson(deep, (seq) => toServerMessage(deep, seq));
    assert.throws(() => unservable.frame(1, base), RangeError);
  });

  it('measures nesting outside strings only', () => {
    assert.equal(nestedDeeperThan('{"a":"[[[[[[{{{{"}', 1), false);
    assert.equal(nestedDeeperThan('{"a":"\\"[[[","b":{}}', 1), true);
    assert.equal(nestedDeeperThan('{"a":"\\\\","b":[]}', 1), true);
    assert.equal(nestedDeeperThan('[[1],[2]]', 2), false);
    assert.equal(nestedDeeperThan('[[[1]]]', 2), true);
  });
});
