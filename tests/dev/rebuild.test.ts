/**
 * Edits while `folio dev` runs: the open pages that changed reload (their event stream says
 * `reload`), the others do not, and the pages served afterwards are the new ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { build, cleanTemp, post } from '../helpers.js';
import { BUILTIN_TEMPLATES } from '../../src/render/templates.js';
import { closeAll, startFixture, withoutDevSnippet, type DevFixture, type Tab } from './dev-helpers.js';

afterEach(closeAll);
afterAll(cleanTemp);

const SECOND = 'posts/2024-02-10-second-thoughts.md';

async function waitForOutput(dev: DevFixture, pattern: RegExp, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pattern.test(dev.output.stdout)) {
    if (Date.now() > until) throw new Error(`folio dev did not print ${pattern}; it printed:\n${dev.output.stdout}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Nothing arrives on this tab's stream for a while (a page that did not change). */
async function expectQuiet(tab: Tab, ms = 300): Promise<void> {
  await expect(tab.next(ms)).rejects.toThrow(/no event/);
}

describe('editing a post', () => {
  test('a new title reaches the post, its series neighbours and the lists, and only them', async () => {
    const dev = await startFixture();
    const postTab = await dev.open('/blog/posts/second-thoughts/');
    const neighbour = await dev.open('/blog/posts/third-time/');
    const archive = await dev.open('/blog/archive/');
    const tag = await dev.open('/blog/tags/teaching/');
    const unrelated = await dev.open('/blog/posts/standalone/');
    expect(postTab.html).toContain('Looking back at the first part.');

    await dev.write(SECOND, post({ title: 'Second thoughts, revised', series: 'Learning in public', series_part: 2, tags: ['reflection', 'teaching'] }, 'Looking back, again.\n'));

    expect((await postTab.next()).event).toBe('reload');
    const after = await postTab.reload();
    expect(after.html).toContain('<h1>Second thoughts, revised</h1>');
    expect(after.html).toContain('Looking back, again.');
    expect(after.html).not.toContain('Looking back at the first part.');
    for (const tab of [neighbour, archive, tag]) {
      expect((await tab.next()).event, tab.path).toBe('reload');
      expect((await tab.reload()).html, tab.path).toContain('Second thoughts, revised');
    }
    await expectQuiet(unrelated);
    expect((await dev.get('/blog/feed.xml')).body).toContain('<title>Second thoughts, revised</title>');
    expect((await dev.get('/blog/series/learning-in-public/feed.xml')).body).toContain('Looking back, again.');
    expect(dev.output.stdout).toMatch(
      /\n\d\d:\d\d:\d\d posts\/2024-02-10-second-thoughts\.md changed: \/posts\/second-thoughts\/ rebuilt in \d+ ms\n\d\d:\d\d:\d\d {3}and \d+ pages in \d+ ms\n$/,
    );
    expect(dev.output.stderr).toBe('');
  });

  test('a change to the body alone reloads that post, not its neighbours', async () => {
    const dev = await startFixture();
    const postTab = await dev.open('/blog/posts/second-thoughts/');
    const neighbour = await dev.open('/blog/posts/first-steps/');
    const text = await readFile(path.join(dev.root, SECOND), 'utf8');
    await dev.write(SECOND, `${text}\nA paragraph added later.\n`);
    expect((await postTab.next()).event).toBe('reload');
    expect((await postTab.reload()).html).toContain('<p>A paragraph added later.</p>');
    // The rest of the rebuild is done: the feeds (they carry the whole post) changed, no page did.
    await waitForOutput(dev, /\n\d\d:\d\d:\d\d {3}and \/series\/learning-in-public\/feed\.xml, \/feed\.xml, \/feed\.json in \d+ ms\n$/);
    await expectQuiet(neighbour, 100);
  });

  test('after edits, every page is what a fresh build writes', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/archive/');
    await dev.write('posts/2024-01-10-first-steps.md', post({ title: 'First steps (updated)', date: '2024-07-01', series: 'Learning in public', series_part: 1, tags: ['reflection', 'new-tag'] }, 'Moved to July.\n'));
    expect((await tab.next()).event).toBe('reload');
    await dev.remove('posts/2024-04-10-standalone.md');
    expect((await (await tab.reload()).next()).event).toBe('reload');

    const built = await build(dev.root, ['--drafts', '--base-url', `${dev.origin}/blog/`]);
    expect(built.code).toBe(0);
    const files = (await built.files()).filter((f) => !f.startsWith('.folio'));
    expect(files).toContain('tags/new-tag/index.html');
    expect(files).not.toContain('posts/standalone/index.html');
    for (const file of files) {
      const served = await dev.get(`/blog/${file}`);
      expect(served.status, file).toBe(200);
      expect(file.endsWith('.html') ? withoutDevSnippet(served.body) : served.body, file).toBe(await built.read(file));
    }
    expect((await dev.get('/blog/posts/standalone/')).status).toBe(404);
  });
});

describe('adding, deleting and renaming posts', () => {
  test('a new post appears at its URL and in the lists', async () => {
    const dev = await startFixture();
    const waiting = await dev.open('/blog/posts/fresh-post/');
    expect(waiting.status).toBe(404);
    const home = await dev.open('/blog/');
    await dev.write('posts/2024-06-10-fresh-post.md', post({ title: 'A fresh post', tags: ['teaching'] }, 'Brand new.\n'));
    expect((await waiting.next()).event).toBe('reload');
    const page = await waiting.reload();
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>A fresh post</h1>');
    expect((await home.next()).event).toBe('reload');
    expect((await home.reload()).html).toContain('A fresh post');
    expect((await dev.get('/blog/tags/teaching/')).body).toContain('A fresh post');
    expect(dev.output.stdout).toMatch(/\d\d:\d\d:\d\d posts\/2024-06-10-fresh-post\.md changed: \d+ pages rebuilt in \d+ ms\n$/);
  });

  test('a deleted post is gone from its URL and from the lists; the series closes ranks', async () => {
    const dev = await startFixture();
    const gone = await dev.open('/blog/posts/second-thoughts/');
    const neighbour = await dev.open('/blog/posts/third-time/');
    expect(neighbour.html).toContain('Part 3 of 3');
    await dev.remove(SECOND);
    expect((await gone.next()).event).toBe('reload');
    expect((await gone.reload()).status).toBe(404);
    expect((await neighbour.next()).event).toBe('reload');
    expect((await neighbour.reload()).html).toContain('Part 2 of 2');
    expect((await dev.get('/blog/archive/')).body).not.toContain('Second thoughts');
    expect((await dev.get('/blog/feed.xml')).body).not.toContain('Second thoughts');
    // Parts 1 and 3 are left: the gap is a warning, in the terminal.
    expect(dev.output.stderr).toContain('posts/2024-03-10-third-time.md:4 warning: the series "Learning in public" has no part 2 (parts: 1, 3)');
  });

  test('a renamed post moves: the old URL is gone, the new one serves it', async () => {
    const dev = await startFixture();
    const old = await dev.open('/blog/posts/standalone/');
    await dev.move('posts/2024-04-10-standalone.md', 'posts/2024-04-10-on-its-own.md');
    expect((await old.next()).event).toBe('reload');
    expect((await old.reload()).status).toBe(404);
    const moved = await dev.get('/blog/posts/on-its-own/');
    expect(moved.status).toBe(200);
    expect(moved.body).toContain('<h1>A standalone note</h1>');
    expect((await dev.get('/blog/archive/')).body).toContain('href="/blog/posts/on-its-own/"');
  });

  test('a folder post serves the files beside it, until they are deleted', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/field-trip/');
    await dev.write('posts/2024-07-01-field-trip/index.md', post({ title: 'Field trip' }, 'See [the notes](notes.txt).\n'));
    expect((await tab.next()).event).toBe('reload');
    const page = await tab.reload();
    expect(page.status).toBe(200);
    await dev.write('posts/2024-07-01-field-trip/notes.txt', 'What we saw.\n');
    expect((await page.next()).event).toBe('reload');
    const notes = await dev.get('/blog/posts/field-trip/notes.txt');
    expect(notes.status).toBe(200);
    expect(notes.body).toBe('What we saw.\n');
    const again = await page.reload();
    await dev.remove('posts/2024-07-01-field-trip/notes.txt');
    expect((await again.next()).event).toBe('reload');
    expect((await dev.get('/blog/posts/field-trip/notes.txt')).status).toBe(404);
    expect((await dev.get('/blog/posts/field-trip/')).status).toBe(200);
  });

  test('a folder post and the file beside it, saved at once, are one post with its file', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/museum/');
    mkdirSync(path.join(dev.root, 'posts/2024-07-02-museum'));
    writeFileSync(path.join(dev.root, 'posts/2024-07-02-museum/plan.txt'), 'Floor plan.\n');
    writeFileSync(path.join(dev.root, 'posts/2024-07-02-museum/index.md'), post({ title: 'Museum' }, 'See [the plan](plan.txt).\n'));
    let page = tab;
    do {
      expect((await page.next()).event).toBe('reload');
      page = await page.reload();
    } while (page.status !== 200);
    expect(page.html).toContain('href="/blog/posts/museum/plan.txt"');
    expect((await dev.get('/blog/posts/museum/plan.txt')).body).toBe('Floor plan.\n');
    expect((await dev.get('/blog/posts/2024-07-02-museum/plan.txt')).status).toBe(404);
  });
});

describe('saves the way editors make them', () => {
  test('an atomic save (a temporary file renamed over the post) is one rebuild', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/second-thoughts/');
    await dev.write(`${SECOND}.tmp`, post({ title: 'Saved atomically', series: 'Learning in public', series_part: 2 }, 'Via a rename.\n'));
    await dev.move(`${SECOND}.tmp`, SECOND);
    expect((await tab.next()).event).toBe('reload');
    const page = await tab.reload();
    expect(page.html).toContain('<h1>Saved atomically</h1>');
    await new Promise((r) => setTimeout(r, 300));
    expect(dev.output.stdout.match(/ changed: /g)).toHaveLength(1);
    expect(dev.output.stdout).not.toContain('.tmp');
    expect((await dev.get('/blog/posts/second-thoughts.md.tmp')).status).toBe(404);
  });

  test('a burst of saves ("save all") is coalesced, and the last version of each file is served', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/second-thoughts/');
    const third = await dev.open('/blog/posts/third-time/');
    const write = (rel: string, title: string, part: number) =>
      writeFileSync(path.join(dev.root, rel), post({ title, series: 'Learning in public', series_part: part }, `${title}.\n`));
    for (let i = 1; i <= 5; i++) write(SECOND, `Second, version ${i}`, 2);
    write('posts/2024-03-10-third-time.md', 'Third, version 1', 3);
    write('posts/2024-03-10-third-time.md', 'Third, version 2', 3);
    let page = tab;
    do {
      expect((await page.next()).event).toBe('reload');
      page = await page.reload();
    } while (!page.html.includes('<h1>Second, version 5</h1>'));
    let other = third;
    do {
      expect((await other.next()).event).toBe('reload');
      other = await other.reload();
    } while (!other.html.includes('<h1>Third, version 2</h1>'));
    expect(other.html).toContain('Second, version 5');
    await new Promise((r) => setTimeout(r, 300));
    // Seven saves; one rebuild, and perhaps a second to pick up what chokidar coalesced away.
    expect(dev.output.stdout.match(/ changed: /g)!.length).toBeLessThanOrEqual(2);
    expect(dev.output.stdout).toMatch(/\d\d:\d\d:\d\d 2 files changed: \/posts\/second-thoughts\/, \/posts\/third-time\/ rebuilt in \d+ ms\n/);
    expect(dev.output.stderr).toBe('');
  });

  test("editors' temporary and backup files are not part of the site", async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/');
    await dev.write('posts/.2024-02-10-second-thoughts.md.swp', 'swap');
    await dev.write('posts/2024-02-10-second-thoughts.md~', 'backup');
    await dev.write('posts/#2024-02-10-second-thoughts.md#', 'autosave');
    await expectQuiet(tab, 400);
    expect(dev.output.stdout).not.toMatch(/ changed: /);
  });
});

describe('templates, public files and site.yaml', () => {
  test('a template edit re-renders the pages that use it; the base layout, every page', async () => {
    const dev = await startFixture();
    const postTab = await dev.open('/blog/posts/first-steps/');
    const home = await dev.open('/blog/');
    const builtIn = await readFile(path.join(BUILTIN_TEMPLATES, 'post.njk'), 'utf8');
    await dev.write('templates/post.njk', builtIn.replace('<article class="post">', '<article class="post"><p class="custom">Custom post layout</p>'));
    expect((await postTab.next()).event).toBe('reload');
    expect((await postTab.reload()).html).toContain('<p class="custom">Custom post layout</p>');
    await expectQuiet(home);
    // The five post pages (the draft included) and nothing else.
    expect(dev.output.stdout).toMatch(/templates\/post\.njk changed: 5 pages rebuilt in \d+ ms\n$/);

    const base = await readFile(path.join(BUILTIN_TEMPLATES, 'base.njk'), 'utf8');
    await dev.write('templates/base.njk', base.replace('<body>', '<body class="customised">'));
    expect((await home.next()).event).toBe('reload');
    expect((await home.reload()).html).toContain('<body class="customised">');
    expect((await dev.get('/blog/tags/')).body).toContain('<body class="customised">');

    // Without the override the built-in template is back.
    const tab = await dev.open('/blog/posts/first-steps/');
    await dev.remove('templates/post.njk');
    expect((await tab.next()).event).toBe('reload');
    expect((await tab.reload()).html).not.toContain('Custom post layout');
  });

  test('a partial edit re-renders the pages that pull it in (and those only)', async () => {
    const dev = await startFixture();
    const home = await dev.open('/blog/');
    const postTab = await dev.open('/blog/posts/first-steps/');
    const builtIn = await readFile(path.join(BUILTIN_TEMPLATES, 'partials/post-meta.njk'), 'utf8');
    await dev.write('templates/partials/post-meta.njk', builtIn.replace('<p class="post-meta">', '<p class="post-meta custom-meta">'));
    expect((await home.next()).event).toBe('reload');
    expect((await home.reload()).html).toContain('<p class="post-meta custom-meta">');
    expect((await postTab.next()).event).toBe('reload');
    expect((await postTab.reload()).html).toContain('<p class="post-meta custom-meta">');
    expect((await dev.get('/blog/tags/')).body).not.toContain('custom-meta');
  });

  test('a series file (in a series/ folder made meanwhile) names the series and describes it', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/series/learning-in-public/');
    const part = await dev.open('/blog/posts/first-steps/');
    await dev.write('series/learning-in-public.md', '---\ntitle: "Learning, in public"\ndescription: "Notes from a year of it"\nstatus: complete\n---\nWhy I wrote this series.\n');
    expect((await tab.next()).event).toBe('reload');
    const page = await tab.reload();
    expect(page.html).toContain('Learning, in public');
    expect(page.html).toContain('Why I wrote this series.');
    expect((await part.next()).event).toBe('reload');
    expect((await part.reload()).html).toContain('Learning, in public');
  });

  test('a public file is served as it is saved; the open pages reload', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/');
    await dev.write('public/notes.txt', 'Notes, revised.\n');
    expect((await tab.next()).event).toBe('reload');
    expect((await dev.get('/blog/notes.txt')).body).toBe('Notes, revised.\n');

    const again = await tab.reload();
    await dev.write('public/css/extra.css', 'body { color: black; }\n');
    expect((await again.next()).event).toBe('reload');
    const css = await dev.get('/blog/css/extra.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    await dev.remove('public/css/extra.css');
    await (await again.reload()).next();
    expect((await dev.get('/blog/css/extra.css')).status).toBe(404);
  });

  test('site.yaml: a new title reaches every page; a new url path moves the site', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/third-time/');
    const config = await readFile(path.join(dev.root, 'site.yaml'), 'utf8');
    await dev.write('site.yaml', config.replace('title: "Dev fixture"', 'title: "Renamed blog"'));
    expect((await tab.next()).event).toBe('reload');
    const page = await tab.reload();
    expect(page.html).toContain('<title>Third time — Renamed blog</title>');

    await dev.write('site.yaml', config.replace('https://example.org/blog/', 'https://example.org/journal/'));
    expect((await page.next()).event).toBe('reload');
    expect((await dev.get('/blog/posts/third-time/')).status).toBe(404);
    const moved = await dev.get('/journal/posts/third-time/');
    expect(moved.status).toBe(200);
    expect(moved.body).toContain('href="/journal/posts/second-thoughts/"');
    expect((await dev.get('/')).headers.location).toBe('/journal/');
  });
});
