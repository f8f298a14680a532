// The long-running processes as an operator starts them (`datakluis serve …`): they stay up while a
// service they need is away, and stop cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

import { expect } from 'chai';

import { getTestEnvironment, testConfig } from '../helpers/test-environment';

const ROOT = path.resolve(__dirname, '../..');

/** `datakluis serve <which>` as a child process, with its output collected and its exit code. */
function serve(
  which: 'ingress' | 'consumer',
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['bin/datakluis.cjs', 'serve', which], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('serve processes', function () {
  this.timeout(40000);

  it('a consumer whose broker is away keeps running (and retrying) until SIGTERM, then exits 0', async () => {
    await getTestEnvironment();
    const config = testConfig();
    const { child, output, exited } = serve('consumer', {
      DATABASE_SCHEMA: config.databaseSchema,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5999', // nothing listens there
      AMQP_NAMESPACE: 'test-serve-nobroker',
    });
    const early = await Promise.race([
      exited.then((code) => `exited with ${code}`),
      new Promise<string>((resolve) => setTimeout(() => resolve('running'), 12000)),
    ]);
    expect(early, output()).to.equal('running');
    expect(output()).to.contain('broker connection failed; retrying');
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });

  it('refuses to start on a schema that was never migrated, and says what to do', async () => {
    await getTestEnvironment();
    const { output, exited } = serve('ingress', {
      DATABASE_SCHEMA: 'test_never_migrated',
      AMQP_NAMESPACE: 'test-serve-nomigrate',
      PORT: '0',
    });
    const code = await exited;
    expect(code, output()).to.equal(1);
    expect(output()).to.contain('schema test_never_migrated lacks');
    expect(output()).to.contain('datakluis migrate');
  });
});
