// How a request proves who it is from. The API depends on this interface only: bearer tokens are
// one implementation (user-tokens.ts); an OIDC provider in front of the gateway would be another,
// mapping the token's `sub` to `users.external_subject` and loading the same Principal.
import type { Principal } from './principal';

export interface Authenticator {
  /** The principal for an `Authorization` header value; null when it proves nothing. */
  authenticate(authorization: string | undefined): Promise<Principal | null>;
}
