import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { visualRegressionPlugin } from '@web/test-runner-visual-regression/plugin';
import { chromeLauncher } from '@web/test-runner-chrome';
import { existsSync } from 'node:fs';
import { serverPlugin } from './test/support/server-plugin.mjs';
import { failureSummaryReporter } from './test/support/failure-summary-reporter.mjs';
import { browserPermissionsPlugin } from './test/elements/browser-permissions-plugin.mjs';
import { chromeArgs, findChrome } from './scripts/find-chrome.mjs';

const executablePath = findChrome();

/** A headless Chromium launched with `args`. */
const chromium = (args) =>
  chromeLauncher({ launchOptions: { executablePath, headless: true, args } });

export default {
  files: ['test/{sdk,store,elements}/**/*.test.ts'],
  nodeResolve: true,
  // Two cores: one browser page at a time keeps timing-sensitive tests (reconnects, heartbeats) honest.
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 8 * 60 * 1000,
  testFramework: { config: { timeout: 20000 } },
  reporters: [defaultReporter(), failureSummaryReporter()],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    serverPlugin(),
    browserPermissionsPlugin(),
    // Screenshot comparisons (visualDiff): baselines committed in test/elements/screenshots/baseline/,
    // a failed run's picture and its diff in …/failed/ (ignored by git). After an intended change of
    // the look, `--update-visual-baseline` rewrites the baselines, to be looked at and committed.
    visualRegressionPlugin({
      update: process.argv.includes('--update-visual-baseline'),
      baseDir: 'test/elements/screenshots',
      getBaselineName: ({ name }) => `baseline/${name}`,
      getDiffName: ({ name }) => `failed/${name}-diff`,
      getFailedName: ({ name }) => `failed/${name}`,
    }),
  ],
  browsers: [chromium(chromeArgs)],
  groups: [
    {
      // Chromium's synthetic microphone, refused the way a person blocking it would refuse it:
      // chromeArgs grant it, and that grant cannot be revoked per page.
      name: 'microphone-denied',
      files: ['test/elements/*.denied-test.ts'],
      browsers: [
        chromium([
          ...chromeArgs.filter((arg) => arg !== '--use-fake-ui-for-media-stream'),
          '--use-fake-ui-for-media-stream=deny',
        ]),
      ],
    },
  ],
};

if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}`);
