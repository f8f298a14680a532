import { expect } from 'chai';

import { parseFaults } from '../../../src/app/fault-injection';

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

  it('refuses anything else at start, instead of running without the fault the test expects', () => {
    for (const text of ['crash', 'crash-after-commit:0', 'crash-after-commit:x', 'explode:1'])
      expect(() => parseFaults(text), text).to.throw(/DATAKLUIS_FAULTS/);
  });
});
