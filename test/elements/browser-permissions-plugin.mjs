// web-test-runner plugin: sets what the browser itself decides for a test page, through the page's
// DevTools protocol session (puppeteer, as @web/test-runner-chrome drives it): whether a permission
// (geolocation, microphone) is granted, denied or asked for, and the position geolocation reports.
// These are Chromium's real code paths, only with the answer a person or a GPS would give.

/** @param {import('@web/test-runner').TestSession} session */
function pageOf(session) {
  const launcher = /** @type {{ getPage?: (id: string) => import('puppeteer-core').Page }} */ (
    session.browser
  );
  if (typeof launcher.getPage !== 'function') {
    throw new Error(`browser ${session.browser.name} gives no page to set permissions on`);
  }
  return launcher.getPage(session.id);
}

export function browserPermissionsPlugin() {
  return {
    name: 'openwebim-browser-permissions',
    async executeCommand({ command, payload, session }) {
      switch (command) {
        case 'permission-set': {
          // payload: { name: 'geolocation' | 'microphone' | ..., state: 'granted' | 'denied' | 'prompt' }
          const page = pageOf(session);
          const origin = new URL(page.url()).origin;
          await page
            .browserContext()
            .setPermission(origin, { permission: { name: payload.name }, state: payload.state });
          return true;
        }
        case 'permissions-reset':
          await pageOf(session).browserContext().clearPermissionOverrides();
          return true;
        case 'geolocation-set':
          // payload: { latitude, longitude, accuracy? }
          await pageOf(session).setGeolocation(payload);
          return true;
        default:
          return undefined;
      }
    },
  };
}
