// One table from what the vault refused (or what broke) to the HTTP answer of the vault API.
// docs/ERRORS.md lists the same codes (a test keeps both in step).
import type { Problem, ProblemIssue } from '../http/problem';
import type { VaultRefusalCode } from '../vault/vault-refusal';

type ProblemTemplate = { status: number; title: string; detail: string };

const REFUSALS: Record<VaultRefusalCode, ProblemTemplate> = {
  NOT_FOUND: { status: 404, title: 'Not found', detail: 'No such record, or not for you.' },
  AGREEMENT_REQUIRED: {
    status: 403,
    title: 'Processing agreement not yet accepted',
    detail:
      'Your employer has not accepted the current processing agreement. Read it at GET /v1/employers/{employerId}/agreement and accept it at POST /v1/employers/{employerId}/agreement/acceptances.',
  },
  AGREEMENT_VERSION_OUTDATED: {
    status: 409,
    title: 'Not the current agreement version',
    detail: 'Only the current version of the processing agreement can be accepted.',
  },
  VAULT_ADMIN_REQUIRED: {
    status: 403,
    title: 'Vault admin required',
    detail: 'Only a vault admin of this employer may do this.',
  },
  ROLE_NOT_ALLOWED: {
    status: 403,
    title: 'Not for your role',
    detail: 'Your role does not allow this.',
  },
  LAST_VAULT_ADMIN: {
    status: 409,
    title: 'Last vault admin',
    detail: 'The employer must keep at least one vault admin.',
  },
  DOSSIER_HAS_ABSENCE: {
    status: 409,
    title: 'Dossier shared because of absence',
    detail: 'A dossier shared because of an absence stays shared with the service.',
  },
  NO_MANUAL_SHARE: {
    status: 409,
    title: 'No manual share',
    detail: 'This dossier has no manual share to end.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    title: 'Idempotency-Key used for another request',
    detail: 'This Idempotency-Key was used before with a different body; use a new key.',
  },
  VALIDATION_FAILED: {
    status: 400,
    title: 'Invalid request',
    detail: 'The request does not match the API contract; see issues.',
  },
  ELEVATION_REQUIRED: {
    status: 403,
    title: 'Elevated support role required',
    detail: 'Only elevated support staff may reveal personal data of a dead letter.',
  },
  REASON_REQUIRED: {
    status: 400,
    title: 'Reason required',
    detail: 'Give a reason of 5 to 500 characters; it is kept in the audit trail.',
  },
  DEAD_LETTER_NOT_OPEN: {
    status: 409,
    title: 'Dead letter not open',
    detail: 'Only an OPEN dead letter can be replayed, edited or discarded.',
  },
  PAYLOAD_PURGED: {
    status: 409,
    title: 'Payload purged',
    detail: 'The retention period has passed: only the metadata of this dead letter is left.',
  },
};

export const API_PROBLEMS = {
  ...REFUSALS,
  UNAUTHENTICATED: {
    status: 401,
    title: 'Authentication required',
    detail: 'Send your API token as "Authorization: Bearer <token>".',
  },
  INVALID_JSON: {
    status: 400,
    title: 'Invalid JSON',
    detail: 'The request body is not valid JSON.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Request too large',
    detail: 'The request body exceeds 64 KiB.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported content type',
    detail:
      'Send the body as JSON: Content-Type: application/json (UTF-8), uncompressed or gzip, deflate or br.',
  },
  CASE_OF_OTHER_EMPLOYEE: {
    status: 409,
    title: 'Case belongs to another employee',
    detail: 'This case id is already used for another employee of this employer.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Temporarily unavailable',
    detail: 'The vault cannot answer right now; try again shortly.',
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Internal error',
    detail: 'Something went wrong on our side; the correlation id helps support find it.',
  },
} satisfies Record<string, ProblemTemplate>;

export type ApiProblemCode = keyof typeof API_PROBLEMS;

export function apiProblem(
  code: ApiProblemCode,
  extra: { detail?: string; issues?: ProblemIssue[]; retryAfterSeconds?: number } = {},
): Problem {
  const template = API_PROBLEMS[code];
  return {
    status: template.status,
    code,
    title: template.title,
    detail: extra.detail ?? template.detail,
    ...(extra.issues === undefined ? {} : { issues: extra.issues }),
    ...(extra.retryAfterSeconds === undefined
      ? {}
      : { retryAfterSeconds: extra.retryAfterSeconds }),
  };
}
