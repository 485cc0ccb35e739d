/**
 * Dates in the site's time zone. Front matter dates without an offset are wall-clock
 * times in `timezone`; pages show calendar days in that zone. Built on Intl, no tables.
 */

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// formatToParts takes microseconds, and a build asks about the same instants again and again
// (a post's date on its page, in every list and feed it appears in): answers are remembered.
const MEMO_LIMIT = 100_000;

function remember<T>(memos: Map<string, Map<number, T>>, key: string, instant: Date, compute: () => T): T {
  let memo = memos.get(key);
  if (!memo) memos.set(key, (memo = new Map()));
  const ms = instant.getTime();
  let value = memo.get(ms);
  if (value === undefined) {
    value = compute();
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(ms, value);
  }
  return value;
}

const wallClocks = new Map<string, Map<number, Readonly<WallClock>>>();

export function wallClock(instant: Date, timeZone: string): Readonly<WallClock> {
  // The default zone needs no Intl (formatToParts takes microseconds a date).
  if (timeZone === 'UTC') {
    return {
      year: instant.getUTCFullYear(),
      month: instant.getUTCMonth() + 1,
      day: instant.getUTCDate(),
      hour: instant.getUTCHours(),
      minute: instant.getUTCMinutes(),
      second: instant.getUTCSeconds(),
    };
  }
  return remember(wallClocks, timeZone, instant, () => {
    const out: Record<string, number> = {};
    for (const p of partsFormatter(timeZone).formatToParts(instant)) {
      if (p.type !== 'literal') out[p.type] = Number(p.value);
    }
    return Object.freeze({ year: out.year, month: out.month, day: out.day, hour: out.hour % 24, minute: out.minute, second: out.second });
  });
}

function offsetMs(instant: number, timeZone: string): number {
  const w = wallClock(new Date(instant), timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the clocks in `timeZone` show the given wall-clock time. */
export function zonedInstant(w: WallClock, timeZone: string, ms = 0): Date {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, ms);
  const first = offsetMs(guess, timeZone);
  let instant = guess - first;
  const second = offsetMs(instant, timeZone);
  if (second !== first) instant = guess - second;
  return new Date(instant);
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads `2024-03-05`, `2024-03-05 14:30`, `2024-03-05T14:30:00Z`, `2024-03-05T14:30:00+01:00`.
 * Returns undefined for anything else, including impossible days (`2024-02-30`).
 */
export function parseDate(value: string, timeZone: string): Date | undefined {
  const m = DATE_RE.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  const zone = m[8];
  if (zone) {
    const base = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    if (zone === 'Z') return new Date(base);
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    return new Date(base - offset);
  }
  return zonedInstant({ year, month, day, hour, minute, second }, timeZone, ms);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of the instant in `timeZone`. */
export function calendarDay(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

const isoDates = new Map<string, Map<number, string>>();

function formatIso(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const off = Math.round(offsetMs(instant.getTime(), timeZone) / 60_000);
  const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${zone}`;
}

/** RFC 3339 with the zone's offset, e.g. `2024-03-05T14:30:00+01:00` (for feeds, meta tags). */
export function isoInZone(instant: Date, timeZone: string): string {
  return remember(isoDates, timeZone, instant, () => formatIso(instant, timeZone));
}

const readableFormatters = new Map<string, Intl.DateTimeFormat>();
const readableDates = new Map<string, Map<number, string>>();

function readableFormatter(language: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}`;
  let f = readableFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(language, { timeZone, day: 'numeric', month: 'long', year: 'numeric' });
    readableFormatters.set(key, f);
  }
  return f;
}

/** "5 March 2024" in the site's language and time zone. */
export function readableDate(instant: Date, language: string, timeZone: string): string {
  return remember(readableDates, `${language}|${timeZone}`, instant, () => readableFormatter(language, timeZone).format(instant));
}

export interface DateFormats {
  iso(instant: Date): string;
  readable(instant: Date): string;
}

/**
 * isoInZone and readableDate for one language and zone, for a caller that asks many times:
 * the templates show each post's dates on its page and in every list it is in, so a build
 * asks for the same few thousand instants tens of thousands of times. One lookup by instant,
 * no key to build.
 */
export function dateFormats(language: string, timeZone: string): DateFormats {
  const iso = new Map<number, string>();
  const readable = new Map<number, string>();
  const formatter = readableFormatter(language, timeZone);
  const memo = (memo: Map<number, string>, instant: Date, compute: (instant: Date) => string): string => {
    const ms = instant.getTime();
    let value = memo.get(ms);
    if (value === undefined) {
      value = compute(instant);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(ms, value);
    }
    return value;
  };
  const formatIsoHere = (instant: Date) => formatIso(instant, timeZone);
  const formatReadableHere = (instant: Date) => formatter.format(instant);
  return {
    iso: (instant) => memo(iso, instant, formatIsoHere),
    readable: (instant) => memo(readable, instant, formatReadableHere),
  };
}
