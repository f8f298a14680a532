// Crash points for the fault suite (test/faults): DATAKLUIS_FAULTS=crash-before-commit:N or
// crash-after-commit:N makes the consumer process kill itself (SIGKILL, no clean-up) on the N-th
// event it handles, before the vault transaction or after its commit but before the ack. These are
// the two moments a real crash can hit; the suite proves nothing is lost or doubled either way.
// crash-after-mail-send:N makes the mail delivery worker kill itself after its N-th send succeeded,
// before it is recorded: the mail must end UNCERTAIN, never sent twice.
import type { EventHandler } from '../messaging/vault-consumer';
import type { Logger } from '../shared/logger';

type CrashPoint = 'crash-before-commit' | 'crash-after-commit' | 'crash-after-mail-send';

export function parseFaults(text: string | undefined): { point: CrashPoint; at: number } | null {
  if (text === undefined || text === '') return null;
  const match =
    /^(crash-before-commit|crash-after-commit|crash-after-mail-send):([1-9][0-9]*)$/.exec(text);
  if (match === null)
    throw new Error(
      'DATAKLUIS_FAULTS must be crash-before-commit:N, crash-after-commit:N or crash-after-mail-send:N',
    );
  return { point: match[1] as CrashPoint, at: Number(match[2]) };
}

const killThisProcess = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

/** Wraps `handler` with the crash point named in `text` (none: the handler as it is). */
export function withFaults(
  handler: EventHandler,
  text: string | undefined,
  log: Logger,
  crash: () => never = killThisProcess,
): EventHandler {
  const fault = parseFaults(text);
  if (fault === null || fault.point === 'crash-after-mail-send') return handler;
  log.warn('fault injection is on: this process will kill itself', { fault: text });
  let handled = 0;
  return {
    async apply(event, context) {
      // Numbered on arrival: with prefetch > 1 others arrive while this one is being applied.
      const number = ++handled;
      if (fault.point === 'crash-before-commit' && number === fault.at) crash();
      const outcome = await handler.apply(event, context);
      if (fault.point === 'crash-after-commit' && number === fault.at) crash();
      return outcome;
    },
  };
}

/**
 * The mail worker's `afterSend` hook for `crash-after-mail-send:N` in `text` (undefined for any
 * other setting): kills the process after the N-th successful send, before it is recorded.
 */
export function mailSendFault(
  text: string | undefined,
  log: Logger,
  crash: () => never = killThisProcess,
): (() => void) | undefined {
  const fault = parseFaults(text);
  if (fault === null || fault.point !== 'crash-after-mail-send') return undefined;
  log.warn('fault injection is on: this process will kill itself', { fault: text });
  let sent = 0;
  return () => {
    if (++sent === fault.at) crash();
  };
}
