// `npm test`: the server tests (node), the browser tests (web-test-runner, headless Chromium) and
// the end-to-end test (node + Chromium), in that order, each streaming its own output; then one
// closing line, `N passed, N failed`, summed over the three runners.
import { spawn } from 'node:child_process';

const stages = ['test:server', 'test:browser', 'test:e2e'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const totals = { passed: 0, failed: 0 };

function count(output) {
  // node:test closes with "# pass N" / "# fail N"; web-test-runner with "N passed, N failed".
  const node = { pass: /^# pass (\d+)$/m.exec(output), fail: /^# fail (\d+)$/m.exec(output) };
  if (node.pass) return { passed: +node.pass[1], failed: +(node.fail?.[1] ?? 0) };
  const wtr = [...output.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  return wtr ? { passed: +wtr[1], failed: +wtr[2] } : { passed: 0, failed: 0 };
}

for (const stage of stages) {
  const output = await new Promise((resolve) => {
    let text = '';
    const child = spawn(npm, ['run', stage], { stdio: ['ignore', 'pipe', 'pipe'] });
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
