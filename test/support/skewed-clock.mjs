// Loaded with `node --import` into a server process that must run with a clock other than the
// machine's: `Date.now()` is off by OPENWEBIM_TEST_CLOCK_SKEW_MS. Two machines whose clocks differ
// cannot be had for real in a test on one machine; this stands for the second machine's clock.
const skew = Number(process.env.OPENWEBIM_TEST_CLOCK_SKEW_MS ?? 0);
const now = Date.now;
Date.now = () => now() + skew;
