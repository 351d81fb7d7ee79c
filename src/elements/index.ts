/**
 * The chat elements. Importing this module defines `<chat-widget>`, `<chat-login>`,
 * `<chat-roster>` (with `<chat-contacts>`, `<chat-groups>`, `<chat-rooms>`), `<chat-window>` (with
 * `<chat-group-info>`), `<chat-notices>`, `<chat-password>` and `<chat-cues>`; nothing runs against the page
 * until one is used. `<chat-emoji-picker>` is defined by its own module,
 * `chat-emoji-picker/chat-emoji-picker.js`, which the window imports when its picker is first
 * opened (the picker library defines `<emoji-picker>` as it loads).
 */
export { ChatWidget } from './chat-widget/chat-widget.js';
export { ChatLogin, type LoginMode } from './chat-login/chat-login.js';
export { ChatRoster, type RosterTab } from './chat-roster/chat-roster.js';
export { ChatContacts } from './chat-contacts/chat-contacts.js';
export { ChatGroups } from './chat-groups/chat-groups.js';
export { ChatRooms } from './chat-rooms/chat-rooms.js';
export { ChatGroupInfo } from './chat-group-info/chat-group-info.js';
export { ChatNotices } from './chat-notices/chat-notices.js';
export { ChatPassword } from './chat-password/chat-password.js';
export { ChatWindow } from './chat-window/chat-window.js';
export { ChatVisitorInfo } from './chat-visitor-info/chat-visitor-info.js';
export { ChatCues } from './chat-cues/chat-cues.js';
export { chatStoreContext } from './context.js';
export { ObservableController } from './controllers/observable-controller.js';
export { StoreController, type StoreHost } from './controllers/store-controller.js';
export { ChatConversationSelectEvent } from './events/chat-conversation-select-event.js';
export { ChatEmojiSelectEvent } from './events/chat-emoji-select-event.js';
export { ChatLoginEvent } from './events/chat-login-event.js';
export { ChatOpenChangeEvent } from './events/chat-open-change-event.js';
export { ChatPasswordChangeEvent } from './events/chat-password-change-event.js';
export { ChatUnreadChangeEvent } from './events/chat-unread-change-event.js';
export { ChatRegisterEvent } from './events/chat-register-event.js';
export { ChatRequestLogoutEvent } from './events/chat-request-logout-event.js';
export { ChatSendEvent } from './events/chat-send-event.js';
