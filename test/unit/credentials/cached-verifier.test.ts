import { expect } from 'chai';

import { CachedCredentialVerifier } from '../../../src/credentials/connector-credentials';
import type {
  CredentialVerifier,
  VerifiedCredential,
} from '../../../src/credentials/connector-credentials';

const credential: VerifiedCredential = {
  credentialId: 'c1',
  employerId: 'acme',
  connectorId: 'csv',
};

class SwitchableStore implements CredentialVerifier {
  reachable = true;
  valid = new Set(['good-token']);
  verify(token: string): Promise<VerifiedCredential | null> {
    if (!this.reachable) return Promise.reject(new Error('database down'));
    return Promise.resolve(this.valid.has(token) ? credential : null);
  }
}

describe('credential verification through a database outage', () => {
  it('accepts a credential verified recently while the database cannot be asked', async () => {
    const store = new SwitchableStore();
    const verifier = new CachedCredentialVerifier(store, 60_000);
    expect(await verifier.verify('good-token')).to.deep.equal(credential);
    store.reachable = false;
    expect(await verifier.verify('good-token')).to.deep.equal(credential);
  });

  it('never accepts from memory a token it has not verified, or one verified too long ago', async () => {
    const store = new SwitchableStore();
    store.reachable = false;
    const verifier = new CachedCredentialVerifier(store, 60_000);
    let error: unknown;
    await verifier.verify('good-token').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
    store.reachable = true;
    const stale = new CachedCredentialVerifier(store, 0);
    await stale.verify('good-token');
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.reachable = false;
    error = undefined;
    await stale.verify('good-token').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
  });

  it('a revocation counts at once whenever the database answers', async () => {
    const store = new SwitchableStore();
    const verifier = new CachedCredentialVerifier(store, 60_000);
    await verifier.verify('good-token');
    store.valid.delete('good-token');
    expect(await verifier.verify('good-token')).to.equal(null);
    store.reachable = false;
    let error: unknown;
    await verifier.verify('good-token').catch((e: unknown) => (error = e));
    expect(error, 'a revoked credential is not remembered').to.be.instanceOf(Error);
  });
});
