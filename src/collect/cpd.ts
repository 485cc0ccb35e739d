/** Pure: posts with a `cpd` block -> the CPD log: entries, totals per year and per area. */
import type { CpdEntry, CpdLog, CpdYear, Post, SiteConfig } from '../types.js';

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * `posts` are every post with a page (unlisted ones count: the log is the writer's record).
 * `now` decides which areas lack evidence in the last three years.
 */
export function collectCpd(posts: Post[], config: SiteConfig, now: Date): CpdLog | null {
  const entries: CpdEntry[] = posts
    .filter((p) => p.cpd)
    .map((post) => ({ post, date: post.day, hours: post.cpd!.hours, activity: post.cpd!.activity, areas: post.cpd!.areas }))
    .sort((a, b) => a.post.date.getTime() - b.post.date.getTime() || a.post.source.localeCompare(b.post.source));
  if (entries.length === 0) return null;
  const areas = config.cpd.areas;

  const years: CpdYear[] = [];
  for (const entry of entries) {
    const year = entry.post.year;
    let y = years.find((x) => x.year === year);
    if (!y) {
      y = { year, total: 0, byArea: areas.map((area) => ({ area, hours: 0 })), entries: [] };
      years.push(y);
    }
    y.total = round(y.total + entry.hours);
    for (const key of entry.areas) {
      const slot = y.byArea.find((b) => b.area.key === key);
      if (slot) slot.hours = round(slot.hours + entry.hours);
    }
    y.entries.push(entry);
  }
  years.sort((a, b) => b.year - a.year);

  const since = new Date(now.getTime());
  since.setUTCFullYear(since.getUTCFullYear() - 3);
  const recent = new Set(entries.filter((e) => e.post.date >= since && e.post.date <= now).flatMap((e) => e.areas));
  return {
    framework: config.cpd.framework,
    areas,
    entries,
    years,
    staleAreas: areas.filter((a) => !recent.has(a.key)),
  };
}
