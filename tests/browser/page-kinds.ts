/**
 * Builds a site into a temporary folder and picks one page of every kind the theme has,
 * choosing the richest example of each (a post with a lead image, a series part with both
 * a previous and a next part, the longest series, the most used tag).
 */
import path from 'node:path';
import { expect } from 'vitest';
import { loadSite } from '../../src/build.js';
import type { Post, Site } from '../../src/types.js';
import { runCli, tempDir } from '../helpers.js';

export type PageKind =
  | 'home'
  | 'home-page-2'
  | 'post'
  | 'series-post'
  | 'series-index'
  | 'series'
  | 'tags'
  | 'tag'
  | 'archive'
  | 'cpd'
  | '404';

export interface KindPage {
  kind: PageKind;
  /** Site-relative URL, without the base path. */
  url: string;
}

export interface BuiltForBrowser {
  site: Site;
  out: string;
  pages: KindPage[];
}

/** Richer first: a lead image, then footnotes/tables/code, then length. */
function richness(post: Post): number {
  const features = [/<table/, /class="footnotes"/, /<pre/, /<img/, /<blockquote/].filter((re) => re.test(post.html)).length;
  return (post.image ? 1000 : 0) + features * 100 + Math.min(post.words, 99) / 100;
}

function richest(posts: Post[], bonus: (post: Post) => number = () => 0): Post | undefined {
  const score = (post: Post) => richness(post) + bonus(post);
  return [...posts].sort((a, b) => score(b) - score(a))[0];
}

export async function buildForBrowser(root: string): Promise<BuiltForBrowser> {
  const out = path.join(await tempDir('folio-browser-'), 'site');
  const run = await runCli(['build', '--root', root, '--out', out, '--quiet']);
  expect(run.code, `folio build --root ${root}: ${run.stderr}`).toBe(0);
  const { site } = await loadSite({ root, out, drafts: false, future: false, strict: false });

  const pages: KindPage[] = [{ kind: 'home', url: '/' }];
  if (site.listed.length > site.config.postsPerPage) pages.push({ kind: 'home-page-2', url: '/page/2/' });
  const standalone = richest(site.listed.filter((p) => !site.seriesNav.has(p.source)));
  if (standalone) pages.push({ kind: 'post', url: standalone.url });
  // A series part with both neighbours shows the whole series box; a lead image outweighs that.
  const seriesPost = richest(
    site.listed.filter((p) => site.seriesNav.has(p.source)),
    (p) => (site.seriesNav.get(p.source)?.prev && site.seriesNav.get(p.source)?.next ? 500 : 0),
  );
  if (seriesPost) pages.push({ kind: 'series-post', url: seriesPost.url });
  pages.push({ kind: 'series-index', url: '/series/' });
  const longestSeries = [...site.series].sort((a, b) => b.parts.length - a.parts.length)[0];
  if (longestSeries) pages.push({ kind: 'series', url: longestSeries.url });
  pages.push({ kind: 'tags', url: '/tags/' });
  const topTag = [...site.tags].sort((a, b) => b.posts.length - a.posts.length)[0];
  if (topTag) pages.push({ kind: 'tag', url: topTag.url });
  pages.push({ kind: 'archive', url: '/archive/' });
  if (site.cpd) pages.push({ kind: 'cpd', url: '/cpd/' });
  // A missing address, as a reader meets the 404 page (the server answers with 404.html).
  pages.push({ kind: '404', url: '/no-such-page/' });
  return { site, out, pages };
}
