import { expect } from 'chai';

import { createLogger } from '../../../src/shared/logger';
import { PeriodicPass } from '../../../src/shared/periodic-pass';
import type { PassResult } from '../../../src/shared/periodic-pass';

const logger = createLogger({ level: 'error', console: false });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('PeriodicPass', () => {
  it('goes on at once while a pass says more is waiting, and never runs two passes at once', async () => {
    let running = 0;
    let most = 0;
    let passes = 0;
    const loop = new PeriodicPass({
      intervalMs: 60_000,
      logger,
      failureMessage: 'failed',
      pass: async (): Promise<PassResult> => {
        running += 1;
        most = Math.max(most, running);
        passes += 1;
        await settle();
        running -= 1;
        return passes < 3 ? 'more' : 'done';
      },
    });
    loop.kick();
    loop.kick();
    loop.kick();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(passes).to.equal(3);
    expect(most).to.equal(1);
    await loop.stop(100);
  });

  it('pauses after a failed pass instead of trying again at once', async () => {
    let passes = 0;
    const loop = new PeriodicPass({
      intervalMs: 60_000,
      logger,
      failureMessage: 'failed',
      pass: () => {
        passes += 1;
        return Promise.reject(new Error('database away'));
      },
    });
    loop.kick();
    await settle();
    loop.kick();
    loop.kick();
    await settle();
    expect(passes).to.equal(1);
    await loop.stop(100);
  });

  it('does nothing once stopped', async () => {
    let passes = 0;
    const loop = new PeriodicPass({
      intervalMs: 60_000,
      logger,
      failureMessage: 'failed',
      pass: () => {
        passes += 1;
        return Promise.resolve<PassResult>('done');
      },
    });
    await loop.stop(10);
    loop.kick();
    await settle();
    expect(passes).to.equal(0);
    expect(loop.isStopped).to.equal(true);
  });
});
