import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type Subscription, firstValueFrom } from 'rxjs';
import type { ChatMessage, ChatStoreApi } from '../../store/index.js';
import { ChatUnreadChangeEvent } from '../events/chat-unread-change-event.js';
import type { SharedCues } from './cue-tabs.js';

/** What the cues need of their element (`<chat-widget>`, `<chat-cues>`). */
export interface CuesHost extends ReactiveControllerHost, HTMLElement {
  /** Whether the chat shows: the widget's panel is open; for `<chat-cues>`, the page has focus. */
  readonly open: boolean;
  /** Put the unread count in the page title. */
  readonly titleCount: boolean;
  /** Play a short sound on an incoming message. */
  readonly sound: boolean;
  /** Show desktop notifications (asked for on the visitor's own click). */
  readonly notifications: boolean;
}

export interface CuesOptions {
  /** One line for a message, in the widget's language. */
  preview(message: ChatMessage): string;
  /** Opens the panel on the message's conversation (its notification was clicked). */
  openConversation(message: ChatMessage): Promise<void>;
  /** Where a click of the person's own asks for the notification permission; the host by default. */
  askOn?: EventTarget;
}

/** Sounds closer together than this are one sound (a replay after a reconnect brings many). */
const SOUND_GAP_MS = 2000;

/** A boolean attribute that is on, also when absent, unless it says `off` (or `false`). */
export const onUnlessOff = {
  fromAttribute: (value: string | null) =>
    value === null || !/^(off|false|no)$/i.test(value.trim()),
};
/** A boolean attribute that is on when present, unless it says `off` (or `false`). */
export const offUnlessOn = {
  fromAttribute: (value: string | null) =>
    value !== null && !/^(off|false|no)$/i.test(value.trim()),
};

// One page may have several elements that cue for one store (two widgets, or a widget and
// <chat-cues>): each message is cued once in it, with one sound, and the title counted once.
/** The messages of the page's stores cued lately. */
const seen = new Set<string>();
let lastSound = 0;
/** The page's own title, without our count. */
let baseTitle: string | undefined;
/** The title as we last set it (a page that changes its title meanwhile is taken as its base). */
let setTitle: string | undefined;

/**
 * Attention cues of `<chat-widget>`, each switchable by an attribute and never for the visitor's own
 * messages: the unread count in the page title while the panel is closed or the tab hidden
 * (`(2) Page title`, restored exactly when read), a short Web Audio sound on an incoming message
 * (never before the visitor has interacted with the page, as browsers require), desktop
 * notifications, and the `chat-unread-change` event.
 *
 * The title and the event are each tab's own. The sound and the notification come once per message
 * across the tabs of one user: the store of one tab stores a message first and says it is new
 * there; it hands it to the tab the visitor used last, which cues it if they are not looking at
 * its chat. Each tab cues what it stored until a second tab (or element) of the user says hello on
 * a `BroadcastChannel` named after the app and the user; both then load `cue-tabs.ts`, which
 * elects that tab with a Web Lock and hands the messages over, also while the lock moves. Without
 * Web Locks every tab cues what it stored.
 */
export class AttentionCuesController implements ReactiveController {
  private store: ChatStoreApi | undefined;
  private subscriptions: Subscription | undefined;
  private unread = 0;
  private audio: AudioContext | undefined;
  private interacted = false;
  /** The signed-in user's channel name, and the channel where another tab says hello. */
  private lockFor: string | undefined;
  private channel: BroadcastChannel | undefined;
  /** The cues shared with the other tabs, once one said hello (cue-tabs.ts). */
  private shared: Promise<SharedCues> | undefined;

  constructor(
    private readonly host: CuesHost,
    private readonly options: CuesOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.shown);
    window.addEventListener('pointerdown', this.interaction, true);
    window.addEventListener('keydown', this.interaction, true);
    (this.options.askOn ?? this.host).addEventListener('click', this.askPermission);
    if (this.store) this.watch(this.store);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.shown);
    window.removeEventListener('pointerdown', this.interaction, true);
    window.removeEventListener('keydown', this.interaction, true);
    (this.options.askOn ?? this.host).removeEventListener('click', this.askPermission);
    this.stop();
    this.restoreTitle();
  }

  /** The panel opened or closed, or an attribute changed. */
  hostUpdated(): void {
    this.refreshTitle();
  }

  /** Follows the widget's store (`undefined`: none). */
  observe(store: ChatStoreApi | undefined): void {
    if (store === this.store) return;
    this.stop();
    this.store = store;
    if (store && this.host.isConnected) this.watch(store);
  }

  private watch(store: ChatStoreApi): void {
    const subscriptions = store.totalUnread$.subscribe((unread) => {
      if (unread === this.unread) return;
      this.unread = unread;
      this.refreshTitle();
      this.host.dispatchEvent(new ChatUnreadChangeEvent(unread));
    });
    subscriptions.add(store.incoming$.subscribe((message) => this.incoming(message)));
    subscriptions.add(store.user$.subscribe((user) => this.elect(user?.username)));
    this.subscriptions = subscriptions;
  }

  private stop(): void {
    this.subscriptions?.unsubscribe();
    this.subscriptions = undefined;
    this.elect(undefined);
    if (this.unread !== 0) {
      this.unread = 0;
      this.host.dispatchEvent(new ChatUnreadChangeEvent(0));
    }
  }

  /** Someone is not looking: the panel is closed or the tab hidden. */
  away(): boolean {
    return !this.host.open || document.visibilityState === 'hidden';
  }

  private readonly refreshTitle = (): void => {
    if (setTitle !== undefined && document.title !== setTitle) {
      // The page changed its own title since: that is the base now.
      baseTitle = document.title;
      setTitle = undefined;
    }
    if (!this.host.titleCount || this.unread === 0 || !this.away()) return this.restoreTitle();
    baseTitle ??= document.title;
    const title = `(${this.unread > 99 ? '99+' : this.unread}) ${baseTitle}`;
    if (document.title !== title) document.title = title;
    // As the page reads it back (trimmed: an empty title gives "(2)").
    setTitle = document.title;
  };

  private restoreTitle(): void {
    if (baseTitle !== undefined && document.title === setTitle) document.title = baseTitle;
    baseTitle = undefined;
    setTitle = undefined;
  }

  private readonly shown = (): void => {
    this.refreshTitle();
    if (!document.hidden) this.claim(true);
  };

  /** New here (this tab's store stored it): cued here, or handed to the tab that cues. */
  private incoming(message: ChatMessage): void {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    if (seen.size > 200) seen.delete(seen.values().next().value!);
    if (this.shared) void this.shared.then((shared) => shared.incoming(message));
    else this.cue(message);
  }

  /** Cues `message` unless someone looks at this element's chat. */
  cue(message: ChatMessage): void {
    if (!this.away()) return;
    if (this.host.sound) this.beep();
    if (this.host.notifications) void this.notify(message);
  }

  private readonly interaction = (): void => {
    this.interacted = true;
    this.claim(true);
  };

  /** This tab is the one the visitor uses now: it cues from now on (see cue-tabs.ts). */
  private claim(take: boolean): void {
    void this.shared?.then((shared) => shared.claim(take));
  }

  /** Whether the browser lets the page make sound: the visitor has interacted with it. */
  private mayPlay(): boolean {
    const activation = (navigator as { userActivation?: { hasBeenActive: boolean } })
      .userActivation;
    return this.interacted || activation?.hasBeenActive === true;
  }

  private beep(): void {
    const now = Date.now();
    if (!this.mayPlay() || now - lastSound < SOUND_GAP_MS) return;
    if (typeof AudioContext !== 'function') return;
    lastSound = now;
    try {
      const audio = (this.audio ??= new AudioContext());
      if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
      // Two short notes, falling: a soft "ding" generated here, no file to download.
      const start = audio.currentTime + 0.01;
      for (const [offset, frequency] of [
        [0, 880],
        [0.12, 660],
      ] as const) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.type = 'sine';
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
        tone.connect(gain).connect(audio.destination);
        tone.start(start + offset);
        tone.stop(start + offset + 0.2);
      }
    } catch {
      // No audio output: the other cues still tell.
    }
  }

  /** Asks for notification permission on a click of the visitor's own inside the widget. */
  private readonly askPermission = (event: Event): void => {
    if (!event.isTrusted || !this.host.notifications || typeof Notification !== 'function') return;
    if (Notification.permission === 'default') void Notification.requestPermission();
  };

  private async notify(message: ChatMessage): Promise<void> {
    const store = this.store;
    if (!store || typeof Notification !== 'function') return;
    if (Notification.permission !== 'granted') return;
    const name = await firstValueFrom(store.displayName$(message.from));
    const notification = new Notification(name, {
      body: this.options.preview(message),
      // One per conversation: a newer message replaces the older one's notification.
      tag: `openwebim:${store.appKey}:${message.conversationId}`,
    });
    notification.onclick = () => {
      notification.close();
      window.focus();
      void this.options.openConversation(message);
    };
  }

  /** The tab that cues, for the signed-in user: see the class. */
  private elect(username: string | undefined): void {
    const name = username && this.store ? `openwebim:cues:${this.store.appKey}:${username}` : '';
    if (name === this.lockFor) return;
    void this.shared?.then((shared) => shared.leave());
    this.shared = undefined;
    this.channel?.close();
    this.lockFor = name || undefined;
    this.channel = undefined;
    if (!name || !navigator.locks) return;
    // Every browser with Web Locks has BroadcastChannel. A hello (0) from another tab or element
    // of the user: both share the cues from now on.
    const channel = (this.channel = new BroadcastChannel(name));
    channel.onmessage = () => {
      if (this.shared) return;
      const shared = import('./cue-tabs.js').then((module) =>
        module.shareCues(this, name, channel),
      );
      // Not loaded (a deploy replaced the chunk): this tab cues what it stores, until the next hello.
      (this.shared = shared).catch(() => this.shared === shared && (this.shared = undefined));
    };
    channel.postMessage(0);
  }
}
