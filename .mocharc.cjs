// Every test: unit, connector conformance, connector-specific, integration and end-to-end. The
// integration and e2e suites use the real PostgreSQL and RabbitMQ, in a fresh schema and broker
// namespace per run (test/setup.ts).
module.exports = {
  require: ['tsx/cjs', 'test/setup.ts'],
  spec: ['test/**/*.test.ts', 'connectors/**/*.test.ts'],
  extension: ['ts'],
  timeout: 20000,
  slow: 1000,
  exit: true,
  reporter: 'test/reporter.cjs',
};
