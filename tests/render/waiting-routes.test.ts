/**
 * A threaded build renders each page that lists posts, and each feed, once the Markdown bodies
 * it shows are in (render/waiting-routes.ts). Here: which posts each route of a real site
 * waits for, and that every route becomes ready exactly once, when its last post arrives.
 */
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadSite } from '../../src/build.js';
import { postsShownBy, routeSite } from '../../src/render/routes.js';
import { WaitingRoutes } from '../../src/render/waiting-routes.js';
import { Diagnostics } from '../../src/errors.js';
import type { Post, Route } from '../../src/types.js';
import { cleanTemp, FIXTURES } from '../helpers.js';

afterAll(cleanTemp);

async function feedsSite() {
  const { site } = await loadSite({ root: path.join(FIXTURES, 'feeds'), out: '/nowhere', drafts: false, future: false, strict: false, now: new Date('2025-01-01T00:00:00Z') });
  const routes = routeSite(site, new Diagnostics());
  const byUrl = (url: string) => routes.find((r) => r.url === url)!;
  return { site, routes, byUrl };
}

const sources = (posts: Post[]) => posts.map((p) => p.source).sort();

describe('the posts a route shows', () => {
  test('pages: the posts found in their data; feeds: the posts they were made with; other files: none', async () => {
    const { site, byUrl } = await feedsSite();
    const all = new Set(site.posts);
    const home = byUrl('/');
    expect(home.kind).toBe('page');
    const homePosts = (home as Extract<Route, { kind: 'page' }>).data.posts as Post[];
    expect(homePosts.length).toBe(site.config.postsPerPage);
    expect(sources(postsShownBy(home, all))).toEqual(sources(homePosts));
    const series = site.series[0];
    expect(sources(postsShownBy(byUrl(series.url), all))).toEqual(sources(series.parts.map((p) => p.post)));
    expect(sources(postsShownBy(byUrl(series.feedUrl), all))).toEqual(sources(series.parts.map((p) => p.post).filter((p) => !p.draft)));
    expect(sources(postsShownBy(byUrl('/archive/'), all))).toEqual(sources(site.listed));
    const tag = site.tags[0];
    expect(sources(postsShownBy(byUrl(tag.url), all))).toEqual(sources(tag.posts));
    expect(sources(postsShownBy(byUrl('/feed.xml'), all))).toEqual(sources(site.listed.filter((p) => !p.draft).slice(0, 20)));
    expect(postsShownBy(byUrl('/sitemap.xml'), all)).toEqual([]);
    expect(postsShownBy(byUrl('/404.html'), all)).toEqual([]);
    // Only posts still waiting count.
    expect(postsShownBy(home, new Set([homePosts[1]]))).toEqual([homePosts[1]]);
  });

  test('a feed is made when its body is read, from the posts as they are then', async () => {
    const { site, byUrl } = await feedsSite();
    const feed = byUrl('/feed.xml') as Extract<Route, { kind: 'file' }>;
    const newest = site.listed[0];
    const before = String(feed.body);
    expect(before).toContain(newest.url);
    const html = newest.html;
    newest.html = '<p>Changed after routing</p>';
    try {
      expect(String(feed.body)).toMatch(/<!\[CDATA\[(<figure>.*<\/figure>\n)?<p>Changed after routing<\/p>\]\]>/);
    } finally {
      newest.html = html;
    }
    expect(String(feed.body)).toBe(before);
  });
});

describe('WaitingRoutes', () => {
  test('every route is ready once, as soon as the last post it shows has arrived', async () => {
    const { site, routes } = await feedsSite();
    const pending = new Set(site.posts);
    const waiting = new WaitingRoutes(routes, pending);
    const takeAll = () => {
      const taken: number[] = [];
      for (let i = waiting.take(); i !== undefined; i = waiting.take()) taken.push(i);
      return taken;
    };
    const readyAtOnce = takeAll();
    expect(readyAtOnce.map((i) => routes[i].url)).toContain('/sitemap.xml');
    expect(readyAtOnce.map((i) => routes[i].url)).not.toContain('/archive/');
    const seen = new Set(readyAtOnce);
    const arrived = new Set<Post>();
    for (const post of [...site.posts].reverse()) {
      waiting.arrived(post);
      arrived.add(post);
      for (const i of takeAll()) {
        expect(seen.has(i), `${routes[i].url} was ready twice`).toBe(false);
        seen.add(i);
        // Ready means: everything it shows is in, and it was not ready before this post came.
        const shown = postsShownBy(routes[i], pending);
        expect(shown.every((p) => arrived.has(p))).toBe(true);
        expect(shown).toContain(post);
      }
    }
    expect(seen.size).toBe(routes.length);
    // A post arriving twice (or one no route shows) changes nothing.
    waiting.arrived(site.posts[0]);
    expect(waiting.take()).toBeUndefined();
  });
});
