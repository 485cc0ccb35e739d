/**
 * /feed.xml (Atom 1.0, RFC 4287), /feed.json (JSON Feed 1.1), series feeds, /sitemap.xml and
 * /robots.txt, read back from a built fixture with fast-xml-parser (structure), cheerio (the
 * HTML inside entries) and feedsmith (a real feed parser, as a feed reader would use).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as cheerio from 'cheerio';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseAtomFeed, parseFeed, parseJsonFeed } from 'feedsmith';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, cleanTemp, copyFixture, post, REPO_ROOT, runCli, tempDir, writeSite, type BuiltSite } from '../helpers.js';
import fc from 'fast-check';
import { urlResolver } from '../../src/render/feeds.js';

afterAll(cleanTemp);

const ATOM_NS = 'http://www.w3.org/2005/Atom';
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const TIPS_TITLE = 'Tips & <tricks> "quoted"';

/** Elements that may repeat are always arrays; attributes keep their names; text stays text. */
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['entry', 'link', 'category', 'url'].includes(name),
});

interface AtomLink {
  href: string;
  rel?: string;
  type?: string;
}
interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  summary?: string;
  link: AtomLink[];
  category?: { term: string }[];
  content: { '#text': string; type: string };
}
interface AtomFeed {
  xmlns: string;
  id: string;
  title: string;
  subtitle?: string;
  updated: string;
  author: { name: string; email?: string; uri?: string };
  link: AtomLink[];
  entry?: AtomEntry[];
}

/** Well-formed (the validator says so) and parsed. */
function parseXml(text: string): Record<string, unknown> {
  expect(XMLValidator.validate(text)).toBe(true);
  return xmlParser.parse(text) as Record<string, unknown>;
}

function atom(text: string): AtomFeed {
  const feed = parseXml(text).feed as AtomFeed;
  expect(feed, 'a <feed> root element').toBeDefined();
  return feed;
}

interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_html: string;
  summary?: string;
  image?: string;
  date_published: string;
  date_modified?: string;
  tags?: string[];
}
interface JsonFeed {
  version: string;
  title: string;
  home_page_url: string;
  feed_url: string;
  description?: string;
  authors: { name?: string; url?: string }[];
  items: JsonFeedItem[];
}

interface SitemapUrl {
  loc: string;
  lastmod?: string;
}
function sitemap(text: string): { xmlns: string; url: SitemapUrl[] } {
  return parseXml(text).urlset as { xmlns: string; url: SitemapUrl[] };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The structural requirements of RFC 4287 that a feed reader relies on. */
function expectValidAtom(feed: AtomFeed): void {
  expect(feed.xmlns).toBe(ATOM_NS);
  expect(feed.id).toMatch(/^https?:\/\//);
  expect(feed.title).not.toBe('');
  expect(feed.updated).toMatch(RFC3339);
  expect(feed.author.name).not.toBe('');
  const self = feed.link.find((l) => l.rel === 'self');
  expect(self?.type).toBe('application/atom+xml');
  expect(self?.href).toMatch(/^https?:\/\//);
  expect(feed.link.find((l) => l.rel === 'alternate')?.href).toMatch(/^https?:\/\//);
  const ids = new Set<string>();
  for (const e of feed.entry ?? []) {
    expect(e.id).toMatch(/^https?:\/\//);
    expect(ids.has(e.id), `entry ids are unique: ${e.id}`).toBe(false);
    ids.add(e.id);
    expect(e.title).not.toBe('');
    expect(e.updated).toMatch(RFC3339);
    expect(e.published).toMatch(RFC3339);
    expect(e.link.find((l) => l.rel === 'alternate')?.href).toBe(e.id);
    expect(e.content.type).toBe('html');
    expect(e.content['#text']).not.toBe('');
  }
}

/** Every link and image inside an entry's HTML is absolute (or a fragment-free mailto: etc.). */
function urlsIn(html: string): string[] {
  const $ = cheerio.load(html);
  return $('[href], [src]')
    .map((_, el) => $(el).attr('href') ?? $(el).attr('src'))
    .get();
}

describe('the feeds fixture', () => {
  let site: BuiltSite;
  let feed: AtomFeed;
  let json: JsonFeed;

  beforeAll(async () => {
    site = await build(await copyFixture('feeds'));
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    feed = atom(await site.read('feed.xml'));
    json = JSON.parse(await site.read('feed.json')) as JsonFeed;
  });

  describe('/feed.xml (Atom 1.0)', () => {
    test('has the feed elements RFC 4287 requires, from site.yaml', () => {
      expectValidAtom(feed);
      expect(feed.id).toBe('https://example.org/');
      expect(feed.title).toBe('Field notes');
      expect(feed.subtitle).toBe('Reflections on learning technology');
      expect(feed.author).toEqual({ name: 'Sam Writer', email: 'sam@example.org', uri: 'https://example.org/about/' });
      expect(feed.link).toEqual([
        { href: 'https://example.org/feed.xml', rel: 'self', type: 'application/atom+xml' },
        { href: 'https://example.org/', rel: 'alternate', type: 'text/html' },
      ]);
      // The latest change of any entry (the lake trip, in British Summer Time).
      expect(feed.updated).toBe('2024-06-01T18:00:00+01:00');
    });

    test('lists the listed posts newest first; unlisted and draft posts never appear', () => {
      expect(feed.entry!.map((e) => e.id)).toEqual([
        'https://example.org/posts/lake-trip/',
        'https://example.org/posts/series-two/',
        'https://example.org/posts/tips/',
        'https://example.org/posts/second-thoughts/',
        'https://example.org/posts/first-steps/',
      ]);
    });

    test('entries carry title, dates (updated from `updated`), link, summary and categories', () => {
      const first = feed.entry!.find((e) => e.id === 'https://example.org/posts/first-steps/')!;
      expect(first.title).toBe('First steps');
      expect(first.published).toBe('2024-01-10T00:00:00Z');
      expect(first.updated).toBe('2024-02-15T00:00:00Z');
      expect(first.link).toEqual([{ href: 'https://example.org/posts/first-steps/', rel: 'alternate', type: 'text/html' }]);
      expect(first.summary).toBe('Where it started.');
      expect(first.category).toEqual([{ term: 'reflection' }, { term: 'cmalt' }]);
      const lake = feed.entry!.find((e) => e.id === 'https://example.org/posts/lake-trip/')!;
      expect(lake.published).toBe('2024-06-01T18:00:00+01:00');
      expect(lake.updated).toBe(lake.published);
    });

    test('content is the full post, with every link and image absolute', () => {
      const first = feed.entry!.find((e) => e.id === 'https://example.org/posts/first-steps/')!;
      const html = first.content['#text'];
      const $ = cheerio.load(html);
      // Beyond the excerpt: the heading and the raw HTML paragraph at the end of the post.
      expect($('h2').text()).toBe('Further');
      expect($('img[alt="The diagram again"]').attr('src')).toBe('https://example.org/images/diagram.png');
      const links = $('a').map((_, a) => [[$(a).text(), $(a).attr('href')]]).get();
      expect(links).toEqual([
        ['my second thoughts', 'https://example.org/posts/second-thoughts/'], // written ../second-thoughts/
        ['from the root', 'https://example.org/posts/second-thoughts/'], // written /posts/second-thoughts/
        ['below', 'https://example.org/posts/first-steps/#further'],
        ['elsewhere', 'https://example.com/page?a=1&b=2'],
        ['Further', 'https://example.org/posts/first-steps/#further'], // the heading anchor
        ['the reflection tag', 'https://example.org/tags/reflection/'], // raw HTML
      ]);
      expect($('img[alt="A diagram of the course"]').attr('src')).toBe('https://example.org/images/diagram.png');
      for (const e of feed.entry!) {
        for (const u of urlsIn(e.content['#text'])) expect(u, `${e.id}: ${u}`).toMatch(/^https?:\/\//);
      }
    });

    test('a folder post’s own image and a lead image (with its credit) are absolute too', () => {
      const lake = cheerio.load(feed.entry!.find((e) => e.id.endsWith('/lake-trip/'))!.content['#text']);
      expect(lake('p img').attr('src')).toBe('https://example.org/posts/lake-trip/lake.png'); // written lake.png
      expect(lake('figure img').attr('src')).toBe('https://example.org/posts/lake-trip/lake.png'); // image: { src: lake.png }
      const second = cheerio.load(feed.entry!.find((e) => e.id.endsWith('/second-thoughts/'))!.content['#text']);
      expect(second('figure img').attr('src')).toBe('https://example.org/images/lead.png');
      expect(second('figure img').attr('alt')).toBe('A desk with a laptop');
      expect(second('figcaption').text()).toBe('Image: Sam Writer (CC BY 4.0)');
      expect(second('figcaption a[rel="license"]').attr('href')).toBe('https://creativecommons.org/licenses/by/4.0/');
      expect(second('p').first().text()).toBe('The first part of the series.');
    });

    test('escapes titles, summaries and categories: the parser reads back the exact text', () => {
      const tips = feed.entry!.find((e) => e.id.endsWith('/tips/'))!;
      expect(tips.title).toBe(TIPS_TITLE);
      expect(tips.summary).toBe('Use & and <b>bold</b> "wisely"');
      expect(tips.category).toEqual([{ term: 'Q&A <html>' }]);
      expect(cheerio.load(tips.content['#text'])('p').text()).toBe('Body text with 5 < 6 & “quotes”.');
    });
  });

  describe('/feed.json (JSON Feed 1.1)', () => {
    test('has version, title, home page, feed URL and authors', () => {
      expect(json.version).toBe('https://jsonfeed.org/version/1.1');
      expect(json.title).toBe('Field notes');
      expect(json.home_page_url).toBe('https://example.org/');
      expect(json.feed_url).toBe('https://example.org/feed.json');
      expect(json.description).toBe('Reflections on learning technology');
      expect(json.authors).toEqual([{ name: 'Sam Writer', url: 'https://example.org/about/' }]);
    });

    test('has the same posts as the Atom feed, with the same full content', () => {
      expect(json.items.map((i) => i.id)).toEqual(feed.entry!.map((e) => e.id));
      for (const [n, item] of json.items.entries()) {
        const entry = feed.entry![n];
        expect(item.url).toBe(item.id);
        expect(item.title).toBe(entry.title);
        expect(item.date_published).toBe(entry.published);
        expect(item.date_modified).toBe(entry.updated);
        expect(item.content_html.trim()).toBe(entry.content['#text'].trim());
      }
      const tips = json.items.find((i) => i.id.endsWith('/tips/'))!;
      expect(tips.title).toBe(TIPS_TITLE);
      expect(tips.tags).toEqual(['Q&A <html>']);
      expect(json.items.find((i) => i.id.endsWith('/second-thoughts/'))!.image).toBe('https://example.org/images/lead.png');
    });
  });

  test('a series feed is the same kind of feed, of that series alone', async () => {
    const series = atom(await site.read('series/learning-tech/feed.xml'));
    expectValidAtom(series);
    expect(series.id).toBe('https://example.org/series/learning-tech/');
    expect(series.title).toBe('Learning tech — Field notes');
    expect(series.subtitle).toBe('A short series about learning technology');
    expect(series.link.find((l) => l.rel === 'self')!.href).toBe('https://example.org/series/learning-tech/feed.xml');
    expect(series.link.find((l) => l.rel === 'alternate')!.href).toBe('https://example.org/series/learning-tech/');
    expect(series.entry!.map((e) => e.id)).toEqual(['https://example.org/posts/series-two/', 'https://example.org/posts/second-thoughts/']);
    expect(cheerio.load(series.entry![0].content['#text'])('a').attr('href')).toBe('https://example.org/posts/second-thoughts/');
  });

  describe('/sitemap.xml and /robots.txt', () => {
    test('lists every published page with an absolute loc and a lastmod, in the sitemaps.org namespace', async () => {
      const map = sitemap(await site.read('sitemap.xml'));
      expect(map.xmlns).toBe(SITEMAP_NS);
      expect(map.url).toEqual([
        { loc: 'https://example.org/', lastmod: '2024-06-01T18:00:00+01:00' },
        { loc: 'https://example.org/page/2/', lastmod: '2024-02-15T00:00:00Z' },
        { loc: 'https://example.org/posts/lake-trip/', lastmod: '2024-06-01T18:00:00+01:00' },
        { loc: 'https://example.org/posts/series-two/', lastmod: '2024-03-10T09:30:00Z' },
        { loc: 'https://example.org/posts/tips/', lastmod: '2024-03-05T00:00:00Z' },
        { loc: 'https://example.org/posts/second-thoughts/', lastmod: '2024-02-20T00:00:00Z' },
        { loc: 'https://example.org/posts/first-steps/', lastmod: '2024-02-15T00:00:00Z' },
        { loc: 'https://example.org/series/', lastmod: '2024-03-10T09:30:00Z' },
        { loc: 'https://example.org/series/learning-tech/', lastmod: '2024-03-10T09:30:00Z' },
        { loc: 'https://example.org/tags/', lastmod: '2024-06-01T18:00:00+01:00' },
        { loc: 'https://example.org/tags/cmalt/', lastmod: '2024-02-15T00:00:00Z' },
        { loc: 'https://example.org/tags/q-and-a-html/', lastmod: '2024-03-05T00:00:00Z' },
        { loc: 'https://example.org/tags/reflection/', lastmod: '2024-02-15T00:00:00Z' },
        { loc: 'https://example.org/tags/travel/', lastmod: '2024-06-01T18:00:00+01:00' },
        { loc: 'https://example.org/archive/', lastmod: '2024-06-01T18:00:00+01:00' },
        { loc: 'https://example.org/cpd/', lastmod: '2024-02-15T00:00:00Z' },
      ]);
    });

    test('every loc is a page the build wrote; 404.html, unlisted and draft posts are left out', async () => {
      const files = new Set(await site.files());
      const { url } = sitemap(await site.read('sitemap.xml'));
      for (const { loc } of url) {
        const rel = loc.replace('https://example.org/', '');
        expect(files.has(rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel), loc).toBe(true);
      }
      expect(files.has('posts/hidden/index.html')).toBe(true); // built, but not announced
      const locs = url.map((u) => u.loc);
      expect(locs).not.toContain('https://example.org/posts/hidden/');
      expect(locs.some((l) => l.includes('secret'))).toBe(false);
      expect(locs.some((l) => l.includes('404'))).toBe(false);
    });

    test('robots.txt points at the sitemap', async () => {
      expect(await site.read('robots.txt')).toBe('User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n');
    });
  });

  test('a real feed parser (feedsmith) reads both feeds as a feed reader would', async () => {
    const parsed = parseAtomFeed(await site.read('feed.xml'));
    expect(parsed.title?.value).toBe('Field notes');
    expect(parsed.entries?.map((e) => e.title?.value)).toEqual(feed.entry!.map((e) => e.title));
    expect(parsed.entries?.find((e) => e.id?.endsWith('/tips/'))?.title?.value).toBe(TIPS_TITLE);
    const parsedJson = parseJsonFeed(await site.read('feed.json'));
    expect(parsedJson.items?.map((i) => i.id)).toEqual(json.items.map((i) => i.id));
    expect(parseFeed(await site.read('series/learning-tech/feed.xml')).format).toBe('atom');
  });
});

describe('feed rules on generated sites', () => {
  test('the feeds hold the newest 20 listed posts; drafts stay out even when built with --drafts', async () => {
    const files: Record<string, string> = {};
    for (let day = 1; day <= 23; day++) {
      const d = String(day).padStart(2, '0');
      files[`posts/2024-01-${d}-post-${d}.md`] = post({ title: `Post ${d}` });
    }
    files['posts/2024-02-01-unlisted.md'] = post({ title: 'Unlisted', visibility: 'unlisted' });
    files['posts/2024-02-02-draft.md'] = post({ title: 'Draft', draft: true });
    const site = await build(await writeSite(files), ['--drafts']);
    expect(site.code).toBe(0);
    expect(await site.files()).toContain('posts/draft/index.html');
    // No url in site.yaml: the default, http://localhost:4000/.
    const expected = Array.from({ length: 20 }, (_, n) => `http://localhost:4000/posts/post-${String(23 - n).padStart(2, '0')}/`);
    expect(atom(await site.read('feed.xml')).entry!.map((e) => e.id)).toEqual(expected);
    expect((JSON.parse(await site.read('feed.json')) as JsonFeed).items.map((i) => i.id)).toEqual(expected);
    const locs = sitemap(await site.read('sitemap.xml')).url.map((u) => u.loc);
    expect(locs).toContain('http://localhost:4000/posts/post-01/'); // the sitemap has every post
    expect(locs.filter((l) => l.includes('/draft/') || l.includes('/unlisted/'))).toEqual([]);
  });

  test('escapes all five XML specials, drops characters XML forbids, and leaves plain text as it is', async () => {
    const site = await build(
      await writeSite({
        'posts/2024-01-01-specials.md': post({ title: `It's "Q&A" <time>`, tags: ['plain words'] }, 'A bell\u0007 rings.\n\n<div title="a]]>b">Raw & ready</div>\n'),
      }),
    );
    expect(site.code).toBe(0);
    const xml = await site.read('feed.xml');
    expect(xml).toContain('<title>It&apos;s &quot;Q&amp;A&quot; &lt;time&gt;</title>');
    expect(xml).toContain('<category term="plain words"/>');
    // The post's HTML in a CDATA section, the one `]]>` in it split across two.
    expect(xml).toContain('<content type="html"><![CDATA[<p>A bell rings.</p>\n<div title="a]]]]><![CDATA[>b">Raw & ready</div>\n]]></content>');
    expect(xml).not.toContain('\u0007');
    expect(XMLValidator.validate(xml)).toBe(true);
    const entry = atom(xml).entry![0];
    expect(entry.title).toBe(`It's "Q&A" <time>`);
    expect(entry.content['#text']).toBe('<p>A bell rings.</p>\n<div title="a]]>b">Raw & ready</div>\n');
  });

  test('without an author in site.yaml, the feeds name the site', async () => {
    const site = await build(await writeSite({ 'site.yaml': 'title: "Notes & queries"\n', 'posts/2024-01-01-a.md': post({ title: 'A' }) }));
    expect(site.code).toBe(0);
    const feed = atom(await site.read('feed.xml'));
    expectValidAtom(feed);
    expect(feed.author).toEqual({ name: 'Notes & queries' });
    expect((JSON.parse(await site.read('feed.json')) as JsonFeed).authors).toEqual([{ name: 'Notes & queries' }]);
  });
});

describe('the example blog in this repository', () => {
  test('its feeds and sitemap are accepted by a real feed parser and by the structural checks', async () => {
    const out = path.join(await tempDir(), 'dist');
    const run = await runCli(['build', '--root', REPO_ROOT, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const read = (file: string) => readFile(path.join(out, file), 'utf8');
    const xml = await read('feed.xml');
    const feed = atom(xml);
    expectValidAtom(feed);
    expect(feed.entry!.length).toBeGreaterThan(0);
    expect(feed.entry!.length).toBeLessThanOrEqual(20);
    for (const e of feed.entry!) {
      for (const u of urlsIn(e.content['#text'])) expect(u, `${e.id}: ${u}`).toMatch(/^(https?:|mailto:)/);
    }
    const parsed = parseAtomFeed(xml);
    expect(parsed.entries?.map((e) => e.id)).toEqual(feed.entry!.map((e) => e.id));
    for (const e of parsed.entries ?? []) expect(e.content?.value).toBeTruthy();

    const json = JSON.parse(await read('feed.json')) as JsonFeed;
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items.map((i) => i.id)).toEqual(feed.entry!.map((e) => e.id));
    for (const item of json.items) {
      expect(item.url).toMatch(/^https?:\/\//);
      expect(item.content_html).not.toBe('');
      expect(item.date_published).toMatch(RFC3339);
    }
    expect(parseJsonFeed(await read('feed.json')).items?.length).toBe(json.items.length);

    const map = sitemap(await read('sitemap.xml'));
    expect(map.xmlns).toBe(SITEMAP_NS);
    for (const u of map.url) {
      expect(u.loc).toMatch(/^https?:\/\//);
      expect(u.lastmod).toMatch(RFC3339);
    }
  });
});

describe('URLs made absolute for feed readers', () => {
  // What the plain URL API makes of a value (the resolver's slow path, and its fast paths' reference).
  const byUrlApi = (value: string, page: string) => new URL(value.replace(/&amp;/g, '&'), page).href.replace(/&/g, '&amp;');

  test('fragments and root-relative paths resolved by hand agree with new URL() for any value and page', () => {
    const pages = fc.constantFrom('https://example.org/posts/x/', 'https://Example.ORG:443/blog/posts/a-b/', 'http://localhost:4000/p/q', 'https://example.org/posts/x/#top');
    const values = fc
      .array(fc.constantFrom('#', '/', '//', '.', '..', '-', '_', '~', 'a', 'Z', '9', '%20', ' ', '?', '&amp;', 'é', ':'), { minLength: 1, maxLength: 10 })
      .map((p) => p.join(''))
      .filter((v) => !/^[a-z][a-z0-9+.-]*:/i.test(v));
    fc.assert(
      fc.property(pages, values, (page, value) => {
        let expected: string;
        try {
          expected = byUrlApi(value, page);
        } catch {
          expected = value;
        }
        expect(urlResolver(page)(value)).toBe(expected);
      }),
      { numRuns: Number(process.env.FOLIO_PROPERTY_RUNS ?? 1000), seed: Number(process.env.FOLIO_PROPERTY_SEED ?? 42) },
    );
    expect(urlResolver('https://example.org/blog/posts/x/')('#notes')).toBe('https://example.org/blog/posts/x/#notes');
    expect(urlResolver('https://example.org/blog/posts/x/')('/blog/images/a.jpg')).toBe('https://example.org/blog/images/a.jpg');
    expect(urlResolver('https://example.org/blog/posts/x/')('/blog/a/../b/')).toBe('https://example.org/blog/b/');
  });
});
