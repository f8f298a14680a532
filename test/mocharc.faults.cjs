// The fault suite (issue "Nothing lost, nothing doubled"): real gateway processes, real RabbitMQ and
// PostgreSQL, faults injected into both (it stops and restarts them: see test/faults/harness/faults.ts
// for how it coordinates with the main suite). Not part of `npm test`: its files end in .fault.ts.
const base = require('../.mocharc.cjs');

module.exports = {
  ...base,
  require: ['tsx/cjs', 'test/faults/harness/setup.ts'],
  spec: ['test/faults/**/*.fault.ts'],
  timeout: 300000,
  slow: 60000,
};
