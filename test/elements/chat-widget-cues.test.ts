// <chat-widget>'s attention cues against a real server, with a peer over the real protocol: the
// page title, the chat-unread-change event, the sound (an AudioContext spy: no speakers here) and
// desktop notifications (a recorded Notification: the permission prompt cannot be answered here).
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import '../../src/elements/index.js';
import type { ChatUnreadChangeEvent, ChatWidget } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer } from '../support/servers.js';
import { APP_KEY } from './peer.js';
import { signedIn } from './signed-in.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);
const user = signedIn(url);

/** Oscillators started by any AudioContext of the page: each sound is two. */
let tones = 0;
const RealAudioContext = window.AudioContext;
class SpyAudioContext extends RealAudioContext {
  override createOscillator(): OscillatorNode {
    tones += 1;
    return super.createOscillator();
  }
}

/** Notifications the page showed, as a granted browser would have shown them. */
const shown: RecordedNotification[] = [];
let onShown: ((n: RecordedNotification) => void) | undefined;
class RecordedNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = () => Promise.resolve(RecordedNotification.permission);
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions = {},
  ) {
    shown.push(this);
    onShown?.(this);
  }
  close() {
    this.closed = true;
  }
}
const nextNotification = () =>
  new Promise<RecordedNotification>((resolve) => {
    onShown = resolve;
  });

const unreadChange = (el: ChatWidget, unread: number) =>
  new Promise<ChatUnreadChangeEvent>((resolve) => {
    const listener = (event: ChatUnreadChangeEvent) => {
      if (event.unread !== unread) return;
      el.removeEventListener('chat-unread-change', listener);
      resolve(event);
    };
    el.addEventListener('chat-unread-change', listener);
  });

describe('chat-widget attention cues', function () {
  this.timeout(60_000);
  const RealNotification = window.Notification;

  beforeEach(() => {
    tones = 0;
    shown.length = 0;
    document.title = 'Cues test';
    window.AudioContext = SpyAudioContext;
    window.Notification = RecordedNotification as unknown as typeof Notification;
  });
  afterEach(() => {
    window.AudioContext = RealAudioContext;
    window.Notification = RealNotification;
    RecordedNotification.permission = 'granted';
    RecordedNotification.requestPermission = () => Promise.resolve(RecordedNotification.permission);
  });

  it('counts unread in the title and the event, sounds only after interaction, never for my own', async () => {
    const peer = await user.peer('ann');
    const el = await fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url}></chat-widget>`,
    );
    // Before the visitor has touched the page: title and event, no sound.
    let change = unreadChange(el, 1);
    await peer.send(user.me, 'first');
    expect((await change).unread).to.equal(1);
    expect(document.title).to.equal('(1) Cues test');
    expect(tones).to.equal(0);

    await sendKeys({ press: 'Shift' });
    change = unreadChange(el, 2);
    await peer.send(user.me, 'second');
    await change;
    expect(document.title).to.equal('(2) Cues test');
    expect(tones).to.equal(2);

    // My own message: nothing.
    await store().send(peer.username, 'mine');
    await store().send(peer.username, 'mine again');
    expect(document.title).to.equal('(2) Cues test');
    expect(tones).to.equal(2);

    // Read: the title is the page's own again, exactly.
    change = unreadChange(el, 0);
    await el.show();
    await store().openConversation(peer.username);
    await change;
    expect(document.title).to.equal('Cues test');
  });

  it('is switched off by its attributes', async () => {
    const peer = await user.peer('ben');
    const el = await fixture<ChatWidget>(
      html`<chat-widget
        app-key=${APP_KEY}
        api-url=${url}
        sound="off"
        title-count="off"
      ></chat-widget>`,
    );
    await sendKeys({ press: 'Shift' });
    const change = unreadChange(el, 1);
    await peer.send(user.me, 'quiet');
    await change;
    expect(document.title).to.equal('Cues test');
    expect(tones).to.equal(0);
    expect(shown).to.have.length(0);
  });

  it('shows a desktop notification that opens the conversation when clicked', async () => {
    const peer = await user.peer('cat');
    const el = await fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url} notifications></chat-widget>`,
    );
    const notified = nextNotification();
    await peer.send(user.me, 'look at this');
    const notification = await notified;
    expect(notification.title).to.equal(peer.username);
    expect(notification.options.body).to.equal('look at this');
    expect(el.open).to.equal(false);

    const change = unreadChange(el, 0);
    notification.onclick?.();
    await change;
    expect(notification.closed).to.equal(true);
    expect(el.open).to.equal(true);
    expect(await new Promise((r) => store().activeConversation$.subscribe(r))).to.equal(
      peer.username,
    );
    expect(shown).to.have.length(1);
  });

  it('asks for the notification permission on a click of the visitor’s own only, and notifies once granted', async () => {
    const peer = await user.peer('dan');
    // Not asked yet: the browser would prompt once asked. Granted when asked (the prompt answered).
    RecordedNotification.permission = 'default';
    let asked = 0;
    RecordedNotification.requestPermission = () => {
      asked += 1;
      RecordedNotification.permission = 'granted';
      return Promise.resolve(RecordedNotification.permission);
    };
    const el = await fixture<ChatWidget>(
      html`<chat-widget app-key=${APP_KEY} api-url=${url} notifications></chat-widget>`,
    );
    const change = unreadChange(el, 1);
    await peer.send(user.me, 'before asking');
    await change;
    expect(asked, 'not asked on load nor on a message').to.equal(0);
    expect(shown).to.have.length(0);

    // A script's click is not the visitor's: nothing asked.
    const launcher = el.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!;
    launcher.click();
    launcher.click();
    await el.updateComplete;
    expect(asked).to.equal(0);

    // The visitor's own click on the launcher asks once; closing the panel again asks no more.
    const { left, top, width, height } = launcher.getBoundingClientRect();
    const middle: [number, number] = [Math.round(left + width / 2), Math.round(top + height / 2)];
    await sendMouse({ type: 'click', position: middle });
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(asked).to.equal(1);
    await sendMouse({ type: 'click', position: middle });
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(asked).to.equal(1);

    const notified = nextNotification();
    await peer.send(user.me, 'after asking');
    expect((await notified).options.body).to.equal('after asking');
    expect(shown).to.have.length(1);
  });
});
