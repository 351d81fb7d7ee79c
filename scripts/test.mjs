// `npm test`: the server tests (node), the browser tests (web-test-runner, headless Chromium) and
// the end-to-end test (node + Chromium), in that order, each streaming its own output; then one
// closing line, `N passed, N failed`, summed over the three runners.
//
// The scale-out tests need PostgreSQL and Redis installed (not running): one throwaway PostgreSQL
// cluster is started here for the whole run (each test makes its own database in it) and stopped
// at the end; the Redis tests start their own servers. Without the binaries this stops at once and
// says what to install: nothing is skipped silently.
import { spawn } from 'node:child_process';
import { missingServices, startPostgres } from '../test/support/services.mjs';

const missing = missingServices();
if (missing) {
  console.error(`npm test: ${missing}`);
  process.exit(1);
}
const postgres = await startPostgres();
process.once('exit', () => postgres.stop());
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(130));
}

const stages = ['test:server', 'test:browser', 'test:e2e'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const totals = { passed: 0, failed: 0 };

function count(output) {
  // node:test closes with "# pass N" / "# fail N".
  const node = { pass: /^# pass (\d+)$/m.exec(output), fail: /^# fail (\d+)$/m.exec(output) };
  if (node.pass) return { passed: +node.pass[1], failed: +(node.fail?.[1] ?? 0) };
  // web-test-runner redraws one "… | N passed, N failed" line per group (the config has more than
  // one); its last drawing, the last run of such lines, holds every group's final count.
  const totals = { passed: 0, failed: 0 };
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const drawn = new Set();
  for (let i = lines.length - 1; i >= 0; i--) {
    const counted = /(\d+) passed, (\d+) failed/.exec(lines[i]);
    if (!counted) {
      if (drawn.size > 0) break;
      continue;
    }
    // The same line again is an earlier drawing of the same state.
    if (drawn.has(lines[i])) break;
    drawn.add(lines[i]);
    totals.passed += +counted[1];
    totals.failed += +counted[2];
  }
  return totals;
}

for (const stage of stages) {
  const output = await new Promise((resolve) => {
    let text = '';
    const child = spawn(npm, ['run', stage], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENWEBIM_TEST_POSTGRES_URL: postgres.url },
    });
    child.stdout.on('data', (chunk) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('exit', (code) => resolve({ text, code }));
  });
  const { passed, failed } = count(output.text);
  totals.passed += passed;
  totals.failed += failed;
  if (output.code !== 0) {
    console.log(`\n${stage} failed (exit ${output.code}).`);
    console.log(`${totals.passed} passed, ${Math.max(totals.failed, 1)} failed`);
    process.exit(output.code || 1);
  }
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
