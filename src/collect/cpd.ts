/** Pure: posts with a `cpd` block -> the CPD log: entries, totals per year and per area, stale areas. */
import { calendarDay } from '../dates.js';
import type { CpdArea, CpdAreaHours, CpdEntry, CpdLog, CpdYear, Post, SiteConfig } from '../types.js';

/** How far back an area's evidence counts (CMALT is renewed every three years). */
export const EVIDENCE_YEARS = 3;

/** Adds hours without binary-fraction noise (0.1 + 0.2 shows as 0.3, not 0.30000000000000004). */
const addHours = (a: number, b: number) => Math.round((a + b) * 1e6) / 1e6;

/** Hours by area: every configured area (in site.yaml order), each entry in full towards each of its areas. */
function hoursByArea(entries: CpdEntry[], areas: CpdArea[]): CpdAreaHours[] {
  return areas.map((area) => ({
    area,
    hours: entries.filter((e) => e.areas.includes(area.key)).reduce((sum, e) => addHours(sum, e.hours), 0),
  }));
}

/** Each entry once, however many areas it has. */
const totalHours = (entries: CpdEntry[]) => entries.reduce((sum, e) => addHours(sum, e.hours), 0);

/** `YYYY-MM-DD` three years before `day`, as a string bound (2024-02-29 -> 2021-02-29 compares correctly). */
function yearsBefore(day: string, years: number): string {
  return `${String(Number(day.slice(0, 4)) - years).padStart(4, '0')}${day.slice(4)}`;
}

/**
 * `posts` are every post with a page (unlisted ones count: the log is the writer's record),
 * already without drafts and future posts unless the build asked for them.
 * `now` ends the three-year window for stale areas: the build's `now`, as for future posts,
 * taken as a calendar day in the site's time zone so the page only changes from one day to the next.
 */
export function collectCpd(posts: Post[], config: SiteConfig, now: Date): CpdLog | null {
  const areas = config.cpd.areas;
  const titleOf = new Map(areas.map((a) => [a.key, a.title]));
  const entries: CpdEntry[] = posts
    .filter((p): p is Post & { cpd: NonNullable<Post['cpd']> } => p.cpd !== undefined)
    .map((post) => ({
      post,
      date: post.day,
      hours: post.cpd.hours,
      activity: post.cpd.activity,
      areas: post.cpd.areas,
      areaTitles: post.cpd.areas.map((key) => titleOf.get(key) ?? key),
    }))
    .sort((a, b) => a.post.date.getTime() - b.post.date.getTime() || a.post.source.localeCompare(b.post.source));
  if (entries.length === 0) return null;

  const byYear = new Map<number, CpdEntry[]>();
  for (const entry of entries) byYear.set(entry.post.year, [...(byYear.get(entry.post.year) ?? []), entry]);
  const years: CpdYear[] = [...byYear]
    .sort(([a], [b]) => b - a)
    .map(([year, inYear]) => ({ year, total: totalHours(inYear), byArea: hoursByArea(inYear, areas), entries: inYear }));

  const asOf = calendarDay(now, config.timezone);
  const windowStart = yearsBefore(asOf, EVIDENCE_YEARS);
  const staleAreas = areas
    .filter((area) => !entries.some((e) => e.areas.includes(area.key) && e.date > windowStart && e.date <= asOf))
    .map((area) => ({ area, lastEntry: entries.filter((e) => e.areas.includes(area.key) && e.date <= asOf).at(-1) }));

  return {
    framework: config.cpd.framework,
    areas,
    entries,
    years,
    total: totalHours(entries),
    byArea: hoursByArea(entries, areas),
    asOf,
    staleAreas,
  };
}
