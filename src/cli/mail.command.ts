// `datakluis mail list|resolve`: the operator's view of the e-mail outbox. It shows ids, kinds,
// statuses and error codes, never a recipient, subject or body (find a mail in the mail server's
// log by its Message-ID, `<id@datakluis>`).
import { parseArgs } from 'node:util';

import { parseEnv } from '../config/env';
import { list, MAIL_STATUSES, resolve } from '../mail/mail-outbox.repository';
import type { MailListRow, MailStatus } from '../mail/mail-outbox.repository';
import { withDatabase } from '../app/wiring';

const USAGE = `usage: datakluis mail list [--status <${MAIL_STATUSES.join('|')}>] [--limit <n>]
       datakluis mail resolve <id> --sent|--resend   (UNCERTAIN or FAILED mails only)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function time(date: Date | null): string {
  return date === null ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function printRows(rows: MailListRow[]): void {
  const table = [
    ['id', 'kind', 'status', 'attempts', 'created', 'sent / next attempt', 'last error'],
    ...rows.map((row) => [
      row.id,
      row.kind,
      row.status,
      String(row.attempts),
      time(row.createdAt),
      row.status === 'PENDING' ? `next ${time(row.nextAttemptAt)}` : time(row.sentAt),
      row.lastError ?? '-',
    ]),
  ];
  const widths = table[0]!.map((_, column) =>
    Math.max(...table.map((cells) => cells[column]!.length)),
  );
  for (const cells of table)
    console.log(
      cells
        .map((cell, column) => cell.padEnd(column === cells.length - 1 ? 0 : widths[column]!))
        .join('  '),
    );
}

async function runList(values: { status?: string; limit?: string }): Promise<number> {
  const status = values.status?.toUpperCase();
  if (status !== undefined && !(MAIL_STATUSES as readonly string[]).includes(status)) {
    console.error(`--status: one of ${MAIL_STATUSES.join(', ')}`);
    return 2;
  }
  const limit = Number(values.limit ?? '100');
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
    console.error('--limit: a whole number from 1 to 10000');
    return 2;
  }
  return withDatabase(parseEnv(), async (db) => {
    const rows = await list(db, {
      limit,
      ...(status === undefined ? {} : { status: status as MailStatus }),
    });
    if (rows.length === 0) console.log('no mails');
    else printRows(rows);
    return 0;
  });
}

async function runResolve(id: string | undefined, sent: boolean, resend: boolean): Promise<number> {
  if (id === undefined || sent === resend) {
    console.error(USAGE);
    return 2;
  }
  if (!UUID.test(id)) {
    console.error('the mail id is a UUID (see datakluis mail list)');
    return 2;
  }
  return withDatabase(parseEnv(), async (db) => {
    const outcome = await resolve(db, id.toLowerCase(), sent ? 'sent' : 'resend');
    switch (outcome.result) {
      case 'resolved':
        console.log(
          sent
            ? `mail ${id} marked SENT (was ${outcome.from})`
            : `mail ${id} will be sent again (was ${outcome.from}, now PENDING)`,
        );
        return 0;
      case 'not-found':
        console.error(`no mail ${id}`);
        return 1;
      case 'refused':
        console.error(
          `mail ${id} is ${outcome.status}: only UNCERTAIN or FAILED mails are resolved by hand`,
        );
        return 1;
    }
  });
}

export async function runMail(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      limit: { type: 'string' },
      sent: { type: 'boolean', default: false },
      resend: { type: 'boolean', default: false },
    },
  });
  const [action, id, ...rest] = positionals;
  if (action === 'list' && id === undefined) return runList(values);
  if (action === 'resolve' && rest.length === 0)
    return runResolve(id, values.sent === true, values.resend === true);
  console.error(USAGE);
  return 2;
}
