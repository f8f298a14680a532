// The e-mail outbox (table mail_outbox). A mail is written in the transaction of what it reports
// (enqueueMail), then a delivery worker claims it, sends it and records the outcome here.
//
// PENDING ──claim──▶ SENDING ──▶ SENT
//    ▲                  ├──▶ PENDING again (certainly not accepted; after a back-off)
//    │                  ├──▶ FAILED (refused for good, or out of attempts)
//    │                  └──▶ UNCERTAIN (it may have gone out; also when its worker died: the lease)
//    └──── operator: resolve --resend (UNCERTAIN/FAILED); resolve --sent marks them SENT
//
// Every settle names the claim it settles (id and claimed_at), so a worker never settles a row that
// was claimed again since. Times are the database's, so replicas never disagree about a lease.
import { randomUUID } from 'node:crypto';

import type { Prisma } from '../generated/prisma/client';

export type MailDb = Prisma.TransactionClient;

export const MAIL_STATUSES = ['PENDING', 'SENDING', 'SENT', 'UNCERTAIN', 'FAILED'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export interface NewMail {
  /** Given when the caller needs it before commit (e.g. to report it); default: a new UUID. */
  id?: string;
  employerId: string;
  /** What the mail is, e.g. `agreement-confirmation`: logged, so never personal. */
  kind: string;
  recipient: string;
  subject: string;
  bodyText: string;
}

export interface ClaimedMail {
  id: string;
  employerId: string;
  kind: string;
  recipient: string;
  subject: string;
  bodyText: string;
  /** This attempt included. */
  attempts: number;
  claimedAt: Date;
}

/** One claim: a settle applies only while the row still carries it. */
export type Claim = Pick<ClaimedMail, 'id' | 'claimedAt'>;

/** What an operator sees: never the recipient, subject or body. */
export interface MailListRow {
  id: string;
  employerId: string;
  kind: string;
  status: MailStatus;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date;
  sentAt: Date | null;
  lastError: string | null;
}

const MAX_ERROR_LENGTH = 200;

/** Writes a mail to the outbox inside `tx`: it is sent once `tx` commits, and only then. */
export async function enqueueMail(tx: MailDb, mail: NewMail): Promise<string> {
  const id = mail.id ?? randomUUID();
  await tx.mailOutboxMessage.create({
    data: {
      id,
      employerId: mail.employerId,
      kind: mail.kind,
      recipient: mail.recipient,
      subject: mail.subject,
      bodyText: mail.bodyText,
    },
  });
  return id;
}

/**
 * Claims the oldest due PENDING mail (SENDING, claimed now, one attempt more) and commits that
 * at once. Rows another worker is claiming are skipped, never waited for or taken twice.
 */
export async function claimDue(db: MailDb): Promise<ClaimedMail | null> {
  const rows = await db.$queryRaw<
    {
      id: string;
      employer_id: string;
      kind: string;
      recipient: string;
      subject: string;
      body_text: string;
      attempts: number;
      claimed_at: Date;
    }[]
  >`
    UPDATE mail_outbox SET status = 'SENDING', claimed_at = now(), attempts = attempts + 1
    WHERE status = 'PENDING' AND id = (
      SELECT id FROM mail_outbox WHERE status = 'PENDING' AND next_attempt_at <= now()
      ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, employer_id, kind, recipient, subject, body_text, attempts, claimed_at`;
  const row = rows[0];
  if (row === undefined) return null;
  return {
    id: row.id,
    employerId: row.employer_id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    bodyText: row.body_text,
    attempts: row.attempts,
    claimedAt: row.claimed_at,
  };
}

/**
 * Sent. Also from UNCERTAIN: a worker that outlived its lease knows better than the lease did.
 * False when the claim is gone (resolved or claimed again meanwhile).
 */
export async function markSent(db: MailDb, claim: Claim): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE mail_outbox SET status = 'SENT', sent_at = now()
    WHERE id = ${claim.id}::uuid AND claimed_at = ${claim.claimedAt}
      AND status IN ('SENDING', 'UNCERTAIN')`;
  return updated === 1;
}

/** Certainly not accepted, may be later: PENDING again after `delayMs`. */
export async function markRetry(
  db: MailDb,
  claim: Claim,
  delayMs: number,
  error: string,
): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE mail_outbox
    SET status = 'PENDING', next_attempt_at = now() + ${Math.round(delayMs)} * interval '1 millisecond',
        last_error = ${error.slice(0, MAX_ERROR_LENGTH)}
    WHERE id = ${claim.id}::uuid AND claimed_at = ${claim.claimedAt}
      AND status IN ('SENDING', 'UNCERTAIN')`;
  return updated === 1;
}

/** Certainly not accepted and never will be (or out of attempts): left for an operator. */
export async function markFailed(db: MailDb, claim: Claim, error: string): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE mail_outbox SET status = 'FAILED', last_error = ${error.slice(0, MAX_ERROR_LENGTH)}
    WHERE id = ${claim.id}::uuid AND claimed_at = ${claim.claimedAt}
      AND status IN ('SENDING', 'UNCERTAIN')`;
  return updated === 1;
}

/** It may have gone out: never sent again automatically; left for an operator. */
export async function markUncertain(db: MailDb, claim: Claim, error: string): Promise<boolean> {
  const updated = await db.$executeRaw`
    UPDATE mail_outbox SET status = 'UNCERTAIN', last_error = ${error.slice(0, MAX_ERROR_LENGTH)}
    WHERE id = ${claim.id}::uuid AND claimed_at = ${claim.claimedAt} AND status = 'SENDING'`;
  return updated === 1;
}

/**
 * Mails SENDING for longer than `leaseMs` belong to a worker that died (a live one gives up on a
 * send well within the lease): UNCERTAIN, because it may have sent them before it died.
 */
export async function expireStaleSending(
  db: MailDb,
  leaseMs: number,
): Promise<{ id: string; kind: string; attempts: number }[]> {
  return db.$queryRaw<{ id: string; kind: string; attempts: number }[]>`
    UPDATE mail_outbox
    SET status = 'UNCERTAIN', last_error = 'LEASE_EXPIRED (its worker stopped while sending)'
    WHERE status = 'SENDING' AND claimed_at < now() - ${Math.round(leaseMs)} * interval '1 millisecond'
    RETURNING id::text AS id, kind, attempts`;
}

/** Newest first; `status` narrows it. */
export async function list(
  db: MailDb,
  filter: { status?: MailStatus; limit?: number } = {},
): Promise<MailListRow[]> {
  return db.mailOutboxMessage.findMany({
    where: filter.status === undefined ? {} : { status: filter.status },
    orderBy: { createdAt: 'desc' },
    take: filter.limit ?? 100,
    select: {
      id: true,
      employerId: true,
      kind: true,
      status: true,
      attempts: true,
      createdAt: true,
      nextAttemptAt: true,
      sentAt: true,
      lastError: true,
    },
  });
}

export type ResolveAction = 'sent' | 'resend';
export type ResolveResult =
  | { result: 'resolved'; from: MailStatus }
  | { result: 'not-found' }
  | { result: 'refused'; status: MailStatus };

/**
 * An operator's decision on an UNCERTAIN or FAILED mail, after checking the mail server's log:
 * `sent` (it did arrive: SENT; sent at its last attempt when UNCERTAIN, else now) or `resend`
 * (PENDING now, attempts from zero). Any other status is refused, so a mail in flight is never
 * touched.
 */
export async function resolve(
  db: MailDb,
  id: string,
  action: ResolveAction,
): Promise<ResolveResult> {
  const rows =
    action === 'sent'
      ? await db.$queryRaw<{ from: MailStatus }[]>`
          UPDATE mail_outbox m SET status = 'SENT',
            sent_at = CASE WHEN o.status = 'UNCERTAIN' THEN COALESCE(o.claimed_at, now()) ELSE now() END
          FROM mail_outbox o
          WHERE m.id = ${id}::uuid AND o.id = m.id AND m.status IN ('UNCERTAIN', 'FAILED')
          RETURNING o.status::text AS "from"`
      : await db.$queryRaw<{ from: MailStatus }[]>`
          UPDATE mail_outbox m SET status = 'PENDING', next_attempt_at = now(), attempts = 0,
            claimed_at = NULL
          FROM mail_outbox o
          WHERE m.id = ${id}::uuid AND o.id = m.id AND m.status IN ('UNCERTAIN', 'FAILED')
          RETURNING o.status::text AS "from"`;
  const resolved = rows[0];
  if (resolved !== undefined) return { result: 'resolved', from: resolved.from };
  const current = await db.mailOutboxMessage.findUnique({
    where: { id },
    select: { status: true },
  });
  return current === null ? { result: 'not-found' } : { result: 'refused', status: current.status };
}
