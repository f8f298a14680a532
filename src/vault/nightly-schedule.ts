// When the nightly processing runs next: a wall-clock time (NIGHTLY_AT, HH:MM) in Europe/Amsterdam,
// turned into an instant with the zone rules of Intl, so daylight saving time is handled the way the
// calendar on the wall has it. Pure: the caller passes the current time.

export const NIGHTLY_TIME_ZONE = 'Europe/Amsterdam';

const LOCAL_TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const DAY_MS = 86_400_000;

export interface LocalTime {
  hour: number;
  minute: number;
}

export interface NightlySlot {
  /** The instant the run starts. */
  at: Date;
  /** The local calendar date the slot belongs to (YYYY-MM-DD): one scheduled run per such date. */
  localDate: string;
}

/** `HH:MM` (00:00–23:59) as hour and minute; null when it is not such a time. */
export function parseLocalTime(text: string): LocalTime | null {
  const match = LOCAL_TIME.exec(text);
  if (match === null) return null;
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading in `timeZone` at instant `ms`, as if that reading were UTC. */
function wallClockAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const field = (name: string): number => parts[name] ?? 0;
  return Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
}

/** How far the zone's clocks are ahead of UTC at instant `ms` (whole seconds). */
function offsetAt(ms: number, timeZone: string): number {
  return wallClockAt(ms, timeZone) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant the wall clock reads `wall` (a local reading written as UTC). A reading that occurs
 * twice (clocks go back) gives the first; one that does not occur (clocks go forward) gives the
 * moment the clocks jump past it, like cron does.
 */
function instantOfWallClock(wall: number, timeZone: string): number {
  const offsets = [
    ...new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall + DAY_MS, timeZone)]),
  ];
  const candidates = offsets.map((offset) => wall - offset);
  const valid = candidates.filter((ms) => wallClockAt(ms, timeZone) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // In the gap: find the transition (whole seconds) between the reading before and after it.
  const after = offsetAt(wall + DAY_MS, timeZone);
  let low = Math.floor(Math.min(...candidates) / 1000);
  let high = Math.ceil(Math.max(...candidates) / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * 1000, timeZone) === after) high = middle;
    else low = middle;
  }
  return high * 1000;
}

function isoDate(wallDay: number): string {
  return new Date(wallDay).toISOString().slice(0, 10);
}

/**
 * The first slot strictly after `now` for the local time `at` (HH:MM) in `timeZone`. A slot that
 * has passed today gives tomorrow's: a missed slot is never made up for (the next one places
 * everything that is still outside the vault).
 */
export function nextNightlySlot(
  now: Date,
  at: string,
  timeZone: string = NIGHTLY_TIME_ZONE,
): NightlySlot {
  const time = parseLocalTime(at);
  if (time === null) throw new RangeError('the nightly time must be HH:MM, 00:00 to 23:59');
  const today = wallClockAt(now.getTime(), timeZone);
  const todayStart = today - (today % DAY_MS);
  for (let day = 0; day < 3; day += 1) {
    const dayStart = todayStart + day * DAY_MS;
    const slot = instantOfWallClock(dayStart + (time.hour * 60 + time.minute) * 60_000, timeZone);
    if (slot > now.getTime()) return { at: new Date(slot), localDate: isoDate(dayStart) };
  }
  throw new Error('no nightly slot within three days');
}

/** The local calendar date (YYYY-MM-DD) in `timeZone` at `instant`. */
export function localDateOf(instant: Date, timeZone: string = NIGHTLY_TIME_ZONE): string {
  return isoDate(wallClockAt(instant.getTime(), timeZone));
}
