/**
 * Contacts and the blocklist over REST (rest.ts). What the other side sees arrives as contact
 * events (user-events.ts), so the methods here only return the server's answer, except the two
 * reads whose 3.x versions also fired a callback (`onRoster`, `onBlacklistUpdate`).
 */
import type {
  BlocklistResponse,
  ContactRequestsResponse,
  ContactsResponse,
  OkResponse,
} from '../protocol/index.js';
import type { Call, Get, Route, RouteContext } from './rest-routes.js';
import type { BlacklistMap, RosterItem } from './types.js';

type Contact = (to: string, message?: string) => Promise<OkResponse>;

export type ContactMethods = Record<
  | 'addContact'
  | 'deleteContact'
  | 'acceptInvitation'
  | 'acceptContactInvite'
  | 'declineInvitation'
  | 'declineContactInvite',
  Contact
> & {
  /** Fires `onRoster(list)` too. */
  getRoster: Get<RosterItem[]>;
  /** Pending requests, mine and to me (not in other SDKs). */
  getContactRequests: Get<ContactRequestsResponse>;
} & Record<'getContacts' | 'getAllContacts', Get<{ type: 0; data: string[] }>> &
  Record<
    | 'addToBlackList'
    | 'addUsersToBlacklist'
    | 'addUsersToBlocklist'
    | 'removeFromBlackList'
    | 'removeUserFromBlackList'
    | 'removeUserFromBlocklist',
    Call<{ name: string | string[] }, BlocklistResponse>
  > &
  /** Fires `onBlacklistUpdate(list)` too. */
  Record<'getBlacklist' | 'getBlocklist', Get<BlocklistResponse>>;

const CONTACTS = 'GET /users/{me}/contacts/users';
const REQUESTS = '/users/{me}/contacts/requests';
const BLOCKS = '/users/{me}/blocks/users';
const usernames = ({ name }: Record<string, unknown>) => ({ usernames: [name].flat() });

export const CONTACT_ROUTES: Route[] = [
  ['addContact', `POST ${REQUESTS}`, ({ to, message }) => ({ to, message })],
  ['deleteContact', 'DELETE /users/{me}/contacts/users/{to}'],
  ['acceptInvitation acceptContactInvite', `POST ${REQUESTS}/{to}/accept`],
  ['declineInvitation declineContactInvite', `POST ${REQUESTS}/{to}/decline`],
  ['getContactRequests', `GET ${REQUESTS}`],
  [
    'getRoster',
    CONTACTS,
    0,
    ({ entities }: ContactsResponse, { emit, appKey }: RouteContext) => {
      const list: RosterItem[] = entities.map(({ username: name, nickname, online }) => ({
        name,
        subscription: 'both',
        jid: `${appKey}_${name}@easemob.com`,
        ...(nickname ? { nickname } : {}),
        online,
      }));
      emit('onRoster', list);
      return list;
    },
  ],
  [
    'getContacts getAllContacts',
    CONTACTS,
    0,
    ({ entities }: ContactsResponse) => ({ type: 0, data: entities.map((c) => c.username) }),
  ],
  ['addToBlackList addUsersToBlacklist addUsersToBlocklist', `POST ${BLOCKS}`, usernames],
  [
    'removeFromBlackList removeUserFromBlackList removeUserFromBlocklist',
    `DELETE ${BLOCKS}/{name}`,
  ],
  [
    'getBlacklist getBlocklist',
    `GET ${BLOCKS}`,
    0,
    (response: BlocklistResponse, { emit }: RouteContext) => {
      const list: BlacklistMap = {};
      for (const name of response.data) list[name] = { name };
      emit('onBlacklistUpdate', list);
      return response;
    },
  ],
];
