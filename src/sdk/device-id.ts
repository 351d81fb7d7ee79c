import { randomDigits } from './unique-id.js';

const KEY = 'openwebim:deviceId';
let pageDeviceId: string | undefined;

/**
 * The id of this browser, kept in localStorage so the server resumes this device's sync cursor
 * after a reload. Storage can be missing or throw (SSR, sandboxed iframes, blocked site data):
 * then the id lives as long as the page.
 */
export function getDeviceId(given?: string): string {
  if (given) return given;
  if (pageDeviceId) return pageDeviceId;
  let storage: Storage | undefined;
  try {
    storage = globalThis.localStorage;
    pageDeviceId = storage?.getItem(KEY) ?? undefined;
  } catch {
    storage = undefined;
  }
  if (!pageDeviceId) {
    pageDeviceId = `web_${randomDigits(16)}`;
    try {
      storage?.setItem(KEY, pageDeviceId);
    } catch {
      // Quota or privacy mode: the page keeps its id anyway.
    }
  }
  return pageDeviceId;
}
