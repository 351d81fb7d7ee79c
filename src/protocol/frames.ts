/**
 * The openwebim WebSocket protocol: the session the client and the server hold, told here; the
 * frames and what they carry live in the files re-exported at the end (client-frames.ts,
 * server-frames.ts, message-bodies.ts, inbox-events.ts, frame-limits.ts).
 *
 * Transport: one WebSocket at `ws(s)://{host}/websocket?app_key={org#app, URL-encoded}`. Each frame
 * is one JSON text message, an object whose `t` names its kind. Binary frames are refused. A frame
 * larger than {@link MAX_FRAME_BYTES} closes the socket with {@link CloseCode.TooLarge}.
 *
 * ## Session
 * 1. The client opens the socket and sends `auth` first; anything else before `auth` is refused
 *    with `error` and the socket is closed ({@link CloseCode.AuthFailed}).
 * 2. The server answers `auth-ok` (then delivers, in order, every stored message after the sync
 *    cursor, ending with `sync-done`) or `auth-error` followed by a close.
 * 3. The client sends `ping` every `heartbeatMs` (from `auth-ok`); the server answers `pong`. A
 *    server that hears nothing for three intervals closes the socket; a client that gets no `pong`
 *    within one interval treats the socket as dead and reconnects.
 * 4. Messages: the client sends `msg` with its own id; the server validates and stores it (once per
 *    sender + client id: a resend gets the same `ack` and is not delivered twice), answers `ack` (or
 *    `nack`), and pushes `msg` frames to every session of the recipient and to the sender's other
 *    sessions. Every pushed message carries the receiving user's sequence number `seq`.
 * 5. The client reports how far it has processed with `recv` (batched); the server keeps that as the
 *    device's cursor, so a client that reconnects without a cursor of its own still resumes there.
 *    A client that closes sends its last `recv` first. The server takes a `recv` it reads after it
 *    ended the session (a kick crossing it: a sign-out revokes the token as the client closes).
 * 6. The server may end a session with `kicked` (another login, token expired) before closing it; the
 *    client must not reconnect after `kicked`.
 * 7. Receipts, recall and edits (message-edits.ts): `delivery`, `read` and `channel` acks and `recall` requests travel as their
 *    own frames; the server stores each as an {@link InboxEvent} in the inbox of every user it concerns
 *    (so they survive being offline, like messages) and pushes it as `event`. A recall is answered
 *    `recalled` (or `nack`, e.g. 504 past the app's recall window, 603 not the sender).
 * 8. Contacts, blocklist and groups change over REST (see rest.ts); each change is stored as a
 *    {@link ContactEvent} or {@link GroupEvent} in the inbox of every user it concerns and pushed as
 *    `event`, so a friend request or a group invitation made while someone is offline reaches them
 *    when they connect, and the actor's other devices learn what this device did.
 * 9. Presence: when a user's first session opens or last session closes, the sessions of each of
 *    their contacts get `presence` (live only, never replayed; the roster over REST says who is
 *    online at the time it is read).
 * 10. Chat rooms: a room message is pushed live, with `seq` 0, to the sessions of the room's members
 *    and is kept in the room's recent window (`GET /{org}/{app}/chatrooms/{id}/messages`), never in
 *    an inbox: a member who was not connected does not get it later. Room changes (join, leave,
 *    kick, destroy) are pushed live as `room`. Clients must not report seq 0 with `recv`.
 * 11. Online only: a `msg` with `deliverOnlineOnly: true` (the 4.x SDK's option, meant for typing
 *    indicators and other signals that are stale a moment later) is checked as any message (the
 *    same refusals, the same rate limit), then pushed live, with `seq` 0 and `deliverOnlineOnly`,
 *    to the recipients' sessions open now and to the sender's other sessions, and stored nowhere:
 *    no inbox, no history, no unread count, no replay, no room window. Its `ack` has `seq` 0 and
 *    a `mid` that names nothing stored (no receipt, recall or edit can refer to it). A resend of
 *    the same id is delivered again (nothing remembers the first). Attachments cannot go this way
 *    (a recipient may only download a file a stored message gives them).
 *
 * ## Groups and rooms on the wire
 * A group message is a `msg` with `chatType: 'groupChat'` and `to` = the group id; the server stores
 * it once and puts it in the inbox of every member (each with their own seq), the sender's included.
 * Refusals (as `nack`): 605 no such group, 602 not a member (a banned user is not one), 507 muted in
 * this group, or everyone muted (`disableSendGroupMsg`) and the sender neither owner nor admin; the
 * nack's reason says which. Room messages use `chatType: 'chatRoom'`, `to` = the room id: 705 no
 * such room, 702 not a member, 507 muted as in groups. A 1:1 message to someone who blocked the
 * sender: 603.
 * Group and room ids are numeric strings of 15 or more digits (like Agora's); a username of only
 * digits, 15 or more of them, is refused at registration, so ids and usernames never collide.
 *
 * ## Sequence numbers and the sync cursor
 * Each user has one ordered inbox: every message they send or receive gets the next `seq` of that
 * user (1, 2, 3…). `auth.since` is the highest seq the client has safely stored; the server then
 * replays every message with a higher seq. Without `since`, the server uses the cursor last reported
 * by this `deviceId`, or, for a device it has never seen, the highest seq any device of the user has
 * reported (so a new device gets the offline messages no device has had yet, not the whole history).
 * Inbox events (receipts, recalls) share the same sequence: replay interleaves them with messages in
 * seq order. Older history is read over REST (`GET /{org}/{app}/users/{me}/messages`, see rest.ts).
 *
 * ## Files
 * Attachments are uploaded first over REST (`POST /{org}/{app}/chatfiles`, see rest.ts); the message
 * then carries the file's `url` (`{apiUrl}/{org}/{app}/chatfiles/{uuid}`) and `secret`. The server only
 * accepts a url naming a chatfile the sender uploaded, and from then on lets every participant of the
 * conversation download it. Pictures and videos may carry a thumbnail made in the browser, uploaded as
 * a chatfile of its own (`thumb`, `thumb_secret`).
 */
export * from './message-bodies.js';
export * from './frame-limits.js';
export type * from './client-frames.js';
export * from './inbox-events.js';
export * from './server-frames.js';
