/**
 * Opening a conversation (`ChatStore.openConversation`): a one-to-one conversation not stored yet
 * is started, named after the peer; a group or room one only when I am in it. It becomes the
 * active one, a page of history is fetched when less than a page is stored (see
 * `MessageWindows.fillIfShort`), and it is read.
 */
import type { ChatType } from '../protocol/index.js';
import { ensureConversation, readConversation, upsertConversations } from './conversations-repo.js';
import { Codes, Messages, chatError } from './errors.js';
import type { Groups } from './groups.js';
import { readList } from './lists-repo.js';
import type { MessageWindows } from './message-windows.js';
import { normalizeUsername } from './messages.js';
import type { Names } from './names.js';
import type { Reading } from './reading.js';
import type { StoreCore } from './store-core.js';

/** The parts of the store an opening goes through. */
export interface OpeningParts {
  names: Names;
  groups: Groups;
  windows: MessageWindows;
  reading: Reading;
}

export async function openConversation(
  core: StoreCore,
  parts: OpeningParts,
  conversationId: string | null,
  chatType: ChatType,
): Promise<void> {
  if (conversationId === null) {
    core.active.next(null);
    return;
  }
  const session = core.requireSession();
  const group = chatType === 'groupChat';
  const peer = chatType === 'singleChat' ? normalizeUsername(conversationId) : conversationId;
  if (!(await readConversation(session.db, peer))) {
    if (chatType === 'singleChat') {
      const name = await parts.names.lookupName(session, peer);
      if (await ensureConversation(session.db, peer, name, Date.now())) core.changed();
    } else {
      // A group or room conversation starts when I am in it (removed from it, it stays).
      const name = group
        ? (await parts.groups.stored(session, peer))?.name
        : (await readList(session.db, 'rooms')).find((r) => r.id === peer && r.joined)?.name;
      if (!name)
        throw group
          ? chatError(Codes.groupNotJoined, Messages.notGroupMember)
          : chatError(Codes.roomNotJoined, Messages.notRoomMember);
      if (await upsertConversations(session.db, [{ id: peer, chatType, name, membership: null }]))
        core.changed();
    }
  }
  core.active.next(peer);
  void parts.windows
    .fillIfShort(peer)
    // What came is on screen: its read receipt goes out (the one below found nothing to ack).
    .then((filled) => {
      if (filled && core.active.value === peer && core.visibility.isVisible())
        return parts.reading.markRead(peer);
      return undefined;
    })
    .catch(() => undefined);
  await parts.reading.markRead(peer);
}
