// Reading path and query parameters the way the contract describes them. A malformed id in a path
// answers 404 like any record that does not exist; a malformed query parameter answers 400.
import type { Request } from 'express';

import type { ProblemIssue } from '../http/problem';
import { notFound, VaultRefusal } from '../vault/vault-refusal';
import { isPlausibleDay } from '../shared/calendar';
import { contractIssues } from './contract';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMPLOYER_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
// eslint-disable-next-line no-control-regex -- that is what it is for
const CONTROL = /[\u0000-\u001f\u007f]/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_ROW_ID = 2n ** 63n - 1n;

export function employerParam(req: Request): string {
  const value = req.params.employerId;
  if (typeof value !== 'string' || !EMPLOYER_ID.test(value)) throw notFound();
  return value;
}

export function uuidParam(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !UUID.test(value)) throw notFound();
  return value.toLowerCase();
}

/** Collects query problems so one answer lists all of them. */
export class QueryReader {
  private readonly issues: ProblemIssue[] = [];

  constructor(private readonly req: Request) {}

  private text(name: string): string | undefined {
    const value = this.req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.issues.push({
        code: 'INVALID_PARAMETER',
        path: `query:${name}`,
        detail: 'give it once',
      });
      return undefined;
    }
    if (CONTROL.test(value)) {
      this.issues.push({
        code: 'INVALID_PARAMETER',
        path: `query:${name}`,
        detail: 'control characters are not allowed',
      });
      return undefined;
    }
    return value;
  }

  string(name: string, maxLength: number): string | undefined {
    const value = this.text(name);
    if (value !== undefined && (value.length === 0 || value.length > maxLength)) {
      this.issues.push({
        code: 'INVALID_PARAMETER',
        path: `query:${name}`,
        detail: `must be 1 to ${maxLength} characters`,
      });
      return undefined;
    }
    return value;
  }

  integer(name: string, min: number, max: number, fallback: number): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (!/^[0-9]+$/.test(value) || number < min || number > max) {
      this.issues.push({
        code: 'INVALID_PARAMETER',
        path: `query:${name}`,
        detail: `must be a whole number from ${min} to ${max}`,
      });
      return fallback;
    }
    return number;
  }

  /** A row id (a bigint in the database). */
  rowId(name: string): bigint | undefined {
    const value = this.text(name);
    if (value !== undefined && (!/^[0-9]{1,19}$/.test(value) || BigInt(value) > MAX_ROW_ID)) {
      this.issues.push({ code: 'INVALID_PARAMETER', path: `query:${name}`, detail: 'not an id' });
      return undefined;
    }
    return value === undefined ? undefined : BigInt(value);
  }

  uuid(name: string): string | undefined {
    const value = this.text(name);
    if (value !== undefined && !UUID.test(value)) {
      this.issues.push({ code: 'INVALID_PARAMETER', path: `query:${name}`, detail: 'not a uuid' });
      return undefined;
    }
    return value?.toLowerCase();
  }

  instant(name: string): Date | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const time = new Date(value);
    const day = INSTANT.exec(value)?.[1];
    if (day === undefined || !isPlausibleDay(day) || Number.isNaN(time.getTime())) {
      this.issues.push({
        code: 'INVALID_PARAMETER',
        path: `query:${name}`,
        detail: 'must be an RFC 3339 date-time',
      });
      return undefined;
    }
    return time;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.text(name);
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
      this.issues.push({
        code: 'INVALID_PARAMETER',
        path: `query:${name}`,
        detail: `must be one of ${allowed.join(', ')}`,
      });
      return undefined;
    }
    return value as T | undefined;
  }

  /** Throws VALIDATION_FAILED listing every problem found so far. */
  done(): void {
    if (this.issues.length > 0)
      throw new VaultRefusal('VALIDATION_FAILED', 'Invalid query parameters.', this.issues);
  }
}

/** The body as the named contract schema, or VALIDATION_FAILED with every problem. */
export function bodyAs<T>(req: Request, schemaName: string): T {
  const body: unknown = req.body;
  const issues = contractIssues(schemaName, body);
  if (issues.length > 0)
    throw new VaultRefusal('VALIDATION_FAILED', 'The body does not match the contract.', issues);
  return body as T;
}
