import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Subscription } from 'rxjs';
import type { ChatStoreApi, UploadProgress } from '../../store/index.js';

/**
 * Follows the upload progress of the pending attachments the host shows: `track()` is called on
 * every update with those message ids; ids no longer given are unsubscribed.
 */
export class UploadProgressController implements ReactiveController {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly values = new Map<string, UploadProgress | null>();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get(id: string): UploadProgress | null | undefined {
    return this.values.get(id);
  }

  track(store: ChatStoreApi | undefined, ids: readonly string[]): void {
    for (const [id, subscription] of this.subscriptions) {
      if (!ids.includes(id)) this.drop(id, subscription);
    }
    if (!store) return;
    for (const id of ids) {
      if (this.subscriptions.has(id)) continue;
      this.subscriptions.set(
        id,
        store.uploadProgress$(id).subscribe((value) => {
          this.values.set(id, value);
          this.host.requestUpdate();
        }),
      );
    }
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    for (const [id, subscription] of this.subscriptions) this.drop(id, subscription);
  }

  private drop(id: string, subscription: Subscription): void {
    subscription.unsubscribe();
    this.subscriptions.delete(id);
    this.values.delete(id);
  }
}
