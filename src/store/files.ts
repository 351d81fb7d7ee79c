/**
 * Files of messages: uploads of own attachments with their progress, and fetching a message's file
 * (or its thumbnail) as an object URL, kept per session and revoked when it ends or is recalled.
 */
import { type Observable, Subject, distinctUntilChanged, filter, map, merge, of } from 'rxjs';
import type { UploadedFile } from './connection-events.js';
import { Codes, Messages, chatError, toChatError } from './errors.js';
import { readMessage } from './messages-repo.js';
import { readOutboxEntry } from './outbox-repo.js';
import type { Session } from './session.js';
import type { StoreCore } from './store-core.js';
import { sampleProgress } from './stream-batching.js';
import type { ChatMessage, UploadProgress } from './types.js';

/** Upload progress is emitted at most this often. */
const PROGRESS_MS = 100;

export class Files {
  /** Latest progress of uploads in flight, by message id. */
  private readonly progress = new Map<string, UploadProgress>();
  private readonly progressChanges = new Subject<string>();

  constructor(private readonly core: StoreCore) {}

  uploadProgress$(messageId: string): Observable<UploadProgress | null> {
    return merge(of(messageId), this.progressChanges.pipe(filter((id) => id === messageId))).pipe(
      map(() => this.progress.get(messageId) ?? null),
      sampleProgress(PROGRESS_MS, (p) => p === null || p.loaded >= p.total),
      distinctUntilChanged(
        (a, b) => a === b || (!!a && !!b && a.loaded === b.loaded && a.total === b.total),
      ),
    );
  }

  /** Uploads one file of a message, publishing its progress (unless `report` is false). */
  async uploadOne(
    session: Session,
    id: string,
    blob: Blob,
    filename: string,
    report = true,
  ): Promise<UploadedFile> {
    const task = session.connection.upload(blob, filename, (loaded, total) => {
      if (!report) return;
      this.progress.set(id, { loaded, total });
      this.progressChanges.next(id);
    });
    session.uploads.set(id, task);
    if (report) {
      this.progress.set(id, { loaded: 0, total: blob.size });
      this.progressChanges.next(id);
    }
    try {
      const done = await task;
      if (report) {
        // Whatever the browser's last progress event said, the whole file is there.
        this.progress.set(id, { loaded: blob.size, total: blob.size });
        this.progressChanges.next(id);
      }
      return done;
    } catch (error) {
      this.endProgress(id);
      throw error;
    } finally {
      if (session.uploads.get(id) === task) session.uploads.delete(id);
    }
  }

  endProgress(id: string): void {
    if (this.progress.delete(id)) this.progressChanges.next(id);
  }

  /** A session ended: no upload is in flight any more. */
  reset(): void {
    for (const id of [...this.progress.keys()]) this.endProgress(id);
  }

  async fetchFile(message: ChatMessage, options: { thumbnail?: boolean } = {}): Promise<string> {
    const session = this.core.requireSession();
    const key = `${message.id}${options.thumbnail ? '#thumb' : ''}`;
    const cached = session.objectUrls.get(key);
    if (cached) return cached;
    const loading = this.loadFile(session, message, options.thumbnail === true);
    session.objectUrls.set(key, loading);
    try {
      return await loading;
    } catch (error) {
      session.objectUrls.delete(key);
      throw toChatError(error);
    }
  }

  private async loadFile(session: Session, message: ChatMessage, thumbnail: boolean) {
    const stored = (await readMessage(session.db, message.id)) ?? message;
    if (stored.recalled || !stored.attachment)
      throw chatError(Codes.downloadFileError, Messages.noFile);
    // My own attachment still in the outbox: show the bytes this device has.
    const entry = await readOutboxEntry(session.db, stored.id);
    if (entry && 'file' in entry) {
      const blob = thumbnail && entry.file.thumbnail ? entry.file.thumbnail : entry.file.file;
      return URL.createObjectURL(blob);
    }
    const { url, secret, thumbUrl, thumbSecret } = stored.attachment;
    const target = thumbnail && thumbUrl ? { url: thumbUrl, secret: thumbSecret } : { url, secret };
    if (!target.url) throw chatError(Codes.downloadFileError, Messages.noFile);
    const blob = await session.connection.download(target.url, target.secret);
    if (this.core.session.value !== session)
      throw chatError(Codes.connectionClosed, Messages.notSignedIn);
    return URL.createObjectURL(blob);
  }

  /** Lets go of a fetched file (`key`: the message id, `#thumb` for its preview). */
  revoke(session: Session, key: string): void {
    const url = session.objectUrls.get(key);
    session.objectUrls.delete(key);
    void url?.then((href) => URL.revokeObjectURL(href)).catch(() => undefined);
  }
}
