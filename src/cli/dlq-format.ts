// How `datakluis dlq` prints dead letters: a table with the counts per error code, and one dead
// letter with its failures and its payload (as the service gave it: redacted unless revealed).
import type { DeadLetterDetail, DeadLetterPage } from '../support/dead-letter.types';
import { formatTable } from './nightly.command';

export function pageLines(page: DeadLetterPage): string[] {
  const rows = page.items.map((item) => [
    item.id,
    item.lastFailedAt,
    item.status,
    item.employerId ?? '(none)',
    item.connectorId ?? '-',
    item.eventType ?? '-',
    item.errorCode,
    String(item.attempts),
  ]);
  const lines =
    rows.length === 0
      ? ['(no dead letters match)']
      : formatTable(
          [
            ['id', 'last failed', 'status', 'employer', 'connector', 'type', 'code', 'attempts'],
            ...rows,
          ],
          [false, false, false, false, false, false, false, true],
        );
  lines.push('', `${page.total} match in all; by error code:`);
  lines.push(
    ...formatTable(
      page.groups.map((group) => [
        group.errorCode,
        String(group.count),
        `oldest ${group.oldestFailedAt}`,
      ]),
      [false, true, false],
    ).map((line) => `  ${line}`),
  );
  if (page.next !== null) lines.push('', `next page: --after ${page.next}`);
  return lines;
}

export function detailLines(detail: DeadLetterDetail): string[] {
  const lines = formatTable([
    ['id', detail.id],
    ['message id', detail.messageId],
    ['status', detail.status],
    ['employer', detail.employerId ?? '(none)'],
    ['connector', detail.connectorId ?? '-'],
    ['event type', detail.eventType ?? '-'],
    [
      'error',
      `${detail.errorCode}${detail.errorMessage === null ? '' : ` — ${detail.errorMessage}`}`,
    ],
    ['attempts', String(detail.attempts)],
    ['first failed', detail.firstFailedAt],
    ['last failed', detail.lastFailedAt],
    ['received', detail.receivedAt],
    ['sent to', `${detail.originalExchange} / ${detail.originalRoutingKey}`],
    [
      'replays',
      `${detail.replayCount}${detail.replayedAt === null ? '' : ` (last ${detail.replayedAt} by ${detail.replayedBy ?? '?'})`}`,
    ],
    ...(detail.discardedAt === null
      ? []
      : [
          [
            'discarded',
            `${detail.discardedAt} by ${detail.discardedBy ?? '?'}: ${detail.discardReason ?? ''}`,
          ],
        ]),
    ...(detail.editedFrom === null ? [] : [['edited from', detail.editedFrom]]),
    ...(detail.copies.length === 0 ? [] : [['edited copies', detail.copies.join(', ')]]),
  ]);
  lines.push('', 'failures');
  for (const failure of detail.failures)
    lines.push(
      `  ${failure.at}  ${failure.code}  attempts ${failure.attempts}  ${failure.message ?? ''}`.trimEnd(),
    );
  const payload = detail.payload;
  lines.push('');
  if (payload.kind === 'purged') lines.push(`payload purged at ${payload.purgedAt} (retention)`);
  else if (payload.kind === 'canonical')
    lines.push(
      `payload: canonical event${payload.redacted ? ', personal data redacted' : ' (revealed)'}`,
      JSON.stringify(payload.event, null, 2),
    );
  else if (payload.redacted)
    lines.push(
      `payload: ${payload.bytes} bytes (${payload.contentType ?? 'no content type'}); reveal to see them`,
    );
  else
    lines.push(
      `payload: ${payload.bytes} bytes (${payload.contentType ?? 'no content type'}), revealed:`,
      payload.text,
    );
  return lines;
}
