/**
 * Sending and the outbox: an own message is stored `pending` with its outbox entry first (it shows
 * at once and survives a reload), then sent; the ack makes it `sent`, a refusal `failed`, a lost
 * connection leaves it in the outbox, which is flushed, in order, every time the connection opens
 * (`outbox.ts`). The server deduplicates by client id. Attachments are uploaded first (`files.ts`).
 */
import { EMPTY, type Observable, Subject, filter, map, merge, switchMap } from 'rxjs';
import { type ChatType, type Ext, Limits } from '../protocol/index.js';
import type { ChatRooms } from './chat-rooms.js';
import type { OutgoingMessage, SendResult, UploadedFile } from './connection-events.js';
import { readConversation } from './conversations-repo.js';
import { Codes, Messages, chatError, isTransientSendFailure, toChatError } from './errors.js';
import type { Files } from './files.js';
import {
  attachmentKindOf,
  checkAction,
  checkCustom,
  checkDraft,
  checkFile,
  checkLocation,
  normalizeUsername,
  quoteExt,
} from './messages.js';
import { applyRecall, readMessage } from './messages-repo.js';
import type { Names } from './names.js';
import { type OutboxBody, type OutboxEntry, type OutboxFile, flushOnOpen } from './outbox.js';
import {
  type DistributiveOmit,
  markFailed,
  markSent,
  markUploaded,
  readOutbox,
  removeUnsent,
  requeue,
  storeOutgoing,
} from './outbox-repo.js';
import type { Session, SessionEvent } from './session.js';
import { type StoreCore, deletions } from './store-core.js';
import type {
  Attachment,
  ChatMessage,
  CustomContent,
  Location,
  SendFileOptions,
  SendOptions,
} from './types.js';

/** How often a message the server rate-limited (509) is tried again before it is `failed`. */
const RATE_LIMIT_RETRIES = 5;

export class Sending {
  private readonly flushes = new Subject<void>();
  /** Outbox reads of flushes in flight. */
  private flushReads = 0;

  constructor(
    private readonly core: StoreCore,
    private readonly files: Files,
    private readonly names: Names,
    private readonly rooms: ChatRooms,
  ) {}

  /**
   * Flushes the outbox, in order, every time the current session's connection is back: a new
   * socket (`opened`), the browser back online with the socket still open (no `opened` follows:
   * without this a message queued meanwhile waited for the next reconnect), or {@link flush}.
   */
  flushOnEveryOpen(events: Observable<SessionEvent>): void {
    const back = ({ event }: SessionEvent) =>
      event.type === 'opened' || (event.type === 'online' && event.opened);
    this.core.subscriptions.add(
      this.core.session
        .pipe(
          switchMap((session) =>
            session
              ? flushOnOpen(
                  merge(events.pipe(filter((e) => e.session === session && back(e))), this.flushes),
                  () => {
                    this.flushReads += 1;
                    return readOutbox(session.db).finally(() => {
                      this.flushReads -= 1;
                    });
                  },
                ).pipe(map((entry) => ({ session, entry })))
              : EMPTY,
          ),
        )
        .subscribe(({ session, entry }) => void this.transmit(session, entry)),
    );
  }

  /** Sends what the outbox holds now, in order (the connection came back without an `opened`). */
  flush(): void {
    this.flushes.next();
  }

  async send(
    conversationId: string,
    text: string,
    options: SendOptions = {},
  ): Promise<ChatMessage> {
    const session = this.core.requireSession();
    checkDraft(text, this.core.limits.value.messageMaxBytes);
    let ext: Ext | undefined = options.ext;
    if (options.replyTo !== undefined) {
      // Only a message of this conversation that is still there (and has a server id to jump to).
      const quoted = await readMessage(session.db, options.replyTo);
      if (!quoted || quoted.recalled || !quoted.mid || quoted.conversationId !== conversationId)
        throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
      ext = { ...ext, ...quoteExt(quoted) };
    }
    return this.queueOwn(conversationId, { type: 'txt' as const, text }, {}, ext);
  }

  async sendFile(
    conversationId: string,
    file: File,
    options: SendFileOptions = {},
  ): Promise<ChatMessage> {
    this.core.requireSession();
    if (!(file instanceof Blob)) throw chatError(Codes.uploadFileError, Messages.emptyFile);
    const kind = options.kind ?? attachmentKindOf(file.type);
    checkFile(file, kind, this.core.limits.value.fileMaxBytes);
    const filename = (file as Partial<File>).name || kind;
    const queued: OutboxFile = {
      kind,
      file,
      filename,
      mime: file.type,
      size: file.size,
    };
    const attachment: Attachment = { filename, size: file.size };
    if (file.type) attachment.mime = file.type;
    if (
      options.thumbnail instanceof Blob &&
      options.thumbnail.size > 0 &&
      kind !== 'audio' &&
      kind !== 'file'
    )
      queued.thumbnail = options.thumbnail;
    for (const field of ['width', 'height', 'duration'] as const) {
      const value = options[field];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
        queued[field] = value;
        attachment[field] = value;
      }
    }
    return this.queueOwn(conversationId, { type: kind, file: queued }, { attachment }, options.ext);
  }

  async sendLocation(conversationId: string, location: Location): Promise<ChatMessage> {
    this.core.requireSession();
    checkLocation(location);
    const clean: Location = { addr: location.addr.trim(), lat: location.lat, lng: location.lng };
    if (location.buildingName) clean.buildingName = location.buildingName;
    return this.queueOwn(
      conversationId,
      { type: 'loc' as const, location: clean },
      { location: clean },
    );
  }

  async sendCustom(conversationId: string, custom: CustomContent, ext?: Ext): Promise<ChatMessage> {
    this.core.requireSession();
    checkCustom(custom);
    const clean: CustomContent = { event: custom.event, exts: { ...custom.exts } };
    return this.queueOwn(
      conversationId,
      { type: 'custom' as const, custom: clean },
      { custom: clean },
      ext,
    );
  }

  async sendCommand(
    conversationId: string,
    action: string,
    ext?: Ext,
    options?: { deliverOnlineOnly?: boolean },
  ): Promise<void> {
    const session = this.core.requireSession();
    checkAction(action);
    const { to, chatType } = await this.target(session, conversationId);
    if (this.core.status.value !== 'online')
      throw chatError(Codes.connectionClosed, Messages.networkDown);
    const message: OutgoingMessage = {
      id: session.connection.getUniqueId(),
      to,
      chatType,
      type: 'cmd',
      action,
      ...options,
    };
    if (ext) message.ext = ext;
    try {
      await session.connection.sendMessage(message);
    } catch (error) {
      throw toChatError(error);
    }
  }

  /**
   * Stores an own message `pending` with its outbox entry (it shows at once and survives a reload),
   * then sends it if online; otherwise the outbox sends it on the next `opened`.
   */
  private async queueOwn(
    conversationId: string,
    body: OutboxBody,
    content: Pick<ChatMessage, 'attachment' | 'location' | 'custom'>,
    ext?: Ext,
  ): Promise<ChatMessage> {
    const session = this.core.requireSession();
    const { to, chatType } = await this.target(session, conversationId);
    const id = session.connection.getUniqueId();
    const now = Date.now();
    const message: ChatMessage = {
      id,
      conversationId: to,
      chatType,
      type: body.type,
      from: session.username,
      to,
      text: body.type === 'txt' ? body.text : '',
      time: now,
      status: 'pending',
      ...content,
    };
    if (ext && Object.keys(ext).length > 0) message.ext = ext;
    const entry = {
      ...body,
      id,
      to,
      chatType: message.chatType,
      queuedAt: now,
    } as DistributiveOmit<OutboxEntry, 'order'>;
    if (message.ext) entry.ext = message.ext;
    const { entry: queued, conversationCreated } = await storeOutgoing(session.db, message, entry);
    this.core.changed(to);
    if (conversationCreated && chatType === 'singleChat') void this.names.resolveName(session, to);
    if (this.core.status.value === 'online') {
      // A flush reading the outbox right now may not see this one: read again after it, so it
      // goes after the older ones instead of before them.
      if (this.flushReads > 0) this.flush();
      else void this.transmit(session, queued);
    }
    return message;
  }

  /** Where a conversation's messages go: a user (as typed), or a group or room by its id. */
  private async target(
    session: Session,
    conversationId: string,
  ): Promise<{ to: string; chatType: ChatType }> {
    const id = conversationId.trim();
    // Group and room ids never look like usernames (rest.ts), so the id says which it is.
    if (!Limits.numericIdPattern.test(id))
      return { to: normalizeUsername(id), chatType: 'singleChat' };
    const stored = await readConversation(session.db, id);
    if (stored) return { to: id, chatType: stored.chatType };
    return {
      to: id,
      chatType: (await this.rooms.isMember(session, id)) ? 'chatRoom' : 'groupChat',
    };
  }

  async cancelUpload(messageId: string): Promise<boolean> {
    const session = this.core.requireSession();
    session.uploads.get(messageId)?.abort();
    const removed = await this.core.whileOpen(() => removeUnsent(session.db, messageId));
    if (!removed) return false;
    this.files.endProgress(messageId);
    this.core.changed(removed.conversationId);
    return true;
  }

  async recall(messageId: string): Promise<void> {
    const session = this.core.requireSession();
    const message = await readMessage(session.db, messageId);
    if (!message) throw chatError(Codes.messageParameterError, Messages.noSuchMessage);
    if (message.recalled) return;
    if (message.from !== session.username)
      throw chatError(Codes.permissionDenied, Messages.recallNotMine);
    if (message.status !== 'sent' || !message.mid)
      throw chatError(Codes.messageParameterError, Messages.recallNotSent);
    if (this.core.status.value !== 'online')
      throw chatError(Codes.connectionClosed, Messages.networkDown);
    try {
      await session.connection.recall({
        mid: message.mid,
        to: message.to,
        chatType: message.chatType,
      });
    } catch (reason) {
      const error = toChatError(reason);
      if (error.type === Codes.permissionDenied)
        throw chatError(error.type, Messages.recallNotMine);
      throw error;
    }
    // The `recall` event follows for every session; this tab need not wait for it.
    const recalled = await this.core.whileOpen(() =>
      applyRecall(session.db, message.mid as string, session.username, session.username),
    );
    if (recalled) this.core.changed(recalled.conversationId);
  }

  async retry(messageId: string): Promise<void> {
    const session = this.core.requireSession();
    const stored = await this.core.whileOpen(() => requeue(session.db, messageId));
    if (!stored) return;
    this.core.changed(stored.message.conversationId);
    if (stored.entry && this.core.status.value === 'online')
      void this.transmit(session, stored.entry);
  }

  /** Sends one outbox entry (uploading its file first) and records the outcome. */
  private async transmit(session: Session, entry: OutboxEntry): Promise<void> {
    if (session.sending.has(entry.id)) return;
    session.sending.add(entry.id);
    let ack: SendResult | undefined;
    try {
      const message = await this.outgoingOf(session, entry);
      if (!message) return;
      ack = await session.connection.sendMessage(message);
    } catch (reason) {
      const error = toChatError(reason);
      // Not now rather than never: it stays in the outbox for the next `opened`.
      if (error.type === Codes.requestAbort || this.core.session.value !== session) return;
      if (isTransientSendFailure(error.type)) return;
      if (error.type === Codes.currentLimiting && this.retryLater(session, entry)) return;
      const failed = await this.core.whileOpen(() =>
        markFailed(session.db, entry.id, error.message, error.key),
      );
      if (failed) this.core.changed(failed.message.conversationId);
      return;
    } finally {
      if (!ack) session.sending.delete(entry.id);
    }
    session.rateLimited.delete(entry.id);
    const update: { mid?: string; time?: number; seq?: number } = {};
    if (ack?.serverMsgId) update.mid = ack.serverMsgId;
    if (typeof ack?.time === 'number') update.time = ack.time;
    // A room message's ack says seq 0: not a sequence number of mine.
    if (typeof ack?.seq === 'number' && ack.seq > 0) update.seq = ack.seq;
    try {
      await this.acked(session, entry.id, update);
    } finally {
      // Only now is it out of the outbox: a flush that read it before must not send it again.
      session.sending.delete(entry.id);
    }
  }

  /**
   * The server's rate limit (509) says "not this second": a burst, such as an outbox flushed after
   * a long time offline, goes on a little later instead of failing. Backs off 1, 2, 4, 8, 16 s (with
   * jitter, so a page's sessions do not retry together); false once that is used up.
   */
  private retryLater(session: Session, entry: OutboxEntry): boolean {
    const tries = session.rateLimited.get(entry.id) ?? 0;
    if (tries >= RATE_LIMIT_RETRIES) {
      session.rateLimited.delete(entry.id);
      return false;
    }
    session.rateLimited.set(entry.id, tries + 1);
    const delay = 1000 * 2 ** tries * (0.75 + Math.random() / 2);
    setTimeout(() => {
      if (this.core.session.value === session) void this.transmit(session, entry);
    }, delay);
    return true;
  }

  /**
   * The frame for an outbox entry. An attachment is uploaded first (once: where it went is kept in
   * the outbox), with its thumbnail; `undefined` when it was cancelled meanwhile.
   */
  private async outgoingOf(
    session: Session,
    entry: OutboxEntry,
  ): Promise<OutgoingMessage | undefined> {
    const common = {
      id: entry.id,
      to: entry.to,
      chatType: entry.chatType,
      // Members' reads of my group messages come back as receipts (`read` once one has read it).
      ...(entry.chatType === 'groupChat' ? { msgConfig: { allowGroupAck: true } } : {}),
    };
    const withExt = <T extends object>(message: T): T =>
      entry.ext ? { ...message, ext: entry.ext } : message;
    switch (entry.type) {
      case 'txt':
        return withExt({ ...common, type: 'txt' as const, msg: entry.text });
      case 'loc': {
        const { addr, lat, lng, buildingName } = entry.location;
        return withExt({
          ...common,
          type: 'loc' as const,
          addr,
          lat,
          lng,
          ...(buildingName ? { buildingName } : {}),
        });
      }
      case 'custom':
        return withExt({
          ...common,
          type: 'custom' as const,
          customEvent: entry.custom.event,
          customExts: entry.custom.exts,
        });
      default:
        break;
    }
    const file = entry.file;
    let uploaded = file.uploaded;
    if (!uploaded) {
      const main = await this.files.uploadOne(session, entry.id, file.file, file.filename);
      let thumb: UploadedFile | undefined;
      if (file.thumbnail) {
        try {
          thumb = await this.files.uploadOne(
            session,
            entry.id,
            file.thumbnail,
            `thumb-${file.filename}`,
            false,
          );
        } catch (error) {
          // A preview is a nicety: the message goes without one, unless it was cancelled.
          if (toChatError(error).type === Codes.requestAbort) throw error;
        }
      }
      uploaded = { url: main.url, secret: main.secret };
      if (thumb) {
        uploaded.thumbUrl = thumb.url;
        uploaded.thumbSecret = thumb.secret;
      }
      const saved = await this.core.whileOpen(() => markUploaded(session.db, entry.id, uploaded!));
      this.files.endProgress(entry.id);
      if (!saved) return undefined;
      this.core.changed(saved.conversationId);
    }
    const fields = {
      url: uploaded.url,
      secret: uploaded.secret,
      filename: file.filename,
      file_length: file.size,
      ...(file.mime ? { filetype: file.mime } : {}),
    };
    const thumb = uploaded.thumbUrl
      ? { thumb: uploaded.thumbUrl, thumb_secret: uploaded.thumbSecret ?? '' }
      : {};
    const size = {
      ...(file.width !== undefined ? { width: file.width } : {}),
      ...(file.height !== undefined ? { height: file.height } : {}),
    };
    switch (entry.type) {
      case 'img':
        return withExt({ ...common, type: 'img' as const, ...fields, ...thumb, ...size });
      case 'video':
        return withExt({
          ...common,
          type: 'video' as const,
          ...fields,
          ...thumb,
          ...size,
          length: file.duration ?? 0,
        });
      case 'audio':
        return withExt({
          ...common,
          type: 'audio' as const,
          ...fields,
          length: file.duration ?? 0,
        });
      default:
        return withExt({ ...common, type: 'file' as const, ...fields });
    }
  }

  async acked(
    session: Session,
    id: string,
    ack: { mid?: string; time?: number; seq?: number },
  ): Promise<void> {
    const sent = await this.core.whileOpen(() => markSent(session.db, id, ack));
    if (sent) this.core.changed(sent.message.conversationId);
    // Deleted here before its ack: a deletion may wait for its server id (deletions.ts).
    else if (ack.mid) {
      const { mid } = ack;
      void deletions()
        .then((d) => d.acked(this.core, session, id, mid))
        .catch(() => undefined);
    }
  }
}
