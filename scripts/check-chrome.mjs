import { existsSync } from 'node:fs';
import { findChrome } from './find-chrome.mjs';

const path = findChrome();
if (!existsSync(path)) {
  console.error(
    `No Chromium or Chrome found (looked for ${process.env.CHROME_PATH ? `CHROME_PATH=${path}` : path}).\n` +
      'Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`) or point CHROME_PATH at a\n' +
      'Chrome/Chromium executable, e.g. `CHROME_PATH=/usr/bin/google-chrome npm test`.',
  );
  process.exit(1);
}
