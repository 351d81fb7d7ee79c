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
import { RestRoutes } from '../../src/protocol/routes.js';
import type { Fanout } from '../bus/fanout.js';
import type { Presence } from '../bus/presence.js';
import { invitationKey, type Domain } from '../domain/domain.js';
import { invalid } from '../domain/errors.js';
import { checkUsername } from '../domain/users.js';
import { jsonObject, optionalString, requiredString } from './body-fields.js';
import { okResponse } from './entities.js';
import { rateLimit, selfRoute } from './request-context.js';
import { on } from './rest-route.js';

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

  on(server, RestRoutes.contacts, async (request) => {
    const { app } = await selfRoute(domain, request);
    const contacts = await domain.contacts.list(app, request.params.me);
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

  on(server, RestRoutes.deleteContact, async (request) => {
    const { app } = await selfRoute(domain, request);
    const events = await domain.contacts.remove(app, request.params.me, request.params.username);
    await fanout.events(app.key, events);
    return okResponse;
  });

  on(server, RestRoutes.contactRequests, async (request) => {
    const { app } = await selfRoute(domain, request);
    const response: ContactRequestsResponse = {
      entities: await domain.contacts.requests(app, request.params.me),
    };
    return response;
  });

  on(server, RestRoutes.requestContact, async (request) => {
    const { app } = await selfRoute(domain, request);
    const body = jsonObject(request.body);
    const to = requiredString(body, 'to');
    checkUsername(to);
    const message = optionalString(body, 'message') ?? '';
    const me = request.params.me;
    await domain.visitors.refuseGuest(app, me, 'add contacts');
    rateLimit(await domain.limits.invitations.take(invitationKey(app.key, me)));
    const events = await domain.contacts.request(app, me, to, message);
    await fanout.events(app.key, events);
    return okResponse;
  });

  for (const [route, accept] of [
    [RestRoutes.acceptContact, true],
    [RestRoutes.declineContact, false],
  ] as const) {
    on(server, route, async (request) => {
      const { app } = await selfRoute(domain, request);
      const { me, username: other } = request.params;
      if (accept) await domain.visitors.refuseGuest(app, me, 'add contacts');
      const events = await domain.contacts.answer(app, me, other, accept);
      await fanout.events(app.key, events);
      return okResponse;
    });
  }

  on(server, RestRoutes.blocklist, async (request) => {
    const { app } = await selfRoute(domain, request);
    const response: BlocklistResponse = {
      data: await domain.contacts.blocklist(app, request.params.me),
    };
    return response;
  });

  on(server, RestRoutes.block, async (request) => {
    const { app } = await selfRoute(domain, request);
    const usernames = usernameList(jsonObject(request.body).usernames);
    const { blocked, events } = await domain.contacts.block(app, request.params.me, usernames);
    await fanout.events(app.key, events);
    const response: BlocklistResponse = { data: blocked };
    return response;
  });

  on(server, RestRoutes.unblock, async (request) => {
    const { app } = await selfRoute(domain, request);
    const { blocked, events } = await domain.contacts.unblock(
      app,
      request.params.me,
      request.params.username,
    );
    await fanout.events(app.key, events);
    const response: BlocklistResponse = { data: blocked };
    return response;
  });
}
