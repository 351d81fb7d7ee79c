/**
 * Names: a conversation is named after the peer's nickname, and the signed-in user's own nickname
 * is looked up when the login did not say it. Looked up on the server, kept in the database.
 */
import { Limits } from '../protocol/index.js';
import { renameConversation } from './conversations-repo.js';
import { saveProfile } from './database.js';
import { Codes, Messages, chatError } from './errors.js';
import type { Session } from './session.js';
import type { StoreCore } from './store-core.js';
import type { CurrentUser } from './types.js';

export class Names {
  constructor(private readonly core: StoreCore) {}

  /** The name to show for a new conversation; rejects when the server says there is no such user. */
  async lookupName(session: Session, username: string): Promise<string> {
    let profile;
    try {
      profile = await session.connection.lookupUser(username);
    } catch {
      // Offline or not yet connected: start the chat anyway; a send to a wrong name fails visibly.
      return username;
    }
    if (!profile) throw chatError(Codes.userNotFound, Messages.userNotFound);
    return profile.nickname || username;
  }

  /** Names a conversation after the peer's nickname, when the server knows one. */
  async resolveName(session: Session, conversationId: string): Promise<void> {
    // A group or room is named by the group and room lists, not by a user lookup.
    if (Limits.numericIdPattern.test(conversationId)) return;
    let nickname: string | undefined;
    try {
      nickname = (await session.connection.lookupUser(conversationId))?.nickname;
    } catch {
      return; // The id stays the name; a later conversation start may resolve it.
    }
    if (!nickname) return;
    if (await this.core.whileOpen(() => renameConversation(session.db, conversationId, nickname)))
      this.core.changed();
  }

  async resolveOwnNickname(session: Session): Promise<void> {
    try {
      const profile = await session.connection.lookupUser(session.username);
      if (!profile?.nickname || this.core.session.value !== session) return;
      const user: CurrentUser = { username: session.username, nickname: profile.nickname };
      await saveProfile(session.db, user);
      this.core.user.next(user);
    } catch {
      // Shown by username until the next login.
    }
  }
}
