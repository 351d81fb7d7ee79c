// Server message ids of server/domain/message-ids.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newMessageId } from '../../server/domain/message-ids.js';

describe('newMessageId', () => {
  it('makes unique decimal ids that sort by time, even many in one ms or a clock step back', () => {
    const ids = [
      ...Array.from({ length: 5000 }, () => newMessageId(1_700_000_000_000)),
      newMessageId(1_699_999_999_000),
      newMessageId(1_700_000_000_100),
    ].map(BigInt);
    assert.equal(new Set(ids).size, ids.length);
    for (let i = 1; i < ids.length; i += 1) assert.ok(ids[i]! > ids[i - 1]!, `id ${i} grows`);
    assert.match(newMessageId(), /^\d+$/);
  });
});
