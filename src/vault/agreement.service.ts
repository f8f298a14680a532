// The processing agreement (verwerkersovereenkomst): reading it, and accepting it, which activates
// the employer's vault, makes the accepting user vault admin and e-mails the legal representative —
// all in one transaction, so either all of it happened or none of it.
import { randomUUID } from 'node:crypto';

import type { Principal } from '../access/principal';
import { isVaultAdmin, worksFor } from '../access/principal';
import type { Database } from '../db/prisma-client';
import { agreementConfirmationMail } from '../mail/agreement-confirmation.mail';
import { enqueueMail } from '../mail/mail-outbox.repository';
import { appendAudit } from './vault.repository';
import type { AuditBase, Tx } from './vault.repository';
import { notFound, VaultRefusal } from './vault-refusal';
import type { RefusalIssue } from './vault-refusal';

export interface AgreementText {
  version: number;
  title: string;
  body: string;
  publishedAt: string;
}

export interface AgreementStatus {
  employerId: string;
  vaultState: 'ACTIVE' | 'INACTIVE';
  currentVersion: number;
  acceptedVersion: number | null;
  /** True until the employer has accepted the current version. */
  acceptanceRequired: boolean;
}

export interface Acceptance {
  version: number;
  representativeName: string;
  representativeEmail: string;
}

export interface AcceptanceResult {
  status: AgreementStatus;
  /** False when this version was already accepted: nothing happened a second time. */
  accepted: boolean;
}

// A full name: at least two parts of letters (accents, hyphens, apostrophes and dots allowed).
const FULL_NAME = /^\p{L}[\p{L}\p{M}.'’-]*(?: +\p{L}[\p{L}\p{M}.'’-]*)+$/u;
// An address as mail servers take it without rewriting: an ASCII dot-atom local part (no leading,
// trailing or double dots, no control characters) and a dotted host name.
const EMAIL =
  /^(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** What is wrong with the legal representative's details; paths point into the request body. */
export function representativeIssues(input: Acceptance): RefusalIssue[] {
  const issues: RefusalIssue[] = [];
  const name = input.representativeName.trim();
  if (name.length > 200 || !FULL_NAME.test(name))
    issues.push({
      code: 'INVALID_NAME',
      path: '/representative/name',
      detail: 'Give the legal representative’s full name (given name and family name).',
    });
  if (
    input.representativeEmail.split('@')[0]!.length > 64 ||
    !EMAIL.test(input.representativeEmail.trim())
  )
    issues.push({
      code: 'INVALID_EMAIL',
      path: '/representative/email',
      detail: 'Give a valid e-mail address for the legal representative.',
    });
  return issues;
}

export class AgreementService {
  constructor(private readonly db: Database) {}

  async current(): Promise<AgreementText> {
    const row = await this.db.agreementVersion.findFirst({ orderBy: { version: 'desc' } });
    if (row === null) throw new Error('no processing agreement has been published');
    return {
      version: row.version,
      title: row.title,
      body: row.body,
      publishedAt: row.publishedAt.toISOString(),
    };
  }

  /** The employer's agreement state; null when the employer does not exist. */
  async status(employerId: string): Promise<AgreementStatus | null> {
    const [employer, current, accepted] = await Promise.all([
      this.db.employer.findUnique({ where: { id: employerId }, select: { vaultState: true } }),
      this.db.agreementVersion.aggregate({ _max: { version: true } }),
      this.db.agreementAcceptance.aggregate({ where: { employerId }, _max: { version: true } }),
    ]);
    if (employer === null) return null;
    const currentVersion = current._max.version ?? 0;
    const acceptedVersion = accepted._max.version;
    return {
      employerId,
      vaultState: employer.vaultState,
      currentVersion,
      acceptedVersion,
      acceptanceRequired: acceptedVersion === null || acceptedVersion < currentVersion,
    };
  }

  /**
   * Accepts the current version for the user's employer. The first acceptance activates the vault
   * and makes the user its first vault admin; a later version may only be accepted by a vault admin
   * (otherwise accepting would be a way to become one). Accepting an accepted version again changes
   * nothing and sends no second e-mail.
   */
  async accept(
    user: Principal,
    employerId: string,
    input: Acceptance,
    context: { correlationId?: string; userDisplayName: string },
  ): Promise<AcceptanceResult> {
    if (user.kind !== 'EMPLOYER_USER' || user.employerId !== employerId) throw notFound();
    const issues = representativeIssues(input);
    if (issues.length > 0)
      throw new VaultRefusal('VALIDATION_FAILED', 'The legal representative is not valid.', issues);
    const accepted = await this.db.$transaction((tx) =>
      this.recordAcceptance(tx, user, employerId, input, context),
    );
    const status = await this.status(employerId);
    if (status === null) throw notFound();
    return { status, accepted };
  }

  /**
   * Corrects the legal representative of the employer's latest acceptance (a mistyped address
   * would otherwise keep the confirmation from ever arriving). Vault admins only; audited without
   * the name or address; the confirmation of that acceptance is sent again, to the new address.
   */
  async changeRepresentative(
    user: Principal,
    employerId: string,
    representative: { name: string; email: string },
    context: { correlationId?: string } = {},
  ): Promise<{ version: number }> {
    if (!worksFor(user, employerId)) throw notFound();
    if (!isVaultAdmin(user, employerId))
      throw new VaultRefusal(
        'VAULT_ADMIN_REQUIRED',
        'The legal representative is changed by a vault admin of the employer.',
      );
    const input: Acceptance = {
      version: 0,
      representativeName: representative.name,
      representativeEmail: representative.email,
    };
    const issues = representativeIssues(input);
    if (issues.length > 0)
      throw new VaultRefusal('VALIDATION_FAILED', 'The legal representative is not valid.', issues);
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM employers WHERE id = ${employerId} FOR UPDATE`;
      const acceptances = await tx.agreementAcceptance.findMany({
        where: { employerId },
        orderBy: { version: 'asc' },
        include: { agreementVersion: true, user: true, employer: true },
      });
      const latest = acceptances.at(-1);
      if (latest === undefined) throw notFound();
      await tx.agreementAcceptance.update({
        where: { id: latest.id },
        data: {
          representativeName: representative.name.trim(),
          representativeEmail: representative.email.trim(),
        },
      });
      await appendAudit(tx, {
        employerId,
        actorType: 'user',
        actorId: user.userId,
        action: 'agreement.representative-changed',
        ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
        details: { version: latest.version },
      });
      await this.queueConfirmation(
        tx,
        employerId,
        latest.employer.name,
        latest.agreementVersion,
        input,
        {
          acceptedAt: latest.acceptedAt,
          acceptedBy: latest.user.displayName,
          firstAcceptance: acceptances.length === 1,
        },
      );
      return { version: latest.version };
    });
  }

  /** Inside the acceptance transaction; false when this version was accepted before. */
  private async recordAcceptance(
    tx: Tx,
    user: Principal,
    employerId: string,
    input: Acceptance,
    context: { correlationId?: string; userDisplayName: string },
  ): Promise<boolean> {
    // One acceptance at a time per employer: the row lock orders them.
    const employers = await tx.$queryRaw<{ name: string; vault_state: string }[]>`
      SELECT name, vault_state::text AS vault_state FROM employers WHERE id = ${employerId} FOR UPDATE`;
    const employer = employers[0];
    if (employer === undefined) throw notFound();
    const current = await tx.agreementVersion.findFirst({ orderBy: { version: 'desc' } });
    if (current === null || current.version !== input.version)
      throw new VaultRefusal(
        'AGREEMENT_VERSION_OUTDATED',
        `Only the current version (${current?.version ?? 'none'}) can be accepted.`,
      );
    const existing = await tx.agreementAcceptance.findUnique({
      where: { employerId_version: { employerId, version: input.version } },
      select: { id: true },
    });
    if (existing !== null) return false;
    // The first acceptance makes the first vault admin (also of a vault an operator activated
    // before any user existed); later versions are accepted by an admin.
    const first = (await tx.agreementAcceptance.count({ where: { employerId } })) === 0;
    if (!first && user.vaultRole !== 'ADMIN')
      throw new VaultRefusal(
        'VAULT_ADMIN_REQUIRED',
        'A new version of the agreement is accepted by a vault admin of the employer.',
      );
    const acceptedAt = new Date();
    await tx.agreementAcceptance.create({
      data: {
        id: randomUUID(),
        employerId,
        version: input.version,
        userId: user.userId,
        representativeName: input.representativeName.trim(),
        representativeEmail: input.representativeEmail.trim(),
        acceptedAt,
      },
    });
    const audit: AuditBase = {
      employerId,
      actorType: 'user' as const,
      actorId: user.userId,
      ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
    };
    await appendAudit(tx, {
      ...audit,
      action: 'agreement.accepted',
      details: { version: input.version },
    });
    if (employer.vault_state !== 'ACTIVE') {
      await tx.employer.update({
        where: { id: employerId },
        data: { vaultState: 'ACTIVE', vaultActivatedAt: acceptedAt },
      });
      await appendAudit(tx, { ...audit, action: 'vault.activated' });
    }
    if (first) await this.makeFirstAdmin(tx, user, audit);
    await this.queueConfirmation(tx, employerId, employer.name, current, input, {
      acceptedAt,
      acceptedBy: context.userDisplayName,
      firstAcceptance: first,
    });
    return true;
  }

  private async makeFirstAdmin(tx: Tx, user: Principal, audit: AuditBase): Promise<void> {
    if (user.vaultRole === 'ADMIN') return;
    await tx.user.update({ where: { id: user.userId }, data: { vaultRole: 'ADMIN' } });
    await appendAudit(tx, {
      ...audit,
      action: 'vault-role.changed',
      details: { userId: user.userId, from: user.vaultRole, to: 'ADMIN' },
    });
  }

  /** The confirmation e-mail to the legal representative, queued in the same transaction. */
  private async queueConfirmation(
    tx: Tx,
    employerId: string,
    employerName: string,
    agreement: { version: number; title: string },
    input: Acceptance,
    acceptance: { acceptedAt: Date; acceptedBy: string; firstAcceptance: boolean },
  ): Promise<void> {
    const mail = agreementConfirmationMail({
      employerName,
      agreementVersion: String(agreement.version),
      agreementTitle: agreement.title,
      acceptedAt: acceptance.acceptedAt,
      representativeName: input.representativeName.trim(),
      acceptedBy: acceptance.acceptedBy,
      firstAcceptance: acceptance.firstAcceptance,
    });
    await enqueueMail(tx, {
      employerId,
      kind: 'agreement-confirmation',
      recipient: input.representativeEmail.trim(),
      subject: mail.subject,
      bodyText: mail.text,
    });
  }
}
