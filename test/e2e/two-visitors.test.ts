// End to end, as two people would do it: two isolated browser profiles open the demo page that
// the reference server serves (the built dist/chat-widget.js, loaded by <script src>), register
// through the form, log in, and chat. Real keyboard and mouse through Chromium's DevTools protocol;
// nothing in the page is called directly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bubbles,
  chatWindow,
  demoServer,
  registeredVisitors,
  roster,
  typeAndSend,
  waitForBubble,
} from './demo-page.js';

describe('two visitors on the demo page', () => {
  const demo = demoServer();

  it('register through the form, log in and chat both ways', async () => {
    const [{ page: alicePage }, { username: bob, page: bobPage }] = await registeredVisitors(demo, [
      'Alice',
      'Bob',
    ]);

    // Alice starts the chat by username and writes; Enter sends.
    await alicePage.type(`${roster} #peer`, bob);
    await alicePage.keyboard.press('Enter');
    await alicePage.waitForSelector(`${chatWindow} textarea[part="input"]`);
    await typeAndSend(alicePage, 'Hello Bob <b>not bold</b>');
    await waitForBubble(alicePage, 'Hello Bob <b>not bold</b>');

    // Bob's conversation list shows Alice's message, unread, before he opens it.
    await bobPage.waitForSelector(`${roster} [part~="conversation"]`);
    const preview = await bobPage.$eval(`${roster} [part~="conversation"]`, (el) => el.textContent);
    assert.match(preview ?? '', /Hello Bob/);
    await bobPage.waitForSelector(`${roster} [part="badge"]`);
    await bobPage.click(`${roster} [part~="conversation"]`);
    await waitForBubble(bobPage, 'Hello Bob <b>not bold</b>');
    // Markup in a message is text, never HTML.
    assert.equal(
      await bobPage.$(`${chatWindow} [part~="message-text"] b`),
      null,
      'no element is made from message text',
    );

    // Shift+Enter makes a new line; Enter sends the two lines as one message.
    await bobPage.click(`${chatWindow} textarea[part="input"]`);
    await bobPage.keyboard.type('Hi Alice');
    await bobPage.keyboard.down('Shift');
    await bobPage.keyboard.press('Enter');
    await bobPage.keyboard.up('Shift');
    await bobPage.keyboard.type('second line');
    await bobPage.keyboard.press('Enter');
    await waitForBubble(alicePage, 'Hi Alice\nsecond line');

    // Each message shows exactly once on both sides, in order.
    assert.deepEqual(await bubbles(alicePage), [
      'Hello Bob <b>not bold</b>',
      'Hi Alice\nsecond line',
    ]);
    assert.deepEqual(await bubbles(bobPage), [
      'Hello Bob <b>not bold</b>',
      'Hi Alice\nsecond line',
    ]);
  });
});
