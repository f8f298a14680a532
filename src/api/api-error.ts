import type { ApiProblemCode } from './api-problems';

/** An answer decided in the HTTP layer itself (authentication, body parsing). */
export class ApiProblemError extends Error {
  constructor(readonly code: ApiProblemCode) {
    super(code);
    this.name = 'ApiProblemError';
  }
}
