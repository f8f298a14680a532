// Runs `prisma generate` without downloading Prisma's schema engine: generate never executes the
// engine, it only checks that the path exists, so any executable (node itself) satisfies it.
'use strict';
const { spawnSync } = require('node:child_process');
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY = env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath;
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate', '--no-hints'], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
