// Malformed, oversize and misrouted requests, answered by server/http/errors.ts in Agora's shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorDescriptions, Limits } from '../../src/protocol/rest.js';
import {
  PASSWORD,
  api,
  assertError,
  newUser,
  startTestServer,
  uniqueName,
  type TestServer,
} from './support/test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('REST input errors', () => {
  it('refuses a body over 16 KiB with 413 request_entity_too_large', async () => {
    const nickname = 'n'.repeat(Limits.restBodyMaxBytes);
    assertError(
      await api(t.url, 'POST', '/demo/chat/users', {
        body: { username: uniqueName(), password: PASSWORD, nickname },
      }),
      413,
      'request_entity_too_large',
    );
  });

  it('refuses malformed JSON and an empty JSON body with 400 illegal_argument', async () => {
    assertError(
      await api(t.url, 'POST', '/demo/chat/users', { rawBody: '{"username": "a",' }),
      400,
      'illegal_argument',
      'the request body is not valid JSON',
    );
    assertError(
      await api(t.url, 'POST', '/demo/chat/token', { rawBody: '' }),
      400,
      'illegal_argument',
    );
    assertError(
      await api(t.url, 'POST', '/demo/chat/token', { rawBody: 'null' }),
      400,
      'illegal_argument',
    );
  });

  it('refuses a non-JSON content type with 415 web_application', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      assertError(
        await api(t.url, 'POST', '/demo/chat/users', {
          rawBody: 'username=a&password=b',
          headers: { 'content-type': type },
        }),
        415,
        'web_application',
        'Unsupported Media Type',
      );
    }
    const alice = await newUser(t.url);
    assertError(
      await api(t.url, 'PUT', `/demo/chat/users/${alice.username}`, {
        token: alice.token,
        rawBody: 'nickname',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'web_application',
    );
  });

  it('answers a malformed URL, an over-long path param and a malformed preflight in Agora’s shape', async () => {
    assertError(await api(t.url, 'GET', '/%'), 400, 'illegal_argument', /URL is malformed/);
    assertError(await api(t.url, 'GET', '/demo/chat/users/%E0%A4%A'), 400, 'illegal_argument');
    assertError(
      await api(t.url, 'GET', `/demo/chat/users/${'a'.repeat(10_000)}`),
      414,
      'illegal_argument',
    );
    // Before, a preflight without Origin got a text/plain "Invalid Preflight Request".
    const preflight = await api(t.url, 'OPTIONS', '/demo/chat/users');
    assert.equal(preflight.status, 204);
  });

  it('marks every response nosniff', async () => {
    const response = await api(t.url, 'POST', '/demo/chat/users', { rawBody: '{' });
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const page = await api(t.url, 'GET', '/');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  });

  it('answers unknown routes and methods with 404 service_resource_not_found', async () => {
    assertError(
      await api(t.url, 'GET', '/demo/chat/nothing/here'),
      404,
      'service_resource_not_found',
    );
    assertError(await api(t.url, 'DELETE', '/demo/chat/users'), 404, 'service_resource_not_found');
    assertError(await api(t.url, 'GET', '/no-such-page'), 404, 'service_resource_not_found');
    assertError(await api(t.url, 'GET', '/../package.json'), 404, 'service_resource_not_found');
    assertError(
      await api(t.url, 'GET', '/%2e%2e%2fpackage.json'),
      404,
      'service_resource_not_found',
    );
  });

  it('answers a plain GET of /websocket (no upgrade) with 400 in Agora’s shape', async () => {
    for (const path of [
      '/websocket',
      '/websocket?app_key=demo%23chat',
      '/websocket?app_key=no%23app',
    ]) {
      assertError(
        await api(t.url, 'GET', path),
        400,
        'illegal_argument',
        ErrorDescriptions.websocketUpgradeRequired,
      );
    }
  });

  it('answers a request the server cannot handle with a bare 500 body', async () => {
    // A fault we cannot cause for real: the storage fails. The test says so and breaks it on purpose.
    const broken = await startTestServer();
    try {
      const apps = broken.server.domain.apps;
      const original = apps.get.bind(apps);
      apps.get = () => Promise.reject(new Error('disk on fire at /secret/path'));
      const response = await api(broken.url, 'POST', '/demo/chat/users', {
        body: { username: uniqueName(), password: PASSWORD },
      });
      apps.get = original;
      assertError(response, 500, 'internal_server_error', 'internal server error');
      assert.doesNotMatch(JSON.stringify(response.body), /secret|fire|at /);
    } finally {
      await broken.close();
    }
  });
});
