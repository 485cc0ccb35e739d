/** Pure: Site -> every Route the build writes (pages through templates, files as strings). */
import type { Diagnostics } from '../errors.js';
import { atomFeed, jsonFeed, lastChange, sitemapXml } from './feeds.js';
import { cpdCsv, cpdJson, cpdYearCharts } from './cpd.js';
import type { Post, Route, Site } from '../types.js';

const FEED_SIZE = 20;

export interface PageMeta {
  title: string;
  description: string;
  url: string;
  type: 'website' | 'article';
  image?: { src: string; alt: string };
  /** Extra feeds to announce in <head> (a series' feed on its posts and page). */
  feeds: { title: string; url: string }[];
}

function meta(site: Pick<Site, 'config'>, m: Partial<PageMeta> & { url: string; title?: string }): PageMeta {
  return {
    title: m.title ?? site.config.title,
    // Never empty: link previews and search results show it.
    description: m.description || site.config.description || site.config.title,
    url: m.url,
    type: m.type ?? 'website',
    image: m.image,
    feeds: m.feeds ?? [],
  };
}

type PageRoute = Extract<Route, { kind: 'page' }>;

function page(url: string, template: string, data: Record<string, unknown>, source?: string): PageRoute {
  return { kind: 'page', url, template, data, source };
}

/** The sitemap's lastmod of a page listing `posts`: the latest change among them. */
function latestChange(posts: Post[]): Date | undefined {
  let latest: Date | undefined;
  for (const p of posts) if (!latest || lastChange(p) > latest) latest = lastChange(p);
  return latest;
}

export function homePageUrl(n: number): string {
  return n === 1 ? '/' : `/page/${n}/`;
}

/** A post's own page: it needs only the post and its series (see render/post-batch.ts). */
export function postPageRoute(site: Pick<Site, 'config' | 'seriesNav'>, post: Post): PageRoute {
  const nav = site.seriesNav.get(post.source);
  return page(
    post.url,
    'post.njk',
    {
      page: meta(site, {
        url: post.url,
        title: post.title,
        description: post.summary,
        type: 'article',
        image: post.image ? { src: post.image.src, alt: post.image.alt } : undefined,
        feeds: nav ? [{ title: `${nav.series.title} (series)`, url: nav.series.feedUrl }] : [],
      }),
      post,
      seriesNav: nav,
    },
    post.source,
  );
}

type FileRoute = Extract<Route, { kind: 'file' }>;

/** The posts each feed shows in full (see postsShownBy). */
const feedPostsOf = new WeakMap<FileRoute, Post[]>();

/**
 * A feed, made when its body is read — again at each read, so read it once: a threaded build
 * routes the site before the posts' bodies are in, and writes each feed once its posts are.
 */
function feedRoute(url: string, posts: Post[], make: () => string): FileRoute {
  const route: FileRoute = {
    kind: 'file',
    url,
    get body() {
      return make();
    },
  };
  feedPostsOf.set(route, posts);
  return route;
}

/**
 * The posts whose Markdown bodies a route shows, among `posts` (a threaded build renders a
 * route once these are in). A page sees only its data, so the posts found in it are the
 * posts it can show; a file is a feed of the posts it was made with, or shows none.
 */
export function postsShownBy(route: Route, posts: ReadonlySet<Post>): Post[] {
  if (route.kind === 'file') return (feedPostsOf.get(route) ?? []).filter((p) => posts.has(p));
  const found = new Set<Post>();
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (posts.has(value as Post)) return void found.add(value as Post);
    // A post refers to no other post: only the structures that list posts are searched.
    if (Array.isArray(value)) value.forEach(visit);
    else if (value instanceof Map) value.forEach(visit);
    else if (!(value instanceof Date)) Object.values(value).forEach(visit);
  };
  visit(route.data);
  return [...found];
}

export function routeSite(site: Site, diag: Diagnostics): Route[] {
  const { config } = site;
  const routes: Route[] = [];
  const sitemap: { url: string; lastmod?: Date }[] = [];
  // Drafts are built by --drafts (and dev) to preview them, but never announced.
  const published = site.listed.filter((p) => !p.draft);

  // Home, paginated.
  const perPage = config.postsPerPage;
  const pages = Math.max(1, Math.ceil(site.listed.length / perPage));
  for (let n = 1; n <= pages; n++) {
    const url = homePageUrl(n);
    routes.push(
      page(url, 'home.njk', {
        // <title> adds the site's name: "Page 2 — My reflections".
        page: meta(site, { url, title: n === 1 ? config.title : `Page ${n}` }),
        posts: site.listed.slice((n - 1) * perPage, n * perPage),
        pagination: {
          number: n,
          total: pages,
          prev: n > 1 ? homePageUrl(n - 1) : undefined,
          next: n < pages ? homePageUrl(n + 1) : undefined,
        },
      }),
    );
    sitemap.push({ url, lastmod: latestChange(site.listed.slice((n - 1) * perPage, n * perPage)) });
  }

  for (const post of site.posts) {
    routes.push(postPageRoute(site, post));
    if (!post.unlisted && !post.draft) sitemap.push({ url: post.url, lastmod: lastChange(post) });
  }

  routes.push(
    page('/series/', 'series-index.njk', {
      page: meta(site, { url: '/series/', title: 'Series', description: `Every series on ${config.title}, with its parts and dates` }),
      seriesList: site.series,
    }),
  );
  sitemap.push({ url: '/series/', lastmod: latestChange(site.series.flatMap((s) => s.parts.map((p) => p.post))) });
  for (const s of site.series) {
    const feed = { title: `${s.title} (series)`, url: s.feedUrl };
    routes.push(
      page(s.url, 'series.njk', {
        page: meta(site, {
          url: s.url,
          title: s.title,
          description: s.description || `All ${s.parts.length} part${s.parts.length === 1 ? '' : 's'} of “${s.title}”, in reading order`,
          feeds: [feed],
        }),
        series: s,
      }),
    );
    const newestFirst = s.parts.map((p) => p.post).filter((p) => !p.draft).sort((a, b) => b.date.getTime() - a.date.getTime());
    const feedPosts = newestFirst.slice(0, FEED_SIZE);
    routes.push(
      feedRoute(s.feedUrl, feedPosts, () =>
        atomFeed({ config, title: `${s.title} — ${config.title}`, description: s.description, feedUrl: s.feedUrl, pageUrl: s.url, posts: feedPosts }),
      ),
    );
    sitemap.push({ url: s.url, lastmod: latestChange(s.parts.map((p) => p.post)) });
  }

  const tagsDescription = `Every tag on ${config.title}, with its number of posts`;
  routes.push(page('/tags/', 'tags.njk', { page: meta(site, { url: '/tags/', title: 'Tags', description: tagsDescription }), tags: site.tags }));
  sitemap.push({ url: '/tags/', lastmod: latestChange(site.tags.flatMap((t) => t.posts)) });
  for (const tag of site.tags) {
    const title = `Posts tagged “${tag.name}”`;
    routes.push(page(tag.url, 'tag.njk', { page: meta(site, { url: tag.url, title, description: `${title} on ${config.title}` }), tag }));
    sitemap.push({ url: tag.url, lastmod: latestChange(tag.posts) });
  }

  const archiveDescription = `Every post on ${config.title}, by year`;
  routes.push(page('/archive/', 'archive.njk', { page: meta(site, { url: '/archive/', title: 'Archive', description: archiveDescription }), years: site.archive }));
  sitemap.push({ url: '/archive/', lastmod: latestChange(site.listed) });

  if (site.cpd) {
    const title = `${site.cpd.framework} CPD log`;
    const description = `Continuing professional development by year and by ${site.cpd.framework} area, with CSV and JSON exports`;
    routes.push(page('/cpd/', 'cpd.njk', { page: meta(site, { url: '/cpd/', title, description }), cpd: site.cpd, charts: cpdYearCharts(site.cpd) }));
    routes.push({ kind: 'file', url: '/cpd/cpd.csv', body: cpdCsv(site.cpd.entries, config) });
    routes.push({ kind: 'file', url: '/cpd/cpd.json', body: cpdJson(site.cpd.entries, config) });
    sitemap.push({ url: '/cpd/', lastmod: latestChange(site.cpd.entries.map((e) => e.post)) });
  }

  routes.push(page('/404.html', '404.njk', { page: meta(site, { url: '/404.html', title: 'Page not found' }) }));

  const feedPosts: Post[] = published.slice(0, FEED_SIZE);
  const feedInput = { config, title: config.title, description: config.description, pageUrl: '/', posts: feedPosts };
  routes.push(feedRoute('/feed.xml', feedPosts, () => atomFeed({ ...feedInput, feedUrl: '/feed.xml' })));
  routes.push(feedRoute('/feed.json', feedPosts, () => jsonFeed({ ...feedInput, feedUrl: '/feed.json' })));
  routes.push({ kind: 'file', url: '/sitemap.xml', body: sitemapXml(sitemap, config) });
  routes.push({ kind: 'file', url: '/robots.txt', body: `User-agent: *\nAllow: /\n\nSitemap: ${config.url}sitemap.xml\n` });

  reportDuplicateUrls(routes, diag);
  return routes;
}

/** Two routes with one URL would overwrite each other: an error naming both sources. */
function reportDuplicateUrls(routes: Route[], diag: Diagnostics): void {
  const seen = new Map<string, Route>();
  for (const route of routes) {
    const key = route.url.toLowerCase();
    const first = seen.get(key);
    if (!first) {
      seen.set(key, route);
      continue;
    }
    const [a, b] = [first.source ?? `the ${first.url} page`, route.source ?? `the ${route.url} page`].sort();
    diag.error({
      file: route.source ?? first.source,
      message: `${a} and ${b} would both be written to ${route.url}`,
      hint: 'give one of them another `slug` in its front matter',
    });
  }
}
