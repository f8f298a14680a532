// One table from what went wrong to the HTTP answer. docs/ERRORS.md lists the same codes (a test
// keeps both in step).
import type { AdapterIssue } from '../connector-sdk/types';
import type { RunResult } from '../connector-runtime/run-translate';
import type { Problem } from './problem';

export const INGRESS_PROBLEMS = {
  UNAUTHENTICATED: {
    status: 401,
    title: 'Authentication required',
    detail: 'Send a valid connector credential as "Authorization: Bearer <token>".',
  },
  CREDENTIAL_NOT_FOR_CONNECTOR: {
    status: 403,
    title: 'Credential not valid for this connector',
    detail: 'This credential belongs to another connector.',
  },
  EMPLOYER_MISMATCH: {
    status: 403,
    title: 'Credential not valid for this employer',
    detail:
      'X-Datakluis-Employer names an employer other than the one this credential is bound to.',
  },
  UNKNOWN_CONNECTOR: {
    status: 404,
    title: 'Unknown connector',
    detail: 'No connector with this id exists.',
  },
  NOT_FOUND: { status: 404, title: 'Not found', detail: 'No such endpoint.' },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Message too large',
    detail: 'The message exceeds the size limit of this connector.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported content type',
    detail: 'Send the message with a Content-Type this connector accepts.',
  },
  UNSUPPORTED_CHARSET: {
    status: 415,
    title: 'Unsupported character set',
    detail: 'Messages must be UTF-8 (charset=utf-8, or no charset parameter).',
  },
  INVALID_ENCODING: {
    status: 400,
    title: 'Body is not valid UTF-8',
    detail:
      'The message body contains bytes that are not valid UTF-8. Export or save the file as UTF-8 (in Excel: "CSV UTF-8").',
  },
  EMPTY_BODY: { status: 400, title: 'Empty message', detail: 'The message body is empty.' },
  BROKER_UNAVAILABLE: {
    status: 503,
    title: 'Temporarily unavailable',
    detail:
      'The message could not be stored safely right now; nothing was accepted. Retry later with the same message.',
  },
  INTERNAL_ERROR: {
    status: 500,
    title: 'Internal error',
    detail:
      'The gateway failed; nothing was accepted. Retry later; support can trace it by the correlation id.',
  },
} as const satisfies Record<string, Omit<Problem, 'code'>>;

export type IngressProblemCode = keyof typeof INGRESS_PROBLEMS;

export function problem(code: IngressProblemCode, overrides: Partial<Problem> = {}): Problem {
  return { code, ...INGRESS_PROBLEMS[code], ...overrides };
}

const toIssues = (
  issues: readonly AdapterIssue[] | readonly { reason: string; path: string; message: string }[],
) => issues.map((issue) => ({ code: issue.reason, path: issue.path, detail: issue.message }));

export function tooLarge(limitBytes: number): Problem {
  return problem('PAYLOAD_TOO_LARGE', {
    detail: `The message exceeds this connector's limit of ${limitBytes} bytes.`,
  });
}

/** The problem for an adapter outcome that is not a success; undefined for translated/ignored. */
export function problemForRun(result: RunResult): Problem | undefined {
  if (result.outcome === 'rejected') {
    const malformed = result.reason === 'MALFORMED_PAYLOAD';
    return {
      status: malformed ? 400 : 422,
      code: result.reason,
      title: malformed ? 'Malformed message' : 'Message rejected',
      detail: `${result.issues.length} problem(s) in the message; see issues. Nothing was accepted.`,
      issues: toIssues(result.issues),
    };
  }
  if (result.outcome === 'failed') {
    const crashed = result.reason === 'ADAPTER_CRASHED';
    return {
      status: crashed ? 500 : 422,
      code: result.reason,
      title: crashed ? 'Connector failed' : 'Connector produced an invalid event',
      detail:
        'The connector could not translate this message; nothing was accepted. Support has been alerted.',
      issues: toIssues(result.issues),
    };
  }
  return undefined;
}
