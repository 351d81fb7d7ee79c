import { existsSync } from 'node:fs';

const candidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The Chromium/Chrome the browser tests drive: `CHROME_PATH`, else the usual install paths. */
export function findChrome() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

/**
 * Flags for a headless Chromium that runs as root on a machine with no network but loopback: no
 * sandbox (root), and none of the background requests that would only fail here. The last two give
 * the page Chromium's own synthetic camera and microphone, granted without a prompt, so that
 * `getUserMedia` and `MediaRecorder` run for real (a test that needs a refusal denies the permission
 * through the DevTools protocol, see test/elements/browser-permissions-plugin.mjs).
 */
export const chromeArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];
