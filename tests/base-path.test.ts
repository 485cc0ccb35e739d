/**
 * A blog served under a path (`url: https://example.org/blog/`): every href and src of every
 * built page, every feed entry and sitemap entry carries /blog/, including links written in
 * Markdown and raw HTML as /posts/x/ or ../x/; and `--base-url` overrides site.yaml.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as cheerio from 'cheerio';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { build, cleanTemp, copyFixture, runCli, type BuiltSite } from './helpers.js';

afterAll(cleanTemp);

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  isArray: (name) => ['entry', 'link', 'url'].includes(name),
});

function parseXml(text: string) {
  expect(XMLValidator.validate(text)).toBe(true);
  return xmlParser.parse(text) as {
    feed?: { id: string; link: { href: string; rel: string }[]; entry: { id: string; link: { href: string }[]; content: { '#text': string } }[] };
    urlset?: { url: { loc: string }[] };
  };
}

/** Every href/src of a page, with the element it is on. */
function urlsOf($: cheerio.CheerioAPI): { tag: string; url: string }[] {
  return $('[href], [src]')
    .map((_, el) => ({ tag: el.tagName, url: ($(el).attr('href') ?? $(el).attr('src'))! }))
    .get();
}

/** `/blog/posts/x/` -> `posts/x/index.html`; the file a URL under the base path is served from. */
function fileFor(url: string, basePath: string): string {
  const rel = decodeURI(new URL(url, 'http://h').pathname).slice(basePath.length);
  return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
}

/**
 * Every page: each URL is under the base path, a fragment, or absolute; those on this site
 * are under its origin and path; and each one under the base path is a file the build wrote.
 */
async function expectEveryUrlUnder(site: BuiltSite, origin: string, basePath: string): Promise<number> {
  const files = await site.files();
  const written = new Set(files);
  let checked = 0;
  for (const file of files.filter((f) => f.endsWith('.html'))) {
    const $ = await site.html(file);
    for (const { tag, url } of urlsOf($)) {
      const where = `${file}: <${tag}> ${url}`;
      if (url.startsWith('#')) continue;
      if (/^[a-z]+:/i.test(url)) {
        if (url.startsWith(origin)) expect(url, where).toMatch(new RegExp(`^${origin}${basePath}`));
        continue;
      }
      expect(url, where).toMatch(new RegExp(`^${basePath}`));
      expect(written.has(fileFor(url, basePath)), `${where} points at a file the build wrote`).toBe(true);
      checked++;
    }
  }
  return checked;
}

describe('url: https://example.org/blog/', () => {
  let site: BuiltSite;
  beforeAll(async () => {
    site = await build(await copyFixture('base-path'));
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
  });

  test('every href and src of every page starts with /blog/ (or is absolute or a fragment) and resolves', async () => {
    expect(await expectEveryUrlUnder(site, 'https://example.org', '/blog/')).toBeGreaterThan(100);
  });

  test('links written in Markdown and raw HTML as /x/ or ../x/ get the path', async () => {
    const $ = await site.html('posts/first/index.html');
    const links = $('.post-body a:not(.header-anchor)').map((_, a) => [[$(a).text(), $(a).attr('href')]]).get();
    expect(links).toEqual([
      ['the second post', '/blog/posts/second/'], // ../second/
      ['from the root', '/blog/posts/second/'], // /posts/second/
      ['the tag', '/blog/tags/cmalt/'], // raw HTML block
      ['the archive', '/blog/archive/'], // inline raw HTML, single quotes
      ['feed', '/blog/feed.xml'],
      ['fragment', '#top'],
      ['elsewhere', 'https://example.com/'],
    ]);
    expect($('.post-body img').map((_, i) => $(i).attr('src')).get()).toEqual(['/blog/images/diagram.png', '/blog/images/diagram.png']);
  });

  test('relative links in excerpts still point at the right place on list pages', async () => {
    const $ = await site.html('page/2/index.html'); // the first post's excerpt
    expect($('main a[href="/blog/posts/second/"]').length).toBeGreaterThanOrEqual(2);
    const home = await site.html('index.html'); // the folder post's excerpt
    expect(home('main img[alt="A small photo"]').attr('src')).toBe('/blog/posts/folder/photo.png');
  });

  test('canonical, og:url and og:image are absolute under the path', async () => {
    const $ = await site.html('posts/folder/index.html');
    expect($('link[rel="canonical"]').attr('href')).toBe('https://example.org/blog/posts/folder/');
    expect($('meta[property="og:url"]').attr('content')).toBe('https://example.org/blog/posts/folder/');
    expect($('meta[property="og:image"]').attr('content')).toBe('https://example.org/blog/posts/folder/photo.png');
    const second = await site.html('posts/second/index.html');
    expect(second('meta[property="og:image"]').attr('content')).toBe('https://example.org/blog/images/diagram.png');
    expect(second('link[rel="alternate"]').map((_, l) => second(l).attr('href')).get()).toEqual([
      '/blog/feed.xml',
      '/blog/feed.json',
      '/blog/series/path-series/feed.xml',
    ]);
  });

  test('feed entries, their content and the sitemap are under https://example.org/blog/', async () => {
    for (const file of ['feed.xml', 'series/path-series/feed.xml']) {
      const { feed } = parseXml(await site.read(file));
      expect(feed!.id).toMatch(/^https:\/\/example\.org\/blog\//);
      expect(feed!.link.find((l) => l.rel === 'self')!.href).toBe(`https://example.org/blog/${file}`);
      for (const e of feed!.entry) {
        expect(e.id).toMatch(/^https:\/\/example\.org\/blog\/posts\//);
        expect(e.link[0].href).toBe(e.id);
        const $ = cheerio.load(e.content['#text']);
        for (const { url } of urlsOf($)) {
          if (!url.startsWith('https://example.com/')) expect(url, `${file} ${e.id}`).toMatch(/^https:\/\/example\.org\/blog\//);
        }
      }
    }
    const first = parseXml(await site.read('feed.xml')).feed!.entry.find((e) => e.id.endsWith('/first/'))!;
    const hrefs = cheerio.load(first.content['#text'])('a').map((_, a) => cheerio.load(first.content['#text'])(a).attr('href')).get();
    expect(hrefs).toContain('https://example.org/blog/posts/second/');
    expect(hrefs).toContain('https://example.org/blog/tags/cmalt/');
    expect(hrefs).toContain('https://example.org/blog/posts/first/#top');

    const json = JSON.parse(await site.read('feed.json')) as { home_page_url: string; feed_url: string; items: { id: string; url: string; image?: string }[] };
    expect(json.home_page_url).toBe('https://example.org/blog/');
    expect(json.feed_url).toBe('https://example.org/blog/feed.json');
    for (const item of json.items) expect(item.url).toMatch(/^https:\/\/example\.org\/blog\/posts\//);
    expect(json.items.find((i) => i.id.endsWith('/folder/'))!.image).toBe('https://example.org/blog/posts/folder/photo.png');

    const locs = parseXml(await site.read('sitemap.xml')).urlset!.url.map((u) => u.loc);
    expect(locs.length).toBeGreaterThan(8);
    for (const loc of locs) expect(loc).toMatch(/^https:\/\/example\.org\/blog\//);
    expect(locs).toContain('https://example.org/blog/');
    expect(locs).toContain('https://example.org/blog/posts/folder/');
    expect(await site.read('robots.txt')).toContain('Sitemap: https://example.org/blog/sitemap.xml\n');
  });

  test('folio check finds nothing wrong with these links', async () => {
    const run = await runCli(['check', '--root', site.root]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: 0 errors, 0 warnings\n$/);
  });
});

describe('--base-url overrides site.yaml', () => {
  let site: BuiltSite;
  beforeAll(async () => {
    site = await build(await copyFixture('base-path'), ['--base-url', 'https://preview.example.net/pr-7']);
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
  });

  test('every page’s URLs move to /pr-7/ and none keeps /blog/', async () => {
    expect(await expectEveryUrlUnder(site, 'https://preview.example.net', '/pr-7/')).toBeGreaterThan(100);
    for (const file of (await site.files()).filter((f) => f.endsWith('.html'))) {
      expect(await site.read(file), file).not.toContain('/blog/');
    }
    const $ = await site.html('posts/first/index.html');
    expect($('link[rel="canonical"]').attr('href')).toBe('https://preview.example.net/pr-7/posts/first/');
    expect($('.post-body a').first().attr('href')).toBe('/pr-7/posts/second/');
  });

  test('feeds, sitemap and robots.txt use the overriding URL', async () => {
    const { feed } = parseXml(await site.read('feed.xml'));
    expect(feed!.id).toBe('https://preview.example.net/pr-7/');
    for (const e of feed!.entry) expect(e.id).toMatch(/^https:\/\/preview\.example\.net\/pr-7\/posts\//);
    for (const u of parseXml(await site.read('sitemap.xml')).urlset!.url) expect(u.loc).toMatch(/^https:\/\/preview\.example\.net\/pr-7\//);
    expect(await site.read('robots.txt')).toContain('Sitemap: https://preview.example.net/pr-7/sitemap.xml\n');
  });

  test('a --base-url that is not an absolute http(s) URL is a usage error', async () => {
    const run = await runCli(['build', '--root', site.root, '--out', site.out, '--base-url', 'example.org/blog']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: --base-url must be an absolute http(s) URL, not "example.org/blog"\n');
    expect(await site.read('robots.txt')).toContain('pr-7'); // the previous output is untouched
  });
});
