/**
 * `folio check`: everything `build` does except writing. Broken internal links and images,
 * missing lead images and missing alt text are warnings naming the file, line and link
 * (exit 0); `--strict` makes them errors (exit 1). `folio build` reports the same warnings.
 * tests/fixtures/broken-links/ is made to have one of each.
 */
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { build, cleanTemp, copyFixture, post, runCli, writeSite } from './helpers.js';

afterAll(cleanTemp);

const LINK_HINT = 'check the address: a post is at its URL without the site path, e.g. /posts/<slug>/';
const IMAGE_HINT = 'put the image in public/ (or beside a folder post) and check the spelling';
const ALT_HINT = 'describe it for readers who cannot see it: ![what the image shows](…), or alt="…" on an <img>';

/** Every problem in the fixture, in the order they are printed (by file, then line). */
const PROBLEMS = [
  ['posts/2024-01-05-broken.md:4', 'the lead image /images/missing-lead.png does not exist — put the image in public/ (or beside a folder post) and check `image.src`'],
  ['posts/2024-01-05-broken.md:7', `the link /posts/does-not-exist/ points at nothing in the built site — ${LINK_HINT}`],
  ['posts/2024-01-05-broken.md:9', `the link ../nowhere/ points at nothing in the built site — ${LINK_HINT}`],
  ['posts/2024-01-05-broken.md:10', `the link /files/handout.pdf points at nothing in the built site — ${LINK_HINT}`],
  ['posts/2024-01-05-broken.md:12', `the image /images/missing.png points at nothing in the built site — ${IMAGE_HINT}`],
  ['posts/2024-01-05-broken.md:14', `the image /images/present.png has no alt text — ${ALT_HINT}`],
  ['posts/2024-01-05-broken.md:16', `the link /tags/nope/ points at nothing in the built site — ${LINK_HINT}`],
  ['posts/2024-01-05-broken.md:17', `the image /images/raw-missing.png has no alt text — ${ALT_HINT}`],
  ['posts/2024-01-05-broken.md:17', `the image /images/raw-missing.png points at nothing in the built site — ${IMAGE_HINT}`],
  ['posts/2024-02-01-lake/index.md:3:1', 'the lead image lake.png has no alt text — add alt: "what the image shows" under image'],
  ['posts/2024-02-01-lake/index.md:5', `the image lak.png points at nothing in the built site — ${IMAGE_HINT}`],
  [
    'site.yaml',
    'the nav link "About" (/about/) points at nothing in the built site — check `url` under `nav`: a page is at its URL without the site path, e.g. /series/',
  ],
];

const lines = (severity: 'warning' | 'error') => PROBLEMS.map(([where, what]) => `${where} ${severity}: ${what}\n`).join('');

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('folio check on a site with every kind of broken link and image', () => {
  test('reports each as a warning naming the file, line and link, exits 0 and writes nothing', async () => {
    const root = await copyFixture('broken-links');
    const before = await listing(root);
    const run = await runCli(['check', '--root', root]);
    expect(run.stderr).toBe(lines('warning'));
    expect(run.stdout).toMatch(/^Checked 8 pages from 3 posts \(0 series, 0 tags\) in \d+\.\d\d s: 0 errors, 12 warnings\n$/);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
    expect(await listing(root)).toEqual(before); // no output, no temporary folder, nothing changed
  });

  test('with --strict they are errors and the exit code is 1', async () => {
    const root = await copyFixture('broken-links');
    const run = await runCli(['check', '--root', root, '--strict']);
    expect(run.stderr).toBe(`${lines('error')}Check failed: 12 errors, 0 warnings\n`);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(1);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });

  test('folio build reports the same warnings, and still builds', async () => {
    const site = await build(await copyFixture('broken-links'));
    expect(site.stderr).toBe(lines('warning'));
    expect(site.code).toBe(0);
    expect(await site.files()).toContain('posts/broken/index.html');
  });

  test('folio build --strict fails on them and writes nothing', async () => {
    const site = await build(await copyFixture('broken-links'), ['--strict']);
    expect(site.stderr).toBe(`${lines('error')}Build failed: 12 errors, 0 warnings; the previous output was left as it was\n`);
    expect(site.code).toBe(1);
    expect(existsSync(site.out)).toBe(false);
  });
});

describe('folio check', () => {
  test('finds nothing on a site whose links are all good', async () => {
    const root = await writeSite({
      'public/images/a.png': 'not really a PNG, but it exists',
      'posts/2024-01-01-a.md': post({ title: 'A' }, '[B](../b/), [B again](/posts/b/), [tags](/tags/), [feed](/feed.xml), ![An image](/images/a.png)\n'),
      'posts/2024-01-02-b.md': post({ title: 'B', tags: ['x'] }, '[A](/posts/a)\n'),
    });
    const run = await runCli(['check', '--root', root]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/: 0 errors, 0 warnings\n$/);
    expect(run.code).toBe(0);
  });

  test('a link to a draft points at nothing (drafts are not built)', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': post({ title: 'A' }, 'See [the draft](/posts/b/).\n'),
      'posts/2024-01-02-b.md': post({ title: 'B', draft: true }),
    });
    const run = await runCli(['check', '--root', root]);
    expect(run.stderr).toBe(`posts/2024-01-01-a.md:4 warning: the link /posts/b/ points at nothing in the built site — ${LINK_HINT}\n`);
    expect((await runCli(['check', '--root', root, '--drafts'])).stderr).toBe('');
  });

  test('a link written with the site’s path gets a hint to leave the path out', async () => {
    const root = await writeSite({
      'site.yaml': 'url: "https://example.org/blog/"\n',
      'posts/2024-01-01-a.md': post({ title: 'A' }, 'See [B](/blog/posts/b/).\n'),
      'posts/2024-01-02-b.md': post({ title: 'B' }),
    });
    const run = await runCli(['check', '--root', root]);
    expect(run.stderr).toBe(
      'posts/2024-01-01-a.md:4 warning: the link /blog/posts/b/ points at nothing in the built site — write it without the site path /blog/: Folio adds it (/posts/b/)\n',
    );
  });

  test('reports content errors and link warnings together, not just the first problem', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': post({ title: 'A' }, 'See [nothing](/nothing/).\n'),
      'posts/2024-01-02-b.md': '---\ntitle: B\ndate: 2024-13-45\n---\nText.\n',
    });
    const run = await runCli(['check', '--root', root]);
    expect(run.stderr.split('\n')).toEqual([
      `posts/2024-01-01-a.md:4 warning: the link /nothing/ points at nothing in the built site — ${LINK_HINT}`,
      'posts/2024-01-02-b.md:3:7 error: cannot read the date "2024-13-45" — write it as YYYY-MM-DD, e.g. 2024-03-05 (a time is optional: 2024-03-05 14:30)',
      'Check failed: 1 error, 1 warning',
      '',
    ]);
    expect(run.code).toBe(1);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });
});
