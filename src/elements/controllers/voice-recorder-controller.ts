import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Records a voice message with `MediaRecorder`: `toggle()` starts (asking for the microphone) and
 * stops, handing the recording to `onRecorded` as a file with its length in whole seconds (at
 * least 1), timed while recording because a recorded WebM states no duration. Errors become `error` in plain words;
 * the microphone is released on stop and when the host leaves the page. A chunk: the composer
 * imports it the first time its record button is pressed.
 */
export class VoiceRecorderController implements ReactiveController {
  recording = false;
  /** Why recording did not start, as a catalog key; `undefined` when it did. */
  error: MicrophoneError | undefined;
  private recorder: MediaRecorder | undefined;
  private discard = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onRecorded: (file: File, seconds: number) => void,
  ) {
    host.addController(this);
  }

  async toggle(): Promise<void> {
    if (this.recorder) {
      this.recorder.stop();
      return;
    }
    this.error = undefined;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      this.error = microphoneError(error);
      this.host.requestUpdate();
      return;
    }
    const recorder = new MediaRecorder(stream);
    const chunks: Blob[] = [];
    let started = 0;
    recorder.onstart = () => (started = performance.now());
    recorder.ondataavailable = (event) => chunks.push(event.data);
    recorder.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      this.recorder = undefined;
      this.recording = false;
      this.host.requestUpdate();
      if (this.discard || !chunks.length) return;
      const type = recorder.mimeType || 'audio/webm';
      const extension = type.split(/[/;]/)[1] ?? 'webm';
      const seconds = Math.max(1, Math.round((performance.now() - started) / 1000));
      this.onRecorded(new File(chunks, `voice-message.${extension}`, { type }), seconds);
    };
    this.discard = false;
    this.recorder = recorder;
    this.recording = true;
    recorder.start();
    this.host.requestUpdate();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    // A widget closed mid-recording must not keep the microphone (and its indicator) on.
    this.discard = true;
    this.recorder?.stop();
  }
}

type MicrophoneError =
  'window.micBlocked' | 'window.micMissing' | 'window.micBusy' | 'window.micFailed';

function microphoneError(error: unknown): MicrophoneError {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'window.micBlocked';
  if (name === 'NotFoundError') return 'window.micMissing';
  if (name === 'NotReadableError') return 'window.micBusy';
  return 'window.micFailed';
}
