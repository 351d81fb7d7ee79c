// Body shapes and chatfile urls of server/domain/message-bodies.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chatfileUuid,
  parseMessageBody,
  withFileBase,
} from '../../server/domain/message-bodies.js';

const uuid = '0b5c2c1e-8f0a-4c55-9d1e-0c6f1a2b3c4d';

describe('parseMessageBody', () => {
  it('refuses non-finite coordinates and non-integer sizes', () => {
    for (const lat of [Number.NaN, Number.POSITIVE_INFINITY, '1']) {
      const result = parseMessageBody({ type: 'loc', addr: '', lat, lng: 0 });
      assert.equal(result.ok, false);
    }
    const result = parseMessageBody({
      type: 'file',
      url: '/a/b/chatfiles/x',
      secret: 's',
      filename: 'f',
      file_length: 2 ** 60,
    });
    assert.deepEqual(result, {
      ok: false,
      reason: 'file message: file_length must be a non-negative integer',
    });
  });

  it('adds no undefined optional fields', () => {
    const result = parseMessageBody({
      type: 'img',
      url: '/o/a/chatfiles/x',
      secret: 's',
      filename: 'f',
      file_length: 0,
    });
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.body).sort(), [
      'file_length',
      'filename',
      'secret',
      'type',
      'url',
    ]);
  });
});

describe('chatfileUuid', () => {
  it('reads the uuid of this app’s chatfile url in any form', () => {
    for (const url of [
      `http://h:1/o/a/chatfiles/${uuid}`,
      `https://h/prefix/o/a/chatfiles/${uuid}?em-redirect=true`,
      `/o/a/chatfiles/${uuid}`,
      `https://h/o%2Dx/a/chatfiles/${uuid}`.replace('o%2Dx', 'o'),
    ]) {
      assert.equal(chatfileUuid(url, 'o', 'a'), uuid, url);
    }
  });

  it('refuses other apps, other paths and malformed uuids', () => {
    for (const url of [
      `http://h/o/b/chatfiles/${uuid}`,
      `http://h/x/a/chatfiles/${uuid}`,
      `http://h/o/a/files/${uuid}`,
      `http://h/o/a/chatfiles/${uuid}/more`,
      'http://h/o/a/chatfiles/../../etc/passwd',
      'http://h/o/a/chatfiles/NOT-A-UUID',
      'not a url at all %%%',
    ]) {
      assert.equal(chatfileUuid(url, 'o', 'a'), undefined, url);
    }
  });
});

describe('withFileBase', () => {
  it('puts stored paths on the reader’s base and leaves other kinds alone', () => {
    const body = withFileBase(
      {
        type: 'video',
        url: `/o/a/chatfiles/${uuid}`,
        secret: 's',
        filename: 'f',
        file_length: 1,
        length: 2,
        thumb: `/o/a/chatfiles/${uuid}`,
        thumb_secret: 't',
      },
      'https://chat.example',
    );
    assert.equal(body.url, `https://chat.example/o/a/chatfiles/${uuid}`);
    assert.equal(body.thumb, `https://chat.example/o/a/chatfiles/${uuid}`);
    const text = { type: 'txt', msg: '/o/a' } as const;
    assert.equal(withFileBase(text, 'https://chat.example'), text);
  });
});
