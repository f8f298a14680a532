// Calendar days as the gateway accepts them from people: real days of a plausible century.

/** A real calendar day between 1900 and 9999 (not 2026-02-30, not year 0000). */
export function isPlausibleDay(day: string): boolean {
  const time = Date.parse(`${day}T00:00:00Z`);
  return (
    !Number.isNaN(time) &&
    new Date(time).toISOString().slice(0, 10) === day &&
    day >= '1900-01-01' &&
    day <= '9999-12-31'
  );
}
