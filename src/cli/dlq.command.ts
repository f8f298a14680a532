// `datakluis dlq <list|show|reveal|replay|edit|bulk-replay|discard> --as <login> …`: support staff's
// dead-letter work from the command line. The command acts as the support user named by --as:
// their role and employers are checked and the audit trail names them, exactly as in the API.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { Principal } from '../access/principal';
import { principalOf, UserRepository } from '../access/user.repository';
import { adviceFor, checkPostgres } from '../app/preflight';
import { withDeadLetterService } from '../app/dead-letter-worker';
import { parseEnv } from '../config/env';
import type { GatewayConfig } from '../config/env';
import type { DeadLetterService } from '../support/dead-letter.service';
import type {
  DeadLetterDetail,
  DeadLetterFilter,
  DeadLetterStatus,
} from '../support/dead-letter.types';
import { VaultRefusal } from '../vault/vault-refusal';
import { detailLines, pageLines } from './dlq-format';
import { createProgress } from './progress';
import type { ProgressReporter, ProgressStream } from './progress';

export const DLQ_USAGE = `usage (every command acts as the support user --as names; its role and employers apply):
  datakluis dlq list --as <login> [--employer <id>] [--connector <id>] [--code <error code>]
                     [--type <event type>] [--status OPEN|REPLAYED|DISCARDED] [--from <time>] [--to <time>]
                     [--limit <n>] [--after <cursor>]
  datakluis dlq show <id> --as <login>                      metadata, failures, payload (redacted)
  datakluis dlq reveal <id> --as <login> --reason <text>    the payload unredacted (elevated; audited)
  datakluis dlq replay <id> --as <login>                    republish with the same message id
  datakluis dlq edit <id> --as <login> --file <event.json>  replace the event (validated), then replay
  datakluis dlq bulk-replay --as <login> [list filters] [--dry-run] [--rate <n>/s]
  datakluis dlq discard <id> --as <login> --reason <text>   keep it as a tombstone, with the reason`;

const STATUSES = new Set<string>(['OPEN', 'REPLAYED', 'DISCARDED']);
const DEFAULT_RATE = 10;

const OPTIONS = {
  as: { type: 'string' },
  employer: { type: 'string' },
  connector: { type: 'string' },
  code: { type: 'string' },
  type: { type: 'string' },
  status: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  after: { type: 'string' },
  reason: { type: 'string' },
  file: { type: 'string' },
  rate: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];

export interface DlqCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  progress: ProgressStream;
  /** Default: parsed from the environment. */
  config?: GatewayConfig;
}

const DEFAULT_IO: DlqCommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: process.stderr,
};

/** A usage mistake: exit 2 with the message and the usage. */
class UsageError extends Error {}

function date(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const value = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(value.getTime()))
    throw new UsageError(`--${name}: a date or time such as 2026-12-01 or 2026-12-01T08:00:00Z`);
  return value;
}

function filterOf(values: Values): DeadLetterFilter {
  if (values.status !== undefined && !STATUSES.has(values.status))
    throw new UsageError('--status: OPEN, REPLAYED or DISCARDED');
  const from = date(values.from, 'from');
  const to = date(values.to, 'to');
  return {
    ...(values.employer === undefined ? {} : { employerId: values.employer }),
    ...(values.connector === undefined ? {} : { connectorId: values.connector }),
    ...(values.code === undefined ? {} : { errorCode: values.code }),
    ...(values.type === undefined ? {} : { eventType: values.type }),
    ...(values.status === undefined ? {} : { status: values.status as DeadLetterStatus }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}

function rateOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RATE;
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text);
  const rate = match === null ? NaN : Number(match[1]);
  if (!(rate > 0)) throw new UsageError('--rate: dead letters per second, e.g. 5 or 5/s');
  return rate;
}

function requireReason(values: Values): string {
  if (values.reason === undefined) throw new UsageError('--reason is required');
  return values.reason;
}

async function bulkReplay(
  service: DeadLetterService,
  user: Principal,
  values: Values,
  io: DlqCommandIo,
): Promise<number> {
  const dryRun = values['dry-run'] === true;
  const bar: { progress?: ProgressReporter } = {};
  let result;
  try {
    result = await service.bulkReplay(user, filterOf(values), {
      dryRun,
      ratePerSecond: rateOf(values.rate),
      onProgress: (done, total) => {
        bar.progress ??= createProgress({ label: 'dead letters', total, stream: io.progress });
        bar.progress.update(done);
      },
    });
  } finally {
    bar.progress?.finish();
  }
  io.out(
    dryRun
      ? `dry run: ${result.matched} dead letter(s) would be replayed`
      : `replayed ${result.replayed} of ${result.matched} dead letter(s); ${result.failed} failed`,
  );
  return result.failed === 0 ? 0 : 1;
}

function readEvent(file: string | undefined): unknown {
  if (file === undefined) throw new UsageError('--file is required');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(
      `--file: cannot read JSON from ${file} (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

async function dispatch(
  service: DeadLetterService,
  user: Principal,
  command: string,
  id: string | undefined,
  values: Values,
  io: DlqCommandIo,
): Promise<number> {
  const needId = (): string => {
    if (id === undefined) throw new UsageError(`dlq ${command} needs the dead letter's id`);
    return id;
  };
  const print = (detail: DeadLetterDetail): number => {
    for (const line of detailLines(detail)) io.out(line);
    return 0;
  };
  if ((command === 'list' || command === 'bulk-replay') && id !== undefined)
    throw new UsageError(`dlq ${command} takes no id`);
  switch (command) {
    case 'list': {
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      const page = await service.list(user, filterOf(values), {
        limit,
        ...(values.after === undefined ? {} : { after: values.after }),
      });
      for (const line of pageLines(page)) io.out(line);
      return 0;
    }
    case 'show':
      return print(await service.show(user, needId()));
    case 'reveal':
      return print(await service.reveal(user, needId(), requireReason(values)));
    case 'replay':
      return print(await service.replay(user, needId()));
    case 'edit':
      return print(await service.editAndReplay(user, needId(), readEvent(values.file)));
    case 'bulk-replay':
      return bulkReplay(service, user, values, io);
    case 'discard':
      return print(await service.discard(user, needId(), requireReason(values)));
    default:
      throw new UsageError(`unknown dlq command: ${command}`);
  }
}

function refusalLines(refusal: VaultRefusal): string[] {
  return [
    `refused: ${refusal.code}: ${refusal.message}`,
    ...(refusal.issues ?? []).map((issue) => `  ${issue.path}: ${issue.detail} (${issue.code})`),
  ];
}

export async function runDlq(args: string[], io: DlqCommandIo = DEFAULT_IO): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  const [command, id, ...rest] = positionals;
  if (command === undefined || rest.length > 0 || values.as === undefined) {
    io.err(
      values.as === undefined && command !== undefined
        ? `--as is required\n${DLQ_USAGE}`
        : DLQ_USAGE,
    );
    return 2;
  }
  const login = values.as;
  const config = io.config ?? parseEnv();
  const unreachable = await checkPostgres(config.databaseUrl);
  if (unreachable !== null) {
    io.err(`${unreachable}\n${adviceFor([unreachable])}`);
    return 1;
  }
  try {
    return await withDeadLetterService(config, async (service, db) => {
      const user = await new UserRepository(db).findByLogin(login);
      if (user === null || user.disabledAt !== null) {
        io.err(`no active user ${login}`);
        return 1;
      }
      return dispatch(service, principalOf(user), command, id, values, io);
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${DLQ_USAGE}`);
      return 2;
    }
    if (error instanceof VaultRefusal) {
      for (const line of refusalLines(error)) io.err(line);
      return 1;
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && (error as { retryable?: unknown }).retryable === true) {
      io.err(`could not replay now: ${code}: ${(error as Error).message}; try again`);
      return 1;
    }
    throw error;
  }
}
