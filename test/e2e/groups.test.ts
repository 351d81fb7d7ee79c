// End to end with three people on the demo page (the built dist/chat-widget.js): a friend request
// sent and accepted, a group created with two members who accept their invitations, and a
// conversation in it where each bubble run is named by its sender. Only the widget's controls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ElementHandle, Page } from 'puppeteer-core';
import {
  chatWindow,
  demoServer,
  registeredVisitors,
  roster,
  typeAndSend,
  uniqueName,
  waitForBubble,
} from './demo-page.js';

/** The widget's nested panels (contacts, groups) are all below `chat-widget`. */
const widget = 'chat-widget >>>';

/**
 * In the page: the first `button` (a selector) in a row of the list `part` whose text holds
 * `text`, searched through every shadow root (the row itself for `''`); null while none.
 */
const findInRow = (part: string, text: string, button: string) => {
  const roots: (Document | ShadowRoot)[] = [document];
  while (roots.length) {
    const root = roots.pop()!;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    for (const li of root.querySelectorAll(`[part~="${part}"] > li`)) {
      if (li.textContent?.includes(text)) return button ? li.querySelector(button) : li;
    }
  }
  return null;
};

/** Resolves with `button` in the row of the list `part` naming `text`, once there is one. */
async function rowControl(page: Page, part: string, text: string, button = '') {
  const handle = await page.waitForFunction(findInRow, {}, part, text, button);
  return handle.asElement() as ElementHandle<Element>;
}

/** Resolves once the page shows `text` in a row of the list `part`. */
const waitForRow = (page: Page, part: string, text: string) => rowControl(page, part, text);

/** Waits for a row of the list `part` naming `text`, then clicks `button` in it. */
async function clickInRow(page: Page, part: string, text: string, button: string) {
  await (await rowControl(page, part, text, button)).click();
}

/**
 * Waits for `selector` to be shown, then clicks it. `visible` matters beyond what it says: it makes
 * puppeteer poll on animation frames, where a plain wait watches the document's mutations only, and
 * changes inside shadow roots (a lazily loaded panel rendering) are none of them.
 */
async function clickWhenShown(page: Page, selector: string) {
  await (await page.waitForSelector(selector, { visible: true }))!.click();
}

/** The sender name shown above the bubble holding `text`. */
async function senderOf(page: Page, text: string) {
  await waitForBubble(page, text);
  const bubbles = await page.$$(`${chatWindow} [part~="message"]`);
  for (const bubble of bubbles) {
    const [body, sender] = await bubble.evaluate((el) => [
      el.querySelector('[part~="message-text"]')?.textContent?.trim() ?? '',
      el.querySelector('[part="sender"]')?.textContent?.trim() ?? '',
    ]);
    if (body === text) return sender;
  }
  return undefined;
}

/**
 * Resolves with the sender name above the bubble holding `text` once it is `name`, else with the
 * last one shown when the wait ends. A name shows as the username until the store has the
 * sender's nickname (DisplayNameController), so reading it once the bubble is there races.
 */
async function senderBecomes(page: Page, text: string, name: string) {
  await waitForBubble(page, text);
  try {
    await page.waitForFunction(
      (text, name) => {
        const log = document
          .querySelector('chat-widget')
          ?.shadowRoot?.querySelector('chat-window')?.shadowRoot;
        for (const bubble of log?.querySelectorAll('[part~="message"]') ?? []) {
          const body = bubble.querySelector('[part~="message-text"]')?.textContent?.trim();
          const sender = bubble.querySelector('[part="sender"]')?.textContent?.trim();
          if (body === text) return sender === name;
        }
        return false;
      },
      {},
      text,
      name,
    );
  } catch {
    // The assertion that follows says what was shown instead.
  }
  return senderOf(page, text);
}

describe('three people: a friend request, a group, and a conversation in it', () => {
  const demo = demoServer();

  it('add a contact, accept, create a group, accept the invitations and chat', async () => {
    const [
      { username: alice, page: alicePage },
      { username: bob, page: bobPage },
      { username: carol, page: carolPage },
    ] = await registeredVisitors(demo, ['Alice', 'Bob', 'Carol']);

    // Alice asks Bob to be her contact; Bob sees the request counted on his Contacts tab.
    await alicePage!.click(`${roster} #tab-contacts`);
    // The Contacts panel is a chunk of its own, loaded when its tab is first shown.
    await clickWhenShown(alicePage!, `${widget} [part="add-contact-button"]`);
    await alicePage!.type(`${widget} #contact-name`, bob);
    await alicePage!.keyboard.press('Enter');
    await waitForRow(alicePage!, 'outgoing-list', bob);
    await bobPage!.waitForSelector(`${roster} #tab-contacts [part="tab-count"]`, { visible: true });
    await bobPage!.click(`${roster} #tab-contacts`);
    await clickInRow(bobPage!, 'request-list', alice, '[part="accept-button"]');
    // Both lists show the other, online (both pages are open).
    await waitForRow(bobPage!, 'contact-list', 'Alice, online');
    await waitForRow(alicePage!, 'contact-list', 'Bob, online');

    // Alice creates a group with Bob and Carol; it opens for her.
    const trip = uniqueName('Trip ');
    await alicePage!.click(`${roster} #tab-groups`);
    await clickWhenShown(alicePage!, `${widget} [part="create-group-button"]`);
    await alicePage!.type(`${widget} #group-name`, trip);
    await alicePage!.type(`${widget} #group-members`, `${bob}, ${carol}`);
    await alicePage!.click(`${widget} [part="create-button"]`);
    await alicePage!.waitForSelector(
      `${chatWindow} [part="title"] ::-p-text(${JSON.stringify(trip)})`,
      { visible: true },
    );

    // Bob and Carol accept their invitations and open the group.
    for (const page of [bobPage!, carolPage!]) {
      await page.click(`${roster} #tab-groups`);
      await clickInRow(page, 'invitation-list', trip, '[part="accept-button"]');
      await clickInRow(page, 'group-list', trip, '[part="group"]');
      await page.waitForSelector(
        `${chatWindow} [part="title"] ::-p-text(${JSON.stringify(trip)})`,
        {
          visible: true,
        },
      );
    }

    await typeAndSend(alicePage!, 'Welcome to the trip');
    assert.equal(await senderBecomes(bobPage!, 'Welcome to the trip', 'Alice'), 'Alice');
    assert.equal(await senderBecomes(carolPage!, 'Welcome to the trip', 'Alice'), 'Alice');
    await typeAndSend(bobPage!, 'Thanks, Alice');
    assert.equal(await senderBecomes(alicePage!, 'Thanks, Alice', 'Bob'), 'Bob');
    assert.equal(await senderBecomes(carolPage!, 'Thanks, Alice', 'Bob'), 'Bob');
    // Own messages carry no name.
    assert.equal(await senderOf(alicePage!, 'Welcome to the trip'), '');
  });
});
