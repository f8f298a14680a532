// Who may see inside an employer's vault. Only a vault admin of the employer changes it, only for
// colleagues of that employer, and never so that no admin is left. Changes of one employer are
// serialised on the employer row, so two admins demoting each other at once cannot both succeed.
import type { Principal, VaultRole } from '../access/principal';
import { isVaultAdmin, worksFor } from '../access/principal';
import type { Database } from '../db/prisma-client';
import { appendAudit } from './vault.repository';
import type { Tx } from './vault.repository';
import { notFound, VaultRefusal } from './vault-refusal';

export interface Colleague {
  id: string;
  login: string;
  displayName: string;
  vaultRole: VaultRole;
  disabled: boolean;
}

export class VaultAdminService {
  constructor(private readonly db: Database) {}

  /** The employer's users and their place in the vault (vault admins only). */
  async colleagues(admin: Principal, employerId: string): Promise<Colleague[]> {
    this.requireAdmin(admin, employerId);
    const users = await this.db.user.findMany({
      where: { employerId, kind: 'EMPLOYER_USER' },
      orderBy: { login: 'asc' },
      select: { id: true, login: true, displayName: true, vaultRole: true, disabledAt: true },
    });
    return users.map((user) => ({
      id: user.id,
      login: user.login,
      displayName: user.displayName,
      vaultRole: user.vaultRole,
      disabled: user.disabledAt !== null,
    }));
  }

  /**
   * Grants (ACCESS), revokes (NONE), promotes (ADMIN) or demotes a colleague. Returns whether
   * anything changed; an unchanged role writes no audit entry.
   */
  async setVaultRole(
    admin: Principal,
    employerId: string,
    targetUserId: string,
    role: VaultRole,
    context: { correlationId?: string } = {},
  ): Promise<{ userId: string; vaultRole: VaultRole; changed: boolean }> {
    this.requireAdmin(admin, employerId);
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM employers WHERE id = ${employerId} FOR UPDATE`;
      const target = await tx.user.findFirst({
        where: { id: targetUserId, employerId, kind: 'EMPLOYER_USER', disabledAt: null },
        select: { id: true, vaultRole: true },
      });
      if (target === null) throw notFound();
      if (target.vaultRole === role) return { userId: target.id, vaultRole: role, changed: false };
      if (target.vaultRole === 'ADMIN') {
        const admins = await tx.user.count({
          where: { employerId, kind: 'EMPLOYER_USER', vaultRole: 'ADMIN', disabledAt: null },
        });
        if (admins <= 1)
          throw new VaultRefusal(
            'LAST_VAULT_ADMIN',
            'This is the last vault admin of the employer; make a colleague vault admin first.',
          );
      }
      await tx.user.update({ where: { id: target.id }, data: { vaultRole: role } });
      await appendAudit(tx, {
        employerId,
        actorType: 'user',
        actorId: admin.userId,
        action: 'vault-role.changed',
        ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
        details: { userId: target.id, from: target.vaultRole, to: role },
      });
      return { userId: target.id, vaultRole: role, changed: true };
    });
  }

  private requireAdmin(user: Principal, employerId: string): void {
    if (!worksFor(user, employerId)) throw notFound();
    if (user.kind !== 'EMPLOYER_USER')
      throw new VaultRefusal('ROLE_NOT_ALLOWED', 'Vault access is managed by the employer.');
    if (!isVaultAdmin(user, employerId))
      throw new VaultRefusal(
        'VAULT_ADMIN_REQUIRED',
        'Only a vault admin of this employer manages vault access.',
      );
  }

  /**
   * An operator disables a user (all their tokens stop at once) or enables them again. Under the
   * employer's lock like every role change, so disabling can never leave an employer without a
   * vault admin; audited with the operator as actor.
   */
  async setUserDisabled(
    userId: string,
    disabled: boolean,
    operator: string,
  ): Promise<{ changed: boolean }> {
    return this.db.$transaction(async (tx) => {
      const user = await tx.user.findUnique({
        where: { id: userId },
        select: { employerId: true, vaultRole: true, disabledAt: true },
      });
      if (user === null) throw notFound();
      if (user.employerId !== null)
        await tx.$queryRaw`SELECT id FROM employers WHERE id = ${user.employerId} FOR UPDATE`;
      const current = await tx.user.findUniqueOrThrow({
        where: { id: userId },
        select: { vaultRole: true, disabledAt: true },
      });
      if ((current.disabledAt !== null) === disabled) return { changed: false };
      if (disabled && user.employerId !== null && current.vaultRole === 'ADMIN') {
        const admins = await tx.user.count({
          where: {
            employerId: user.employerId,
            kind: 'EMPLOYER_USER',
            vaultRole: 'ADMIN',
            disabledAt: null,
          },
        });
        if (admins <= 1)
          throw new VaultRefusal(
            'LAST_VAULT_ADMIN',
            'This is the last vault admin of the employer; a vault admin must make a colleague admin first.',
          );
      }
      await tx.user.update({
        where: { id: userId },
        data: { disabledAt: disabled ? new Date() : null },
      });
      for (const employerId of await employersOf(tx, userId, user.employerId))
        await appendAudit(tx, {
          employerId,
          actorType: 'system',
          actorId: operator,
          action: disabled ? 'user.disabled' : 'user.enabled',
          details: { userId },
        });
      return { changed: true };
    });
  }
}

/** The employers whose audit trail records a change to this user. */
async function employersOf(tx: Tx, userId: string, employerId: string | null): Promise<string[]> {
  if (employerId !== null) return [employerId];
  const scopes = await tx.userEmployerScope.findMany({
    where: { userId },
    select: { employerId: true },
  });
  return scopes.map((scope) => scope.employerId);
}
