// The DNS list of server/http/dns-routes.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DnsResponse } from '../../src/protocol/rest.js';
import { api, assertError, startTestServer } from './support/test-server.js';

describe('GET /easemob/server.json', () => {
  it('lists the host the client reached when no hosts are configured', async () => {
    const t = await startTestServer();
    try {
      const { port } = new URL(t.url);
      const response = await api<DnsResponse>(
        t.url,
        'GET',
        '/easemob/server.json?app_key=demo%23chat',
      );
      assert.equal(response.status, 200);
      const host = { domain: '127.0.0.1', ip: '127.0.0.1', port: Number(port) };
      assert.deepEqual(response.body.rest.hosts, [{ protocol: 'http', ...host }]);
      assert.deepEqual(response.body['msync-ws'].hosts, [{ protocol: 'ws', ...host }]);
      assert.deepEqual(response.body['msync-wx'].hosts, [{ protocol: 'ws', ...host }]);
    } finally {
      await t.close();
    }
  });

  it('lists the configured hosts, in order', async () => {
    const t = await startTestServer({
      restHosts: ['http://127.0.0.1:1', 'https://chat.example'],
      wsHosts: ['ws://127.0.0.1:1/websocket', 'wss://chat.example:8443/websocket'],
    });
    try {
      const response = await api<DnsResponse>(
        t.url,
        'GET',
        '/easemob/server.json?app_key=demo%23chat',
      );
      assert.deepEqual(response.body.rest.hosts, [
        { protocol: 'http', domain: '127.0.0.1', ip: '127.0.0.1', port: 1 },
        { protocol: 'https', domain: 'chat.example', ip: 'chat.example', port: 443 },
      ]);
      const sockets = [
        { protocol: 'ws', domain: '127.0.0.1', ip: '127.0.0.1', port: 1 },
        { protocol: 'wss', domain: 'chat.example', ip: 'chat.example', port: 8443 },
      ];
      assert.deepEqual(response.body['msync-ws'].hosts, sockets);
      assert.deepEqual(response.body['msync-wx'].hosts, sockets);
    } finally {
      await t.close();
    }
  });

  it('answers an unknown app with 404 and a missing app_key with 400', async () => {
    const t = await startTestServer();
    try {
      assertError(
        await api(t.url, 'GET', '/easemob/server.json?app_key=nope%23nope'),
        404,
        'organization_application_not_found',
      );
      assertError(await api(t.url, 'GET', '/easemob/server.json'), 400, 'illegal_argument');
    } finally {
      await t.close();
    }
  });
});
