/**
 * Every mistake a writer can make gets a message: file, line, what, how to fix.
 * Each tests/fixtures/invalid/<case>/ is a small site with one kind of mistake and the exact
 * stderr it must produce (expected-stderr.txt); `build` must write nothing and `check` must
 * report the same problems.
 */
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { build, cleanTemp, copyFixture, FIXTURES, listFiles, post, runCli, writeSite } from './helpers.js';

afterAll(cleanTemp);

const INVALID = path.join(FIXTURES, 'invalid');
const cases = (await readdir(INVALID)).sort();

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

describe('invalid sites: exact messages, exit codes, nothing written', () => {
  test('there is a case for every kind of mistake', () => {
    expect(cases).toEqual([
      'bad-dates', 'cpd-area', 'duplicate-urls', 'many-errors', 'missing-title', 'not-utf8', 'site-yaml',
      'template-include-syntax', 'template-runtime', 'template-syntax', 'unknown-fields', 'unsafe-permalink', 'unsafe-slug', 'wrong-types', 'yaml-syntax',
    ]);
  });

  for (const name of cases) {
    test(name, async () => {
      const expected = await readFile(path.join(INVALID, name, 'expected-stderr.txt'), 'utf8');
      const root = await copyFixture(path.join('invalid', name));
      const sourcesBefore = await listFiles(root);
      const hasErrors = expected.includes(' error: ');

      const built = await build(root);
      expect(built.stderr).toBe(expected);
      expect(built.code).toBe(hasErrors ? 1 : 0);
      expect(built.stderr).not.toMatch(/\n\s+at /); // no stack trace
      if (hasErrors) {
        expect(built.stdout).toBe('');
        expect(await exists(built.out)).toBe(false);
        // No temporary folder left behind either: the sources are exactly as they were.
        expect(await listFiles(root)).toEqual(sourcesBefore);
      }

      const checked = await runCli(['check', '--root', root]);
      expect(checked.code).toBe(hasErrors ? 1 : 0);
      const problemLines = (s: string) => s.split('\n').filter((l) => / (error|warning): /.test(l));
      expect(problemLines(checked.stderr)).toEqual(problemLines(expected));
    });
  }

  test('all errors are reported, then a count', async () => {
    const expected = await readFile(path.join(INVALID, 'many-errors', 'expected-stderr.txt'), 'utf8');
    expect(expected.trimEnd().split('\n').pop()).toBe('Build failed: 3 errors, 1 warning; the previous output was left as it was');
  });
});

describe('failures outside the content', () => {
  test('posts/ as a file is a message', async () => {
    const root = await writeSite({ posts: 'not a folder' });
    const site = await build(root);
    expect(site.code).toBe(1);
    expect(site.stderr).toBe(
      'posts error: posts is a file, but it must be a folder — rename the file and make a folder called posts/\n' +
        'Build failed: 1 error, 0 warnings; the previous output was left as it was\n',
    );
  });

  test('an --out below a file is refused (exit 2)', async () => {
    const root = await writeSite({ 'posts/2024-01-01-a.md': post({ title: 'A' }), 'afile': 'x' });
    const out = path.join(root, 'afile', 'dist');
    const run = await runCli(['build', '--root', root, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: refusing to write the site to ${out}: part of that path is a file, not a folder\n`);
  });

  test('a write failure is a formatted error that keeps the old output; the stack only with --debug', async () => {
    // A file `posts/notes` (an asset) and a post at /posts/notes/ need the same path as file and folder.
    const root = await writeSite({ 'posts/2024-01-01-a.md': post({ title: 'A' }) });
    const first = await build(root);
    expect(first.code).toBe(0);
    const before = await listFiles(first.out);
    await writeFile(path.join(root, 'posts', 'notes'), 'plain notes');
    await writeFile(path.join(root, 'posts', '2024-01-02-notes.md'), post({ title: 'Notes' }));

    const failed = await build(root);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      new RegExp(`^error: cannot write the site to ${first.out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: E[A-Z]+: .* — check that the folder can be written and that the disk has space; nothing was changed\nBuild failed: 1 error, 0 warnings; the previous output was left as it was\n$`),
    );
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    expect(await listFiles(first.out)).toEqual(before);
    expect((await readdir(root)).filter((n) => n.includes('folio-tmp'))).toEqual([]);

    const debug = await build(root, ['--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at .+\n/);
  });
});

describe('robust input', () => {
  test('a very long post (5 MB) builds', async () => {
    const paragraph = 'A long reflection on *everything* that happened, with `code` and [a link](https://example.org/). ';
    const body = Array.from({ length: 2000 }, (_, i) => `## Section ${i}\n\n${paragraph.repeat(26)}\n`).join('\n');
    expect(body.length).toBeGreaterThan(5_000_000);
    const site = await build(await writeSite({ 'posts/2024-01-01-long.md': post({ title: 'Long' }, body) }));
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    const html = await site.read('posts/long/index.html');
    expect(html).toContain('id="section-1999"');
  });

  test('HTML special characters in every front-matter field are escaped in pages, feeds and the sitemap', async () => {
    const evil = `<script>alert("x")</script> & 'quotes' <b>`;
    const root = await writeSite({
      'site.yaml': `title: ${JSON.stringify(evil)}\ndescription: ${JSON.stringify(evil)}\nauthor: { name: ${JSON.stringify(evil)} }\nurl: "https://example.org/"\n`,
      'public/x.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'series/s.md': post({ title: evil, description: evil }),
      'posts/2024-01-01-evil.md': post({
        title: evil,
        description: evil,
        tags: [evil],
        series: 's',
        series_part: 1,
        image: { src: '/x.svg', alt: evil, credit: evil, license: evil, source: 'https://example.org/?a=1&b="2"' },
        cpd: { hours: 1, activity: evil, areas: ['teaching'] },
      }),
    });
    const site = await build(root);
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    for (const f of (await site.files()).filter((f) => f.endsWith('.html'))) {
      const html = await site.read(f);
      expect(html, f).not.toContain('<script>');
      expect(html, f).not.toContain('<b>');
      const $ = await site.html(f);
      expect($('script').length, f).toBe(0);
    }
    const $ = await site.html('posts/evil/index.html');
    expect($('h1').text()).toBe(evil);
    expect($('meta[name="description"]').attr('content')).toBe(evil);
    expect($('figure img').attr('alt')).toBe(evil);
    for (const f of ['feed.xml', 'sitemap.xml', 'series/s/feed.xml']) {
      const xml = await site.read(f);
      expect(xml, f).not.toContain('<script>');
      expect(xml, f).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;|#)/);
    }
    const feed = JSON.parse(await site.read('feed.json')) as { title: string; items: { title: string }[] };
    expect(feed.title).toBe(evil);
    expect(feed.items[0].title).toBe(evil);
  });

  test('a Unicode file name with nothing to transliterate gets a stable slug', async () => {
    const root = await writeSite({ 'posts/2024-01-01-日本語.md': post({ title: '日本語' }) });
    const site = await build(root);
    expect(site.code).toBe(0);
    const files = await site.files();
    const page = files.find((f) => /^posts\/post-[0-9a-f]{8}\/index\.html$/.test(f));
    expect(page).toBeDefined();
    expect((await site.html(page!))('h1').text()).toBe('日本語');
    const again = await build(root);
    expect(await again.files()).toContain(page);
  });

  test('the output folder’s parent gets nothing but the output', async () => {
    const parent = await writeSite({});
    const root = path.join(parent, 'site');
    await mkdir(path.join(root, 'posts'), { recursive: true });
    await writeFile(path.join(root, 'posts', '2024-01-01-a.md'), post({ title: 'A', slug: 'a' }));
    const run = await runCli(['build', '--root', root, '--out', path.join(parent, 'out')]);
    expect(run.code).toBe(0);
    expect((await readdir(parent)).sort()).toEqual(['out', 'site']);
  });
});
