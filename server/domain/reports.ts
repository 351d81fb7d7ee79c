/**
 * Messages reported to the app's moderators (the 4.x SDK's `reportMessage`): only a message of a
 * conversation the reporter is part of (its sender, its 1:1 recipient, or a member of its group),
 * one report per reporter and message. Moderators list them with `openwebim-server reports list`.
 */
import type { ReportMessageRequest } from '../../src/protocol/rest.js';
import { Limits } from '../../src/protocol/rest.js';
import type { AppRecord, ReportRecord, Storage } from '../storage/storage.js';
import { forbidden, invalid, notFound } from './errors.js';

/** The most reports `list` gives at once. */
export const REPORTS_LISTED = 1000;

const text = (value: unknown, name: string, max: number, required: boolean): string => {
  if (typeof value !== 'string' || (required && value.trim() === '') || [...value].length > max) {
    throw invalid(`${name} must be a string of ${required ? 1 : 0} to ${max} characters`);
  }
  return value.trim();
};

export class Reports {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  async report(app: AppRecord, user: string, request: Partial<ReportMessageRequest>) {
    const mid = text(request.reportMsgId, 'reportMsgId', 64, true);
    const reportType = text(request.reportType, 'reportType', Limits.reportTypeMaxChars, true);
    const reason = text(request.reportReason, 'reportReason', Limits.reportReasonMaxChars, false);
    const message = await this.#storage.getMessage(app.key, mid);
    if (!message || message.recalled) throw notFound(`no message ${mid} to report`);
    let part = message.from === user || (message.chatType === 'singleChat' && message.to === user);
    if (!part && message.chatType === 'groupChat') {
      const members = await this.#storage.groups.members(app.key, message.to);
      part = members.some((m) => m.username === user);
    }
    // The same answer as for a message that is not there would tell what exists; a clear one is
    // more useful, and the mid alone says nothing of the conversation.
    if (!part) throw forbidden(`you are not part of the conversation of message ${mid}`);
    const report: ReportRecord = {
      mid,
      reporter: user,
      sender: message.from,
      to: message.to,
      chatType: message.chatType,
      reportType,
      reason,
      time: Date.now(),
    };
    await this.#storage.addReport(app.key, report);
    return report;
  }

  list(app: AppRecord, limit = REPORTS_LISTED): Promise<ReportRecord[]> {
    return this.#storage.listReports(app.key, limit);
  }
}
