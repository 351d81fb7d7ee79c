/** Agora's success envelope and user entity. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EntitiesResponse, OkResponse, UserEntity } from '../../src/protocol/rest.js';
import type { AppRecord, PushTokenRecord, UserRecord } from '../storage/storage.js';

/** The answer of a change that returns nothing else. */
export const okResponse: OkResponse = { data: { result: true } };

export function userEntity(
  user: UserRecord,
  pushTokens?: PushTokenRecord[],
  guest = false,
): UserEntity {
  const entity: UserEntity = {
    uuid: user.uuid,
    type: 'user',
    created: user.created,
    modified: user.modified,
    username: user.username,
    activated: true,
  };
  if (user.nickname !== null) entity.nickname = user.nickname;
  if (guest) entity.guest = true;
  if (pushTokens) {
    entity.pushInfo = pushTokens.map((token) => ({
      device_id: token.deviceId,
      device_token: token.deviceToken,
      notifier_name: token.notifierName,
    }));
  }
  return entity;
}

export function entitiesResponse<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  app: AppRecord,
  path: string,
  entities: T[],
): EntitiesResponse<T> {
  return {
    action: request.method.toLowerCase(),
    application: app.uuid,
    path,
    uri: `${request.protocol}://${request.host}/${app.org}/${app.name}${path}`,
    entities,
    timestamp: Date.now(),
    duration: Math.round(reply.elapsedTime),
    organization: app.org,
    applicationName: app.name,
  };
}
