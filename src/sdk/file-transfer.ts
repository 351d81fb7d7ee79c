/**
 * `WebIM.utils` for attachments: pick a file, upload it as a chatfile (with progress and cancel),
 * download one with the token and share secret. XMLHttpRequest, not fetch, because only it reports
 * upload progress.
 */
import {
  RestRoutes,
  routeParts,
  type ChatfileEntity,
  type EntitiesResponse,
} from '../protocol/index.js';
import { safely } from './event-handlers.js';
import type { ErrorEvent } from './types.js';

/** What `getFileUrl` returns and file messages take as `file` (3.x `FileObj`). */
export interface FileObject {
  /** An object URL of the file, for a preview. */
  url: string;
  filename: string;
  /** The file name's extension, lowercase (as 3.x/4.x report it); the MIME type is `data.type`. */
  filetype: string;
  data: File | Blob;
}

/** `onFileUploadError` / `onFileDownloadError` and the rejections: a `WebIM.statusCode` `type`. */
export interface TransferError extends ErrorEvent {
  /** The HTTP response text (e.g. the server's `{error, error_description}`). */
  responseText?: string;
  id?: string;
  xhr?: XMLHttpRequest;
}

export interface UploadOptions {
  file: FileObject | Blob;
  /** REST base, e.g. `https://host`. */
  apiUrl: string;
  appKey: string;
  accessToken?: string;
  /** Posts here instead of `{apiUrl}/{org}/{app}/chatfiles`. */
  uploadUrl?: string;
  onFileUploadProgress?: (event: { loaded: number; total: number }) => void;
  onFileUploadComplete?: (response: EntitiesResponse<ChatfileEntity>) => void;
  onFileUploadError?: (error: TransferError) => void;
  onFileUploadCanceled?: (error: TransferError) => void;
}

/** An upload in flight: a Promise of the server's answer that can be aborted (→ type -4). */
export type Upload = Promise<EntitiesResponse<ChatfileEntity>> & { abort(): void };

export interface DownloadOptions {
  url: string;
  /** The chatfile's share secret (found by the connection for files it has seen in messages). */
  secret?: string;
  id?: string;
  headers?: Record<string, string>;
  method?: string;
  responseType?: XMLHttpRequestResponseType;
  accessToken?: string;
  onFileDownloadComplete?: (response: Blob, xhr: XMLHttpRequest) => void;
  onFileDownloadError?: (error: TransferError) => void;
}

/** What `download` needs from the connection it is called on (`download.call(conn, …)`). */
export interface FileAccess {
  accessToken?: string;
  secretOf?(url: string): string | undefined;
}

const ABORT = -4;
const UPLOAD_ERROR = 101;
const UPLOAD_NO_LOGIN = 102;
const UPLOAD_NO_FILE = 103;
const DOWNLOAD_ERROR = 200;
const DOWNLOAD_NO_LOGIN = 201;
const DOWNLOAD_NO_PERMISSION = 222;
const DOWNLOAD_EXPIRED = 223;
const PERMISSION_DENIED = 603;
const SERVER_UNKNOWN_ERROR = 503;

// An app callback that throws must not leave the upload or download unsettled.
const call = safely;

/** `{url, filename, filetype, data}` of the first file of an `<input type=file>` (or its id) or a File. */
export function getFileUrl(input: string | HTMLInputElement | File): FileObject {
  const element = typeof input === 'string' ? document.getElementById(input) : input;
  const file = element instanceof File ? element : (element as HTMLInputElement | null)?.files?.[0];
  if (!file) return { url: '', filename: '', filetype: '', data: new Blob() };
  const dot = file.name.lastIndexOf('.');
  return {
    url: URL.createObjectURL(file),
    filename: file.name,
    filetype: dot < 0 ? '' : file.name.slice(dot + 1).toLowerCase(),
    data: file,
  };
}

/** Bytes of a File/Blob, a `FileObject` or the first file of an input. */
export function getFileSize(file: Blob | FileObject | HTMLInputElement): number {
  if (file instanceof Blob) return file.size;
  if ('data' in file) return file.data.size;
  return file.files?.[0]?.size ?? 0;
}

/** A `FileObject` for what apps pass as `file`: a FileObject, or a bare File/Blob. */
export function toFileObject(file: unknown): FileObject | undefined {
  if (file instanceof Blob) {
    const name = file instanceof File ? file.name : 'file';
    return { url: '', filename: name, filetype: '', data: file };
  }
  const object = file as FileObject | undefined;
  return object?.data instanceof Blob ? object : undefined;
}

/** `POST {apiUrl}/{org}/{app}/chatfiles` (multipart field `file`), reporting progress. */
export function uploadFile(options: UploadOptions): Upload {
  let xhr: XMLHttpRequest | undefined;
  let cancel = () => {};
  const result = new Promise<EntitiesResponse<ChatfileEntity>>((resolve, reject) => {
    const fail = (type: number, message: string, callback = options.onFileUploadError) => {
      const error: TransferError = { type, message };
      if (xhr) Object.assign(error, { responseText: xhr.responseText, xhr });
      call(callback, error);
      reject(error);
    };
    const file = toFileObject(options.file);
    if (!file || file.data.size <= 0) return fail(UPLOAD_NO_FILE, 'no file to upload');
    if (!options.accessToken) return fail(UPLOAD_NO_LOGIN, 'not logged in');
    const [org, app] = options.appKey.split('#').map(encodeURIComponent);
    const [method, path] = routeParts(RestRoutes.upload);
    const url = options.uploadUrl ?? `${options.apiUrl.replace(/\/+$/, '')}/${org}/${app}${path}`;
    const form = new FormData();
    form.append('file', file.data, file.filename || 'file');
    const request = (xhr = new XMLHttpRequest());
    let reported = -1;
    const progress = (loaded: number, total: number) => {
      if (loaded <= reported) return;
      reported = loaded;
      call(options.onFileUploadProgress, { loaded, total });
    };
    request.upload.onprogress = (event) => progress(event.loaded, event.total);
    // Some browsers end without a progress event at 100 %; the app's bar must still get there.
    request.upload.onload = (event) => progress(event.total || event.loaded, event.total);
    request.onload = () => {
      let body: EntitiesResponse<ChatfileEntity> | undefined;
      try {
        body = JSON.parse(request.responseText) as EntitiesResponse<ChatfileEntity>;
      } catch {
        // Not JSON: reported below as an upload error.
      }
      if (request.status >= 200 && request.status < 300 && body?.entities?.[0]?.uuid) {
        call(options.onFileUploadComplete, body);
        resolve(body);
      } else {
        fail(UPLOAD_ERROR, `upload failed (HTTP ${request.status})`);
      }
    };
    request.onerror = () => fail(UPLOAD_ERROR, 'upload failed (network)');
    request.onabort = () => fail(ABORT, 'upload canceled', options.onFileUploadCanceled);
    cancel = () => request.abort();
    request.open(method, url);
    request.setRequestHeader('Authorization', `Bearer ${options.accessToken}`);
    request.setRequestHeader('restrict-access', 'true');
    request.setRequestHeader('Accept', '*/*');
    request.send(form);
  });
  // Callback-style callers never look at the Promise.
  if (options.onFileUploadError) result.catch(() => {});
  return Object.assign(result, { abort: () => cancel() });
}

/** The code of a failed download, from the HTTP status and the server's error body (4.x). */
async function downloadErrorType(status: number, response: unknown): Promise<number> {
  let body: { error?: string; error_description?: string } = {};
  try {
    const text = response instanceof Blob ? await response.text() : String(response ?? '');
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON: the status alone decides.
  }
  if (status === 403) {
    return body.error_description === 'chatfile no permission'
      ? DOWNLOAD_NO_PERMISSION
      : PERMISSION_DENIED;
  }
  if (status === 404 && body.error === 'file_expired') return DOWNLOAD_EXPIRED;
  return status >= 500 ? SERVER_UNKNOWN_ERROR : DOWNLOAD_ERROR;
}

/**
 * `WebIM.utils.download.call(conn, {url, secret?, headers?, onFileDownloadComplete(blob, xhr),
 * onFileDownloadError({type, id, xhr})})`: GET with the connection's token and the file's share
 * secret (given, or remembered by the connection from the message that named the file). Codes:
 * 201 not logged in, 222 not a participant ("chatfile no permission"), 603 other refusals (e.g. a
 * wrong secret), 223 expired, 503 server error, 200 anything else.
 */
export function download(this: FileAccess | undefined, options: DownloadOptions): Promise<Blob> {
  const { url, id, headers = {} } = options;
  const result = new Promise<Blob>((resolve, reject) => {
    const fail = (type: number, xhr?: XMLHttpRequest) => {
      const error: TransferError = { type, id, xhr, message: 'download failed' };
      if (xhr && typeof xhr.response === 'string') error.responseText = xhr.response;
      call(options.onFileDownloadError, error);
      reject(error);
    };
    const token = options.accessToken ?? this?.accessToken;
    if (!token) return fail(DOWNLOAD_NO_LOGIN);
    const secret = options.secret ?? this?.secretOf?.(url);
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? 'GET', url);
    xhr.responseType = options.responseType ?? 'blob';
    const all: Record<string, string | undefined> = {
      'X-Requested-With': 'XMLHttpRequest',
      Accept: 'application/octet-stream',
      'share-secret': secret,
      Authorization: `Bearer ${token}`,
      ...headers,
    };
    for (const [name, value] of Object.entries(all)) if (value) xhr.setRequestHeader(name, value);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        call(options.onFileDownloadComplete, xhr.response, xhr);
        return resolve(xhr.response as Blob);
      }
      void downloadErrorType(xhr.status, xhr.response).then((type) => fail(type, xhr));
    };
    xhr.onerror = () => fail(DOWNLOAD_ERROR, xhr);
    xhr.send();
  });
  if (options.onFileDownloadError) result.catch(() => {});
  return result;
}

/** An object URL for a downloaded Blob (`''` for anything else). */
export function parseDownloadResponse(this: unknown, response: unknown): string {
  return response instanceof Blob ? URL.createObjectURL(response) : '';
}
