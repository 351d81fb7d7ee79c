import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Subscription } from 'rxjs';
import type { ChatType } from '../../protocol/index.js';
import type { ChatStoreApi } from '../../store/index.js';

/**
 * The typing indicator of a 1:1 conversation, in the 4.x SDKs' convention: `cmd` messages with the
 * action `TypingBegin` while the person types (at most one per {@link BEGIN_EVERY_MS}) and
 * `TypingEnd` when they send or clear the field. Sent online only (`deliverOnlineOnly`): the server
 * stores them nowhere, so no later session, device or history gets them, and none counts unread.
 * The peer's `TypingBegin` shows "… is typing" until their `TypingEnd`, a message from them, or
 * {@link SHOWN_MS} without another `TypingBegin` (a peer that went away says nothing more).
 */
export const TypingActions = { begin: 'TypingBegin', end: 'TypingEnd' } as const;
const BEGIN_EVERY_MS = 3000;
const SHOWN_MS = 6000;
const ONLINE_ONLY = { deliverOnlineOnly: true };

export class TypingController implements ReactiveController {
  /** Who is typing in the conversation shown (a username), or `''`. */
  typing = '';
  private store: ChatStoreApi | undefined;
  private subscription: Subscription | undefined;
  private conversation = '';
  private hideTimer: ReturnType<typeof setTimeout> | undefined;
  private lastId: string | undefined;
  /** When this side last said `TypingBegin`, and to whom. */
  private begun: { to: string; at: number } | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.store) this.watch(this.store);
  }

  hostDisconnected(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.clear();
  }

  /** Follows the store and the conversation shown. */
  observe(store: ChatStoreApi | undefined, conversation: string): void {
    if (conversation !== this.conversation) {
      this.conversation = conversation;
      this.clear();
    }
    if (store === this.store) return;
    this.subscription?.unsubscribe();
    this.store = store;
    if (store) this.watch(store);
  }

  /** The field changed: say `TypingBegin` now and then while it holds text, `TypingEnd` once cleared. */
  input(conversation: string, chatType: ChatType, text: string): void {
    if (chatType !== 'singleChat') return;
    if (!text.trim()) return this.stopped();
    const now = Date.now();
    if (this.begun?.to === conversation && now - this.begun.at < BEGIN_EVERY_MS) return;
    this.begun = { to: conversation, at: now };
    this.say(conversation, TypingActions.begin);
  }

  /** The text was sent or cleared: `TypingEnd`, if `TypingBegin` was said. */
  stopped(): void {
    const begun = this.begun;
    this.begun = undefined;
    if (begun) this.say(begun.to, TypingActions.end);
  }

  /** The conversation's messages: a new one from whoever is typing means they sent it. */
  messages(list: readonly { id: string; from: string }[]): void {
    const last = list.at(-1);
    if (!last || last.id === this.lastId) return;
    this.lastId = last.id;
    if (last.from === this.typing) this.clear();
  }

  private say(to: string, action: string): void {
    // Offline, or the peer cannot be told: the indicator is a nicety, never an error.
    void this.store?.sendCommand(to, action, undefined, ONLINE_ONLY).catch(() => undefined);
  }

  private watch(store: ChatStoreApi): void {
    this.subscription = store.commands$.subscribe((command) => {
      if (command.chatType !== 'singleChat' || command.from !== this.conversation) return;
      if (command.action === TypingActions.begin) {
        clearTimeout(this.hideTimer);
        this.hideTimer = setTimeout(() => this.clear(), SHOWN_MS);
        if (this.typing !== command.from) {
          this.typing = command.from;
          this.host.requestUpdate();
        }
      } else if (command.action === TypingActions.end) {
        this.clear();
      }
    });
  }

  private clear(): void {
    clearTimeout(this.hideTimer);
    this.hideTimer = undefined;
    if (!this.typing) return;
    this.typing = '';
    this.host.requestUpdate();
  }
}
