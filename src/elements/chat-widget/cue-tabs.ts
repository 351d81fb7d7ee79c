/**
 * The attention cues of one element shared with the other tabs (and elements) of the same user:
 * loaded once a second one says hello on the user's channel (see attention-cues.ts), so a visitor
 * with one tab never downloads it.
 *
 * The tab the visitor showed or used last holds a Web Lock named after the app and the user (a tab
 * takes it when it shows or the visitor clicks or types in it, and waits for it otherwise, so a
 * closed holder's lock goes to another tab). The tab whose store stored a message first hands it
 * over the channel; the holder cues it (if the visitor is not looking at its chat) and says it was
 * handled. Once per message also while the lock moves (issue 12):
 * - every tab keeps what was handed over and not yet handled, and a tab that becomes the holder
 *   handles it: a holder that closed with a message on its way loses nothing;
 * - handling takes a second Web Lock named after the message, kept a minute, and a holder that
 *   cannot have it at once leaves the message alone: the old and the new holder, both holders for
 *   a moment when the lock is taken from a tab, cue it once between them.
 */
import type { ChatMessage } from '../../store/index.js';
import type { AttentionCuesController } from './attention-cues.js';

/**
 * What the channel carries: a tab's hello (0, from attention-cues.ts), a tab sharing its cues
 * (1: the tabs that do not yet load this), a message to cue, or the id of one handled (`a`).
 */
type CueMessage = 0 | 1 | ChatMessage | { a: string };

/** How long a handled message's lock is kept: longer than any hand-over. */
const HANDLED_MS = 60_000;

export interface SharedCues {
  /** New here (this tab's store stored it first): the holder cues it. */
  incoming(message: ChatMessage): void;
  /** Asks for the lock: `take` it from the tab that holds it (the visitor is here), or wait. */
  claim(take: boolean): void;
  /** Signed out, or the element is gone: lets the lock go. */
  leave(): void;
}

export function shareCues(
  cues: AttentionCuesController,
  name: string,
  channel: BroadcastChannel,
): SharedCues {
  const locks = navigator.locks;
  let holder = false;
  let release: (() => void) | undefined;
  /** Handed over and not yet handled, by id, with when (an older one was handled: see below). */
  const waiting = new Map<string, [ChatMessage, number]>();

  const handle = (message: ChatMessage, since = Date.now()): void => {
    // Its handled lock is let go by now: a hand-over this old was handled (its word was lost).
    if (Date.now() - since > HANDLED_MS / 2) return void waiting.delete(message.id);
    void locks.request(`${name}:${message.id}`, { ifAvailable: true }, (lock) => {
      // Taken: another tab handles it (and says so).
      if (!lock) return undefined;
      waiting.delete(message.id);
      channel.postMessage({ a: message.id } satisfies CueMessage);
      cues.cue(message);
      return new Promise((resolve) => setTimeout(resolve, HANDLED_MS));
    });
  };
  const handOver = (message: ChatMessage): void => {
    waiting.set(message.id, [message, Date.now()]);
    if (holder) handle(message);
  };

  const claim = (take: boolean): void => {
    if (holder) return;
    release?.();
    const held = new Promise<void>((resolve) => (release = resolve));
    const mine = release;
    locks
      .request(name, { steal: take }, () => {
        if (release !== mine) return undefined;
        holder = true;
        for (const [message, since] of waiting.values()) handle(message, since);
        return held;
      })
      .catch(() => {
        // Another tab took it: wait for it back.
        if (release !== mine) return;
        holder = false;
        claim(false);
      });
  };

  // What comes is from another tab's cues (any script of the page could post as well: at worst
  // a notification).
  channel.onmessage = ({ data }: MessageEvent<CueMessage>) => {
    // A new tab: it loads this too.
    if (data === 0) channel.postMessage(1 satisfies CueMessage);
    else if (data === 1) return;
    else if ('a' in data) waiting.delete(data.a);
    else handOver(data);
  };
  claim(!document.hidden);
  // The tabs that have not loaded this yet load it now.
  channel.postMessage(1 satisfies CueMessage);
  return {
    incoming(message) {
      channel.postMessage(message);
      handOver(message);
    },
    claim,
    leave() {
      release?.();
      release = undefined;
      holder = false;
    },
  };
}
