// A server that stops answering without closing the socket (a frozen process, a dead NAT entry)
// cannot be produced from the browser, so the heartbeat is tested on its own with a ping that the
// test answers, or not.
import { expect } from '@open-wc/testing';
import { startHeartbeat } from '../../src/sdk/heartbeat.js';
import { until } from './sdk-fixtures.js';

describe('heartbeat', () => {
  it('declares the socket dead when a ping gets no answer within one interval', async () => {
    let pings = 0;
    let dead = false;
    startHeartbeat(
      () => (pings += 1),
      () => (dead = true),
      30,
    );
    await until(() => dead, 'dead()', 2000);
    expect(pings).to.equal(1);
  });

  it('keeps pinging while the server answers', async () => {
    let pings = 0;
    let dead = false;
    const heartbeat = startHeartbeat(
      () => {
        pings += 1;
        heartbeat.alive();
      },
      () => (dead = true),
      20,
    );
    await until(() => pings >= 5, 'five pings', 2000);
    heartbeat.stop();
    expect(dead).to.equal(false);
  });
});
