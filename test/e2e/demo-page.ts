// Driving the demo page the way a visitor does: through the widget's parts, with real keyboard and
// mouse events from puppeteer. Shared by the end-to-end tests.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromeArgs, findChrome } from '../../scripts/find-chrome.mjs';
import { ServerProcess } from '../support/server-process.mjs';

export const TIMEOUT = 15_000;
let counter = 0;
export const uniqueName = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}${++counter}`;

/** `>>>` pierces shadow roots, so selectors read like the element tree. */
export const login = 'chat-widget >>> chat-login >>>';
export const roster = 'chat-widget >>> chat-roster >>>';
export const chatWindow = 'chat-widget >>> chat-window >>>';

export async function openDemo(browser: Browser, url: string): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(`${url}/`, { waitUntil: 'load' });
  assert.deepEqual(problems, [], 'the demo page throws no errors while loading');
  return page;
}

export async function register(page: Page, username: string, password: string, nickname: string) {
  await page.click('chat-widget >>> [part="launcher"]');
  // The loader opens the panel at once; the form comes with the widget's chunk.
  await (await page.waitForSelector(`${login} #tab-register`))!.click();
  await page.type(`${login} #username`, username);
  await page.type(`${login} #password`, password);
  await page.type(`${login} #nickname`, nickname);
  await page.keyboard.press('Enter');
  // Registering also logs in: the roster replaces the form.
  await page.waitForSelector(`${roster} [part="start-form"]`);
}

/**
 * One demo page per nickname, each in a browser profile of its own, registered through the form
 * (and so logged in) as a new user, one after the other; resolves with usernames and pages in order.
 */
export async function registeredVisitors<const Nicknames extends readonly string[]>(
  demo: { server: ServerProcess; browser: Browser },
  nicknames: Nicknames,
): Promise<{ -readonly [K in keyof Nicknames]: { username: string; page: Page } }> {
  const pages = await Promise.all(nicknames.map(() => openDemo(demo.browser, demo.server.url)));
  const visitors: { username: string; page: Page }[] = [];
  for (const [i, nickname] of nicknames.entries()) {
    const name = nickname.toLowerCase();
    const visitor = { username: uniqueName(name), page: pages[i]! };
    await register(visitor.page, visitor.username, `${name}-secret`, nickname);
    visitors.push(visitor);
  }
  return visitors as { -readonly [K in keyof Nicknames]: { username: string; page: Page } };
}

/** Texts of the bubbles in the open chat window, in order. */
export const bubbles = (page: Page) =>
  page.$$eval(`${chatWindow} [part~="message-text"]`, (nodes) =>
    nodes.map((node) => node.textContent ?? ''),
  );

export async function waitForBubble(page: Page, text: string) {
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

export async function typeAndSend(page: Page, text: string) {
  await page.click(`${chatWindow} textarea[part="input"]`);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/**
 * Registers hooks that start a reference server (with `env` added to its environment) and a
 * headless Chromium before the suite and stop them after it; the returned object holds both once
 * started.
 */
export function demoServer(env: Record<string, string> = {}): {
  server: ServerProcess;
  browser: Browser;
} {
  const running = { server: new ServerProcess({ env }), browser: undefined as unknown as Browser };
  before(async () => {
    await running.server.start();
    running.browser = await puppeteer.launch({
      executablePath: findChrome(),
      headless: true,
      args: chromeArgs,
    });
  });
  after(async () => {
    await running.browser?.close();
    await running.server.dispose();
  });
  return running;
}
