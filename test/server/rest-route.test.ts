// The protocol's route table (src/protocol/routes.ts) is what the server registers: every route
// reaches a handler of its own, and nothing answers outside the table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestRoutes, routeParts } from '../../src/protocol/routes.js';
import { fastifyUrl } from '../../server/http/rest-route.js';
import { api, startTestServer } from './support/test-server.js';

describe('REST route table', () => {
  it('turns path parameters into Fastify params under the app', () => {
    assert.equal(
      fastifyUrl(RestRoutes.removeGroupMember),
      '/:org/:app/chatgroups/:groupId/users/:username',
    );
    assert.equal(fastifyUrl(RestRoutes.publicGroups), '/:org/:app/publicchatgroups');
  });

  it('every route of the table has a handler: without a token it asks for one', async () => {
    const t = await startTestServer();
    try {
      const unhandled: string[] = [];
      for (const route of Object.values(RestRoutes)) {
        const [method, path] = routeParts(route);
        const filled = `/demo/chat${path.replace(/\{\w+\}/g, 'x1')}`;
        const response = await api<{ error?: string }>(
          t.url,
          method,
          filled,
          method === 'GET' ? undefined : {},
        );
        // Registration, login and guest minting need no token; everything else refuses with 401.
        const open =
          route === RestRoutes.register || route === RestRoutes.token || route === RestRoutes.guest;
        if (open ? response.status === 404 : response.status !== 401) {
          unhandled.push(`${route}: ${response.status} ${response.body.error ?? ''}`);
        }
      }
      assert.deepEqual(unhandled, []);
      const stray = await api<{ error: string }>(t.url, 'GET', '/demo/chat/chatgroups/1/nothing');
      assert.equal(stray.status, 404);
    } finally {
      await t.close();
    }
  });
});
