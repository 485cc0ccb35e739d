/** Pure: posts -> series, in reading order, with navigation and validation. */
import type { Diagnostics } from '../errors.js';
import type { Post, Series, SeriesMeta, SeriesNav, SeriesPart } from '../types.js';

const byDate = (a: Post, b: Post) => a.date.getTime() - b.date.getTime() || a.source.localeCompare(b.source);

/** Parts with a number come in number order; the rest follow in date order. */
export function orderParts(posts: Post[]): Post[] {
  const numbered = posts.filter((p) => p.series?.part !== undefined);
  const unnumbered = posts.filter((p) => p.series?.part === undefined);
  numbered.sort((a, b) => a.series!.part! - b.series!.part! || byDate(a, b));
  return [...numbered, ...unnumbered.sort(byDate)];
}

/** Missing part numbers below the highest, as ranges (a stray `series_part: 100000` must not build a huge list). */
function missingParts(numbers: number[]): [number, number][] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const gaps: [number, number][] = [];
  let expected = 1;
  for (const n of sorted) {
    if (n > expected) gaps.push([expected, n - 1]);
    expected = n + 1;
  }
  return gaps;
}

function listNumbers(gaps: [number, number][]): string {
  const items = gaps.flatMap(([a, b]) => (a === b ? [String(a)] : b === a + 1 ? [String(a), String(b)] : [`${a} to ${b}`]));
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * `posts` are the posts in the build's lists (unlisted ones are not part of any series).
 * Validation: one part claimed twice is an error naming both files; a gap is a warning.
 */
export function collectSeries(
  posts: Post[],
  metas: SeriesMeta[],
  diag: Diagnostics,
): { series: Series[]; nav: Map<string, SeriesNav> } {
  const groups = new Map<string, Post[]>();
  for (const post of posts) {
    if (!post.series) continue;
    let g = groups.get(post.series.slug);
    if (!g) groups.set(post.series.slug, (g = []));
    g.push(post);
  }
  const metaBySlug = new Map(metas.map((m) => [m.slug, m]));
  for (const meta of metas) {
    if (!groups.has(meta.slug)) {
      diag.warn({
        file: meta.source,
        message: `no post belongs to the series "${meta.title ?? meta.slug}"`,
        hint: `add series: "${meta.title ?? meta.slug}" to a post's front matter, or rename this file to match a series`,
      });
    }
  }

  const series: Series[] = [];
  const nav = new Map<string, SeriesNav>();
  for (const [slug, group] of groups) {
    const ordered = orderParts(group);
    const earliest = [...group].sort(byDate)[0];
    const meta = metaBySlug.get(slug);
    const title = meta?.title ?? earliest.series!.name;

    const claimed = new Map<number, Post>();
    for (const post of ordered) {
      const part = post.series!.part;
      if (part === undefined) continue;
      const first = claimed.get(part);
      if (first) {
        diag.error({
          file: post.source,
          line: post.series!.line,
          message: `part ${part} of the series "${title}" is claimed by both ${first.source} and ${post.source}`,
          hint: 'give one of them another series_part',
        });
      } else claimed.set(part, post);
    }
    if (claimed.size > 0) {
      const numbers = [...claimed.keys()];
      const missing = missingParts(numbers);
      if (missing.length > 0) {
        const after = ordered.find((p) => (p.series!.part ?? 0) > missing[0][0])!;
        diag.warn({
          file: after.source,
          line: after.series!.line,
          message: `the series "${title}" has no part ${listNumbers(missing)} (parts: ${numbers.sort((a, b) => a - b).join(', ')})`,
          hint: 'renumber series_part, or write the missing part',
        });
      }
    }

    for (const post of group) post.series!.title = title;
    const parts: SeriesPart[] = ordered.map((post, i) => ({ post, number: i + 1 }));
    const s: Series = {
      slug,
      title,
      url: `/series/${slug}/`,
      feedUrl: `/series/${slug}/feed.xml`,
      description: meta?.description,
      status: meta?.status,
      html: meta?.html ?? '',
      parts,
      first: earliest,
      latest: [...group].sort(byDate)[group.length - 1],
    };
    series.push(s);
    parts.forEach((part, i) => {
      nav.set(part.post.source, {
        series: s,
        number: part.number,
        total: parts.length,
        parts,
        prev: parts[i - 1]?.post,
        next: parts[i + 1]?.post,
      });
    });
  }
  // Most recently active series first.
  series.sort((a, b) => b.latest.date.getTime() - a.latest.date.getTime() || a.slug.localeCompare(b.slug));
  return { series, nav };
}
