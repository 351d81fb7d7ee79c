/**
 * Contacts and blocklist, on Agora's paths (the table in src/protocol/rest.ts). Only for yourself:
 * `{me}` must be the token's user. Every change is pushed to the sessions of the users it concerns
 * as `event` frames; the storage has put the same events in their inboxes for replay.
 */
import type { FastifyInstance } from 'fastify';
import type {
  BlocklistResponse,
  ContactsResponse,
  ContactRequestsResponse,
} from '../../src/protocol/rest.js';
import { Limits } from '../../src/protocol/rest.js';
import type { Fanout } from '../bus/fanout.js';
import type { Presence } from '../bus/presence.js';
import { invitationKey, type Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import { checkUsername } from '../domain/users.js';
import { jsonObject, optionalString, requiredString } from './body-fields.js';
import { okResponse } from './entities.js';
import { authenticateSelf, rateLimit, requireApp, type MeParams } from './request-context.js';

interface OtherParams extends MeParams {
  other: string;
}

function usernameList(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > Limits.blocklistMax ||
    !value.every((name) => typeof name === 'string')
  ) {
    throw invalid(`usernames must be an array of 1 to ${Limits.blocklistMax} usernames`);
  }
  const names = value as string[];
  for (const name of names) checkUsername(name);
  return names;
}

export interface ContactsRouteDeps {
  domain: Domain;
  fanout: Fanout;
  presence: Presence;
}

export function contactsRoutes(server: FastifyInstance, deps: ContactsRouteDeps): void {
  const { domain, fanout, presence } = deps;
  const base = '/:org/:app/users/:username';

  /** The app and the caller, who must be `{me}`. */
  const self = async (request: Parameters<typeof requireApp>[1] & { params: MeParams }) => {
    const app = await requireApp(domain, request);
    await authenticateSelf(domain, request, app, request.params.username);
    return app;
  };

  server.get<{ Params: MeParams }>(`${base}/contacts/users`, async (request) => {
    const app = await self(request);
    const contacts = await domain.contacts.list(app, request.params.username);
    const online = await presence.online(
      app.key,
      contacts.map((contact) => contact.username),
    );
    const response: ContactsResponse = {
      entities: contacts.map((contact) => ({
        username: contact.username,
        ...(contact.nickname === null ? {} : { nickname: contact.nickname }),
        online: online.has(contact.username),
      })),
    };
    return response;
  });

  server.delete<{ Params: OtherParams }>(`${base}/contacts/users/:other`, async (request) => {
    const app = await self(request);
    const events = await domain.contacts.remove(app, request.params.username, request.params.other);
    await fanout.events(app.key, events);
    return okResponse;
  });

  server.get<{ Params: MeParams }>(`${base}/contacts/requests`, async (request) => {
    const app = await self(request);
    const response: ContactRequestsResponse = {
      entities: await domain.contacts.requests(app, request.params.username),
    };
    return response;
  });

  server.post<{ Params: MeParams }>(`${base}/contacts/requests`, async (request) => {
    const app = await self(request);
    const body = jsonObject(request.body);
    const to = requiredString(body, 'to');
    checkUsername(to);
    const message = optionalString(body, 'message') ?? '';
    const me = request.params.username;
    rateLimit(domain.limits.invitations.take(invitationKey(app.key, me)));
    const events = await domain.contacts.request(app, me, to, message);
    await fanout.events(app.key, events);
    return okResponse;
  });

  for (const answer of ['accept', 'decline'] as const) {
    server.post<{ Params: OtherParams }>(
      `${base}/contacts/requests/:other/${answer}`,
      async (request) => {
        const app = await self(request);
        const { username: me, other } = request.params;
        const events = await domain.contacts.answer(app, me, other, answer === 'accept');
        await fanout.events(app.key, events);
        return okResponse;
      },
    );
  }

  server.get<{ Params: MeParams }>(`${base}/blocks/users`, async (request) => {
    const app = await self(request);
    const response: BlocklistResponse = {
      data: await domain.contacts.blocklist(app, request.params.username),
    };
    return response;
  });

  server.post<{ Params: MeParams }>(`${base}/blocks/users`, async (request) => {
    const app = await self(request);
    const usernames = usernameList(jsonObject(request.body).usernames);
    const { blocked, events } = await domain.contacts.block(
      app,
      request.params.username,
      usernames,
    );
    await fanout.events(app.key, events);
    const response: BlocklistResponse = { data: blocked };
    return response;
  });

  server.delete<{ Params: OtherParams }>(`${base}/blocks/users/:other`, async (request) => {
    const app = await self(request);
    const { blocked, events } = await domain.contacts.unblock(
      app,
      request.params.username,
      request.params.other,
    );
    await fanout.events(app.key, events);
    const response: BlocklistResponse = { data: blocked };
    return response;
  });
}
