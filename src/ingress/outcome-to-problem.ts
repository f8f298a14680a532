// One table from what went wrong to the HTTP answer. docs/ERRORS.md lists the same codes (a test
// keeps both in step).
import type { AdapterIssue } from '../connector-sdk/types';
import type { RunResult } from '../connector-runtime/run-translate';
import type { Problem } from '../http/problem';

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
    detail:
      'The message is in a character set this connector does not accept (see its manifest); UTF-8 is always accepted.',
  },
  CHARSET_CONFLICT: {
    status: 400,
    title: 'Conflicting character sets',
    detail:
      'The message names two different character sets (Content-Type, byte-order mark, XML declaration); make them agree.',
  },
  INVALID_ENCODING: {
    status: 400,
    title: 'Body is not valid in its character set',
    detail:
      'The message body contains bytes that are not valid in its character set (UTF-8 unless it names another). Export or save the file as UTF-8 (in Excel: "CSV UTF-8"), or name its character set.',
  },
  EMPTY_BODY: { status: 400, title: 'Empty message', detail: 'The message body is empty.' },
  TEMPORARILY_UNAVAILABLE: {
    status: 503,
    title: 'Temporarily unavailable',
    detail:
      'The gateway cannot check credentials right now (its database does not answer). Retry later with the same message.',
  },
  UNREADABLE_BODY: {
    status: 400,
    title: 'Body could not be read',
    detail:
      'The body could not be read as sent (for example a Content-Encoding that does not match the bytes).',
  },
  BROKER_UNAVAILABLE: {
    status: 503,
    title: 'Temporarily unavailable',
    detail:
      'The message was not accepted as a whole (a part may have been stored). Retry later with the same message: a resend has one effect.',
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

/** At most this many issues are listed: enough to fix a file, not a megabyte of answer. */
export const MAX_ISSUES = 100;

const toIssues = (
  issues: readonly AdapterIssue[] | readonly { reason: string; path: string; message: string }[],
) =>
  issues
    .slice(0, MAX_ISSUES)
    .map((issue) => ({ code: issue.reason, path: issue.path, detail: issue.message }));

const countText = (count: number): string =>
  count > MAX_ISSUES
    ? `${count} problems in the message; the first ${MAX_ISSUES} are listed`
    : `${count} problem(s) in the message; see issues`;

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
      detail: `${countText(result.issues.length)}. Nothing was accepted.`,
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
