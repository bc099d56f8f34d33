/**
 * The values the service can store, compare and return exactly as the document says. The schema
 * says what it can (the date-time pattern, lengths, ranges); these are the rules it cannot.
 */

/** Instants are returned as `YYYY-MM-DDTHH:mm:ss.sssZ`, which has room for years 0000..9999. */
const EARLIEST_INSTANT = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * Epoch milliseconds of a date-time of the document's pattern (`T`, `t` or a space; `Z`, `z` or
 * `±hh:mm`); digits past the millisecond are dropped. Written out here rather than left to
 * Date.parse's leniency with non-ISO forms.
 */
export function instantMillis(dateTime: string): number {
  const iso = dateTime
    .replace(/^(\d{4}-\d{2}-\d{2})[Tt ]/, '$1T')
    .replace(/(\.\d{3})\d+/, '$1')
    .replace(/z$/, 'Z');
  return Date.parse(iso);
}

/** In years 0000..9999 once the offset is applied (`9999-12-31T23:59:59-01:00` is not). */
export function isStorableInstant(dateTime: string): boolean {
  const millis = instantMillis(dateTime);
  return Number.isFinite(millis) && millis >= EARLIEST_INSTANT && millis <= LATEST_INSTANT;
}

/**
 * DynamoDB keeps numbers of magnitude 1e-130 up to (not including) 1e126 with 38 significant
 * digits; a JSON number as JavaScript reads it has at most 17, so only the magnitude can fail.
 */
export const SMALLEST_STORABLE_MAGNITUDE = 1e-130;
export function isStorableNumber(value: number): boolean {
  const magnitude = Math.abs(value);
  return value === 0 || (magnitude >= SMALLEST_STORABLE_MAGNITUDE && magnitude < 1e126);
}

/** Text is stored as UTF-8, which has no encoding for a lone UTF-16 surrogate (JSON's `"\ud800"`). */
export const isWellFormedText = (text: string): boolean => !/\p{Surrogate}/u.test(text);
