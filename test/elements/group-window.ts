// A group's <chat-window> as the group tests drive it: opened through the signed-in store, its
// Group info dialog opened from the header, and a peer's message to the group.
import { fixture, html, waitUntil } from '@open-wc/testing';
import type { ChatGroupInfo, ChatWindow } from '../../src/elements/index.js';
import { getChatStore } from '../../src/store/index.js';
import { shadow } from './panel-queries.js';
import { APP_KEY, type Peer } from './peer.js';

/** Makes the group the store's active conversation and renders a window on it. */
export async function openGroupWindow(url: string, gid: string): Promise<ChatWindow> {
  await getChatStore(APP_KEY, url).openConversation(gid, 'groupChat');
  return fixture<ChatWindow>(html`<chat-window app-key=${APP_KEY} api-url=${url}></chat-window>`);
}

/** The window's group dialog, opened from its header: its `<chat-group-info>`. */
export async function openGroupInfo(el: ChatWindow): Promise<ChatGroupInfo> {
  await waitUntil(() => shadow(el, '[part="group-info-button"]'), 'the group is known', {
    timeout: 8000,
  });
  shadow(el, '[part="group-info-button"]').click();
  await waitUntil(() => shadow<HTMLDialogElement>(el, '[part="group-dialog"]').open, 'opens');
  return shadow<ChatGroupInfo>(el, 'chat-group-info');
}

/** A text from `peer` to the group; resolves with the server's ack or nack. */
export const sayInGroup = (peer: Peer, gid: string, text: string) =>
  peer.sendBody(gid, { type: 'txt', msg: text }, 'groupChat');
