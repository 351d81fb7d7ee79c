#!/usr/bin/env node
/**
 * `openwebim-server`: starts the reference chat server, or manages its apps.
 *
 *   openwebim-server [start]
 *   openwebim-server app add <org#app> [--max-users N] [--closed-registration]
 *                    [--origins https://a.example,https://b.example] [--token-ttl SECONDS]
 *                    [--max-message-bytes N] [--max-file-bytes N] [--recall-seconds N]
 *                    [--max-group-members N] [--room-admins alice,bob] [--max-sessions N]
 *                    [--user-upload-quota BYTES] [--app-upload-quota BYTES] [--file-ttl-days N]
 *                    [--guests] [--guest-retention-days N]
 *   openwebim-server app set <org#app> [the same options; --open-registration reopens it,
 *                    --no-guests turns guests off, --rotate-secret prints a new client secret]
 *   openwebim-server app list
 *   openwebim-server reports list <org#app>
 *
 * Settings come from the environment (see server/config.ts); `app` commands write to the same data
 * dir (OPENWEBIM_DATA_DIR) and a running server sees the change on its next request.
 */
import { parseArgs } from 'node:util';
import { createServer, openStorage } from './app.js';
import { ConfigError, configFromEnv, defaults } from './config.js';
import { Apps, type AppSettings } from './domain/apps.js';
import { DomainError } from './domain/errors.js';
import { Reports } from './domain/reports.js';
import type { AppRecord } from './storage/storage.js';
import type { AppVisitorSettings } from './storage/visitor-storage.js';
import { VisitorLimits } from '../src/protocol/visitors.js';

const usage = `usage:
  openwebim-server [start]                 start the server (PORT, HOST, OPENWEBIM_DATA_DIR, ...)
  openwebim-server app add <org#app> [--max-users N] [--closed-registration]
                   [--origins https://a.example,https://b.example] [--token-ttl SECONDS]
                   [--max-message-bytes N] [--max-file-bytes N] [--recall-seconds N]
                   [--max-group-members N] [--room-admins alice,bob (who may create rooms)]
                   [--max-sessions N (per user)] [--user-upload-quota BYTES]
                   [--app-upload-quota BYTES] [--file-ttl-days N]
                   [--guests (visitors chat without an account)] [--guest-retention-days N]
  openwebim-server app set <org#app> [the same options] [--open-registration] [--no-guests]
                   [--rotate-secret (prints a new client secret; the old one stops)]
                   change an existing app (options not given are kept)
  openwebim-server app list
  openwebim-server reports list <org#app>  messages reported by users, newest first`;

class UsageError extends Error {}

function fail(message: string, code = 1): never {
  process.stderr.write(`openwebim-server: ${message}\n`);
  process.exit(code);
}

function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  }
  return n;
}

function describe(app: AppRecord, defaultTtl: number, visitors: AppVisitorSettings): string {
  return [
    app.key,
    `registration: ${app.closedRegistration ? 'closed' : 'open'}`,
    `max users: ${app.maxUsers ?? 'unlimited'}`,
    `origins: ${app.origins ? app.origins.join(',') : 'any'}`,
    `token ttl: ${app.tokenTtlSeconds ?? defaultTtl} s`,
    `max message bytes: ${app.maxMessageBytes ?? 'default'}`,
    `max file bytes: ${app.maxFileBytes ?? 'default'}`,
    `recall seconds: ${app.recallSeconds ?? 'default'}`,
    `max group members: ${app.maxGroupMembers ?? 'default'}`,
    `room admins: ${app.roomAdmins.length ? app.roomAdmins.join(',') : 'none'}`,
    `max sessions: ${app.maxSessionsPerUser ?? 'default'}`,
    `user upload quota: ${app.userUploadQuotaBytes ?? 'default'}`,
    `app upload quota: ${app.appUploadQuotaBytes ?? 'default'}`,
    `file ttl days: ${app.chatfileTtlDays ?? 'default'}`,
    `guests: ${visitors.guests ? 'on' : 'off'}`,
    `guest retention days: ${visitors.guestRetentionDays ?? VisitorLimits.guestRetentionDaysDefault}`,
  ].join('  ');
}

/** The site's backend signs its users in with these (docs/sign-in-from-your-site.md). */
function printCredentials({ clientId, clientSecret }: { clientId: string; clientSecret: string }) {
  console.log(`client id: ${clientId}`);
  console.log(`client secret: ${clientSecret}`);
  console.log(
    '(shown this once: keep the secret on your backend; app set --rotate-secret replaces it)',
  );
}

async function appCommand(args: string[]): Promise<void> {
  const config = configFromEnv();
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'max-users': { type: 'string' },
      'closed-registration': { type: 'boolean' },
      origins: { type: 'string' },
      'token-ttl': { type: 'string' },
      'max-message-bytes': { type: 'string' },
      'max-file-bytes': { type: 'string' },
      'recall-seconds': { type: 'string' },
      'max-group-members': { type: 'string' },
      'room-admins': { type: 'string' },
      'open-registration': { type: 'boolean' },
      'max-sessions': { type: 'string' },
      'user-upload-quota': { type: 'string' },
      'app-upload-quota': { type: 'string' },
      'file-ttl-days': { type: 'string' },
      guests: { type: 'boolean' },
      'no-guests': { type: 'boolean' },
      'guest-retention-days': { type: 'string' },
      'rotate-secret': { type: 'boolean' },
    },
  });
  const [action, key, ...extra] = positionals;
  const storage = openStorage(config);
  const apps = new Apps(storage, config.tokenTtlSeconds);
  const show = async (app: AppRecord) =>
    describe(app, config.tokenTtlSeconds, await apps.visitorSettings(app.key));
  try {
    if (action === 'list' && key === undefined) {
      for (const app of await apps.list()) console.log(await show(app));
      return;
    }
    if ((action !== 'add' && action !== 'set') || key === undefined || extra.length > 0) {
      throw new UsageError(usage);
    }
    if (values['closed-registration'] && values['open-registration']) {
      throw new UsageError('--closed-registration and --open-registration contradict each other');
    }
    if (values.guests && values['no-guests']) {
      throw new UsageError('--guests and --no-guests contradict each other');
    }
    const settings: AppSettings = {
      maxUsers: integerOption('max-users', values['max-users']),
      closedRegistration: values['closed-registration']
        ? true
        : values['open-registration']
          ? false
          : undefined,
      origins: values.origins
        ?.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      tokenTtlSeconds: integerOption('token-ttl', values['token-ttl']),
      maxMessageBytes: integerOption('max-message-bytes', values['max-message-bytes']),
      maxFileBytes: integerOption('max-file-bytes', values['max-file-bytes']),
      recallSeconds: integerOption('recall-seconds', values['recall-seconds']),
      maxGroupMembers: integerOption('max-group-members', values['max-group-members']),
      maxSessionsPerUser: integerOption('max-sessions', values['max-sessions']),
      userUploadQuotaBytes: integerOption('user-upload-quota', values['user-upload-quota']),
      appUploadQuotaBytes: integerOption('app-upload-quota', values['app-upload-quota']),
      chatfileTtlDays: integerOption('file-ttl-days', values['file-ttl-days']),
      guests: values.guests ? true : values['no-guests'] ? false : undefined,
      guestRetentionDays: integerOption('guest-retention-days', values['guest-retention-days']),
      // An empty value (--room-admins '') takes every room admin away.
      roomAdmins: values['room-admins']
        ?.split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    };
    if (action === 'set') {
      const app = await apps.update(key, settings);
      console.log(`updated ${await show(app)}`);
      if (values['rotate-secret']) printCredentials(await apps.rotateSecret(key));
      return;
    }
    const app = await apps.add(key, settings);
    console.log(`added ${await show(app)}`);
    printCredentials(await apps.rotateSecret(key));
  } finally {
    await storage.close();
  }
}

async function start(): Promise<void> {
  const config = configFromEnv();
  const server = createServer(config);
  const url = await server.listen();
  for (const app of await server.domain.apps.list()) {
    console.log(
      app.origins
        ? `app ${app.key}: only ${app.origins.join(', ')} may embed it`
        : `app ${app.key}: any origin may embed it (restrict with: openwebim-server app set ${app.key} --origins …)`,
    );
  }
  // Last, because the test harness and scripts take this exact phrase to mean "ready".
  console.log(`openwebim listening on ${url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`openwebim stopping (${signal})`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`could not stop cleanly: ${String(error)}`),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** `reports list <org#app>`: one line per report, tab-separated, newest first. */
async function reportsCommand(args: string[]): Promise<void> {
  const [action, key, ...extra] = args;
  if (action !== 'list' || key === undefined || extra.length > 0) throw new UsageError(usage);
  const config = configFromEnv();
  const storage = openStorage(config);
  try {
    const app = await new Apps(storage, config.tokenTtlSeconds).get(key);
    if (!app) throw new UsageError(`no app ${key}`);
    const reports = await new Reports(storage).list(app);
    console.log(['time', 'reporter', 'type', 'reason', 'mid', 'sender', 'chat'].join('\t'));
    for (const r of reports) {
      // One line per report: a reason's own tabs and newlines must not split it.
      const reason = r.reason.replace(/[\t\r\n]+/g, ' ');
      const chat = `${r.chatType}:${r.to}`;
      const time = new Date(r.time).toISOString();
      console.log([time, r.reporter, r.reportType, reason, r.mid, r.sender, chat].join('\t'));
    }
  } finally {
    await storage.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'start') {
    if (rest.length > 0) throw new UsageError(usage);
    return start();
  }
  if (command === 'app') return appCommand(rest);
  if (command === 'reports') return reportsCommand(rest);
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(usage);
    console.log(
      `\ndefaults: PORT=${defaults.port} HOST=${defaults.host} OPENWEBIM_DATA_DIR=${defaults.dataDir}`,
    );
    return;
  }
  throw new UsageError(usage);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) fail(error.message, 2);
  if (error instanceof ConfigError || error instanceof DomainError) fail(error.message);
  // parseArgs reports unknown or malformed options this way.
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  ) {
    fail(`${error.message}\n${usage}`, 2);
  }
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
