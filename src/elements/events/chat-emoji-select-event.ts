/** Fired by `<chat-emoji-picker>` when the user picks an emoji (click, tap, or Enter on it). */
export class ChatEmojiSelectEvent extends Event {
  static readonly eventName = 'chat-emoji-select';

  constructor(
    /** The emoji as text, with the skin tone the user chose: what goes into a message. */
    readonly emoji: string,
    /** Its name in the picker's language ("grinning face"), for an accessible label. */
    readonly name: string,
  ) {
    super(ChatEmojiSelectEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-emoji-select': ChatEmojiSelectEvent;
  }
}
