// A one-to-one <chat-window> as the message-action tests drive it (actions, reactions, report,
// delete): opened on a peer, its bubbles found by their text, and a bubble's menu opened by its
// "More actions" button (the menu is rendered once its chunk has loaded, on the first press).
import { fixture, html, waitUntil } from '@open-wc/testing';
import type { ChatWindow } from '../../src/elements/index.js';
import { APP_KEY } from './peer.js';

/** A window on the conversation with `peer`, on the page's store for `url`. */
export const openWindow = (url: string, peer: string) =>
  fixture<ChatWindow>(
    html`<chat-window
      style="height: 480px"
      app-key=${APP_KEY}
      api-url=${url}
      conversation=${peer}
    ></chat-window>`,
  );

export const root = (el: Element) => el.shadowRoot!;
export const bubbles = (el: Element) => [...root(el).querySelectorAll<HTMLElement>('.msg')];
/** The bubble whose text is `text`, if shown. */
export const bubble = (el: Element, text: string) =>
  bubbles(el).find((b) => b.querySelector('[part~="message-text"]')?.textContent?.trim() === text);
/** The texts shown, in order. */
export const texts = (el: Element) =>
  [...root(el).querySelectorAll('.msg [part~="message-text"]')].map((t) => t.textContent?.trim());
export const menu = (el: Element) => root(el).querySelector<HTMLElement>('[part~="message-menu"]');
export const menuShown = (el: Element) => !!menu(el)?.matches(':popover-open');
/** The menu's items, by their `data-action`. */
export const items = (el: Element) =>
  [...menu(el)!.querySelectorAll<HTMLElement>('[data-action]')].map((b) => b.dataset.action);
export const item = (el: Element, action: string) =>
  menu(el)!.querySelector<HTMLElement>(`[data-action="${action}"]`)!;

/** Presses the "More actions" button of the message saying `text`; resolves with that button. */
export async function openMenu(el: ChatWindow, text: string): Promise<HTMLElement> {
  const button = bubble(el, text)!.querySelector<HTMLElement>('[part~="menu-button"]')!;
  button.click();
  await waitUntil(() => menuShown(el), 'menu open');
  await el.updateComplete;
  return button;
}
