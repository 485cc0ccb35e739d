/** Pure: parsed posts -> the whole Site model. Complete before anything renders. */
import type { Diagnostics } from '../errors.js';
import { collectCpd } from './cpd.js';
import { collectSeries } from './series.js';
import { collectArchive, collectTags } from './taxonomies.js';
import type { Post, SeriesMeta, Site, SiteConfig } from '../types.js';

export interface CollectOptions {
  drafts: boolean;
  future: boolean;
  now: Date;
}

const newestFirst = (a: Post, b: Post) => b.date.getTime() - a.date.getTime() || a.source.localeCompare(b.source);

export function collectSite(
  input: { posts: Post[]; seriesMeta: SeriesMeta[]; assets: Site['assets'] },
  config: SiteConfig,
  options: CollectOptions,
  diag: Diagnostics,
): Site {
  const posts = input.posts
    .filter((p) => (options.drafts || !p.draft) && (options.future || !p.future))
    .sort(newestFirst);
  const listed = posts.filter((p) => !p.unlisted);
  const { series, nav } = collectSeries(listed, input.seriesMeta, diag);
  return {
    config,
    posts,
    listed,
    series,
    seriesNav: nav,
    tags: collectTags(listed),
    archive: collectArchive(listed),
    cpd: collectCpd(posts, config, options.now),
    assets: [...input.assets, ...posts.flatMap((p) => p.assets)],
    drafts: options.drafts,
  };
}
