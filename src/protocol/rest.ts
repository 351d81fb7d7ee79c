/**
 * REST bodies, on Agora Chat's paths (base `{apiUrl}/{org}/{app}`, app key `org#app`). The routes
 * themselves, as both sides use them, are the table of routes.ts; the tables of the files re-exported
 * here, one per area, say what each carries: rest-users.ts (users and tokens, chatfiles, history),
 * rest-contacts.ts (contacts and blocklist), rest-groups.ts, rest-rooms.ts (chat rooms),
 * rest-reactions.ts; rest-answers.ts wraps every answer, rest-limits.ts bounds what they carry.
 *
 * Every failure answers with an {@link ErrorBody} and the HTTP status Agora uses.
 */
export * from './rest-answers.js';
export type * from './rest-users.js';
export type * from './rest-contacts.js';
export type * from './rest-groups.js';
export type * from './rest-rooms.js';
export type * from './rest-reactions.js';
export * from './rest-limits.js';
