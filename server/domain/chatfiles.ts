/**
 * Chatfiles: attachments uploaded over REST, streamed to `{filesDir}/{uuid}` and read back
 * (`OPENWEBIM_FILES_DIR`, by default `{dataDir}/chatfiles`: every process of a scaled-out service
 * must see the same directory, a shared mount) only by their uploader and the participants of a conversation holding a message that names them.
 * A file's name on disk is our random uuid, never anything the client sent.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppRecord, ChatfileRecord, Storage } from '../storage/storage.js';
import type { Apps } from './apps.js';
import { DomainError, Failures } from './errors.js';

export const noPermissionDescription = 'chatfile no permission';

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
  readonly #dir: string;

  constructor(storage: Storage, apps: Apps, filesDir: string) {
    this.#storage = storage;
    this.#apps = apps;
    this.#dir = filesDir;
  }

  pathOf(record: ChatfileRecord): string {
    return join(this.#dir, record.uuid);
  }

  /**
   * Streams the upload to disk, counting bytes; past the app's limit the partial file is deleted
   * and 413 thrown, so neither memory nor disk ever holds more than the limit.
   */
  async upload(app: AppRecord, uploader: string, upload: Upload): Promise<UploadedChatfile> {
    const max = this.#apps.maxFileBytes(app);
    await mkdir(this.#dir, { recursive: true });
    const uuid = randomUUID();
    const path = join(this.#dir, uuid);
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > max) done(new TooLarge());
        else done(null, chunk);
      },
    });
    try {
      await pipeline(upload.stream, counter, createWriteStream(path, { flags: 'wx' }));
      // busboy cuts a file at its own limit without an error; treat that as too large as well.
      if ((upload.stream as Readable & { truncated?: boolean }).truncated) throw new TooLarge();
    } catch (error) {
      await unlink(path).catch(() => undefined);
      if (
        error instanceof TooLarge ||
        (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE'
      ) {
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
      await unlink(path).catch(() => undefined);
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
    return record;
  }
}
