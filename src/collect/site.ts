/** Pure: parsed posts -> the whole Site model. Reads only what front matter gives (a threaded build collects before the bodies are rendered). */
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

/** Whether a post is in the build at all (drafts and future posts only when asked for). */
export function isBuilt(post: Post, options: Pick<CollectOptions, 'drafts' | 'future'>): boolean {
  return (options.drafts || !post.draft) && (options.future || !post.future);
}

const newestFirst = (a: Post, b: Post) => b.date.getTime() - a.date.getTime() || a.source.localeCompare(b.source);

export function collectSite(
  input: { posts: Post[]; seriesMeta: SeriesMeta[]; assets: Site['assets'] },
  config: SiteConfig,
  options: CollectOptions,
  diag: Diagnostics,
): Site {
  const posts = input.posts
    .filter((p) => isBuilt(p, options))
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
