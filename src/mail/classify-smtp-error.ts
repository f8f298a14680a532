// What a failed SMTP send means for the mail: it certainly did not go out and may go out later
// (`retry`), it certainly did not go out and never will (`failed`), or it may have gone out
// (`uncertain`: sending it again could deliver it twice, so only an operator decides).
//
// The line is where the message content was handed over. Before the server answered DATA with
// 354, nothing of the message can have been accepted. After that, only an explicit negative answer
// to the end of the content proves it was not; a dropped connection or a timeout while waiting for
// that answer leaves it open. Decided by nodemailer's `code`, `command` and `responseCode`, never
// by its message text (that can quote the server, and the server can quote the recipient).

export type SmtpOutcome = 'retry' | 'failed' | 'uncertain';

export interface SmtpFailure {
  outcome: SmtpOutcome;
  /** Short and code-level, e.g. `EENVELOPE RCPT TO 550`: safe to store and log. */
  reason: string;
}

interface SmtpErrorFields {
  code?: unknown;
  command?: unknown;
  responseCode?: unknown;
  originalCode?: unknown;
  timeoutType?: unknown;
}

/** Commands whose 5xx refuses this message for good (the sender or the recipient). */
const ENVELOPE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);
/**
 * Without a server reply, these are nodemailer refusing the message itself (an invalid address,
 * too large for the server's SIZE): sending the same message again gets the same answer.
 */
const MESSAGE_ERRORS = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS']);
const TOKEN = /^[A-Za-z0-9_ -]{1,40}$/;

function token(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return typeof value === 'string' && TOKEN.test(value) ? value : undefined;
}

/** The stored description: codes, the command and the reply code, nothing the server wrote. */
export function describeSmtpError(error: unknown, contentHandedOver: boolean): string {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorFields;
  const parts = [
    token(fields.code) ?? (error instanceof Error ? token(error.name) : undefined) ?? 'UNKNOWN',
    token(fields.command),
    token(fields.responseCode),
    token(fields.originalCode),
    token(fields.timeoutType),
  ].filter((part): part is string => part !== undefined);
  return `${parts.join(' ')} (${contentHandedOver ? 'after' : 'before'} the content)`;
}

function responseCodeOf(error: unknown): number | undefined {
  const code = (error as SmtpErrorFields | null)?.responseCode;
  return typeof code === 'number' && code >= 200 && code < 600 ? code : undefined;
}

/** 5xx except 503 (bad sequence: the session's fault, not the message's), as RFC 5321 has it. */
function isPermanentReply(code: number): boolean {
  return code >= 500 && code !== 503;
}

/**
 * Classifies a failed send. `contentHandedOver`: whether the server had asked for the message
 * content (answered DATA with 354) when it failed.
 */
export function classifySmtpError(error: unknown, contentHandedOver: boolean): SmtpFailure {
  const reason = describeSmtpError(error, contentHandedOver);
  const fields = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorFields;
  const responseCode = responseCodeOf(error);
  if (contentHandedOver) {
    // The server's own answer to the content (or a 421 "closing" instead of one) says no.
    const answered =
      responseCode !== undefined &&
      responseCode >= 400 &&
      (fields.command === 'DATA' || responseCode === 421);
    if (!answered) return { outcome: 'uncertain', reason };
    return { outcome: isPermanentReply(responseCode) ? 'failed' : 'retry', reason };
  }
  if (
    responseCode !== undefined &&
    isPermanentReply(responseCode) &&
    typeof fields.command === 'string' &&
    ENVELOPE_COMMANDS.has(fields.command)
  )
    return { outcome: 'failed', reason };
  if (responseCode === undefined && MESSAGE_ERRORS.has(String(fields.code)))
    return { outcome: 'failed', reason };
  // Connection, greeting, TLS, authentication, 4xx and 503: not taken now, perhaps later.
  return { outcome: 'retry', reason };
}

const MAX_DELAY_MS = 3_600_000;

/**
 * The wait before attempt `attempts + 1`: `baseMs` doubling per attempt, at most 1 h, with
 * jitter (between half and all of it) so mails that failed together do not come back together.
 */
export function retryDelayMs(attempts: number, baseMs: number, random = Math.random): number {
  const full = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.round(full / 2 + (random() * full) / 2);
}
