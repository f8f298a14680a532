// Credentials of HR systems: bound to one employer and one connector. A token is
// `dkc_<credential id>_<secret>`; only the SHA-256 of the 256-bit random secret is stored (a slow
// KDF adds nothing for a random secret of that size), compared in constant time.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { Database } from '../db/prisma-client';

export interface VerifiedCredential {
  credentialId: string;
  employerId: string;
  connectorId: string;
}

/** What the ingress needs to authenticate a request (tests can pass their own). */
export interface CredentialVerifier {
  verify(token: string): Promise<VerifiedCredential | null>;
}

const TOKEN = /^dkc_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

function toUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class CredentialStore implements CredentialVerifier {
  /** Credentials whose last-use update is under way: never more than one each (a locked row would pile them up). */
  private readonly touching = new Set<string>();

  constructor(private readonly db: Database) {}

  /** Creates a credential and returns its token: shown once, never stored. */
  async create(input: {
    employerId: string;
    connectorId: string;
    label?: string;
  }): Promise<{ credentialId: string; token: string }> {
    const employer = await this.db.employer.findUnique({
      where: { id: input.employerId },
      select: { id: true },
    });
    if (employer === null)
      throw new Error(
        `unknown employer: ${input.employerId} (create it with datakluis employer create)`,
      );
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.db.connectorCredential.create({
      data: {
        id,
        employerId: input.employerId,
        connectorId: input.connectorId,
        secretHash: hashSecret(secret),
        label: input.label ?? null,
      },
    });
    return { credentialId: id, token: `dkc_${id.replace(/-/g, '')}_${secret}` };
  }

  async verify(token: string): Promise<VerifiedCredential | null> {
    const match = TOKEN.exec(token);
    if (match === null) return null;
    const id = toUuid(match[1] ?? '');
    const row = await this.db.connectorCredential.findUnique({ where: { id } });
    if (row === null || row.revokedAt !== null) return null;
    const expected = Buffer.from(row.secretHash, 'hex');
    const actual = Buffer.from(hashSecret(match[2] ?? ''), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    // Last use is bookkeeping: at most once a minute per credential, and never in the request's way.
    const stale = row.lastUsedAt === null || Date.now() - row.lastUsedAt.getTime() > 60_000;
    if (stale && !this.touching.has(id)) {
      this.touching.add(id);
      void this.db.connectorCredential
        .update({ where: { id }, data: { lastUsedAt: new Date() } })
        .catch(() => undefined)
        .finally(() => this.touching.delete(id));
    }
    return { credentialId: id, employerId: row.employerId, connectorId: row.connectorId };
  }
}

/**
 * Keeps the ingress taking messages through a short database outage: a credential verified against
 * the database in the last `graceMs` is accepted from memory only while the database cannot be
 * asked. Whenever the database answers, its answer counts, so a revocation takes effect at once.
 * Keyed by the token's hash; tokens themselves are never kept.
 */
export class CachedCredentialVerifier implements CredentialVerifier {
  private readonly known = new Map<string, { credential: VerifiedCredential; at: number }>();

  constructor(
    private readonly inner: CredentialVerifier,
    private readonly graceMs = 10 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(token: string): Promise<VerifiedCredential | null> {
    const key = hashSecret(token);
    let credential: VerifiedCredential | null;
    try {
      credential = await this.inner.verify(token);
    } catch (error) {
      const cached = this.known.get(key);
      if (cached !== undefined && Date.now() - cached.at <= this.graceMs) return cached.credential;
      throw error;
    }
    this.known.delete(key);
    if (credential !== null) {
      if (this.known.size >= this.maxEntries) this.known.delete(this.known.keys().next().value!);
      this.known.set(key, { credential, at: Date.now() });
    }
    return credential;
  }
}
