import { expect } from 'chai';

import { mailSendFault, parseFaults, withFaults } from '../../../src/app/fault-injection';
import type { EventHandler } from '../../../src/messaging/vault-consumer';
import { createLogger } from '../../../src/shared/logger';
import { fixtureEvents } from '../../helpers/fixture-events';

describe('fault injection settings (DATAKLUIS_FAULTS)', () => {
  it('is off unless set, and reads the two crash points', () => {
    expect(parseFaults(undefined)).to.equal(null);
    expect(parseFaults('')).to.equal(null);
    expect(parseFaults('crash-after-commit:3')).to.deep.equal({
      point: 'crash-after-commit',
      at: 3,
    });
    expect(parseFaults('crash-before-commit:1')).to.deep.equal({
      point: 'crash-before-commit',
      at: 1,
    });
  });

  it('reads the mail worker crash point too, which leaves the consumer alone', () => {
    expect(parseFaults('crash-after-mail-send:1')).to.deep.equal({
      point: 'crash-after-mail-send',
      at: 1,
    });
    const handler: EventHandler = { apply: () => Promise.resolve('applied') };
    const quiet = createLogger({ console: false });
    expect(withFaults(handler, 'crash-after-mail-send:1', quiet)).to.equal(handler);
    expect(mailSendFault('crash-after-commit:1', quiet)).to.equal(undefined);
    expect(mailSendFault(undefined, quiet)).to.equal(undefined);
  });

  it('refuses anything else at start, instead of running without the fault the test expects', () => {
    for (const text of [
      'crash',
      'crash-after-commit:0',
      'crash-after-commit:x',
      'explode:1',
      'crash-after-mail-send',
    ])
      expect(() => parseFaults(text), text).to.throw(/DATAKLUIS_FAULTS/);
  });
});

describe('fault injection crash points', () => {
  const [event] = fixtureEvents('sivi-verzuim', '01-new-sick-report', 'faults');
  const quiet = createLogger({ console: false });

  /** A handler whose applies finish when the test says so, recording commits. */
  function slowHandler(): { handler: EventHandler; commits: number[]; finish: () => void } {
    const commits: number[] = [];
    const waiting: (() => void)[] = [];
    let calls = 0;
    return {
      commits,
      finish: () => waiting.splice(0).forEach((resolve) => resolve()),
      handler: {
        apply: () => {
          const call = ++calls;
          return new Promise((resolve) =>
            waiting.push(() => {
              commits.push(call);
              resolve('applied');
            }),
          );
        },
      },
    };
  }

  it('crash-after-commit:N fires after the N-th event committed, however many are in flight', async () => {
    const { handler, commits, finish } = slowHandler();
    const crashes: number[] = [];
    const faulty = withFaults(handler, 'crash-after-commit:2', quiet, () => {
      crashes.push(commits.length);
      throw new Error('crashed');
    });
    // Three deliveries in hand at once (prefetch > 1), then their transactions commit.
    const applies = [1, 2, 3].map(() => faulty.apply(event!, {}).catch(() => 'crashed'));
    finish();
    expect(await Promise.all(applies)).to.deep.equal(['applied', 'crashed', 'applied']);
    expect(crashes).to.have.length(1);
  });

  it('crash-before-commit:N fires before the N-th event is applied', async () => {
    const { handler, commits, finish } = slowHandler();
    let crashed = 0;
    const faulty = withFaults(handler, 'crash-before-commit:1', quiet, () => {
      crashed += 1;
      throw new Error('crashed');
    });
    const first = faulty.apply(event!, {}).catch(() => 'crashed');
    finish();
    expect(await first).to.equal('crashed');
    expect(crashed).to.equal(1);
    expect(commits).to.deep.equal([]);
  });

  it('crash-after-mail-send:N fires after the N-th successful send, once', () => {
    let crashed = 0;
    const afterSend = mailSendFault('crash-after-mail-send:2', quiet, () => {
      crashed += 1;
      throw new Error('crashed');
    })!;
    afterSend();
    expect(crashed).to.equal(0);
    expect(() => afterSend()).to.throw('crashed');
    afterSend();
    expect(crashed).to.equal(1);
  });
});
