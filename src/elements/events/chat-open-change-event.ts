/** Fired by `<chat-widget>` when the user opens or closes the chat panel. */
export class ChatOpenChangeEvent extends Event {
  static readonly eventName = 'chat-open-change';

  constructor(
    /** Whether the panel is now open. */
    readonly open: boolean,
  ) {
    super(ChatOpenChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-open-change': ChatOpenChangeEvent;
  }
}
