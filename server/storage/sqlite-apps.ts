/**
 * Apps in the embedded SQLite file: an app's settings are one row, written by the CLI (`app add`,
 * `app set`) and read by the server for every request that names the app key.
 */
import type Database from 'better-sqlite3';
import { toApp, type AppRow } from './rows.js';
import type { AppRecord } from './storage.js';

const appParams = (app: AppRecord) => ({
  key: app.key,
  org: app.org,
  name: app.name,
  uuid: app.uuid,
  maxUsers: app.maxUsers,
  closedRegistration: app.closedRegistration ? 1 : 0,
  origins: app.origins === null ? null : JSON.stringify(app.origins),
  tokenTtl: app.tokenTtlSeconds,
  maxMessageBytes: app.maxMessageBytes,
  maxFileBytes: app.maxFileBytes,
  recallSeconds: app.recallSeconds,
  maxGroupMembers: app.maxGroupMembers,
  roomAdmins: app.roomAdmins.length === 0 ? null : JSON.stringify(app.roomAdmins),
  maxSessionsPerUser: app.maxSessionsPerUser ?? null,
  userUploadQuotaBytes: app.userUploadQuotaBytes ?? null,
  appUploadQuotaBytes: app.appUploadQuotaBytes ?? null,
  chatfileTtlDays: app.chatfileTtlDays ?? null,
  created: app.created,
});

export class SqliteApps {
  readonly #q;

  constructor(db: Database.Database) {
    this.#q = {
      getApp: db.prepare<[string], AppRow>('SELECT * FROM apps WHERE key = ?'),
      listApps: db.prepare<[], AppRow>('SELECT * FROM apps ORDER BY created, key'),
      addApp: db.prepare(
        `INSERT INTO apps (key, org, name, uuid, max_users, closed_registration, origins, token_ttl,
           max_message_bytes, max_file_bytes, recall_seconds, max_group_members, room_admins,
           max_sessions_per_user, user_upload_quota_bytes, app_upload_quota_bytes,
           chatfile_ttl_days, created)
         VALUES (@key, @org, @name, @uuid, @maxUsers, @closedRegistration, @origins, @tokenTtl,
           @maxMessageBytes, @maxFileBytes, @recallSeconds, @maxGroupMembers, @roomAdmins,
           @maxSessionsPerUser, @userUploadQuotaBytes, @appUploadQuotaBytes, @chatfileTtlDays,
           @created)
         ON CONFLICT (key) DO NOTHING`,
      ),
      updateApp: db.prepare(
        `UPDATE apps SET max_users = @maxUsers, closed_registration = @closedRegistration,
           origins = @origins, token_ttl = @tokenTtl, max_message_bytes = @maxMessageBytes,
           max_file_bytes = @maxFileBytes, recall_seconds = @recallSeconds,
           max_group_members = @maxGroupMembers, room_admins = @roomAdmins,
           max_sessions_per_user = @maxSessionsPerUser,
           user_upload_quota_bytes = @userUploadQuotaBytes,
           app_upload_quota_bytes = @appUploadQuotaBytes, chatfile_ttl_days = @chatfileTtlDays
         WHERE key = @key`,
      ),
    };
  }

  async getApp(key: string): Promise<AppRecord | undefined> {
    const row = this.#q.getApp.get(key);
    return row && toApp(row);
  }

  async listApps(): Promise<AppRecord[]> {
    return this.#q.listApps.all().map(toApp);
  }

  async addApp(app: AppRecord): Promise<boolean> {
    return this.#q.addApp.run(appParams(app)).changes === 1;
  }

  async updateApp(app: AppRecord): Promise<boolean> {
    return this.#q.updateApp.run(appParams(app)).changes === 1;
  }
}
