// One browser tab of test/elements/chat-widget-cues-tabs.test.ts: an iframe of the test page loads
// this module and shows a <chat-widget> in its own realm, with the iframe's own store, Web Locks,
// BroadcastChannel and socket (the tabs of one user share one IndexedDB and one socket, as tabs
// do). It records the sound (an AudioContext spy: no speakers here) and the notifications (a
// recorded Notification: the permission prompt cannot be answered here) of this tab alone.
import { type Observable, filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWidget } from '../../src/elements/index.js';
import { type ChatStoreApi, getChatStore } from '../../src/store/index.js';

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
}

let tones = 0;
class SpyAudioContext extends window.AudioContext {
  override createOscillator(): OscillatorNode {
    tones += 1;
    return super.createOscillator();
  }
}
const shown: string[] = [];
let onShown: ((body: string) => void) | undefined;
class RecordedNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = () => Promise.resolve(RecordedNotification.permission);
  onclick: (() => void) | null = null;
  constructor(_title: string, options: NotificationOptions = {}) {
    shown.push(options.body ?? '');
    onShown?.(options.body ?? '');
  }
  close() {}
}
window.AudioContext = SpyAudioContext;
window.Notification = RecordedNotification as unknown as typeof Notification;

const tab: CuesTab = {
  async mount(appKey, url) {
    const el = document.createElement('chat-widget');
    el.setAttribute('app-key', appKey);
    el.setAttribute('api-url', url);
    el.setAttribute('notifications', '');
    document.body.append(el);
    await el.updateComplete;
    return el;
  },
  store: (appKey, url) => getChatStore(appKey, url),
  until: (source, test) => firstValueFrom(source.pipe(filter(test))),
  tones: () => tones,
  shown,
  nextNotification: () => new Promise((resolve) => (onShown = resolve)),
};

(window as { cuesTab?: CuesTab }).cuesTab = tab;
