// One browser tab of test/elements/chat-widget-cues-tabs.test.ts: an iframe of the test page loads
// this module and shows a <chat-widget> in its own realm, with the iframe's own store, Web Locks,
// BroadcastChannel and socket (the tabs of one user share one IndexedDB and one socket, as tabs
// do). It records the sound (an AudioContext spy: no speakers here) and the notifications (a
// recorded Notification: the permission prompt cannot be answered here) of this tab alone.
import { type Observable, filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatCues, ChatWidget } from '../../src/elements/index.js';
import { type ChatMessage, type ChatStoreApi, getChatStore } from '../../src/store/index.js';

export interface CuesTab {
  /** The widget of this tab, panel closed, notifications on; its store resumes a saved session. */
  mount(appKey: string, url: string): Promise<ChatWidget>;
  store(appKey: string, url: string): ChatStoreApi;
  /** The first value of `source` that passes `test`, in this realm's RxJS. */
  until<T>(source: Observable<T>, test: (value: T) => boolean): Promise<T>;
  /** Oscillators started in this tab: each sound is two. */
  tones(): number;
  /** Notifications shown in this tab, by their body. */
  readonly shown: string[];
  /** The next notification shown in this tab. */
  nextNotification(): Promise<string>;
  /** Another widget in the same tab (two of one user in a page). */
  mountAnother(appKey: string, url: string): Promise<ChatWidget>;
  /** `<chat-cues>` with `attributes` (a page without the widget: the team's inbox). */
  mountCues(appKey: string, url: string, attributes: Record<string, string>): Promise<ChatCues>;
  /** What a click on the notification of `body` does (headless Chromium shows none to click). */
  clickNotification(body: string): void;
  /** Calls of `window.focus()` in this tab. */
  focusCalls(): number;
  /**
   * Resolves once `widget` shares its cues with the other tabs (it loaded cue-tabs.ts when one
   * said hello on the user's channel: `name`), awaiting what comes on that channel meanwhile.
   */
  sharing(widget: ChatWidget, name: string): Promise<void>;
  /** Calls `callback` with each message this tab's store says is new, as it says so. */
  onIncoming(store: ChatStoreApi, callback: (message: ChatMessage) => void): void;
}

let tones = 0;
class SpyAudioContext extends window.AudioContext {
  override createOscillator(): OscillatorNode {
    tones += 1;
    return super.createOscillator();
  }
}
const shown: string[] = [];
const notifications: RecordedNotification[] = [];
let onShown: ((body: string) => void) | undefined;
class RecordedNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = () => Promise.resolve(RecordedNotification.permission);
  onclick: (() => void) | null = null;
  readonly body: string;
  constructor(_title: string, options: NotificationOptions = {}) {
    this.body = options.body ?? '';
    shown.push(this.body);
    notifications.push(this);
    onShown?.(this.body);
    // Every tab's, for the test page (also those of a tab closed since).
    (parent as { cueShown?: (body: string) => void }).cueShown?.(this.body);
  }
  close() {}
}
window.AudioContext = SpyAudioContext;
window.Notification = RecordedNotification as unknown as typeof Notification;
let focusCalls = 0;
const focus = window.focus.bind(window);
window.focus = () => {
  focusCalls += 1;
  focus();
};

async function mountElement<E extends HTMLElement>(
  tag: string,
  attributes: Record<string, string>,
): Promise<E> {
  const el = document.createElement(tag) as E & { updateComplete: Promise<unknown> };
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const tab: CuesTab = {
  mount: (appKey, url) =>
    mountElement('chat-widget', { 'app-key': appKey, 'api-url': url, notifications: '' }),
  mountAnother: (appKey, url) => tab.mount(appKey, url),
  mountCues: (appKey, url, attributes) =>
    mountElement('chat-cues', { 'app-key': appKey, 'api-url': url, ...attributes }),
  clickNotification(body) {
    const notification = notifications.find((n) => n.body === body);
    if (!notification?.onclick) throw new Error(`no notification '${body}' to click`);
    notification.onclick();
  },
  focusCalls: () => focusCalls,
  async sharing(widget, name) {
    // The widget's cue controller (private): the test waits on it rather than on a time.
    const cues = (widget as unknown as { cues: { shared?: Promise<unknown> } }).cues;
    const channel = new BroadcastChannel(name);
    try {
      while (!cues.shared) await new Promise((heard) => (channel.onmessage = heard));
      await cues.shared;
    } finally {
      channel.close();
    }
  },
  onIncoming(store, callback) {
    store.incoming$.subscribe(callback);
  },
  store: (appKey, url) => getChatStore(appKey, url),
  until: (source, test) => firstValueFrom(source.pipe(filter(test))),
  tones: () => tones,
  shown,
  nextNotification: () => new Promise((resolve) => (onShown = resolve)),
};

(window as { cuesTab?: CuesTab }).cuesTab = tab;
