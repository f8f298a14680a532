import type { TranslationContext } from '../translation-context';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$/;
const DUTCH_DATE = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/;
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:\d{2})?$/;
const DUTCH_INSTANT = /^(\d{1,2}[-/]\d{1,2}[-/]\d{4})[ T](\d{1,2}:\d{2}(?::\d{2})?)$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function dateOrNull(year: number, month: number, day: number): string | null {
  return isCalendarDate(year, month, day) ? `${pad(year, 4)}-${pad(month)}-${pad(day)}` : null;
}

/** `2026-11-16` (an xs:date zone suffix is dropped: a calendar day stays the same day) or null. */
export function isoDate(text: string): string | null {
  const m = ISO_DATE.exec(text.trim());
  return m ? dateOrNull(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** `16-11-2026`, `16/11/2026`, `5-5-1995` (day first, as Dutch systems write it) or null. */
export function dutchDate(text: string): string | null {
  const m = DUTCH_DATE.exec(text.trim());
  return m ? dateOrNull(Number(m[3]), Number(m[2]), Number(m[1])) : null;
}

/**
 * Reads a calendar day. ISO always; Dutch day-first forms only when `allowDutch` (then with a
 * DUTCH_DATE_FORMAT warning). Records INVALID_DATE and returns undefined otherwise.
 */
export function parseLocalDate(
  ctx: TranslationContext,
  text: string,
  path: string,
  options: { allowDutch?: boolean } = {},
): string | undefined {
  const iso = isoDate(text);
  if (iso !== null) return iso;
  if (options.allowDutch === true) {
    const dutch = dutchDate(text);
    if (dutch !== null) {
      ctx.warn('DUTCH_DATE_FORMAT', path);
      return dutch;
    }
  }
  const expected = options.allowDutch === true ? 'YYYY-MM-DD or DD-MM-YYYY' : 'YYYY-MM-DD';
  if (/^\d{4}-\d{2}-\d{2}/.test(text.trim()))
    return ctx.issue('INVALID_DATE', path, 'no such day in the calendar');
  if (options.allowDutch === true && DUTCH_DATE.test(text.trim())) {
    return ctx.issue(
      'INVALID_DATE',
      path,
      'no such day in the calendar (dates are read day first: DD-MM-YYYY)',
    );
  }
  return ctx.issue('INVALID_DATE', path, `not a valid calendar date (expected ${expected})`);
}

const amsterdamParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Offset of Europe/Amsterdam from UTC in minutes at the given UTC instant. */
function amsterdamOffsetMinutes(utcMillis: number): number {
  const parts: Record<string, number> = {};
  for (const p of amsterdamParts.formatToParts(new Date(utcMillis)))
    parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((asUtc - (utcMillis - (utcMillis % 1000))) / 60000);
}

/**
 * A wall-clock time in the Netherlands as an RFC 3339 instant with its offset, e.g.
 * `2026-11-16` + `08:12:31` → `2026-11-16T08:12:31+01:00`. Pure: no clock is read.
 */
export function amsterdamInstant(date: string, time: string): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const tm = TIME.exec(time);
  const [h, mi, s] = tm ? [Number(tm[1]), Number(tm[2]), Number(tm[3] ?? 0)] : [0, 0, 0];
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  let offset = amsterdamOffsetMinutes(wallAsUtc - 60 * 60000);
  offset = amsterdamOffsetMinutes(wallAsUtc - offset * 60000);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${date}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** True for `HH:MM:SS` (xs:time without zone); `allowShort` also takes `HH:MM`. */
export function isTime(text: string, allowShort = false): boolean {
  const m = TIME.exec(text.trim());
  if (!m) return false;
  if (m[3] === undefined && !allowShort) return false;
  return Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3] ?? 0) < 60;
}

/**
 * Reads a moment: RFC 3339 with offset as is; without a zone (or Dutch `16-11-2026 08:12`) it is
 * taken as Netherlands time with a ZONELESS_TIMESTAMP warning. INVALID_DATE otherwise.
 */
export function parseInstant(
  ctx: TranslationContext,
  text: string,
  path: string,
  options: { allowDutch?: boolean } = {},
): string | undefined {
  const trimmed = text.trim();
  const iso = ISO_INSTANT.exec(trimmed);
  const dutch = options.allowDutch === true ? DUTCH_INSTANT.exec(trimmed) : null;
  const date = iso ? isoDate(iso[1] ?? '') : dutch ? dutchDate(dutch[1] ?? '') : null;
  const time = iso ? (iso[2] ?? '') : dutch ? (dutch[2] ?? '') : '';
  if (date === null || !isTime(time, true)) {
    return ctx.issue(
      'INVALID_DATE',
      path,
      'not a valid timestamp (expected RFC 3339, e.g. 2026-11-16T08:12:31+01:00)',
    );
  }
  const zone = iso?.[3];
  if (zone !== undefined) {
    const instant = new Date(`${date}T${time}${zone}`);
    if (Number.isNaN(instant.getTime()))
      return ctx.issue('INVALID_DATE', path, 'not a valid timestamp');
    return `${date}T${time.length === 5 ? `${time}:00` : time}${zone === 'Z' ? 'Z' : zone}`;
  }
  ctx.warn('ZONELESS_TIMESTAMP', path);
  if (dutch) ctx.warn('DUTCH_DATE_FORMAT', path);
  return amsterdamInstant(date, time);
}

const DAY_MS = 86_400_000;

/**
 * The instant, unless it lies more than a day after the gateway received the message: that is a
 * typing error at the source (a year 2062), not a fact to order by. INCONSISTENT_PAYLOAD then.
 */
export function notAfterReceipt(
  ctx: TranslationContext,
  instant: string,
  receivedAt: string,
  path: string,
): string | undefined {
  if (Date.parse(instant) > Date.parse(receivedAt) + DAY_MS) {
    return ctx.issue(
      'INCONSISTENT_PAYLOAD',
      path,
      'lies more than a day after the message was received',
    );
  }
  return instant;
}
