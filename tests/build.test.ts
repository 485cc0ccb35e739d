/** The foundation: `folio build` on a fixture site, every page kind, flags, guarantees. */
import { mkdir, readFile, readdir, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { build, cleanTemp, copyFixture, listFiles, post, runCli, tempDir, writeSite, type BuiltSite } from './helpers.js';

afterAll(cleanTemp);

describe('the basic fixture, default flags', () => {
  let site: BuiltSite;
  beforeAll(async () => {
    site = await build(await copyFixture('basic'));
  });

  test('exits 0 with the summary line and no warnings', () => {
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    expect(site.stdout).toMatch(/^Built 19 pages from 7 posts \(1 series, 5 tags\) in \d+\.\d\d s -> .*dist\/\n$/);
  });

  test('writes every page kind', async () => {
    const files = await site.files();
    for (const f of [
      'index.html', 'page/2/index.html', 'posts/first-steps/index.html', 'series/index.html',
      'series/learning-in-public/index.html', 'series/learning-in-public/feed.xml', 'tags/index.html',
      'tags/reflection/index.html', 'archive/index.html', '404.html', 'robots.txt', 'feed.xml',
      'feed.json', 'sitemap.xml', 'style.css', 'favicon.svg', 'images/plain.txt',
    ]) {
      expect(files, f).toContain(f);
    }
  });

  test('leaves drafts and future posts out', async () => {
    const files = await site.files();
    expect(files).not.toContain('posts/a-draft/index.html');
    expect(files).not.toContain('posts/from-the-future/index.html');
    expect(await site.read('feed.xml')).not.toContain('A draft');
    expect(await site.read('archive/index.html')).not.toContain('From the future');
  });

  test('paginates the home page newest first, with prev/next', async () => {
    const home = await site.html('index.html');
    const titles = home('.post-list h2').map((_, el) => home(el).text().trim()).get();
    expect(titles).toEqual(['Windows line ends', 'Réflexion à Paris — ünïcödé', 'Third steps']);
    expect(home('a[rel="next"]').attr('href')).toBe('/page/2/');
    expect(home('a[rel="prev"]').length).toBe(0);
    const page2 = await site.html('page/2/index.html');
    const titles2 = page2('.post-list h2').map((_, el) => page2(el).text().trim()).get();
    expect(titles2).toEqual(['A folder post', 'Second steps', 'First steps']);
    expect(page2('a[rel="prev"]').attr('href')).toBe('/');
    expect(page2('a[rel="next"]').length).toBe(0);
  });

  test('renders a post: title, date in the site time zone, Markdown features', async () => {
    const $ = await site.html('posts/first-steps/index.html');
    expect($('html').attr('lang')).toBe('en-GB');
    expect($('h1').text()).toBe('First steps');
    expect($('title').text()).toBe('First steps — Basic fixture');
    expect($('.post-meta time').first().attr('datetime')).toBe('2024-01-10T00:00:00Z');
    const body = $('.post-body');
    expect(body.find('p').first().text()).toBe('The first paragraph of the first post, with “quotes” – and dashes.');
    expect(body.find('h2#what-happened a.header-anchor').attr('href')).toBe('#what-happened');
    expect(body.find('table th').first().text()).toBe('Week');
    expect(body.find('.footnotes li').text()).toContain('The source of the claim.');
    expect(body.find('pre code.language-python .hljs-keyword').first().text()).toBe('def');
    expect($('.tag-list a').map((_, el) => $(el).attr('href')).get()).toEqual(['/tags/reflection/', '/tags/cmalt/']);
  });

  test('reads a date without an offset in the site time zone', async () => {
    const $ = await site.html('posts/third-steps/index.html');
    // 2024-04-05 23:30 in London (BST, +01:00) is 22:30 UTC.
    expect($('meta[property="article:published_time"]').attr('content')).toBe('2024-04-05T23:30:00+01:00');
  });

  test('uses the excerpt: text before <!-- more -->, else the first paragraph', async () => {
    const series = await site.html('series/learning-in-public/index.html');
    const excerpts = series('.excerpt').map((_, el) => series(el).text().trim()).get();
    expect(excerpts[0]).toBe('Where it all began.'); // the description wins in lists
    expect(excerpts[1]).toBe('Second post’s opening paragraph.');
    const feed = JSON.parse(await site.read('feed.json')) as { items: { title: string; summary?: string }[] };
    const second = feed.items.find((i) => i.title === 'Second steps');
    expect(second?.summary).toBe('Second post’s opening paragraph.');
  });

  test('transliterates Unicode file names into ASCII slugs', async () => {
    const $ = await site.html('posts/reflexion-a-paris/index.html');
    expect($('h1').text()).toBe('Réflexion à Paris — ünïcödé');
    expect((await site.files()).some((f) => f.startsWith('tags/reflexion/'))).toBe(true);
  });

  test('reads UTF-8 with a BOM and CRLF line ends', async () => {
    const $ = await site.html('posts/crlf-bom/index.html');
    expect($('h1').text()).toBe('Windows line ends');
    expect($('.post-body p').length).toBe(2);
  });

  test('copies a folder post’s files beside its page and shows the lead image with credit', async () => {
    const files = await site.files();
    expect(files).toContain('posts/a-folder-post/circle.svg');
    expect(files).toContain('posts/a-folder-post/lead.svg');
    const $ = await site.html('posts/a-folder-post/index.html');
    expect($('figure.lead-image img').attr('src')).toBe('/posts/a-folder-post/lead.svg');
    expect($('figure.lead-image img').attr('alt')).toBe('A red square');
    expect($('figure.lead-image figcaption a[rel="license"]').attr('href')).toBe('https://creativecommons.org/licenses/by-nc-nd/2.0/');
    expect($('figure.lead-image figcaption a').first().attr('href')).toBe('https://example.org/lead');
    // Relative URLs are resolved against the post, so they also work in excerpts and feeds.
    expect($('.post-body img').attr('src')).toBe('/posts/a-folder-post/circle.svg');
  });

  test('builds unlisted posts at their URL but lists them nowhere, and asks search engines not to index them', async () => {
    const files = await site.files();
    expect((await site.html('posts/unlisted-note/index.html'))('meta[name="robots"]').attr('content')).toBe('noindex');
    expect((await site.html('posts/first-steps/index.html'))('meta[name="robots"]').length).toBe(0);
    expect(files).toContain('posts/unlisted-note/index.html');
    expect(files.some((f) => f.startsWith('tags/private/'))).toBe(false);
    for (const f of ['index.html', 'page/2/index.html', 'archive/index.html', 'feed.xml', 'feed.json', 'sitemap.xml']) {
      expect(await site.read(f), f).not.toContain('unlisted-note');
    }
  });

  test('lists tags with counts and tag pages with their posts', async () => {
    const tags = await site.html('tags/index.html');
    const entries = tags('.tag-cloud li').map((_, el) => tags(el).text().replace(/\s+/g, ' ').trim()).get();
    expect(entries).toEqual(['assessment (1 post)', 'CMALT (1 post)', 'Photos (1 post)', 'reflection (3 posts)', 'Réflexion (1 post)']);
    const tag = await site.html('tags/reflection/index.html');
    expect(tag('.post-list h2').map((_, el) => tag(el).text().trim()).get()).toEqual(['Windows line ends', 'Second steps', 'First steps']);
  });

  test('groups the archive by year, newest first', async () => {
    const $ = await site.html('archive/index.html');
    expect($('.archive-year h2').map((_, el) => $(el).text().replace(/\s+/g, ' ').trim()).get()).toEqual(['2024 (6)']);
    expect($('.archive-list a').first().text()).toBe('Windows line ends');
  });

  test('writes robots.txt pointing at the sitemap and a 404 page without canonical', async () => {
    expect(await site.read('robots.txt')).toBe('User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n');
    const $ = await site.html('404.html');
    expect($('h1').text()).toBe('Page not found');
    expect($('link[rel="canonical"]').length).toBe(0);
  });

  test('shows the nav from site.yaml after the built-in links', async () => {
    const $ = await site.html('index.html');
    expect($('.site-nav a').map((_, el) => $(el).text()).get()).toEqual(['Series', 'Tags', 'Archive', 'Elsewhere']);
  });
});

describe('flags', () => {
  test('--drafts and --future include those posts', async () => {
    const site = await build(await copyFixture('basic'), ['--drafts', '--future']);
    expect(site.code).toBe(0);
    const files = await site.files();
    expect(files).toContain('posts/a-draft/index.html');
    expect(files).toContain('posts/from-the-future/index.html');
    const $ = await site.html('posts/a-draft/index.html');
    expect($('.post-meta .badge').text()).toBe('Draft');
  });

  test('--quiet prints no summary', async () => {
    const site = await build(await copyFixture('basic'), ['--quiet']);
    expect(site.code).toBe(0);
    expect(site.stdout).toBe('');
  });

  test('--timings prints every stage', async () => {
    const site = await build(await copyFixture('basic'), ['--timings']);
    for (const stage of ['config', 'load', 'parse', 'collect', 'route', 'render', 'write']) {
      expect(site.stderr).toMatch(new RegExp(`^  ${stage}\\s+\\d+\\.\\d{3} s$`, 'm'));
    }
  });

  test('a relative --root and --out are relative to the current folder, from any folder', async () => {
    const root = await copyFixture('basic');
    const elsewhere = await tempDir();
    const rel = path.relative(elsewhere, root);
    const run = await runCli(['build', '--root', rel, '--out', 'site-out'], elsewhere);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/-> site-out\/\n$/);
    expect((await stat(path.join(elsewhere, 'site-out', 'index.html'))).isFile()).toBe(true);
  });

  test('--help and --version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('folio build [--root DIR]');
    const version = await runCli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  test('an unknown flag is a usage error (exit 2)', async () => {
    const run = await runCli(['build', '--colour']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: Unknown option '--colour' — run `folio --help` for the options of `folio build`\n");
  });

  test('an unknown command is a usage error (exit 2)', async () => {
    const run = await runCli(['publish']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: unknown command "publish"/);
  });
});

describe('base path', () => {
  test('every root-relative URL carries the path part of url, Markdown links included', async () => {
    const root = await copyFixture('basic');
    await writeFile(path.join(root, 'site.yaml'), 'title: Sub\nurl: "https://example.org/blog/"\n');
    const site = await build(root);
    expect(site.code).toBe(0);
    const $ = await site.html('posts/first-steps/index.html');
    const urls = $('[href], [src]').map((_, el) => $(el).attr('href') ?? $(el).attr('src')).get();
    for (const u of urls) {
      if (u.startsWith('/')) expect(u, u).toMatch(/^\/blog\//);
    }
    expect($('.post-body p a').first().attr('href')).toBe('/blog/posts/second-steps/');
    expect($('.post-body p a').eq(1).attr('href')).toBe('/blog/posts/third-steps/');
    expect($('link[rel="canonical"]').attr('href')).toBe('https://example.org/blog/posts/first-steps/');
  });
});

describe('templates', () => {
  test('a site’s own template replaces the built-in one, file by file', async () => {
    const root = await copyFixture('basic');
    await mkdir(path.join(root, 'templates', 'partials'), { recursive: true });
    await writeFile(path.join(root, 'templates', 'partials', 'post-meta.njk'), '<p class="my-meta">Posted {{ post.day }}</p>\n');
    const site = await build(root);
    expect(site.code).toBe(0);
    const $ = await site.html('posts/first-steps/index.html');
    expect($('.my-meta').text()).toBe('Posted 2024-01-10');
    expect($('.site-header').length).toBe(1); // base.njk still the built-in one
  });
});

describe('output guarantees', () => {
  async function snapshot(dir: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const f of await listFiles(dir)) out.set(f, (await readFile(path.join(dir, f))).toString('base64'));
    return out;
  }

  test('two builds of the same input write byte-identical files', async () => {
    const root = await copyFixture('basic');
    const first = await build(root);
    const a = await snapshot(first.out);
    await build(root);
    const b = await snapshot(first.out);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [f, bytes] of a) expect(b.get(f), f).toBe(bytes);
  });

  test('a failed build leaves the previous output exactly as it was and removes its temporary folder', async () => {
    const root = await copyFixture('basic');
    const first = await build(root);
    const before = await snapshot(first.out);
    // The last page rendered is 404.njk: break it so the build fails at the very end.
    await mkdir(path.join(root, 'templates'), { recursive: true });
    await writeFile(path.join(root, 'templates', '404.njk'), '{% extends "base.njk" %}\n{% block content %}\n{{ nothing() }}\n{% endblock %}\n');
    const failed = await build(root);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^templates\/404\.njk:3:\d+ error: template error: Unable to call `nothing`, which is undefined or falsey \(while rendering \/404\.html\) — /m);
    expect(failed.stderr).toContain('Build failed: 1 error, 0 warnings; the previous output was left as it was');
    const after = await snapshot(first.out);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [f, bytes] of before) expect(after.get(f), f).toBe(bytes);
    expect((await readdir(root)).filter((n) => n.includes('folio-tmp'))).toEqual([]);
  });

  describe('refuses a dangerous --out with exit 2 and deletes nothing', () => {
    const cases: [string, (root: string) => string, RegExp][] = [
      ['the site folder', (r) => r, /^error: refusing to write the site to .*: it is the site folder, which would be replaced — choose a folder such as .*dist\n$/],
      ['an ancestor of the site folder', (r) => path.dirname(r), /^error: refusing to write the site to .*: it contains the site folder, which would be replaced/],
      ['a folder inside posts/', (r) => path.join(r, 'posts', 'out'), /^error: refusing to write the site to .*: it is inside posts\/ — choose a folder outside the site's sources/],
      ['templates/', (r) => path.join(r, 'templates'), /it is inside templates\//],
      ['public/', (r) => path.join(r, 'public'), /it is inside public\//],
      ['series/', (r) => path.join(r, 'series', 'x'), /it is inside series\//],
      ['src/', (r) => path.join(r, 'src'), /it is inside src\//],
    ];
    for (const [name, out, message] of cases) {
      test(name, async () => {
        const root = await copyFixture('basic');
        const before = await listFiles(root);
        const run = await runCli(['build', '--root', root, '--out', out(root)]);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(message);
        expect(await listFiles(root)).toEqual(before);
      });
    }

    test('a non-empty folder Folio did not write', async () => {
      const root = await copyFixture('basic');
      const other = await writeSite({ 'thesis.docx': 'years of work' });
      const run = await runCli(['build', '--root', root, '--out', other]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`error: refusing to replace ${other}: it is not empty and was not written by Folio — choose an empty or new folder, or empty this one yourself\n`);
      expect(await readFile(path.join(other, 'thesis.docx'), 'utf8')).toBe('years of work');
    });
  });

  test('an empty site builds a home page that says so', async () => {
    const root = await writeSite({ 'posts/.keep': '' });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect(site.stdout).toMatch(/^Built \d+ pages from 0 posts \(0 series, 0 tags\)/);
    const $ = await site.html('index.html');
    expect($('main').text()).toContain('Nothing here yet');
  });

  test('a post with an empty body builds', async () => {
    const root = await writeSite({ 'posts/2024-01-01-empty.md': post({ title: 'Empty' }, '') });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect((await site.html('posts/empty/index.html'))('h1').text()).toBe('Empty');
  });
});
