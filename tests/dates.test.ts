/** dates.ts: the UTC fast path agrees with Intl, which every other zone goes through. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { calendarDay, isoInZone, parseDate, wallClock } from '../src/dates.js';

describe('wall clocks', () => {
  test('UTC (computed directly) reads the same as Etc/UTC (through Intl) for any instant of years 1-9999', () => {
    const instants = fc.integer({ min: Date.UTC(1, 0, 1) + 86_400_000, max: Date.UTC(9999, 11, 31) }).map((ms) => new Date(ms));
    fc.assert(
      fc.property(instants, (d) => {
        expect(wallClock(d, 'UTC')).toEqual(wallClock(d, 'Etc/UTC'));
      }),
      { numRuns: Number(process.env.FOLIO_PROPERTY_RUNS ?? 1000), seed: Number(process.env.FOLIO_PROPERTY_SEED ?? 42) },
    );
  });

  test('a date in UTC and in a zone with summer time', () => {
    const d = parseDate('2024-06-18 09:30', 'Europe/London')!;
    expect(d.toISOString()).toBe('2024-06-18T08:30:00.000Z');
    expect(isoInZone(d, 'Europe/London')).toBe('2024-06-18T09:30:00+01:00');
    expect(isoInZone(d, 'UTC')).toBe('2024-06-18T08:30:00Z');
    expect(calendarDay(new Date('2024-12-31T23:30:00Z'), 'UTC')).toBe('2024-12-31');
    expect(calendarDay(new Date('2024-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2025-01-01');
  });
});
