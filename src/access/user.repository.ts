// Users of the vault API and their roles: the only module that stores them.
import { randomUUID } from 'node:crypto';

import type { Database } from '../db/prisma-client';
import type { Principal, UserKind, VaultRole } from './principal';

export interface NewUser {
  kind: UserKind;
  login: string;
  displayName: string;
  employerId?: string;
  servedEmployers?: string[];
  vaultRole?: VaultRole;
  supportElevated?: boolean;
  externalSubject?: string;
}

export interface UserRow {
  id: string;
  kind: UserKind;
  login: string;
  displayName: string;
  employerId: string | null;
  vaultRole: VaultRole;
  supportElevated: boolean;
  servedEmployers: string[];
  disabledAt: Date | null;
}

/** The columns of a user the gateway reads (shared with token authentication). */
export const USER_SELECT = {
  id: true,
  kind: true,
  login: true,
  displayName: true,
  employerId: true,
  vaultRole: true,
  supportElevated: true,
  disabledAt: true,
  scopes: { select: { employerId: true }, orderBy: { employerId: 'asc' } },
} as const;

/** A user as USER_SELECT reads it. */
type SelectedUser = Omit<UserRow, 'servedEmployers'> & { scopes: { employerId: string }[] };

export const toRow = ({ scopes, ...user }: SelectedUser): UserRow => ({
  ...user,
  servedEmployers: scopes.map((scope) => scope.employerId),
});

export function principalOf(user: UserRow): Principal {
  return {
    userId: user.id,
    kind: user.kind,
    employerId: user.employerId,
    vaultRole: user.vaultRole,
    servedEmployers: user.servedEmployers,
    supportElevated: user.supportElevated,
  };
}

export class UserRepository {
  constructor(private readonly db: Database) {}

  /** Creates a user; the database refuses combinations that make no sense (see the migration). */
  async create(input: NewUser): Promise<UserRow> {
    const id = randomUUID();
    const user = await this.db.user.create({
      data: {
        id,
        kind: input.kind,
        login: input.login,
        displayName: input.displayName,
        employerId: input.employerId ?? null,
        vaultRole: input.vaultRole ?? 'NONE',
        supportElevated: input.supportElevated ?? false,
        externalSubject: input.externalSubject ?? null,
        scopes: {
          create: (input.servedEmployers ?? []).map((employerId) => ({ employerId })),
        },
      },
      select: USER_SELECT,
    });
    return toRow(user);
  }

  async findById(id: string): Promise<UserRow | null> {
    const user = await this.db.user.findUnique({ where: { id }, select: USER_SELECT });
    return user === null ? null : toRow(user);
  }

  async findByLogin(login: string): Promise<UserRow | null> {
    const user = await this.db.user.findUnique({ where: { login }, select: USER_SELECT });
    return user === null ? null : toRow(user);
  }

  async list(filter: { employerId?: string } = {}): Promise<UserRow[]> {
    const users = await this.db.user.findMany({
      where:
        filter.employerId === undefined
          ? {}
          : {
              OR: [
                { employerId: filter.employerId },
                { scopes: { some: { employerId: filter.employerId } } },
              ],
            },
      orderBy: { login: 'asc' },
      select: USER_SELECT,
    });
    return users.map(toRow);
  }
}
