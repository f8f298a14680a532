// The tests that need no services: unit, connector conformance and connector tests (seconds).
const base = require('../.mocharc.cjs');

module.exports = {
  ...base,
  spec: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'connectors/**/*.test.ts'],
};
