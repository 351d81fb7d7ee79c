/**
 * Brings the records an earlier version of the database stored up to date, after `openUserDb`
 * upgraded its schema (`database.ts`). A chunk of its own: only a database from before the latest
 * version loads it. One transaction; it clears the upgrade's `stale` mark only when all of it is
 * done, so a tab closed half-way does it again at the next open. Each step is a rule about a record
 * (not "from version N"), so doing it twice, or in two tabs at once, changes nothing the second time.
 *
 * - Version 2: my sent messages have a receipt (`sent`: version 1 knew none, what it sent is at
 *   least on the server).
 * - Version 4: a message of someone else (`received`) is keyed by its server id, not by the client
 *   id its sender picked (issue 11), in the messages and as a conversation's last message. A record
 *   into which two senders' messages were merged under the old key cannot be told apart again; it
 *   keeps what it shows.
 */
import type { UserDatabase } from './database.js';
import type { ChatMessage } from './types.js';

const rekeyed = (message: ChatMessage | undefined): ChatMessage | undefined =>
  message?.status === 'received' && message.mid && message.id !== message.mid
    ? { ...message, id: message.mid }
    : undefined;

export async function upgradeStored(db: UserDatabase): Promise<void> {
  const tx = db.transaction(['messages', 'conversations', 'meta'], 'readwrite');
  const messages = tx.objectStore('messages');
  let cursor = await messages.openCursor();
  while (cursor) {
    const message = cursor.value;
    const moved = rekeyed(message);
    if (moved) {
      await cursor.delete();
      // A key after this one is visited again, already under its server id, and left as it is.
      await messages.put(moved);
    } else if (message.status === 'sent' && !message.receipt)
      await cursor.update({ ...message, receipt: 'sent' });
    cursor = await cursor.continue();
  }
  let conversation = await tx.objectStore('conversations').openCursor();
  while (conversation) {
    const lastMessage = rekeyed(conversation.value.lastMessage);
    if (lastMessage) await conversation.update({ ...conversation.value, lastMessage });
    conversation = await conversation.continue();
  }
  const meta = tx.objectStore('meta');
  const state = await meta.get('state');
  if (state) {
    delete state.stale;
    await meta.put(state, 'state');
  }
  await tx.done;
}
