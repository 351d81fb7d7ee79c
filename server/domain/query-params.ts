/** A REST query's parameters, as the routes over one conversation read them. */
import { Limits } from '../../src/protocol/rest.js';
import { invalid } from './errors.js';
import { checkUsername } from './users.js';

export type Query = Record<string, unknown>;

/** The conversation kinds a user's own history holds (rooms keep none). */
export type HistoryChatType = 'singleChat' | 'groupChat';

/** A parameter given once; undefined when absent or empty, 400 when repeated. */
export function optionalParam(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be given once`);
  return value;
}

/**
 * The conversation a query names: the other user or the group id in `name`, and `chatType`
 * (`singleChat` when absent). A numeric id is a group's and needs `groupChat`, since storage reads a
 * numeric peer as a group: whoever acts on a group must still check the caller is a member.
 */
export function conversationParams(query: Query, name: string): [string, HistoryChatType] {
  const peer = optionalParam(query, name);
  if (peer === undefined) throw invalid(`${name} is required: the other user, or the group id`);
  const chatType = optionalParam(query, 'chatType') ?? 'singleChat';
  if (chatType === 'groupChat') {
    if (!Limits.numericIdPattern.test(peer)) throw invalid(`${name} must be a group id`);
  } else if (chatType === 'singleChat') {
    checkUsername(peer);
    if (Limits.numericIdPattern.test(peer)) {
      throw invalid(`${peer} is a group id: ask with chatType=groupChat`);
    }
  } else {
    throw invalid('chatType must be singleChat or groupChat');
  }
  return [peer, chatType];
}
