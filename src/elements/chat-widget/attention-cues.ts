import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type Subscription, firstValueFrom } from 'rxjs';
import type { ChatMessage, ChatStoreApi } from '../../store/index.js';
import { ChatUnreadChangeEvent } from '../events/chat-unread-change-event.js';

/** What the cues need of `<chat-widget>`. */
export interface CuesHost extends ReactiveControllerHost, HTMLElement {
  /** Whether the panel shows. */
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
}

/** Sounds closer together than this are one sound (a replay after a reconnect brings many). */
const SOUND_GAP_MS = 2000;

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
 * its chat. That tab holds a Web Lock named after the app and the user: a tab takes it from the
 * holder when it shows or the visitor clicks or types in it, and waits for it otherwise (so a
 * closed holder's lock goes to another tab). Without Web Locks every tab cues what it stored.
 */
export class AttentionCuesController implements ReactiveController {
  private store: ChatStoreApi | undefined;
  private subscriptions: Subscription | undefined;
  private unread = 0;
  /** The page's own title, without our count. */
  private baseTitle: string | undefined;
  /** The title as we last set it (a page that changes its title meanwhile is taken as its base). */
  private setTitle: string | undefined;
  private audio: AudioContext | undefined;
  private lastSound = 0;
  private interacted = false;
  /** Whether this tab cues (holds the cue lock for the signed-in user). */
  private holder = false;
  private release: (() => void) | undefined;
  private lockFor: string | undefined;
  /** Where the other tabs hand this one their new messages, and this one its to the holder. */
  private channel: BroadcastChannel | undefined;

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
    this.host.addEventListener('click', this.askPermission);
    if (this.store) this.watch(this.store);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.shown);
    window.removeEventListener('pointerdown', this.interaction, true);
    window.removeEventListener('keydown', this.interaction, true);
    this.host.removeEventListener('click', this.askPermission);
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
  private away(): boolean {
    return !this.host.open || document.visibilityState === 'hidden';
  }

  private readonly refreshTitle = (): void => {
    if (this.setTitle !== undefined && document.title !== this.setTitle) {
      // The page changed its own title since: that is the base now.
      this.baseTitle = document.title;
      this.setTitle = undefined;
    }
    if (!this.host.titleCount || this.unread === 0 || !this.away()) return this.restoreTitle();
    this.baseTitle ??= document.title;
    const title = `(${this.unread > 99 ? '99+' : this.unread}) ${this.baseTitle}`;
    if (document.title !== title) document.title = title;
    this.setTitle = title;
  };

  private restoreTitle(): void {
    if (this.baseTitle !== undefined && document.title === this.setTitle)
      document.title = this.baseTitle;
    this.baseTitle = undefined;
    this.setTitle = undefined;
  }

  private readonly shown = (): void => {
    this.refreshTitle();
    if (!document.hidden) this.claim(true);
  };

  /** New here (this tab's store stored it): cued here, or handed to the tab that cues. */
  private incoming(message: ChatMessage): void {
    if (this.holder) this.cue(message);
    else this.channel?.postMessage(message);
  }

  private cue(message: ChatMessage): void {
    if (!this.away()) return;
    if (this.host.sound) this.beep();
    if (this.host.notifications) void this.notify(message);
  }

  private readonly interaction = (): void => {
    this.interacted = true;
    this.claim(true);
  };

  /** Whether the browser lets the page make sound: the visitor has interacted with it. */
  private mayPlay(): boolean {
    const activation = (navigator as { userActivation?: { hasBeenActive: boolean } })
      .userActivation;
    return this.interacted || activation?.hasBeenActive === true;
  }

  private beep(): void {
    const now = Date.now();
    if (!this.mayPlay() || now - this.lastSound < SOUND_GAP_MS) return;
    if (typeof AudioContext !== 'function') return;
    this.lastSound = now;
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
    this.release?.();
    this.release = undefined;
    this.channel?.close();
    this.channel = undefined;
    this.lockFor = name || undefined;
    this.holder = !!name && !navigator.locks;
    if (!name || this.holder) return;
    // Every browser with Web Locks has BroadcastChannel. What comes on it is a message another
    // tab's store stored (any script of the page could call the store as well).
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = ({ data }: MessageEvent<ChatMessage>) => {
      if (this.holder) this.cue(data);
    };
    this.claim(!document.hidden);
  }

  /** Asks for the cue lock: `take` it from the tab that holds it, or wait for it. */
  private claim(take: boolean): void {
    const name = this.lockFor;
    if (!name || this.holder || !navigator.locks) return;
    this.release?.();
    const held = new Promise<void>((resolve) => (this.release = resolve));
    const release = this.release;
    navigator.locks
      .request(name, { steal: take }, () => {
        if (this.release !== release) return undefined;
        this.holder = true;
        return held;
      })
      .catch(() => {
        // Another tab took it: wait for it back.
        if (this.release !== release) return;
        this.holder = false;
        this.claim(false);
      });
  }
}
