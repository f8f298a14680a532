// Support staff's work on dead letters: list, show (redacted), reveal (elevated, with a reason),
// replay, edit and replay, bulk replay, discard. Every operation checks the caller and writes an
// audit entry (references and codes only; the reason of a reveal or discard). A dead letter of an
// employer the caller does not serve is NOT_FOUND, exactly as one that does not exist.
//
// A replay republishes the stored event (or raw bytes) to its original exchange and routing key
// with the SAME message id: the consumer deduplicates by event id, so an event that was applied in
// the meantime has no second effect. The republisher resolves the logical exchange name.
import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { REDACTED } from '../canonical/personal-data';
import type { Principal } from '../access/principal';
import type { Database } from '../db/prisma-client';
import type { Logger } from '../shared/logger';
import type { OutgoingMessage } from '../shared/outgoing-message';
import { appendAudit } from '../vault/vault.repository';
import type { AuditInput } from '../vault/vault.repository';
import { notFound, VaultRefusal } from '../vault/vault-refusal';
import { changedPaths, toDetail, toPage, toStats } from './dead-letter-view';
import {
  checkPageLimit,
  checkRate,
  checkReason,
  checkReplayable,
  decodeCursor,
  encodeCursor,
  checkFilter,
  invalid,
  replayMessage,
  scopeOf,
  validEdit,
} from './dead-letter-rules';
import { DeadLetterRepository } from './dead-letter.repository';
import type { DeadLetterScope, DeadLetterWithCopies, Tx } from './dead-letter.repository';
import type {
  BulkReplayResult,
  DeadLetterDetail,
  DeadLetterFilter,
  DeadLetterOperations,
  DeadLetterPage,
  DeadLetterStats,
  SupportContext,
} from './dead-letter.types';
import { TokenBucket } from './token-bucket';
import type { Clock } from './token-bucket';

export { REPLAY_HEADERS } from './dead-letter-rules';

/** Publishes one message and resolves once the broker confirmed it. `exchange` is a logical name. */
export interface Republisher {
  publish(message: OutgoingMessage): Promise<void>;
}

/** Audit entries of a dead letter without an employer go to this employer id. */
export const NO_EMPLOYER = '*';

type AuditEntry = Omit<AuditInput, 'actorType' | 'actorId' | 'employerId' | 'correlationId'> & {
  employerId: string | null;
};

/** A replay holds its row lock while the broker confirms (at most the publish timeout). */
const REPLAY_TRANSACTION_MS = 60_000;

export class DeadLetterService implements DeadLetterOperations {
  private readonly repo: DeadLetterRepository;

  constructor(
    db: Database,
    private readonly republisher: Republisher,
    private readonly logger: Logger,
    private readonly options: { clock?: Clock; now?: () => Date } = {},
  ) {
    this.repo = new DeadLetterRepository(db);
  }

  private async audit(
    tx: Tx,
    user: Principal,
    entry: AuditEntry,
    context: SupportContext = {},
  ): Promise<void> {
    await appendAudit(tx, {
      ...entry,
      employerId: entry.employerId ?? NO_EMPLOYER,
      actorType: 'user',
      actorId: user.userId,
      ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
    });
  }

  private auditAlone(user: Principal, entry: AuditEntry, context?: SupportContext): Promise<void> {
    return this.repo.transaction((tx) => this.audit(tx, user, entry, context));
  }

  /**
   * The caller's scope (support staff only): the employers they serve; for elevated staff also the
   * dead letters without an employer and those naming an employer the gateway does not know.
   */
  private async scopeFor(user: Principal): Promise<DeadLetterScope> {
    const scope = scopeOf(user);
    if (!scope.withoutEmployer) return scope;
    return {
      ...scope,
      employers: [...scope.employers, ...(await this.repo.unregisteredEmployers())],
    };
  }

  private async visible(scope: DeadLetterScope, id: string): Promise<DeadLetterWithCopies> {
    const row = await this.repo.find(scope, id);
    if (row === null) throw notFound();
    return row;
  }

  async list(
    user: Principal,
    filter: DeadLetterFilter,
    page: { limit: number; after?: string },
    context?: SupportContext,
  ): Promise<DeadLetterPage> {
    const scope = await this.scopeFor(user);
    checkPageLimit(page.limit);
    checkFilter(filter);
    const after = page.after === undefined ? undefined : decodeCursor(page.after);
    const result = await this.repo.list(scope, filter, {
      limit: page.limit,
      ...(after === undefined ? {} : { after }),
    });
    await this.auditAlone(
      user,
      {
        employerId: filter.employerId ?? null,
        action: 'dead-letter.list',
        details: { listed: result.rows.length, total: result.total },
      },
      context,
    );
    const last = result.rows.at(-1);
    return toPage(result, result.more && last !== undefined ? encodeCursor(last) : null);
  }

  async show(user: Principal, id: string, context?: SupportContext): Promise<DeadLetterDetail> {
    const row = await this.visible(await this.scopeFor(user), id);
    await this.auditAlone(user, this.about(row, 'dead-letter.show'), context);
    return toDetail(row, false);
  }

  async reveal(
    user: Principal,
    id: string,
    reason: string,
    context?: SupportContext,
  ): Promise<DeadLetterDetail> {
    const scope = await this.scopeFor(user);
    if (!user.supportElevated)
      throw new VaultRefusal('ELEVATION_REQUIRED', 'Only elevated support staff may reveal.');
    const why = checkReason(reason);
    const row = await this.visible(scope, id);
    await this.auditAlone(user, { ...this.about(row, 'dead-letter.reveal'), reason: why }, context);
    this.logger.info('dead letter revealed', { deadLetterId: row.id, userId: user.userId });
    return toDetail(row, true);
  }

  /** The audit entry's subject: which dead letter, its error code (never payload values). */
  private about(row: DeadLetterWithCopies, action: string): AuditEntry {
    return {
      employerId: row.employerId,
      action,
      details: { deadLetterId: row.id, messageId: row.messageId, errorCode: row.errorCode },
    };
  }

  /** The message id to publish under: an edited copy keeps the original's. */
  private async publishedId(row: DeadLetterWithCopies): Promise<string> {
    if (row.editedFrom === null) return row.messageId;
    return (await this.repo.messageIdOf(row.editedFrom)) ?? row.messageId.replace(/#edit-\d+$/, '');
  }

  /**
   * Locks the dead letter, checks it is still OPEN with a payload, publishes (confirmed), records
   * the replay and audits it — all under the row lock, so two replays (or a replay and a discard)
   * of one dead letter never both go through. A publish that was confirmed but whose record did not
   * commit is harmless: a replay has the same message id, and the consumer applies an id once.
   */
  private async replayRow(
    user: Principal,
    scope: DeadLetterScope,
    id: string,
    context: SupportContext,
    details: Record<string, string | number | boolean> = {},
  ): Promise<void> {
    const row = await this.repo.transaction(
      async (tx) => {
        const locked = await this.repo.lock(tx, scope, id);
        if (locked === null) throw notFound();
        checkReplayable(locked);
        await this.republisher.publish(
          replayMessage(locked, await this.publishedId(locked), context),
        );
        await this.repo.markReplayed(tx, locked.id, user.userId, locked.lastFailedAt);
        const about = this.about(locked, 'dead-letter.replay');
        await this.audit(
          tx,
          user,
          { ...about, details: { ...about.details, ...details } },
          context,
        );
        return locked;
      },
      { timeout: REPLAY_TRANSACTION_MS },
    );
    this.logger.info('dead letter replayed', { deadLetterId: row.id, code: row.errorCode });
  }

  async replay(
    user: Principal,
    id: string,
    context: SupportContext = {},
  ): Promise<DeadLetterDetail> {
    const scope = await this.scopeFor(user);
    await this.replayRow(user, scope, id, context);
    return toDetail(await this.visible(scope, id), false);
  }

  async editAndReplay(
    user: Principal,
    id: string,
    event: unknown,
    context: SupportContext = {},
  ): Promise<DeadLetterDetail> {
    const scope = await this.scopeFor(user);
    const row = await this.visible(scope, id);
    checkReplayable(row);
    const edited = validEdit(row, event);
    const paths = changedPaths(row.canonical, edited);
    if (paths.length === 0)
      throw new VaultRefusal(
        'VALIDATION_FAILED',
        'The edited event is the same as the stored one: replay the dead letter instead.',
        [{ code: 'UNCHANGED', path: '/', detail: 'nothing changed' }],
      );
    checkEditablePaths(paths, edited);
    const copyId = await this.repo.transaction(async (tx) => {
      const original = await this.repo.lock(tx, scope, id);
      if (original === null) throw notFound();
      checkReplayable(original);
      const copy = await this.repo.createEditedCopy(tx, original, edited);
      // The original is replaced by its copy: it is not replayed (or bulk-replayed) as it was.
      await this.repo.markReplayed(tx, original.id, user.userId, original.lastFailedAt);
      const about = this.about(original, 'dead-letter.edit');
      await this.audit(
        tx,
        user,
        { ...about, details: { ...about.details, copyId: copy, changedPaths: paths.join(',') } },
        context,
      );
      return copy;
    });
    await this.replayRow(user, scope, copyId, context, { editOf: row.id });
    return toDetail(await this.visible(scope, copyId), false);
  }

  async bulkReplay(
    user: Principal,
    filter: DeadLetterFilter,
    options: {
      dryRun: boolean;
      ratePerSecond: number;
      onProgress?: (done: number, total: number) => void;
    },
    context: SupportContext = {},
  ): Promise<BulkReplayResult> {
    const scope = await this.scopeFor(user);
    checkFilter(filter);
    if (filter.status !== undefined && filter.status !== 'OPEN')
      throw invalid('status', 'only OPEN dead letters are replayed');
    const rate = options.ratePerSecond;
    checkRate(rate);
    const result: BulkReplayResult = { dryRun: options.dryRun, matched: 0, replayed: 0, failed: 0 };
    if (options.dryRun) result.matched = await this.repo.countReplayable(scope, filter);
    else {
      const ids = await this.repo.replayableIds(scope, filter);
      result.matched = ids.length;
      const bucket = new TokenBucket(
        rate,
        this.options.clock === undefined ? {} : { clock: this.options.clock },
      );
      for (const [index, id] of ids.entries()) {
        await bucket.take();
        const outcome = await this.replayInBulk(user, scope, id, context);
        if (outcome === 'replayed') result.replayed += 1;
        else if (outcome === 'failed') result.failed += 1;
        options.onProgress?.(index + 1, ids.length);
      }
    }
    await this.auditAlone(
      user,
      {
        employerId: filter.employerId ?? null,
        action: 'dead-letter.bulk-replay',
        details: {
          ...result,
          ...(filter.errorCode === undefined ? {} : { errorCode: filter.errorCode }),
        },
      },
      context,
    );
    this.logger.info('bulk replay done', { ...result, userId: user.userId });
    return result;
  }

  /** One dead letter of a bulk replay: 'skipped' when it changed meanwhile (no longer OPEN). */
  private async replayInBulk(
    user: Principal,
    scope: DeadLetterScope,
    id: string,
    context: SupportContext,
  ): Promise<'replayed' | 'skipped' | 'failed'> {
    try {
      await this.replayRow(user, scope, id, context, { bulk: true });
      return 'replayed';
    } catch (error) {
      if (error instanceof VaultRefusal) return 'skipped';
      this.logger.warn('bulk replay: one dead letter failed', {
        deadLetterId: id,
        errorCode: (error as { code?: unknown }).code,
      });
      return 'failed';
    }
  }

  async discard(
    user: Principal,
    id: string,
    reason: string,
    context?: SupportContext,
  ): Promise<DeadLetterDetail> {
    const scope = await this.scopeFor(user);
    const why = checkReason(reason);
    await this.repo.transaction(async (tx) => {
      const row = await this.repo.lock(tx, scope, id);
      if (row === null) throw notFound();
      if (row.status !== 'OPEN')
        throw new VaultRefusal('DEAD_LETTER_NOT_OPEN', `The dead letter is ${row.status}.`);
      await this.repo.setStatus(tx, row.id, 'DISCARDED', {
        discardedBy: user.userId,
        discardReason: why,
      });
      await this.audit(
        tx,
        user,
        { ...this.about(row, 'dead-letter.discard'), reason: why },
        context,
      );
    });
    this.logger.info('dead letter discarded', { deadLetterId: id, userId: user.userId });
    return toDetail(await this.visible(scope, id), false);
  }

  /** Counts only (no record content), so it is not audited: monitoring asks often. */
  async stats(user: Principal): Promise<DeadLetterStats> {
    const groups = await this.repo.openByErrorCode(await this.scopeFor(user));
    return toStats(groups, this.options.now?.() ?? new Date());
  }

  /** Purges payloads whose last failure is older than `days`; metadata stays. Returns the count. */
  purgePayloads(days: number): Promise<number> {
    return this.repo.purgePayloads(days, this.options.now?.() ?? new Date());
  }
}

/**
 * Support corrects facts, not identities: the absence facts, the case (a case id that collides with
 * another employee's case gets a new one) and the time may change — never whom it is about
 * (employee), where it came from (source) or what it is (type). An event still holding the
 * redaction marker is refused, so an edit made from the redacted view can never write
 * "[redacted]" over real data.
 */
function checkEditablePaths(paths: readonly string[], edited: CanonicalEvent): void {
  const absence = edited.type !== 'nl.datakluis.employee.upserted';
  const editable = (path: string): boolean =>
    path === '/time' ||
    /^\/data\/(absence|case)(\/|$)/.test(path) ||
    // The subject of an absence event is its case id (of master data: the employee number).
    (absence && path === '/subject');
  const issues = paths
    .filter((path) => !editable(path))
    .map((path) => ({
      code: 'MUST_NOT_CHANGE',
      path,
      detail:
        'only the absence facts, the case and the time can be edited; send other changes from the source',
    }));
  if (JSON.stringify(edited).includes(REDACTED))
    issues.push({
      code: 'REDACTED_VALUE',
      path: '/',
      detail: 'the event holds "[redacted]": edit the revealed event, not the redacted view',
    });
  if (issues.length > 0)
    throw new VaultRefusal('VALIDATION_FAILED', 'This edit is not allowed.', issues);
}
