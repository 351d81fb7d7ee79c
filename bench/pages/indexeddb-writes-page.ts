/**
 * Page entry of indexeddb-writes.ts: writes the same received messages to a fresh user database
 * with the store's own functions, either in batches (one transaction per batch, as the store does
 * for a burst of received messages) or one transaction per message (as it did before batching).
 */
import type { ServerMessage } from '../../src/protocol/frames.js';
import { deleteUserDb, openUserDb } from '../../src/store/database.js';
import {
  storeIncomingBatch,
  storeIncomingEach,
  type IncomingItem,
} from '../../src/store/messages-repo.js';
import { fromReceived, isCommand } from '../../src/store/messages.js';

export interface WriteRun {
  messages: number;
  transactions: number;
  ms: number;
  /** Rows in the `messages` store afterwards: proof that every message was written. */
  stored: number;
}

const ME = 'bench-me';
const PEERS = 10;

/** `count` text messages from {@link PEERS} peers, as the socket delivers them, in seq order. */
function received(count: number): IncomingItem[] {
  const start = Date.now() - count * 1000;
  return Array.from({ length: count }, (_, k) => {
    const frame: ServerMessage = {
      mid: `bench-mid-${k}`,
      id: `bench-id-${k}`,
      seq: k + 1,
      from: `bench-peer-${k % PEERS}`,
      to: ME,
      chatType: 'singleChat',
      ext: {},
      time: start + k * 1000,
      type: 'txt',
      msg: `message ${k}: ${'lorem ipsum '.repeat(4)}`,
    };
    const message = fromReceived(frame, ME);
    if (!message || isCommand(message)) throw new Error(`message ${k} did not convert`);
    return { message, unread: true };
  });
}

async function writeMessages(mode: 'batched' | 'each', count: number, batchSize: number) {
  const name = `bench:indexeddb-writes:${mode}:${Date.now()}`;
  const items = received(count);
  const { db } = await openUserDb(name);
  try {
    const started = performance.now();
    let transactions = 0;
    if (mode === 'each') {
      await storeIncomingEach(db, items);
      transactions = items.length;
    } else {
      for (let i = 0; i < items.length; i += batchSize) {
        await storeIncomingBatch(db, items.slice(i, i + batchSize));
        transactions += 1;
      }
    }
    const ms = performance.now() - started;
    const run: WriteRun = { messages: count, transactions, ms, stored: await db.count('messages') };
    return run;
  } finally {
    db.close();
    await deleteUserDb(name);
  }
}

declare global {
  interface Window {
    benchIndexedDbWrites: typeof writeMessages;
  }
}

window.benchIndexedDbWrites = writeMessages;
