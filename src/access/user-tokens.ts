// Bearer tokens of vault API users. A token is `dku_<token id>_<secret>`; only the SHA-256 of the
// 256-bit random secret is stored (a slow KDF adds nothing for a random secret of that size),
// compared in constant time. A token is shown once, when it is created.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { Database } from '../db/prisma-client';
import type { Authenticator } from './authenticator';
import type { Principal } from './principal';
import { principalOf, toRow, USER_SELECT } from './user.repository';

const TOKEN = /^dku_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
/** Last use is recorded at most once a minute per token: it is for humans, not an access log. */
const TOUCH_EVERY_MS = 60_000;

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

const toUuid = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export class UserTokenAuthenticator implements Authenticator {
  constructor(private readonly db: Database) {}

  /** Creates a token for the user and returns it: shown once, never stored. */
  async create(userId: string, label?: string): Promise<{ tokenId: string; token: string }> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.db.userToken.create({
      data: { id, userId, tokenHash: hashSecret(secret), label: label ?? null },
    });
    return { tokenId: id, token: `dku_${id.replace(/-/g, '')}_${secret}` };
  }

  async revoke(tokenId: string): Promise<void> {
    await this.db.userToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
  }

  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
    const token = match === null ? null : TOKEN.exec(match[1] ?? '');
    if (token === null) return null;
    const tokenId = toUuid(token[1] ?? '');
    const row = await this.db.userToken.findUnique({
      where: { id: tokenId },
      select: {
        tokenHash: true,
        revokedAt: true,
        lastUsedAt: true,
        user: { select: USER_SELECT },
      },
    });
    // Hash the presented secret whether or not the token exists: the answer takes the same time.
    const presented = Buffer.from(hashSecret(token[2] ?? ''), 'hex');
    const stored = Buffer.from(row?.tokenHash ?? '0'.repeat(64), 'hex');
    const matches = timingSafeEqual(presented, stored);
    if (row === null || !matches || row.revokedAt !== null || row.user.disabledAt !== null)
      return null;
    await this.touch(tokenId, row.lastUsedAt);
    return principalOf(toRow(row.user));
  }

  private async touch(tokenId: string, lastUsedAt: Date | null): Promise<void> {
    if (lastUsedAt !== null && Date.now() - lastUsedAt.getTime() < TOUCH_EVERY_MS) return;
    await this.db.userToken.update({ where: { id: tokenId }, data: { lastUsedAt: new Date() } });
  }
}
