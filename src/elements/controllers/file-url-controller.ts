import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Object URLs of attachments, fetched on demand through the store. The server wants the token and
 * the share secret as headers, so a plain `src` cannot load a chatfile. The store owns (caches and
 * revokes) the URLs; this only remembers which ones the host has, so that rendering stays
 * synchronous and each file is asked for once.
 */
export class FileUrlController implements ReactiveController {
  private readonly urls = new Map<string, string>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Keys whose fetch failed: not retried on every render, only on an explicit `load`. */
  private readonly failed = new Set<string>();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The URL under `key` if fetched. */
  get(key: string): string | undefined {
    return this.urls.get(key);
  }

  /** Fetches once per key (concurrent calls share the fetch) and re-renders the host when done. */
  load(key: string, fetch: () => Promise<string>, retry = true): Promise<string> | undefined {
    if (!retry && this.failed.has(key)) return undefined;
    let promise = this.pending.get(key);
    if (!promise) {
      this.failed.delete(key);
      promise = fetch().then(
        (url) => {
          this.urls.set(key, url);
          this.host.requestUpdate();
          return url;
        },
        (error: unknown) => {
          this.pending.delete(key);
          this.failed.add(key);
          throw error;
        },
      );
      this.pending.set(key, promise);
    }
    return promise;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.urls.clear();
    this.pending.clear();
    this.failed.clear();
  }
}
