import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Subscription } from 'rxjs';
import type { ChatStoreApi } from '../../store/index.js';

/**
 * Display names (nickname, else username) of the users the host shows, e.g. the senders in a
 * group: `track()` is called on every update with those usernames; names no longer given are
 * unsubscribed. Until the store answers, `get()` gives the username.
 */
export class DisplayNameController implements ReactiveController {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly names = new Map<string, string>();
  private store?: ChatStoreApi;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get(username: string): string {
    return this.names.get(username) ?? username;
  }

  track(store: ChatStoreApi | undefined, usernames: Iterable<string>): void {
    if (store !== this.store) this.hostDisconnected();
    this.store = store;
    const wanted = new Set(usernames);
    for (const [name, subscription] of this.subscriptions) {
      if (!wanted.has(name)) {
        subscription.unsubscribe();
        this.subscriptions.delete(name);
      }
    }
    if (!store) return;
    for (const name of wanted) {
      if (this.subscriptions.has(name)) continue;
      this.subscriptions.set(
        name,
        store.displayName$(name).subscribe((value) => {
          if (this.names.get(name) === value) return;
          this.names.set(name, value);
          this.host.requestUpdate();
        }),
      );
    }
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    for (const subscription of this.subscriptions.values()) subscription.unsubscribe();
    this.subscriptions.clear();
    this.names.clear();
  }
}
