import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Observable, Subscription } from 'rxjs';

/**
 * Holds the latest value of an observable and re-renders its host on each emission. It subscribes
 * only while the host is connected, so an element removed from the page holds no subscription.
 *
 * The source is given as a factory plus the inputs it depends on (like a memo): `observe()` may be
 * called on every update, and it re-subscribes only when an input changed, because factories such as
 * `store.messages$(id)` return a new observable on each call.
 */
export class ObservableController<T> implements ReactiveController {
  value: T;
  /** Whether the current source has emitted yet (else `value` is still the initial one). */
  received = false;
  private deps: readonly unknown[] | undefined;
  private factory: () => Observable<T> | undefined = () => undefined;
  private subscription: Subscription | undefined;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly initial: T,
  ) {
    this.value = initial;
    host.addController(this);
  }

  observe(deps: readonly unknown[], factory: () => Observable<T> | undefined): void {
    if (
      this.deps &&
      deps.length === this.deps.length &&
      deps.every((d, i) => d === this.deps?.[i])
    ) {
      return;
    }
    this.deps = deps;
    this.factory = factory;
    this.unsubscribe();
    this.value = this.initial;
    this.received = false;
    if (this.connected) this.subscribe();
  }

  hostConnected(): void {
    this.connected = true;
    this.subscribe();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe();
  }

  private subscribe(): void {
    this.subscription = this.factory()?.subscribe((value) => {
      this.value = value;
      this.received = true;
      this.host.requestUpdate();
    });
  }

  private unsubscribe(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
