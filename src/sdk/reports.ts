/**
 * `reportMessage` (4.x): a message reported to the app's moderators, over REST (rest.ts
 * `ReportMessageRequest`). Rejects `{type: 17, data}` with the server's body when refused (404 no
 * such message, 403 not of a conversation of mine, 400 a missing type or an over-long reason).
 */
import { RestRoutes, type OkResponse } from '../protocol/index.js';
import type { Call, Route } from './rest-routes.js';

export interface ReportMethods {
  reportMessage: Call<{ reportType: string; reportReason: string; messageId: string }, OkResponse>;
}

export const REPORT_ROUTES: Route[] = [
  [
    'reportMessage',
    RestRoutes.reportMessage,
    ({ reportType, reportReason, messageId }) => ({
      reportType,
      reportReason,
      reportMsgId: messageId,
    }),
  ],
];
