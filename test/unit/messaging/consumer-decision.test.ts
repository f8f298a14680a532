import { expect } from 'chai';

import { decide } from '../../../src/messaging/consumer-decision';
import { PermanentError, TransientError } from '../../../src/shared/errors';

describe('consumer decision', () => {
  it('acks what was applied (or was a duplicate)', () => {
    expect(decide({ ok: true }, 0, 5)).to.deep.equal({ action: 'ack' });
  });

  it('retries a transient failure with the attempt count, until the attempts are used up', () => {
    const error = new TransientError('DATABASE_BUSY', 'deadlock');
    expect(decide({ ok: false, error }, 0, 3)).to.deep.equal({ action: 'retry', attempt: 1 });
    expect(decide({ ok: false, error }, 1, 3)).to.deep.equal({ action: 'retry', attempt: 2 });
    expect(decide({ ok: false, error }, 2, 3)).to.deep.equal({
      action: 'dead-letter',
      code: 'RETRIES_EXHAUSTED:DATABASE_BUSY',
      attempts: 3,
    });
  });

  it('dead-letters a permanent failure at once, with its code', () => {
    expect(
      decide({ ok: false, error: new PermanentError('EMPLOYER_UNKNOWN', 'x') }, 0, 5),
    ).to.deep.equal({ action: 'dead-letter', code: 'EMPLOYER_UNKNOWN', attempts: 1 });
  });

  it('dead-letters an unexpected error (a bug) at once instead of looping on it', () => {
    expect(decide({ ok: false, error: new Error('boom') }, 0, 5)).to.deep.equal({
      action: 'dead-letter',
      code: 'INTERNAL_ERROR',
      attempts: 1,
    });
  });
});
