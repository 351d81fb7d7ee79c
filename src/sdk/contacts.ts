/**
 * Contacts and the blocklist over REST (rest.ts). What the other side sees arrives as contact
 * events (user-events.ts), so the methods here only return the server's answer, except the two
 * reads whose 3.x versions also fired a callback (`onRoster`, `onBlacklistUpdate`).
 */
import {
  RestRoutes,
  type BlocklistResponse,
  type ContactRequestsResponse,
  type ContactsResponse,
  type OkResponse,
} from '../protocol/index.js';
import { named, type Call, type Get, type Route, type RouteContext } from './rest-routes.js';
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

const CONTACTS = RestRoutes.contacts;
const TO = { username: 'to' };
const usernames = ({ name }: Record<string, unknown>) => ({ usernames: [name].flat() });

export const CONTACT_ROUTES: Route[] = [
  ['addContact', RestRoutes.requestContact, ({ to, message }) => ({ to, message })],
  ['deleteContact', named(RestRoutes.deleteContact, TO)],
  ['acceptInvitation acceptContactInvite', named(RestRoutes.acceptContact, TO)],
  ['declineInvitation declineContactInvite', named(RestRoutes.declineContact, TO)],
  ['getContactRequests', RestRoutes.contactRequests],
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
  ['addToBlackList addUsersToBlacklist addUsersToBlocklist', RestRoutes.block, usernames],
  [
    'removeFromBlackList removeUserFromBlackList removeUserFromBlocklist',
    named(RestRoutes.unblock, { username: 'name' }),
  ],
  [
    'getBlacklist getBlocklist',
    RestRoutes.blocklist,
    0,
    (response: BlocklistResponse, { emit }: RouteContext) => {
      const list: BlacklistMap = {};
      for (const name of response.data) list[name] = { name };
      emit('onBlacklistUpdate', list);
      return response;
    },
  ],
];
