/**
 * The <head> of every kind of page: title, meta description, canonical URL, Open Graph,
 * twitter:card, article:published_time and feed autodiscovery; and escaping of front-matter
 * values (a title such as `Tips & <tricks> "quoted"`) read back with cheerio.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CheerioAPI } from 'cheerio';
import { build, cleanTemp, copyFixture, post, writeSite, type BuiltSite } from '../helpers.js';

afterAll(cleanTemp);

const SITE = 'Field notes';
const ORIGIN = 'https://example.org';

interface Expected {
  file: string;
  url: string;
  /** og:title; <title> is "<og:title> — Field notes" unless it is the site's own title. */
  title: string;
  description: string;
  type: 'website' | 'article';
  published?: string;
  image?: { src: string; alt: string };
  seriesFeed?: boolean;
  /** Unlisted posts ask search engines to leave them out. */
  noindex?: boolean;
}

const PAGES: Expected[] = [
  { file: 'index.html', url: '/', title: SITE, description: 'Reflections on learning technology', type: 'website' },
  { file: 'page/2/index.html', url: '/page/2/', title: 'Page 2', description: 'Reflections on learning technology', type: 'website' },
  {
    file: 'posts/first-steps/index.html',
    url: '/posts/first-steps/',
    title: 'First steps',
    description: 'Where it started.',
    type: 'article',
    published: '2024-01-10T00:00:00Z',
  },
  {
    file: 'posts/second-thoughts/index.html',
    url: '/posts/second-thoughts/',
    title: 'Second thoughts',
    description: 'The first part of the series.', // no description: the excerpt
    type: 'article',
    published: '2024-02-20T00:00:00Z',
    image: { src: `${ORIGIN}/images/lead.png`, alt: 'A desk with a laptop' },
    seriesFeed: true,
  },
  {
    file: 'posts/lake-trip/index.html',
    url: '/posts/lake-trip/',
    title: 'A trip to the lake',
    description: 'We walked round the lake.',
    type: 'article',
    published: '2024-06-01T18:00:00+01:00',
    image: { src: `${ORIGIN}/posts/lake-trip/lake.png`, alt: 'The lake from the north shore' }, // written lake.png
  },
  {
    file: 'posts/hidden/index.html',
    url: '/posts/hidden/',
    title: 'Hidden post',
    description: 'Only for those with the link.',
    type: 'article',
    published: '2024-04-01T00:00:00+01:00',
    noindex: true,
  },
  { file: 'series/index.html', url: '/series/', title: 'Series', description: 'Every series on Field notes, with its parts and dates', type: 'website' },
  {
    file: 'series/learning-tech/index.html',
    url: '/series/learning-tech/',
    title: 'Learning tech',
    description: 'A short series about learning technology',
    type: 'website',
    seriesFeed: true,
  },
  { file: 'tags/index.html', url: '/tags/', title: 'Tags', description: 'Every tag on Field notes, with its number of posts', type: 'website' },
  {
    file: 'tags/reflection/index.html',
    url: '/tags/reflection/',
    title: 'Posts tagged “reflection”',
    description: 'Posts tagged “reflection” on Field notes',
    type: 'website',
  },
  { file: 'archive/index.html', url: '/archive/', title: 'Archive', description: 'Every post on Field notes, by year', type: 'website' },
  {
    file: 'cpd/index.html',
    url: '/cpd/',
    title: 'CMALT CPD log',
    description: 'Continuing professional development by year and by CMALT area, with CSV and JSON exports',
    type: 'website',
  },
  { file: '404.html', url: '/404.html', title: 'Page not found', description: 'Reflections on learning technology', type: 'website' },
];

/** The one value of a <meta>; fails when the tag is missing or repeated. */
function metaOf($: CheerioAPI, selector: string): string | undefined {
  const found = $(selector);
  expect(found.length, `${selector} at most once`).toBeLessThanOrEqual(1);
  return found.attr('content');
}

describe('page metadata', () => {
  let site: BuiltSite;
  beforeAll(async () => {
    site = await build(await copyFixture('feeds'));
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
  });

  test.each(PAGES)('$file', async (page) => {
    const $ = await site.html(page.file);
    expect($('html').attr('lang')).toBe('en-GB');
    expect($('head > title').text()).toBe(page.title === SITE ? SITE : `${page.title} — ${SITE}`);
    expect(metaOf($, 'meta[name="description"]')).toBe(page.description);
    expect(metaOf($, 'meta[property="og:title"]')).toBe(page.title);
    expect(metaOf($, 'meta[property="og:description"]')).toBe(page.description);
    expect(metaOf($, 'meta[property="og:type"]')).toBe(page.type);
    expect(metaOf($, 'meta[property="og:site_name"]')).toBe(SITE);
    if (page.url === '/404.html') {
      // Served at whatever address was missing: no address of its own, and not for search engines.
      expect($('link[rel="canonical"]').length).toBe(0);
      expect($('meta[property="og:url"]').length).toBe(0);
      expect(metaOf($, 'meta[name="robots"]')).toBe('noindex');
    } else {
      expect($('link[rel="canonical"]').length).toBe(1);
      expect($('link[rel="canonical"]').attr('href')).toBe(ORIGIN + page.url);
      expect(metaOf($, 'meta[property="og:url"]')).toBe(ORIGIN + page.url);
      expect(metaOf($, 'meta[name="robots"]')).toBe(page.noindex ? 'noindex' : undefined);
    }
    expect(metaOf($, 'meta[property="og:image"]')).toBe(page.image?.src);
    expect(metaOf($, 'meta[property="og:image:alt"]')).toBe(page.image?.alt);
    expect(metaOf($, 'meta[name="twitter:card"]')).toBe(page.image ? 'summary_large_image' : 'summary');
    expect(metaOf($, 'meta[property="article:published_time"]')).toBe(page.published);

    const feeds = $('link[rel="alternate"]')
      .map((_, l) => [[$(l).attr('type'), $(l).attr('href'), $(l).attr('title')]])
      .get();
    expect(feeds).toEqual([
      ['application/atom+xml', '/feed.xml', SITE],
      ['application/feed+json', '/feed.json', `${SITE} (JSON Feed)`],
      ...(page.seriesFeed ? [['application/atom+xml', '/series/learning-tech/feed.xml', 'Learning tech (series)']] : []),
    ]);
  });

  test('a post that was updated says so (article:modified_time) and lists its tags', async () => {
    const $ = await site.html('posts/first-steps/index.html');
    expect(metaOf($, 'meta[property="article:modified_time"]')).toBe('2024-02-15T00:00:00Z');
    expect($('meta[property="article:tag"]').map((_, m) => $(m).attr('content')).get()).toEqual(['reflection', 'cmalt']);
  });

  test('every page the build wrote is covered above', async () => {
    const html = (await site.files()).filter((f) => f.endsWith('.html'));
    const covered = new Set(PAGES.map((p) => p.file));
    // The kinds not listed are more of the same: other posts and other tags.
    const others = html.filter((f) => !covered.has(f));
    expect(others.every((f) => /^posts\/[^/]+\/index\.html$/.test(f) || /^tags\/[^/]+\/index\.html$/.test(f)), others.join(', ')).toBe(true);
  });
});

describe('escaping of front-matter values in pages', () => {
  const TITLE = 'Tips & <tricks> "quoted"';
  const DESCRIPTION = 'Use & and <b>bold</b> "wisely"';
  const TAG = 'Q&A <html>';
  let site: BuiltSite;
  beforeAll(async () => {
    site = await build(await copyFixture('feeds'));
  });

  test('the post page reads back the exact text, with no raw markup from the values', async () => {
    const raw = await site.read('posts/tips/index.html');
    expect(raw).not.toContain('<tricks>');
    expect(raw).not.toContain('<b>bold</b>');
    expect(raw).not.toContain('<html>"');
    const $ = await site.html('posts/tips/index.html');
    expect($('head > title').text()).toBe(`${TITLE} — ${SITE}`);
    expect($('h1').text()).toBe(TITLE);
    expect(metaOf($, 'meta[name="description"]')).toBe(DESCRIPTION);
    expect(metaOf($, 'meta[property="og:title"]')).toBe(TITLE);
    expect(metaOf($, 'meta[property="og:description"]')).toBe(DESCRIPTION);
    expect(metaOf($, 'meta[property="article:tag"]')).toBe(TAG);
    expect($('tricks').length).toBe(0);
    expect($('.post-body b').length).toBe(0);
    expect($('main').text()).toContain(TAG);
  });

  test.each(['index.html', 'archive/index.html', 'tags/q-and-a-html/index.html', 'tags/index.html'])('lists show them escaped too: %s', async (file) => {
    const raw = await site.read(file);
    expect(raw).not.toContain('<tricks>');
    const $ = await site.html(file);
    expect($('tricks').length).toBe(0);
    expect($('main').text()).toContain(file.startsWith('tags/index') ? TAG : TITLE);
  });
});

describe('dates in the site time zone, on every page that shows them', () => {
  test('either side of a clock change, a post page and the lists agree on the offset and the day', async () => {
    const site = await build(
      await writeSite({
        'site.yaml': 'timezone: "Europe/London"\nlanguage: en-GB\n',
        'posts/winter.md': post({ title: 'Winter', date: '2024-03-30 23:30', tags: ['clocks'] }),
        'posts/summer.md': post({ title: 'Summer', date: '2024-03-31 23:30', tags: ['clocks'] }),
      }),
    );
    expect(site.code).toBe(0);
    const times = async (file: string) => {
      const $ = await site.html(file);
      return $('main time')
        .map((_, t) => `${$(t).attr('datetime')} ${$(t).text()}`)
        .get();
    };
    const listed = ['2024-03-31T23:30:00+01:00 31 March 2024', '2024-03-30T23:30:00Z 30 March 2024'];
    expect(await times('index.html')).toEqual(listed);
    expect(await times('tags/clocks/index.html')).toEqual(listed);
    expect(await times('archive/index.html')).toEqual(listed);
    expect(await times('posts/summer/index.html')).toEqual([listed[0]]);
    expect(await times('posts/winter/index.html')).toEqual([listed[1]]);
  });
});
