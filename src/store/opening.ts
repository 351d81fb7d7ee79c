/**
 * Opening a conversation (`ChatStore.openConversation`): a one-to-one conversation not stored yet
 * is started, named after the peer; a group or room one only when I am in it. It becomes the
 * active one, a page of history is fetched when less than a page is stored (see
 * `MessageWindows.fillIfShort`), and it is read. Opened while the server could not be asked (the
 * device offline), its page comes once the connection is back (`fillWhenBack`).
 */
import { filter } from 'rxjs';
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
  fill(core, parts, peer);
  await parts.reading.markRead(peer);
}

/** Brings the page of history `peer` lacks (see `fillIfShort`), and reads what came. */
function fill(core: StoreCore, parts: OpeningParts, peer: string): void {
  void parts.windows
    .fillIfShort(peer)
    // What came is on screen: its read receipt goes out (the one on opening found nothing to ack).
    .then((filled) => {
      if (filled && core.active.value === peer && core.visibility.isVisible())
        return parts.reading.markRead(peer);
      return undefined;
    })
    .catch(() => undefined);
}

/**
 * Each time the connection is back, the open conversation gets the page an opening offline could
 * not bring (nothing when it has it: `fillIfShort` asks only for one never paged and short). Else
 * a conversation opened on a new device without network stays empty after the network is back,
 * until "Load older messages" is clicked (issue 12).
 */
export function fillWhenBack(core: StoreCore, parts: OpeningParts): void {
  core.subscriptions.add(
    core.status.pipe(filter((status) => status === 'online')).subscribe(() => {
      const peer = core.active.value;
      if (peer) fill(core, parts, peer);
    }),
  );
}
