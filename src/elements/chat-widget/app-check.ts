import { checkApp, type AppProblem } from '../../store/app-check.js';
import type { ChatStoreApi } from '../../store/index.js';
import { defaultApiUrl } from '../controllers/store-controller.js';

/**
 * Whether the widget's app key and server can work, told to the site owner in the console when
 * not (the panel tells the visitor). Loaded when a signed-out panel first opens.
 */
export async function appProblem(store: ChatStoreApi): Promise<AppProblem> {
  const server = store.apiUrl || defaultApiUrl();
  const problem = await checkApp(store.appKey, server);
  if (problem === 'unknownApp') {
    console.warn(
      `openwebim: the chat server at ${server} has no app "${store.appKey}"; check the app-key attribute of <chat-widget> (the server lists its apps with: npx openwebim-server app list).`,
    );
  } else if (problem === 'unreachable') {
    console.warn(
      `openwebim: the chat server at ${server} cannot be reached from this page: it is down, api-url names the wrong address, or the app's --origins does not list ${location.origin}.`,
    );
  }
  return problem;
}
