// RFC 9457 problem details. Every error the ingress and the vault API send is one of these, with a stable `code` a
// sender can match on and, where it applies, the paths into the message that are wrong. Values from
// the message are never echoed.
import type { Response } from 'express';

export interface ProblemIssue {
  code: string;
  path: string;
  detail: string;
}

export interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  issues?: ProblemIssue[];
  retryAfterSeconds?: number;
}

export const PROBLEM_BASE = 'https://docs.datakluis.nl/problems/';

export function sendProblem(res: Response, problem: Problem, correlationId?: string): void {
  if (problem.retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(problem.retryAfterSeconds));
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `${PROBLEM_BASE}${problem.code.toLowerCase().replace(/_/g, '-')}`,
        title: problem.title,
        status: problem.status,
        detail: problem.detail,
        code: problem.code,
        ...(correlationId === undefined ? {} : { correlationId }),
        ...(problem.issues === undefined ? {} : { issues: problem.issues }),
      }),
    );
}
