import { createContext } from '@lit/context';
import type { ChatStoreApi } from '../store/index.js';

/**
 * The store `<chat-widget>` shares with the elements inside it, so that the login form, the roster
 * and the window all act on the same signed-in user without each repeating `app-key`.
 */
export const chatStoreContext = createContext<ChatStoreApi | undefined>(Symbol('chat-store'));
