import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatWindow } from '../../src/elements/index.js';
import type { ServerMessage } from '../../src/protocol/index.js';
import { getChatStore } from '../../src/store/index.js';
import { mainServer, uniqueName } from '../support/servers.js';
import { nextEvent } from './event-log.js';
import { resetPermissions, setGeolocation, setPermission } from './browser-permissions.js';
import { binaryFile, bytesOf, pngFile, transferOf, wavFile, webmVideo } from './media-files.js';
import { APP_KEY, PASSWORD, connectPeer, registerUser, type Peer } from './peer.js';

const { url } = await mainServer();
const store = () => getChatStore(APP_KEY, url);

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector<T & Element>(selector) as T;
const bubbles = (el: Element) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.msg')];
const lastBubble = (el: Element) => bubbles(el).at(-1);

/** The fields of a file message the peer received. */
const fileOf = (m: ServerMessage) => {
  if (m.type === 'txt' || m.type === 'loc' || m.type === 'cmd' || m.type === 'custom') {
    throw new Error(`not a file message: ${m.type}`);
  }
  return m;
};

describe('chat-window attachments', () => {
  let me: string;
  let peer: Peer;
  let el: ChatWindow;

  beforeEach(async () => {
    me = uniqueName('me');
    await registerUser(url, me);
    await store().login({ username: me, password: PASSWORD });
    await waitUntil(async () => (await firstValueFrom(store().status$)) === 'online', 'online');
    peer = await connectPeer(url, uniqueName('peer'));
    el = await fixture<ChatWindow>(
      html`<chat-window
        style="height: 480px"
        app-key=${APP_KEY}
        api-url=${url}
        conversation=${peer.username}
      ></chat-window>`,
    );
  });

  afterEach(async () => {
    peer.close();
    await store().logout({ wipe: true });
  });

  it('sends an image picked with "Attach a file", with a thumbnail made in the browser', async () => {
    const attach = $(el, '[part="attach-button"]');
    expect(attach.getAttribute('aria-label')).to.equal('Attach a file');
    const input = $<HTMLInputElement>(el, 'input[type="file"]');
    // What the file picker does once a file is chosen: the input holds it and fires `change`.
    const picked = new Promise<void>((resolve) =>
      input.addEventListener('click', (e) => (e.preventDefault(), resolve()), { once: true }),
    );
    attach.click();
    await picked;
    input.files = transferOf(await pngFile(800, 400)).files;
    const sent = nextEvent(el, 'chat-send');
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect((await sent).message).to.include({ type: 'img', conversationId: peer.username });

    const received = fileOf(await peer.nextMessage((m) => m.type === 'img'));
    expect(received).to.include({ type: 'img', filename: 'picture.png', width: 800, height: 400 });
    expect(received.type === 'img' && received.thumb).to.be.a('string');
    if (received.type !== 'img') return;
    const thumb = await bytesOf(received.thumb!, {
      authorization: `Bearer ${peer.token}`,
      'share-secret': received.thumb_secret!,
    });
    const bitmap = await createImageBitmap(new Blob([thumb]));
    expect([bitmap.width, bitmap.height]).to.deep.equal([320, 160]);

    await waitUntil(() => lastBubble(el)?.dataset.status === 'sent', 'sent', { timeout: 10000 });
    await waitUntil(() => lastBubble(el)!.querySelector('img')?.src.startsWith('blob:'), 'thumb');
    await expect(el).to.be.accessible();
  });

  it('sends files dropped on the window, showing a drop zone while dragging', async () => {
    const file = binaryFile(2500, 'report.pdf', 'application/pdf');
    const log = $(el, '[part="message-list"]');
    log.dispatchEvent(
      new DragEvent('dragover', {
        bubbles: true,
        composed: true,
        cancelable: true,
        dataTransfer: transferOf(file),
      }),
    );
    expect(el.hasAttribute('dragging')).to.equal(true);
    const drop = new DragEvent('drop', {
      bubbles: true,
      composed: true,
      cancelable: true,
      dataTransfer: transferOf(file),
    });
    log.dispatchEvent(drop);
    expect(drop.defaultPrevented, 'the browser does not open the file').to.equal(true);
    expect(el.hasAttribute('dragging')).to.equal(false);

    const received = fileOf(await peer.nextMessage((m) => m.type === 'file'));
    expect(received).to.include({ filename: 'report.pdf', file_length: 2500 });
    await waitUntil(() => lastBubble(el)?.dataset.status === 'sent', 'sent', { timeout: 10000 });
    const card = lastBubble(el)!.querySelector('[part="card"]')!;
    expect(card.textContent).to.contain('report.pdf').and.to.contain('2.5 kB');
  });

  it('sends files pasted into the message field, with an audio duration read in the browser', async () => {
    const textarea = $<HTMLTextAreaElement>(el, 'textarea');
    const paste = new ClipboardEvent('paste', {
      bubbles: true,
      composed: true,
      cancelable: true,
      clipboardData: transferOf(wavFile(3, 'note.wav')),
    });
    textarea.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    const received = await peer.nextMessage((m) => m.type === 'audio');
    expect(received).to.include({ type: 'audio', filename: 'note.wav', length: 3 });
  });

  it('sends a video with its size and first frame as the thumbnail', async () => {
    const input = $<HTMLInputElement>(el, 'input[type="file"]');
    input.files = transferOf(await webmVideo('clip.webm')).files;
    input.dispatchEvent(new Event('change'));
    const received = fileOf(await peer.nextMessage((m) => m.type === 'video'));
    expect(received).to.include({ type: 'video', filename: 'clip.webm', width: 64, height: 48 });
    expect(received.type === 'video' && received.thumb).to.be.a('string');
  });

  it('shows upload progress up to 100 %, then removes it; an upload can be cancelled', async () => {
    const input = $<HTMLInputElement>(el, 'input[type="file"]');
    let highest = 0;
    let max = 0;
    new MutationObserver(() => {
      const bar = el.shadowRoot!.querySelector<HTMLProgressElement>('[part="upload-progress"]');
      if (bar) [highest, max] = [Math.max(highest, bar.value), bar.max];
    }).observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true });

    input.files = transferOf(binaryFile(4_000_000, 'big.bin')).files;
    input.dispatchEvent(new Event('change'));
    await waitUntil(() => $(el, '[part="upload-progress"]'), 'a progress bar');
    const bar = $<HTMLProgressElement>(el, '[part="upload-progress"]');
    expect(bar.getAttribute('aria-label')).to.equal('Uploading big.bin');
    await waitUntil(() => lastBubble(el)?.dataset.status === 'sent', 'sent', { timeout: 15000 });
    expect($(el, '[part="upload-progress"]')).to.equal(null);
    expect(max).to.equal(1);
    expect(highest).to.equal(1);

    input.files = transferOf(binaryFile(9_000_000, 'cancel-me.bin')).files;
    input.dispatchEvent(new Event('change'));
    await waitUntil(() => $(el, '[part="cancel-button"]'), 'a cancel button');
    const cancel = $(el, '[part="cancel-button"]');
    expect(cancel.getAttribute('aria-label')).to.equal('Cancel upload of cancel-me.bin');
    cancel.click();
    await waitUntil(
      () => !bubbles(el).some((b) => b.textContent!.includes('cancel-me.bin')),
      'the cancelled message is gone',
    );
    const stored = await firstValueFrom(store().messages$(peer.username));
    expect(stored.map((m) => m.attachment?.filename)).to.deep.equal(['big.bin']);
  });

  it('shows a received image as a thumbnail and the original in a dialog; Escape closes it', async () => {
    const original = await pngFile(640, 480, 'holiday.png');
    const thumb = await pngFile(320, 240, 'thumb.png');
    const file = await peer.upload(original, 'holiday.png');
    const preview = await peer.upload(thumb, 'thumb.png');
    // The image's box as it first appears, before its thumbnail has loaded.
    const firstBox: number[] = [];
    const watch = new MutationObserver(() => {
      const shown = $(el, '[part="image-button"]');
      if (shown && !firstBox.length) {
        const { width, height } = shown.getBoundingClientRect();
        firstBox.push(width, height);
      }
    });
    watch.observe(el.shadowRoot!, { childList: true, subtree: true });
    await peer.sendBody(me, {
      type: 'img',
      ...file,
      filename: 'holiday.png',
      file_length: original.size,
      filetype: 'image/png',
      width: 640,
      height: 480,
      thumb: preview.url,
      thumb_secret: preview.secret,
    });
    await waitUntil(() => $(el, '[part="image-button"] img'), 'thumbnail', { timeout: 8000 });
    const button = $<HTMLButtonElement>(el, '[part="image-button"]');
    const img = button.querySelector('img')!;
    await img.decode();
    watch.disconnect();
    // No layout shift: the box had the image's size (640 × 480, scaled to the bubble) at once.
    const { width, height } = button.getBoundingClientRect();
    expect(firstBox[0]).to.be.closeTo(width, 0.5);
    expect(firstBox[1]).to.be.closeTo(height, 0.5);
    expect(height / width).to.be.closeTo(480 / 640, 0.01);
    expect(img.src).to.match(/^blob:/);
    expect(await bytesOf(img.src)).to.deep.equal(new Uint8Array(await thumb.arrayBuffer()));
    expect(button.getAttribute('aria-label')).to.equal('Open image holiday.png');

    button.focus();
    await sendKeys({ press: 'Enter' });
    const dialog = $<HTMLDialogElement>(el, '[part="viewer"]');
    expect(dialog.open).to.equal(true);
    expect(dialog.getAttribute('aria-label')).to.equal('holiday.png');
    await waitUntil(() => dialog.querySelector('img')?.src.startsWith('blob:'), 'original');
    const full = dialog.querySelector('img')!;
    expect(await bytesOf(full.src)).to.deep.equal(new Uint8Array(await original.arrayBuffer()));
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'closed');
    expect(el.shadowRoot!.activeElement).to.equal(button);
  });

  it('plays received audio and video once "Play" fetched them', async () => {
    const sound = wavFile(2, 'hello.wav');
    const audio = await peer.upload(sound, 'hello.wav');
    await peer.sendBody(me, {
      type: 'audio',
      ...audio,
      filename: 'hello.wav',
      file_length: sound.size,
      filetype: 'audio/wav',
      length: 2,
    });
    const clip = await webmVideo('clip.webm');
    const video = await peer.upload(clip, 'clip.webm');
    const poster = await peer.upload(await pngFile(64, 48, 'poster.png'), 'poster.png');
    await peer.sendBody(me, {
      type: 'video',
      ...video,
      filename: 'clip.webm',
      file_length: clip.size,
      filetype: 'video/webm',
      length: 1,
      thumb: poster.url,
      thumb_secret: poster.secret,
    });
    await waitUntil(
      () => el.shadowRoot!.querySelectorAll('[part="play-button"]').length === 2,
      '',
      {
        timeout: 8000,
      },
    );
    const [playAudio, playVideo] =
      el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="play-button"]');
    expect(playAudio!.getAttribute('aria-label')).to.equal('Play 0:02, Voice message hello.wav');
    expect(playAudio!.textContent).to.contain('0:02');
    expect($(el, 'audio')).to.equal(null);
    playAudio!.click();
    await waitUntil(() => $<HTMLAudioElement>(el, 'audio')?.src.startsWith('blob:'), 'audio src');
    expect(await bytesOf($<HTMLAudioElement>(el, 'audio').src)).to.deep.equal(
      new Uint8Array(await sound.arrayBuffer()),
    );
    await waitUntil(() => playVideo!.querySelector('img')?.src.startsWith('blob:'), 'preview');
    playVideo!.click();
    await waitUntil(() => $<HTMLVideoElement>(el, 'video')?.src.startsWith('blob:'), 'video src');
    await expect(el).to.be.accessible();
  });

  it('downloads a received file through a link named after it', async () => {
    const file = binaryFile(12_345, 'notes.txt', 'text/plain');
    const uploaded = await peer.upload(file, 'notes.txt');
    await peer.sendBody(me, {
      type: 'file',
      ...uploaded,
      filename: 'notes.txt',
      file_length: file.size,
      filetype: 'text/plain',
    });
    await waitUntil(() => $(el, '[part="download-button"]'), 'a file card', { timeout: 8000 });
    const card = $(el, '[part="card"]');
    expect(card.textContent).to.contain('notes.txt').and.to.contain('12 kB');
    const clicked = new Promise<HTMLAnchorElement>((resolve) =>
      el.shadowRoot!.addEventListener(
        'click',
        (event) => {
          const target = event.target as HTMLElement;
          if (target instanceof HTMLAnchorElement && target.download) {
            // Saving to disk is the browser's business; the test checks what it would save.
            event.preventDefault();
            resolve(target);
          }
        },
        { capture: true },
      ),
    );
    $(el, '[part="download-button"]').click();
    const link = await clicked;
    expect(link.download).to.equal('notes.txt');
    expect(await bytesOf(link.href)).to.deep.equal(new Uint8Array(await file.arrayBuffer()));
  });

  it("keeps the buttons of an own file card readable on the bubble's colour", async () => {
    const input = $<HTMLInputElement>(el, 'input[type="file"]');
    input.files = transferOf(binaryFile(2_000, 'notes.txt', 'text/plain')).files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await waitUntil(() => lastBubble(el)?.dataset.status === 'sent', 'sent', { timeout: 10000 });
    const download = lastBubble(el)!.querySelector<HTMLElement>('[part="download-button"]')!;
    // The bubble's own text colour (on the accent) would be unreadable on the button's surface.
    expect(getComputedStyle(download).color).not.to.equal(getComputedStyle(lastBubble(el)!).color);
    await expect(el).to.be.accessible();
  });

  it('shows a location card with a link out to OpenStreetMap, custom messages as a card, never commands', async () => {
    await peer.sendBody(me, {
      type: 'loc',
      addr: '10 Downing Street, London',
      lat: 51.50344,
      lng: -0.12766,
    });
    await peer.sendBody(me, { type: 'cmd', action: 'typing' });
    await peer.sendBody(me, {
      type: 'custom',
      customEvent: 'gift',
      customExts: { amount: '3' },
    });
    await waitUntil(() => bubbles(el).length === 2, 'two bubbles', { timeout: 8000 });
    const [location, custom] = bubbles(el);
    expect(location!.textContent).to.contain('10 Downing Street, London');
    expect(location!.textContent).to.contain('51.50344, -0.12766');
    const link = location!.querySelector<HTMLAnchorElement>('[part="map-link"]')!;
    expect(link.href).to.equal(
      'https://www.openstreetmap.org/?mlat=51.50344&mlon=-0.12766#map=16/51.50344/-0.12766',
    );
    expect(link.target).to.equal('_blank');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(custom!.textContent).to.contain('gift');
    expect(el.shadowRoot!.textContent).not.to.contain('typing');
    await expect(el).to.be.accessible();
  });

  it('records a voice message from the microphone, uploads and sends it, and the peer can play it', async () => {
    // Chromium's synthetic microphone (--use-fake-device-for-media-stream, granted without a
    // prompt): getUserMedia and MediaRecorder run for real on a generated tone.
    const record = $(el, '[part="record-button"]');
    expect(record.getAttribute('aria-label')).to.equal('Record a voice message');
    record.click();
    await waitUntil(() => record.getAttribute('aria-label') === 'Stop recording', 'recording', {
      timeout: 8000,
    });
    expect(record.classList.contains('primary')).to.equal(true);
    expect(record.querySelector('svg rect')!.getAttribute('fill')).to.equal('currentColor');
    // The message must last for its length to be checked: about two seconds of the tone.
    const started = performance.now();
    await waitUntil(() => performance.now() - started >= 2000, 'two seconds recorded', {
      timeout: 4000,
      interval: 100,
    });
    const sent = nextEvent(el, 'chat-send');
    record.click();
    expect((await sent).message).to.include({ type: 'audio', conversationId: peer.username });
    expect(record.getAttribute('aria-label')).to.equal('Record a voice message');
    expect($(el, '[part="error"]').textContent!.trim()).to.equal('');

    const received = fileOf(await peer.nextMessage((m) => m.type === 'audio'));
    if (received.type !== 'audio') throw new Error(received.type);
    expect(received.filename).to.match(/^voice-message\.webm$/);
    expect(received.filetype).to.match(/^audio\/webm/);
    // Timed while recording (a recorded WebM states no duration); the slow machine may add a second.
    expect(received.length).to.be.within(2, 4);
    const bytes = await bytesOf(received.url, {
      authorization: `Bearer ${peer.token}`,
      'share-secret': received.secret,
    });
    expect(bytes.byteLength).to.be.above(0);
    expect(bytes.byteLength).to.equal(received.file_length);
    // Playable: the browser's own decoder reads about as much sound as was recorded.
    const sound = await new OfflineAudioContext(1, 1, 48000).decodeAudioData(bytes.buffer);
    expect(sound.duration).to.be.within(1.5, 4.5);

    await waitUntil(() => lastBubble(el)?.dataset.status === 'sent', 'sent', { timeout: 10000 });
    const play = lastBubble(el)!.querySelector<HTMLElement>('[part="play-button"]')!;
    expect(play.getAttribute('aria-label')).to.equal(
      `Play 0:0${received.length}, Voice message voice-message.webm`,
    );
    await expect(el).to.be.accessible();
  });

  it('shares the current location: the peer gets its coordinates and an address', async () => {
    // The position Chromium's geolocation reports, set through the DevTools protocol.
    await setPermission('geolocation', 'granted');
    await setGeolocation(48.8583701, 2.2944813);
    try {
      const share = $(el, '[part="location-button"]');
      expect(share.getAttribute('aria-label')).to.equal('Share location');
      const sent = nextEvent(el, 'chat-send');
      share.click();
      expect((await sent).message).to.include({ type: 'loc', conversationId: peer.username });
      const received = await peer.nextMessage((m) => m.type === 'loc');
      if (received.type !== 'loc') throw new Error(received.type);
      expect(received.addr).to.equal('48.85837, 2.29448');
      expect(received.lat).to.be.closeTo(48.8583701, 1e-6);
      expect(received.lng).to.be.closeTo(2.2944813, 1e-6);
      await waitUntil(() => lastBubble(el)?.dataset.status === 'sent', 'sent', { timeout: 8000 });
      expect(lastBubble(el)!.textContent).to.contain('48.85837, 2.29448');
    } finally {
      await resetPermissions();
    }
  });

  it('says in plain words that location is blocked where the browser denies it, and sends nothing', async () => {
    await setPermission('geolocation', 'denied');
    try {
      $(el, '[part="location-button"]').click();
      const error = $(el, '[part="error"]');
      await waitUntil(() => error.textContent!.trim(), 'an explanation', { timeout: 8000 });
      expect(error.textContent!.trim()).to.equal(
        'Location access is blocked. Allow it for this site in the browser to share it.',
      );
    } finally {
      await resetPermissions();
    }
    // Nothing went out: the next thing the peer gets is the text sent after the refusal.
    const input = $<HTMLTextAreaElement>(el, 'textarea');
    input.value = 'after the refusal';
    $(el, '[part="send-button"]').click();
    const next = await peer.nextMessage();
    expect(next).to.include({ type: 'txt', msg: 'after the refusal' });
    await waitUntil(() => bubbles(el).length, 'the text shown', { timeout: 8000 });
    expect(bubbles(el)).to.have.length(1);
    expect(bubbles(el)[0]!.textContent).to.contain('after the refusal');
  });

  it('draws the composer buttons as icons in the text colour, named for assistive technology', async () => {
    const names = {
      'attach-button': 'Attach a file',
      'record-button': 'Record a voice message',
      'location-button': 'Share location',
    };
    for (const [part, name] of Object.entries(names)) {
      const button = $(el, `[part="${part}"]`);
      expect(button.getAttribute('aria-label')).to.equal(name);
      expect(button.textContent!.trim(), `${part} has no text glyph`).to.equal('');
      const icon = button.querySelector('svg')!;
      expect(icon.getAttribute('aria-hidden')).to.equal('true');
      const box = icon.getBoundingClientRect();
      expect(box.width, `${part} icon width`).to.be.above(10);
      expect(box.height, `${part} icon height`).to.be.above(10);
      expect(getComputedStyle(icon).stroke).to.equal(getComputedStyle(button).color);
    }
    await expect(el).to.be.accessible();
  });

  it('hides voice recording where the browser has no MediaRecorder', async () => {
    // A browser without MediaRecorder cannot be had in this run: its absence is simulated.
    const original = Object.getOwnPropertyDescriptor(window, 'MediaRecorder')!;
    delete (window as { MediaRecorder?: unknown }).MediaRecorder;
    try {
      el.requestUpdate();
      await el.updateComplete;
      expect($(el, '[part="record-button"]')).to.equal(null);
      expect($(el, '[part="attach-button"]')).to.exist;
    } finally {
      Object.defineProperty(window, 'MediaRecorder', original);
    }
    el.requestUpdate();
    await el.updateComplete;
    expect($(el, '[part="record-button"]')).to.exist;
  });
});
