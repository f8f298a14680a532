// The connector conformance suite and the connectors' own tests (no services needed).
const base = require('../.mocharc.cjs');

module.exports = {
  ...base,
  spec: ['test/contract/connectors.contract.test.ts', 'connectors/**/*.test.ts'],
};
