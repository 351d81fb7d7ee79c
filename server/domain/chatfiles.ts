/**
 * Chatfiles: attachments uploaded over REST, streamed into a {@link FileStore} under our random
 * uuid (never anything the client sent) and read back only by their uploader and the participants
 * of a conversation holding a message that names them. The store is a directory,
 * `OPENWEBIM_FILES_DIR` (by default `{dataDir}/chatfiles`; every process of a scaled-out service
 * must see the same one, a shared mount).
 *
 * Files live for the app's `chatfileTtlDays`: after that a download answers 404 `file_expired` and
 * {@link Chatfiles.purge} deletes the bytes (the row stays, so the answer stays "expired"). The live
 * files count against the uploader's and the app's upload quotas.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FileStore } from '../storage/file-store.js';
import type { AppRecord, ChatfileRecord, Storage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import { DomainError, Failures } from './errors.js';

export const noPermissionDescription = 'chatfile no permission';
export const expiredDescription = 'the file expired';

const DAY_MS = 24 * 3600 * 1000;

/** A MIME type without parameters; anything else is stored as a plain byte stream. */
const mimePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const FILENAME_MAX_CHARS = 255;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest();

export function normalizeContentType(value: string | undefined): string {
  const type = (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mimePattern.test(type) && type.length <= 255 ? type : 'application/octet-stream';
}

/** The client's name for the file, without path parts or control characters, for display only. */
export function cleanFilename(value: string | undefined): string {
  const last = (value ?? '').split(/[/\\]/).pop() ?? '';
  const base = [...last].filter((c) => c.charCodeAt(0) > 0x1f && c !== '\u007f').join('');
  const trimmed = [...base.trim()].slice(0, FILENAME_MAX_CHARS).join('');
  return trimmed === '' ? 'file' : trimmed;
}

export interface Upload {
  stream: Readable;
  filename: string | undefined;
  contentType: string | undefined;
}

export interface UploadedChatfile {
  record: ChatfileRecord;
  /** Handed to the uploader once; only its hash is kept. */
  secret: string;
}

class TooLarge extends Error {}

export class Chatfiles {
  readonly #storage: Storage;
  readonly #apps: Apps;
  readonly #files: FileStore;

  constructor(storage: Storage, apps: Apps, files: FileStore) {
    this.#storage = storage;
    this.#apps = apps;
    this.#files = files;
  }

  /** The file's bytes (check who asks with {@link forDownload} first). */
  open(record: ChatfileRecord): Readable {
    return this.#files.read(record.uuid);
  }

  /** When files created before it are expired. */
  #liveSince(app: AppRecord, now = Date.now()): number {
    return now - this.#apps.chatfileTtlDays(app) * DAY_MS;
  }

  /**
   * Bytes the user may still upload: the least of what their quota and the app's leave. 429
   * `resource_limited` when either is used up.
   */
  async #room(app: AppRecord, uploader: string): Promise<number> {
    const since = this.#liveSince(app);
    const [mine, all] = await Promise.all([
      this.#storage.chatfileBytes(app.key, uploader, since),
      this.#storage.chatfileBytes(app.key, null, since),
    ]);
    const userLeft = this.#apps.userUploadQuotaBytes(app) - mine;
    const appLeft = this.#apps.appUploadQuotaBytes(app) - all;
    if (userLeft <= 0) {
      throw new DomainError(
        Failures.limitReached,
        `your upload quota of ${this.#apps.userUploadQuotaBytes(app)} bytes is used up until files expire`,
      );
    }
    if (appLeft <= 0) {
      throw new DomainError(
        Failures.limitReached,
        `the app's upload quota of ${this.#apps.appUploadQuotaBytes(app)} bytes is used up until files expire`,
      );
    }
    return Math.min(userLeft, appLeft);
  }

  /**
   * Streams the upload to disk, counting bytes; past the app's limit the partial file is deleted
   * and 413 thrown, past what the quotas leave 429, so neither memory nor disk ever holds more.
   */
  async upload(app: AppRecord, uploader: string, upload: Upload): Promise<UploadedChatfile> {
    const maxFile = this.#apps.maxFileBytes(app);
    const room = await this.#room(app, uploader);
    const max = Math.min(maxFile, room);
    const uuid = randomUUID();
    let size = 0;
    async function* counted(stream: Readable) {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) throw new TooLarge();
        yield chunk;
      }
      // busboy cuts a file at its own limit without an error; treat that as too large as well.
      if ((stream as Readable & { truncated?: boolean }).truncated) throw new TooLarge();
    }
    try {
      await this.#files.write(uuid, counted(upload.stream));
    } catch (error) {
      if (
        error instanceof TooLarge ||
        (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE'
      ) {
        if (max < maxFile) {
          throw new DomainError(
            Failures.limitReached,
            `the file does not fit in what is left of the upload quota (${room} bytes)`,
          );
        }
        throw new DomainError(Failures.tooLarge, `the file is larger than ${max} bytes`);
      }
      throw error;
    }
    const secret = randomBytes(24).toString('base64url');
    const record: ChatfileRecord = {
      appKey: app.key,
      uuid,
      uploader,
      secretHash: hashOf(secret).toString('hex'),
      size,
      contentType: normalizeContentType(upload.contentType),
      filename: cleanFilename(upload.filename),
      created: Date.now(),
    };
    try {
      await this.#storage.addChatfile(record);
    } catch (error) {
      await this.#files.remove(uuid).catch(() => undefined);
      throw error;
    }
    return { record, secret };
  }

  get(app: AppRecord, uuid: string): Promise<ChatfileRecord | undefined> {
    return this.#storage.getChatfile(app.key, uuid);
  }

  secretMatches(record: ChatfileRecord, secret: string): boolean {
    return timingSafeEqual(hashOf(secret), Buffer.from(record.secretHash, 'hex'));
  }

  /** The file `username` may download with `secret`: 404 unknown, 403 not theirs or wrong secret. */
  async forDownload(
    app: AppRecord,
    uuid: string,
    username: string,
    secret: string | undefined,
  ): Promise<ChatfileRecord> {
    const record = await this.get(app, uuid);
    if (!record) throw new DomainError(Failures.notFound, `no chatfile ${uuid}`);
    const allowed =
      record.uploader === username ||
      (await this.#storage.hasChatfileGrant(app.key, uuid, username));
    if (!allowed || secret === undefined || !this.secretMatches(record, secret)) {
      throw new DomainError(Failures.forbidden, noPermissionDescription);
    }
    if (record.created < this.#liveSince(app)) {
      throw new DomainError(Failures.expired, expiredDescription);
    }
    return record;
  }

  /**
   * Deletes the bytes of the app's files whose time is up (the rows stay, so downloads keep
   * answering "expired"): all of them with `all` (at start), else those that expired in the last
   * two days (the hourly round). Answers how many were deleted.
   */
  async purge(app: AppRecord, all: boolean, now = Date.now()): Promise<number> {
    const before = this.#liveSince(app, now);
    const after = all ? 0 : before - 2 * DAY_MS;
    const uuids = await this.#storage.chatfilesCreatedBetween(app.key, after, before);
    let deleted = 0;
    // Already gone (an earlier round, or another process): nothing left to do.
    for (const uuid of uuids) if (await this.#files.remove(uuid)) deleted += 1;
    return deleted;
  }

  /** Deletes the bytes of files whose rows are gone (a removed guest's uploads); how many. */
  async removeBytes(uuids: string[]): Promise<number> {
    let deleted = 0;
    for (const uuid of uuids) if (await this.#files.remove(uuid)) deleted += 1;
    return deleted;
  }
}
