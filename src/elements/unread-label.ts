import { plural } from './plural.js';

/** How an unread count reads aloud: "1 unread message", "3 unread messages". */
export const unreadLabel = (count: number): string => plural(count, 'unread message');
