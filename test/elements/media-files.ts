// Real media files made in the browser, for attachment tests: decodable by the browser that reads
// them back, so thumbnails and durations are computed from the bytes, not assumed.

/** A PNG of `width` × `height`, drawn on a canvas. */
export async function pngFile(width: number, height: number, name = 'picture.png'): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#1d4ed8';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#fbbf24';
  context.fillRect(width / 4, height / 4, width / 2, height / 2);
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'),
  );
  return new File([blob], name, { type: 'image/png' });
}

/** A mono 16-bit PCM WAV of silence, `seconds` long. */
export function wavFile(seconds: number, name = 'sound.wav', rate = 8000): File {
  const samples = seconds * rate;
  const view = new DataView(new ArrayBuffer(44 + samples * 2));
  const ascii = (offset: number, text: string) =>
    [...text].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples * 2, true);
  return new File([view.buffer], name, { type: 'audio/wav' });
}

/** `size` bytes of a repeating pattern, as a plain file. */
export function binaryFile(size: number, name = 'data.bin', type = 'application/octet-stream') {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = i % 251;
  return new File([bytes], name, { type });
}

/** A DataTransfer holding `files`, as a drop or a paste carries them. */
export function transferOf(...files: File[]): DataTransfer {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer;
}

/** The bytes behind a URL (an object URL the element made, a chatfile with its headers). */
export async function bytesOf(
  url: string,
  headers?: HeadersInit,
): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A short WebM video recorded from a canvas with MediaRecorder, as a camera app would make one. */
export async function webmVideo(name = 'clip.webm'): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const context = canvas.getContext('2d')!;
  const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  // A few distinct frames, each drawn when the browser composites the previous one.
  for (let i = 0; i < 10; i += 1) {
    context.fillStyle = `hsl(${i * 36} 80% 50%)`;
    context.fillRect(0, 0, 64, 48);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  recorder.stop();
  await stopped;
  return new File(chunks, name, { type: 'video/webm' });
}
