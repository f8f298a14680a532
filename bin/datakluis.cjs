#!/usr/bin/env node
// The operator CLI. Runs the TypeScript sources through tsx, so it works in a checkout without a
// build step; production images can run dist/src/cli/main.js with node instead.
'use strict';
require('tsx/cjs');
const { main } = require('../src/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
