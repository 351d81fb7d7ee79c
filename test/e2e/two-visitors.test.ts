// End to end, as two people would do it: two isolated browser profiles open the demo page that
// the reference server serves (the built dist/chat-widget.js, loaded by <script src>), register
// through the form, log in, and chat. Real keyboard and mouse through Chromium's DevTools protocol;
// nothing in the page is called directly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromeArgs, findChrome } from '../../scripts/find-chrome.mjs';
import { ServerProcess } from '../support/server-process.mjs';

const TIMEOUT = 15_000;
let counter = 0;
const uniqueName = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}${++counter}`;

/** `>>>` pierces shadow roots, so selectors read like the element tree. */
const login = 'chat-widget >>> chat-login >>>';
const roster = 'chat-widget >>> chat-roster >>>';
const chatWindow = 'chat-widget >>> chat-window >>>';

async function openDemo(browser: Browser, url: string): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(`${url}/`, { waitUntil: 'load' });
  assert.deepEqual(problems, [], 'the demo page throws no errors while loading');
  return page;
}

async function register(page: Page, username: string, password: string, nickname: string) {
  await page.click('chat-widget >>> [part="launcher"]');
  await page.click(`${login} #tab-register`);
  await page.type(`${login} #username`, username);
  await page.type(`${login} #password`, password);
  await page.type(`${login} #nickname`, nickname);
  await page.keyboard.press('Enter');
  // Registering also logs in: the roster replaces the form.
  await page.waitForSelector(`${roster} [part="start-form"]`);
}

/** Texts of the bubbles in the open chat window, in order. */
const bubbles = (page: Page) =>
  page.$$eval(`${chatWindow} [part~="message-text"]`, (nodes) =>
    nodes.map((node) => node.textContent ?? ''),
  );

async function waitForBubble(page: Page, text: string) {
  // No named functions inside: tsx wraps those in a helper the page does not have.
  await page.waitForFunction(
    (text) => {
      const roots: (Document | ShadowRoot)[] = [document];
      while (roots.length) {
        for (const el of roots.pop()!.querySelectorAll('*')) {
          if (el.shadowRoot) roots.push(el.shadowRoot);
          const parts = el.getAttribute('part')?.split(' ') ?? [];
          if (parts.includes('message-text') && el.textContent === text) return true;
        }
      }
      return false;
    },
    { timeout: TIMEOUT },
    text,
  );
}

async function typeAndSend(page: Page, text: string) {
  await page.click(`${chatWindow} textarea[part="input"]`);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

describe('two visitors on the demo page', () => {
  const server = new ServerProcess();
  let browser: Browser;

  before(async () => {
    await server.start();
    browser = await puppeteer.launch({
      executablePath: findChrome(),
      headless: true,
      args: chromeArgs,
    });
  });

  after(async () => {
    await browser?.close();
    await server.dispose();
  });

  it('register through the form, log in and chat both ways', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const [alicePage, bobPage] = await Promise.all([
      openDemo(browser, server.url),
      openDemo(browser, server.url),
    ]);
    await register(alicePage, alice, 'alice-secret', 'Alice');
    await register(bobPage, bob, 'bob-secret', 'Bob');

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
