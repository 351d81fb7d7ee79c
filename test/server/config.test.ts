// Environment settings of server/config.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, configFromEnv, defaults } from '../../server/config.js';

describe('configFromEnv', () => {
  it('has the documented defaults', () => {
    const config = configFromEnv({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.dataDir, './.chat-data');
    assert.equal(config.tokenTtlSeconds, 7 * 24 * 3600);
    assert.equal(config.heartbeatMs, 30_000);
    assert.equal(config.registerPerSecond, defaults.registerPerSecond);
    assert.equal(config.restHosts, null);
    assert.equal(config.wsHosts, null);
    assert.deepEqual(
      [config.databaseUrl, config.redisUrl, config.filesDir, config.publicUrl],
      [null, null, null, null],
    );
  });

  it('reads every variable', () => {
    const config = configFromEnv({
      PORT: '9000',
      HOST: '127.0.0.1',
      OPENWEBIM_DATA_DIR: '/tmp/x',
      OPENWEBIM_REST_HOSTS: 'http://a:1, https://b',
      OPENWEBIM_WS_HOSTS: 'ws://a:1/websocket',
      OPENWEBIM_TOKEN_TTL: '60',
      OPENWEBIM_HEARTBEAT_MS: '1000',
      OPENWEBIM_RATE_REGISTER: '5',
      OPENWEBIM_RATE_TOKEN: '6',
      OPENWEBIM_RATE_TOKEN_FAILURES: '7',
      OPENWEBIM_RATE_MESSAGES: '8',
      OPENWEBIM_RATE_UPLOADS: '9',
      OPENWEBIM_PASSWORD_CHECKS_PER_ADDRESS: '10',
      OPENWEBIM_LOG_LEVEL: 'debug',
      OPENWEBIM_TRUST_PROXY: 'true',
      OPENWEBIM_DATABASE_URL: 'postgres://chat:pw@db:5432/chat',
      OPENWEBIM_REDIS_URL: 'redis://cache:6379',
      OPENWEBIM_FILES_DIR: '/mnt/chatfiles',
      OPENWEBIM_PUBLIC_URL: 'https://chat1.example/',
    });
    assert.deepEqual(
      [config.databaseUrl, config.redisUrl, config.filesDir, config.publicUrl],
      [
        'postgres://chat:pw@db:5432/chat',
        'redis://cache:6379',
        '/mnt/chatfiles',
        'https://chat1.example',
      ],
    );
    assert.deepEqual(
      [config.port, config.host, config.dataDir, config.tokenTtlSeconds, config.heartbeatMs],
      [9000, '127.0.0.1', '/tmp/x', 60, 1000],
    );
    assert.deepEqual(config.restHosts, ['http://a:1', 'https://b']);
    assert.deepEqual(config.wsHosts, ['ws://a:1/websocket']);
    assert.deepEqual(
      [
        config.registerPerSecond,
        config.tokenPerSecond,
        config.tokenFailuresPerMinute,
        config.messagesPerSecond,
        config.uploadsPerMinute,
        config.passwordChecksPerAddress,
      ],
      [5, 6, 7, 8, 9, 10],
    );
    assert.equal(configFromEnv({}).passwordChecksPerAddress, 64);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.trustProxy, true);
    assert.equal(configFromEnv({}).trustProxy, false);
    assert.equal(configFromEnv({}).sqliteSynchronous, 'full');
    assert.equal(
      configFromEnv({ OPENWEBIM_SQLITE_SYNCHRONOUS: 'NORMAL' }).sqliteSynchronous,
      'normal',
    );
  });

  it('refuses malformed values with the variable’s name', () => {
    for (const [name, value] of [
      ['PORT', 'http'],
      ['PORT', '70000'],
      ['OPENWEBIM_TOKEN_TTL', '-1'],
      ['OPENWEBIM_REST_HOSTS', 'ws://a'],
      ['OPENWEBIM_WS_HOSTS', 'not a url'],
      ['OPENWEBIM_LOG_LEVEL', 'loud'],
      ['OPENWEBIM_TRUST_PROXY', 'maybe'],
      ['OPENWEBIM_DATABASE_URL', 'mysql://db/chat'],
      ['OPENWEBIM_REDIS_URL', 'localhost:6379'],
      ['OPENWEBIM_PUBLIC_URL', 'ws://a'],
      ['OPENWEBIM_SQLITE_SYNCHRONOUS', 'off'],
    ] as const) {
      assert.throws(
        () => configFromEnv({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(name),
      );
    }
  });
});
