/**
 * A picture, audio, video or file message whose `file` is a Blob or `FileObject`: its file (and
 * `thumb`) are uploaded as chatfiles before it is sent, and the body then names them (`url`,
 * `secret`, `filename`, `file_length`, `filetype`; `thumb`, `thumb_secret`).
 */
import {
  toFileObject,
  uploadFile,
  type FileObject,
  type Upload,
  type UploadOptions,
} from './file-transfer.js';
import type { MessageBody } from './message.js';
import { wrongFile } from './send-frames.js';

/**
 * Uploads a file message's `file` (and `thumb`) to `host` for `appKey` with `token`; the body to
 * send then names them. The uploads in flight are in `uploads` by message id meanwhile
 * (`cancelUpload` aborts them).
 */
export async function uploadFiles(
  body: MessageBody,
  host: string,
  appKey: string,
  token: string | undefined,
  uploads: Map<string, Upload[]>,
): Promise<MessageBody> {
  const file = toFileObject(body.file);
  const mime = file?.data.type ?? '';
  const problem = mime && wrongFile(body.type, mime);
  if (problem) throw { type: 205, message: problem };
  const start = (data: FileObject | undefined, callbacks: object) =>
    uploadFile({
      ...(callbacks as Partial<UploadOptions>),
      uploadUrl: undefined,
      file: data!,
      apiUrl: host,
      appKey,
      accessToken: token,
    });
  // The body's onFileUpload* callbacks are the main file's.
  const main = start(file, body);
  const thumbFile = toFileObject(body.thumb);
  const started = thumbFile ? [main, start(thumbFile, {})] : [main];
  uploads.set(body.id, started);
  try {
    const [done, thumb] = await Promise.all(started);
    const [org, app] = appKey.split('#').map(encodeURIComponent);
    const urlOf = (response: typeof done) =>
      `${host}/${org}/${app}/chatfiles/${response!.entities[0]!.uuid}`;
    const secretOf = (response: typeof done) => response!.entities[0]!['share-secret'];
    const extra = thumb ? { thumb: urlOf(thumb), thumb_secret: secretOf(thumb) } : {};
    return {
      ...body,
      url: urlOf(done),
      secret: secretOf(done),
      filename: (body.filename as string | undefined) || file!.filename || 'file',
      file_length: file!.data.size,
      filetype: mime,
      ...extra,
    };
  } catch (error) {
    started.forEach((upload) => upload.abort());
    throw error;
  } finally {
    uploads.delete(body.id);
  }
}
