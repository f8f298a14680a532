// The support web page in a real headless browser (Debian's chromium driven by playwright-core):
// a support user signs in with their token, sees the dead letters of the employer they serve
// grouped by error code, opens one (metadata, failure history, the payload redacted: never the
// seeded name or BSN), replays it through the real dead-letter service to a real broker (the
// message arrives at the work queue with the same message id) and discards another with a reason.
// The page runs under its own Content-Security-Policy: any violation or script error fails the test.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { expect } from 'chai';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

import { republisherFor } from '../../src/app/dead-letter-worker';
import { publisherConnection, topologyFor } from '../../src/app/wiring';
import type { Database } from '../../src/db/prisma-client';
import { createLogger } from '../../src/shared/logger';
import { waitUntil } from '../helpers/gateway';
import {
  absenceEvent,
  employeeEvent,
  PERSONAL_VALUES,
  seedDeadLetter,
} from '../helpers/support-dead-letters';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  uniqueEmployerId,
} from '../helpers/test-environment';
import { makeUser, startVaultApiForTest } from '../helpers/vault-api';
import type { RunningVaultApi, TestUser } from '../helpers/vault-api';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const config = testNamespaceConfig('support-page');
const topology = topologyFor(config);

describe('the support web page in a headless browser', function () {
  this.timeout(90_000);
  let db: Database;
  let api: RunningVaultApi;
  let replays: ReturnType<typeof publisherConnection> | undefined;
  let broker: ChannelModel | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;
  let page: Page;
  const problems: string[] = [];
  const elsewhere: string[] = [];
  let employerId: string;
  let support: TestUser;
  let seeded: {
    master: Awaited<ReturnType<typeof seedDeadLetter>>;
    report: Awaited<ReturnType<typeof seedDeadLetter>>;
    exhausted: Awaited<ReturnType<typeof seedDeadLetter>>;
  };
  const otherCode = `OTHER_EMPLOYER_${Date.now().toString(36).toUpperCase()}`;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI !== undefined && process.env.CI !== '')
        throw new Error(`${CHROMIUM} is missing; .ci/run installs it (apt-get install chromium)`);
      console.warn(
        `    skipped: ${CHROMIUM} not found (install Debian's chromium: apt-get install chromium)`,
      );
      this.skip();
    }
    ({ db } = await getTestEnvironment());
    const logger = createLogger({ level: 'error', console: false });
    replays = publisherConnection(config, logger, {
      name: 'test-support-page-replays',
      assert: topology,
    });
    await replays.connection.start();
    api = await startVaultApiForTest(db, {
      republisher: republisherFor(topology, replays.publisher),
    });
    broker = await connect(config.amqpUrl);

    employerId = uniqueEmployerId('page');
    await createEmployer(db, employerId, true);
    const otherEmployer = uniqueEmployerId('page-other');
    await createEmployer(db, otherEmployer, true);
    support = await makeUser(db, { kind: 'SUPPORT_STAFF', servedEmployers: [employerId] });
    seeded = {
      master: await seedDeadLetter(db, {
        employerId,
        event: employeeEvent(employerId),
        errorCode: 'SCHEMA_INVALID',
        ageSeconds: 30,
      }),
      report: await seedDeadLetter(db, {
        employerId,
        event: absenceEvent(employerId),
        errorCode: 'SCHEMA_INVALID',
        ageSeconds: 120,
      }),
      exhausted: await seedDeadLetter(db, {
        employerId,
        errorCode: 'RETRIES_EXHAUSTED',
        errorMessage: 'gave up after 3 attempts',
        attempts: 3,
        ageSeconds: 600,
      }),
    };
    await seedDeadLetter(db, { employerId: otherEmployer, errorCode: otherCode });

    userDataDir = await mkdtemp(path.join(tmpdir(), 'datakluis-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(`${api.url}/`)) elsewhere.push(request.url());
    });
  });

  after(async () => {
    await context?.close();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
    await broker?.close();
    await replays?.connection.stop();
    await api?.stop();
  });

  /** The message with this id on the work queue, if it arrived (taken off the queue). */
  async function takeFromWorkQueue(messageId: string): Promise<boolean> {
    const channel = await broker!.createChannel();
    try {
      for (;;) {
        const message = await channel.get(topology.queues.apply.name, { noAck: true });
        if (message === false) return false;
        if (message.properties.messageId === messageId) return true;
      }
    } finally {
      await channel.close();
    }
  }

  /** How many entries the page keeps in its session or local storage. */
  const storageLength = (kind: 'sessionStorage' | 'localStorage'): Promise<number> =>
    page.evaluate(
      (name) => (globalThis as unknown as Record<string, { length: number }>)[name]!.length,
      kind,
    );
  const row = (id: string) => page.locator(`#list tbody tr[data-id="${id}"]`);

  it('asks for the token once and lists the dead letters grouped by error code', async () => {
    await page.goto(`${api.url}/support/`);
    await page.getByLabel('Your API token').fill(support.token);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.locator('#total').filter({ hasText: '3 in all.' }).waitFor();
    const groups = [];
    for (const button of await page.locator('#groups button').all())
      groups.push({
        code: await button.getAttribute('data-error-code'),
        count: await button.locator('.count').textContent(),
      });
    expect(groups).to.have.deep.members([
      { code: 'SCHEMA_INVALID', count: '2' },
      { code: 'RETRIES_EXHAUSTED', count: '1' },
    ]);
    expect(await page.locator('#list tbody tr').count()).to.equal(3);
    expect(await page.content()).to.not.include(otherCode);
    // Newest failure first.
    const rows = await page.locator('#list tbody tr').all();
    expect(await Promise.all(rows.map((tr) => tr.getAttribute('data-id')))).to.deep.equal([
      seeded.master.id,
      seeded.report.id,
      seeded.exhausted.id,
    ]);

    // The token is in this tab's session storage only; the field is empty again.
    expect(await storageLength('sessionStorage')).to.equal(1);
    expect(await storageLength('localStorage')).to.equal(0);
    expect(await page.getByLabel('Your API token').inputValue()).to.equal('');
  });

  it('filters by error code when a group is chosen, and shows the API problem when a filter is wrong', async () => {
    await page.locator('#groups button[data-error-code="RETRIES_EXHAUSTED"]').click();
    await page.locator('#total').filter({ hasText: '1 in all.' }).waitFor();
    expect(await page.locator('#f-error').inputValue()).to.equal('RETRIES_EXHAUSTED');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator('#total').filter({ hasText: '3 in all.' }).waitFor();

    await page.getByLabel('Employer').fill('Not An Employer');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const message = page.locator('#message');
    await message.waitFor({ state: 'visible' });
    expect(await message.textContent()).to.include('Invalid query parameters.');
    expect(await message.textContent()).to.include('query:employerId');
    await page.getByLabel('Employer').fill(employerId);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await message.waitFor({ state: 'hidden' });
    await page.locator('#total').filter({ hasText: '3 in all.' }).waitFor();
  });

  it('opens a dead letter by keyboard: metadata, failure history and the payload redacted', async () => {
    await row(seeded.master.id).getByRole('button').focus();
    await page.keyboard.press('Enter');
    const section = page.locator(`#detail[data-id="${seeded.master.id}"]`);
    await section.waitFor({ state: 'visible' });
    expect(await section.getAttribute('data-status')).to.equal('OPEN');
    const meta = await page.locator('#meta').innerText();
    expect(meta).to.include(seeded.master.messageId);
    expect(meta).to.include('SCHEMA_INVALID');
    expect(await page.locator('#failures tbody tr').count()).to.equal(1);
    const payload = await page.locator('#payload').innerText();
    expect(payload).to.include('[redacted]');
    expect(payload).to.include('nl.datakluis.employee.upserted');
    const text = await page.locator('body').innerText();
    const html = await page.content();
    for (const value of PERSONAL_VALUES) {
      expect(text, value).to.not.include(value);
      expect(html, value).to.not.include(value);
    }
  });

  it('replays it: the status changes and the message is on the work queue with the same id', async () => {
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.locator(`#detail[data-status="REPLAYED"]`).waitFor();
    expect(await page.locator('#meta').innerText()).to.include('1 time(s)');
    await page.locator('#total').filter({ hasText: '2 in all.' }).waitFor();
    expect(await row(seeded.master.id).count()).to.equal(0);
    expect(await page.getByRole('button', { name: 'Replay' }).isDisabled()).to.equal(true);

    let arrived = false;
    await waitUntil(async () => (arrived ||= await takeFromWorkQueue(seeded.master.messageId)));
    const stored = await db.deadLetter.findUniqueOrThrow({ where: { id: seeded.master.id } });
    expect(stored).to.include({ status: 'REPLAYED', replayCount: 1, replayedBy: support.id });
  });

  it('discards another with a reason given in a dialog', async () => {
    await row(seeded.exhausted.id).getByRole('button').click();
    await page.locator(`#detail[data-id="${seeded.exhausted.id}"]`).waitFor();
    await page.getByRole('button', { name: 'Discard…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByRole('button', { name: 'Discard', exact: true }).click();
    expect(await page.locator('#discard-error').textContent()).to.include('5 to 500 characters');

    await dialog
      .getByLabel('Reason (kept for the audit trail)')
      .fill('sent twice by the HR system');
    await dialog.getByRole('button', { name: 'Discard', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator(`#detail[data-status="DISCARDED"]`).waitFor();
    expect(await page.locator('#meta').innerText()).to.include('sent twice by the HR system');
    await page.locator('#total').filter({ hasText: '1 in all.' }).waitFor();
    const stored = await db.deadLetter.findUniqueOrThrow({ where: { id: seeded.exhausted.id } });
    expect(stored).to.include({
      status: 'DISCARDED',
      discardReason: 'sent twice by the HR system',
      discardedBy: support.id,
    });
  });

  it('asks again after signing out, and says so when a token is not accepted', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await storageLength('sessionStorage')).to.equal(0);
    await page.getByLabel('Your API token').fill('dku_not_a_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#message').filter({ hasText: 'not accepted' }).waitFor();
    expect(await page.locator('#workspace').isHidden()).to.equal(true);
  });

  it('broke no Content-Security-Policy rule, threw nothing and asked nothing of another origin', () => {
    // The refusals this test provokes on purpose (a wrong filter: 400, a wrong token: 401) are
    // logged by the browser as failed loads; anything else is a problem.
    const provoked =
      /Failed to load resource: the server responded with a status of 40[01]|^HTTP 40[01] /;
    expect(problems.filter((problem) => !provoked.test(problem))).to.deep.equal([]);
    expect(elsewhere).to.deep.equal([]);
  });
});
