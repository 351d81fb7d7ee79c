import { DnsRoute, RestErrors, routeParts } from '../protocol/index.js';
import { utils } from '../sdk/index.js';
import { restBase } from './sdk-connection.js';

/**
 * What is wrong with an app key and server before anyone signs in: `unknownApp` (the server
 * answers, and knows no such app), `unreachable` (no HTTP answer: the server is down or not at
 * that address, or it refused this page's origin, which a browser reports the same way), or
 * nothing (`''`; any other answer is for the login itself to report).
 */
export type AppProblem = '' | 'unknownApp' | 'unreachable';

/**
 * Asks the server for the app's host list (`GET /easemob/server.json?app_key=…`, which needs no
 * token and names the app), through the SDK's public `utils.ajax`. Its own module, imported when a
 * signed-out panel first opens: a visitor who is signed in never loads it.
 */
export async function checkApp(appKey: string, apiUrl: string | undefined): Promise<AppProblem> {
  const [method, path] = routeParts(DnsRoute);
  try {
    await utils.ajax({
      url: `${restBase(apiUrl)}${path}?app_key=${encodeURIComponent(appKey)}`,
      type: method,
    });
    return '';
  } catch (error) {
    const data = (error as { data?: unknown }).data;
    // No HTTP answer rejects with an empty body (sdk/rest-client.ts); an answer always has one.
    if (data === '') return 'unreachable';
    try {
      const body = JSON.parse(String(data)) as { error?: unknown };
      if (body.error === RestErrors.appNotFound) return 'unknownApp';
    } catch {
      // Not the server's JSON (a proxy's page): the login will say what it gets.
    }
    return '';
  }
}
