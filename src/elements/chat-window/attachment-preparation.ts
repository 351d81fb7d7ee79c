/** What the composer learns about a file in the browser before uploading it. */
export interface PreparedAttachment {
  kind: 'img' | 'audio' | 'video' | 'file';
  /** A JPEG at most {@link THUMB_MAX} px on its longer side: an image, a video's first frame. */
  thumbnail?: Blob;
  width?: number;
  height?: number;
  /** Seconds, for audio and video. */
  duration?: number;
}

/** Longer side of a thumbnail, in CSS px: sharp enough for a bubble, small enough to send first. */
export const THUMB_MAX = 320;

/**
 * Chooses the message kind by MIME type and reads what the message needs: an image's size and a
 * thumbnail, a recording's duration. A file the browser cannot decode still goes as a plain file
 * rather than failing: the recipient can always download it.
 */
export async function prepareAttachment(file: Blob): Promise<PreparedAttachment> {
  const major = file.type.split('/')[0];
  try {
    if (major === 'image') return { kind: 'img', ...(await thumbnail(file)) };
    if (major === 'audio' || major === 'video') {
      return { kind: major, ...(await mediaInfo(file, major)) };
    }
  } catch {
    // Undecodable (a truncated image, an unsupported codec): sent as a file below.
  }
  return { kind: 'file' };
}

async function thumbnail(file: Blob) {
  const bitmap = await createImageBitmap(file);
  const { width, height } = bitmap;
  const blob = await scaledJpeg(bitmap, width, height);
  bitmap.close();
  return { width, height, thumbnail: blob };
}

/** `source` drawn at most {@link THUMB_MAX} px on its longer side, as a JPEG. */
async function scaledJpeg(source: CanvasImageSource, width: number, height: number) {
  const scale = Math.min(1, THUMB_MAX / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  canvas.getContext('2d')!.drawImage(source, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, 'image/jpeg', 0.8),
  );
  return blob ?? undefined;
}

/**
 * Loads only the metadata of a recording (and, for a video, its first frame as the thumbnail)
 * through an `<audio>` or `<video>` element.
 */
async function mediaInfo(file: Blob, kind: 'audio' | 'video') {
  const url = URL.createObjectURL(file);
  const media = document.createElement(kind);
  const loaded = (event: string) =>
    new Promise((resolve, reject) => {
      media.addEventListener(event, resolve, { once: true });
      media.onerror = reject;
    });
  try {
    media.preload = 'metadata';
    media.muted = true;
    const metadata = loaded('loadedmetadata');
    media.src = url;
    await metadata;
    // MediaRecorder output (WebM) reports Infinity until played through: read it as unknown.
    const duration = Number.isFinite(media.duration) ? Math.round(media.duration) : 0;
    if (!(media instanceof HTMLVideoElement)) return { duration };
    const { videoWidth: width, videoHeight: height } = media;
    const frame = loaded('seeked');
    media.currentTime = 0;
    await frame;
    return { duration, width, height, thumbnail: await scaledJpeg(media, width, height) };
  } finally {
    media.removeAttribute('src');
    URL.revokeObjectURL(url);
  }
}

// Shown by the file card; kept apart so the bubbles need not load this module, which the
// composer imports only when a file is sent.
export { humanSize } from './human-size.js';
