/**
 * Contacts and blocklist (Bearer; `{me}` must be the token's user). Each change is also pushed to
 * the users concerned as a `ContactEvent` (frames.ts).
 *
 * | request | body | success |
 * | --- | --- | --- |
 * | `GET /{org}/{app}/users/{me}/contacts/users` | – | {@link ContactsResponse} |
 * | `DELETE /{org}/{app}/users/{me}/contacts/users/{friend}` | – | {@link OkResponse} |
 * | `GET /{org}/{app}/users/{me}/contacts/requests` | – | {@link ContactRequestsResponse} (pending, both ways) |
 * | `POST /{org}/{app}/users/{me}/contacts/requests` | {@link ContactRequestBody} | {@link OkResponse} |
 * | `POST /{org}/{app}/users/{me}/contacts/requests/{from}/accept` | – | {@link OkResponse} |
 * | `POST /{org}/{app}/users/{me}/contacts/requests/{from}/decline` | – | {@link OkResponse} |
 * | `GET /{org}/{app}/users/{me}/blocks/users` | – | {@link BlocklistResponse} |
 * | `POST /{org}/{app}/users/{me}/blocks/users` | {@link BlockRequest} | {@link BlocklistResponse} (the whole list) |
 * | `DELETE /{org}/{app}/users/{me}/blocks/users/{user}` | – | {@link BlocklistResponse} (the whole list) |
 *
 * - A request to someone who already asked me accepts theirs (both become contacts). A request to
 *   an existing contact, to myself, or a second pending one: 400 `illegal_argument`. To an unknown
 *   user: 404 `service_resource_not_found`. From someone the recipient blocked: 403 `forbidden_op`.
 * - accept / decline without a pending request from `{from}`: 404.
 * - Blocking keeps the contact; it stops the blocked user's 1:1 messages (nack 603), contact
 *   requests and group invitations to me (403), and their group and room messages are not
 *   delivered to me.
 * - Blocking someone already blocked, or unblocking someone not blocked, changes nothing (200, the
 *   list). Limits, 400 `illegal_argument`: `message` over `Limits.requestMessageMaxChars`; my
 *   contacts plus my pending requests reaching `Limits.contactsMax`; a blocklist past
 *   `Limits.blocklistMax` (nothing is added). Requests count against
 *   `Limits.invitationsPerMinute`: 429 `reach_limit`.
 */

export interface ContactEntry {
  username: string;
  nickname?: string;
  /** Has at least one session open now. */
  online: boolean;
}

export interface ContactsResponse {
  entities: ContactEntry[];
}

export interface ContactRequestBody {
  to: string;
  /** Shown to the recipient; at most `Limits.requestMessageMaxChars`. */
  message?: string;
}

export interface ContactRequestEntry {
  from: string;
  to: string;
  message: string;
  time: number;
}

export interface ContactRequestsResponse {
  entities: ContactRequestEntry[];
}

export interface BlockRequest {
  usernames: string[];
}

export interface BlocklistResponse {
  data: string[];
}
