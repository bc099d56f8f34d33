import { describe, expect, it } from 'vitest';
import { toInstant } from '../../shared/domain/meeting.js';
import { isStorableInstant, isStorableNumber, isWellFormedText } from '../../shared/domain/storable-values.js';

describe('storable values', () => {
  it('reads every date-time form of the document as its instant, dropping digits past the millisecond', () => {
    expect(toInstant('2026-12-31T10:00:00+02:00')).toBe('2026-12-31T08:00:00.000Z');
    expect(toInstant('2026-12-31t10:00:00z')).toBe('2026-12-31T10:00:00.000Z');
    expect(toInstant('2026-12-31 10:00:00Z')).toBe('2026-12-31T10:00:00.000Z');
    expect(toInstant('2026-12-31T10:00:00.123999999Z')).toBe('2026-12-31T10:00:00.123Z');
    expect(toInstant('0000-01-01T00:00:00Z')).toBe('0000-01-01T00:00:00.000Z');
    expect(toInstant('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
  });

  it('keeps instants to the years 0000-9999 once the offset is applied', () => {
    expect(isStorableInstant('9999-12-31T23:59:59+23:59')).toBe(true);
    expect(isStorableInstant('9999-12-31T23:59:59-23:59')).toBe(false);
    expect(isStorableInstant('0000-01-01T00:00:00-00:01')).toBe(true);
    expect(isStorableInstant('0000-01-01T00:00:00+00:01')).toBe(false);
    expect(isStorableInstant('2030-12-31T23:59:60Z')).toBe(false); // a leap second (the schema's pattern refuses it first)
  });

  it('keeps numbers to what DynamoDB stores', () => {
    for (const n of [0, 1e-130, 0.01, 1e12, 1.2345678901234567, 9.99e125])
      expect([n, isStorableNumber(n)]).toEqual([n, true]);
    for (const n of [1e-131, 5e-324, 1e126, Number.MAX_VALUE]) expect([n, isStorableNumber(n)]).toEqual([n, false]);
  });

  it('refuses text with a lone surrogate, keeps every plane', () => {
    expect(isWellFormedText('Kävijä 한국어 😀 \u0000 \u{10FFFD}')).toBe(true);
    expect(isWellFormedText('broken \ud83d')).toBe(false);
    expect(isWellFormedText('\udc00 reversed')).toBe(false);
  });
});
