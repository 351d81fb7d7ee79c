/**
 * A web-test-runner reporter that repeats, after everything else, which test files did not pass
 * and why: the failed tests with their errors, and errors outside any test (a rejection after a
 * test ended, a timeout, a page that crashed). The default reporter prints them as each file ends,
 * hundreds of lines earlier, where a CI log that keeps only its head and tail loses them; a run can
 * then end "Error while running tests." with 0 failed tests and nothing saying which file.
 */

/** Every failed test in `suite`, as `suite › test` names. */
function failedTests(suite, path = []) {
  if (!suite) return [];
  const here = suite.name ? [...path, suite.name] : path;
  return [
    ...suite.tests
      .filter((test) => !test.passed && !test.skipped)
      .map((test) => ({ name: [...here, test.name].join(' › '), error: test.error })),
    ...suite.suites.flatMap((child) => failedTests(child, here)),
  ];
}

/** The error's first lines: its stack when it has one (which starts with its message), else its message. */
const describe = (error) =>
  error?.stack?.includes(error.message ?? '')
    ? error.stack.split('\n').slice(0, 6).join('\n')
    : [error?.name, error?.message, error?.stack].filter(Boolean).join(': ');

const indent = (text) => text.replace(/^/gm, '      ');

export function failureSummaryReporter() {
  return {
    stop({ sessions }) {
      const failed = sessions.filter((session) => session.passed === false);
      if (failed.length === 0) return;
      const lines = [`\n${failed.length} test file(s) did not pass:`];
      for (const session of failed) {
        lines.push(`  ${session.testFile} (${session.browser.name})`);
        for (const test of failedTests(session.testResults)) {
          lines.push(`    ✗ ${test.name}`, indent(describe(test.error)));
        }
        for (const error of session.errors) {
          lines.push('    ✗ outside any test:', indent(describe(error)));
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  };
}
