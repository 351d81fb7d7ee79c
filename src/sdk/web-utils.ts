import { withCallbacks } from './event-handlers.js';
import {
  download,
  getFileSize,
  getFileUrl,
  parseDownloadResponse,
  uploadFile,
} from './file-transfer.js';
import { request, type AjaxError } from './rest-client.js';
import { getUniqueId } from './unique-id.js';

export interface AjaxOptions {
  url: string;
  /** The HTTP method (`type` is the 1.x/3.x name). */
  method?: string;
  type?: string;
  /** A JSON body: an object, or a string sent as it is. */
  data?: unknown;
  headers?: Record<string, string>;
  success?: (data: unknown) => void;
  error?: (error: AjaxError) => void;
}

/** A JSON request; fails with `{type: 17, data: responseText}` like every REST call of the SDK. */
export function ajax(options: AjaxOptions): Promise<unknown> {
  const { url, method, type, data: body, headers } = options;
  return withCallbacks(request(method ?? type ?? 'GET', url, { body, headers }), options);
}

/** Calls back on the browser's `online` / `offline` events; returns the function that stops it. */
export function listenNetwork(onOnline: () => void, onOffline: () => void): () => void {
  const target = typeof window === 'undefined' ? undefined : window;
  target?.addEventListener('online', onOnline);
  target?.addEventListener('offline', onOffline);
  return () => {
    target?.removeEventListener('online', onOnline);
    target?.removeEventListener('offline', onOffline);
  };
}

/** `WebIM.utils`: what this version implements of the 3.x/4.x set. */
export const utils = {
  getUniqueId,
  ajax,
  listenNetwork,
  getFileUrl,
  getFileSize,
  uploadFile,
  download,
  parseDownloadResponse,
};
