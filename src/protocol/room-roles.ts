/**
 * Roles in groups and rooms and who moderates whom, in a module of their own: only the server and
 * Group info (a chunk loaded when first shown) read the ranks, so the signed-in page does not
 * carry them (build/budgets.ts).
 */
import type { GroupRole } from './rest-groups.js';

/**
 * One's standing in a room: `owner` who made it, `roomAdmin` one of the app's room admins (who
 * create rooms and manage every room as its owner does), `admin` a member its managers made admin,
 * `member` anyone else.
 */
export type RoomRole = GroupRole | 'roomAdmin';

/**
 * Who moderates whom in a group or a room: one removes, bans or mutes only those ranked below them,
 * and a room's managers (its owner and the app's room admins) rank alike. The server's rule
 * (server/domain/rooms.ts) and what Group and Room info offer (test/server/room-ranks.test.ts).
 */
export const RoleRanks = { member: 0, admin: 1, roomAdmin: 2, owner: 2 } as const satisfies Record<
  RoomRole,
  number
>;
