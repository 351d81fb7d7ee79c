import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { existsSync } from 'node:fs';
import { serverPlugin } from './test/support/server-plugin.mjs';
import { chromeArgs, findChrome } from './scripts/find-chrome.mjs';

const executablePath = findChrome();

export default {
  files: ['test/{sdk,store,elements}/**/*.test.ts'],
  nodeResolve: true,
  // Two cores: one browser page at a time keeps timing-sensitive tests (reconnects, heartbeats) honest.
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 8 * 60 * 1000,
  testFramework: { config: { timeout: 20000 } },
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    serverPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: chromeArgs,
      },
    }),
  ],
};

if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}`);
