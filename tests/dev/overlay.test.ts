/**
 * A bad save never takes the preview down: the last good site stays, the error is printed as
 * `folio build` prints it and shown over the open page, and the next good save clears it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { build, cleanTemp, post } from '../helpers.js';
import { BUILTIN_TEMPLATES } from '../../src/render/templates.js';
import { closeAll, startFixture } from './dev-helpers.js';

afterEach(closeAll);
afterAll(cleanTemp);

const SECOND = 'posts/2024-02-10-second-thoughts.md';
const YAML_ERROR = 'posts/2024-02-10-second-thoughts.md:2:8 error: the quoted value that starts here is never closed — add the closing " at the end of the value';
const GAP_WARNING = 'posts/2024-03-10-third-time.md:4 warning: the series "Learning in public" has no part 2 (parts: 1, 3) — renumber series_part, or write the missing part';
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function overlayOf(html: string): string | undefined {
  return /<div id="folio-dev-overlay"[\s\S]*?<pre[^>]*>([\s\S]*?)<\/pre>/.exec(html)?.[1];
}

describe('a bad save', () => {
  test('keeps the last good page, prints the error and shows it over the page; the fix clears it', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/second-thoughts/');
    const home = await dev.open('/blog/');

    await dev.write(SECOND, '---\ntitle: "Second thoughts\nseries: "Learning in public"\n---\nHalf-written.\n');
    const pushed = await tab.next();
    expect(pushed.event).toBe('problems');
    expect(overlayOf((JSON.parse(pushed.data) as { html: string }).html)).toBe(escaped(YAML_ERROR));
    expect((await home.next()).event).toBe('problems');
    // As `folio build` prints them: every problem (the part missing from the series too), sorted.
    const lines = dev.output.stderr.split('\n');
    expect(lines.slice(0, 2)).toEqual([YAML_ERROR, GAP_WARNING]);
    expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d Rebuild failed: 1 error — still serving the last good site; fix the file and save again$/);
    expect(lines).toHaveLength(4);

    // Pages served while the error lasts: the last good version, with the overlay in them.
    const served = await dev.get('/blog/posts/second-thoughts/');
    expect(served.status).toBe(200);
    expect(served.body).toContain('Looking back at the first part.');
    expect(served.body).not.toContain('Half-written.');
    expect(overlayOf(served.body)).toBe(escaped(YAML_ERROR));
    expect(overlayOf((await dev.get('/blog/archive/')).body)).toBe(escaped(YAML_ERROR));
    expect((await dev.get('/blog/archive/')).body).toContain('Second thoughts');

    await dev.write(SECOND, post({ title: 'Second thoughts', series: 'Learning in public', series_part: 2, tags: ['reflection', 'teaching'] }, 'Written in full.\n'));
    expect((await tab.next()).event).toBe('reload');
    const fixed = await tab.reload();
    expect(fixed.html).toContain('Written in full.');
    expect(overlayOf(fixed.html)).toBeUndefined();
    // The home page did not change: its overlay is taken away without a reload.
    expect((await home.next()).event).toBe('clear');
    expect(overlayOf((await dev.get('/blog/')).body)).toBeUndefined();
    expect(dev.output.stdout).toMatch(/\n\d\d:\d\d:\d\d Fixed — posts\/2024-02-10-second-thoughts\.md changed: \d+ pages rebuilt in \d+ ms\n/);
  });

  test('while one file is broken, other saves still fail; fixing it brings them all in', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/standalone/');
    await dev.write(SECOND, '---\ntitle: "Second thoughts\n---\n');
    expect((await tab.next()).event).toBe('problems');
    await dev.write('posts/2024-04-10-standalone.md', post({ title: 'A standalone note, edited', tags: ['teaching'] }, 'Edited meanwhile.\n'));
    const again = await tab.next();
    expect(again.event).toBe('problems');
    expect(overlayOf((JSON.parse(again.data) as { html: string }).html)).toBe(escaped('posts/2024-02-10-second-thoughts.md:2:8 error: the quoted value that starts here is never closed — add the closing " at the end of the value'));
    expect((await dev.get('/blog/posts/standalone/')).body).not.toContain('Edited meanwhile.');

    await dev.write(SECOND, post({ title: 'Second thoughts', series: 'Learning in public', series_part: 2 }, 'Fine again.\n'));
    expect((await tab.next()).event).toBe('reload');
    const page = await tab.reload();
    expect(page.html).toContain('Edited meanwhile.');
    expect(overlayOf(page.html)).toBeUndefined();
  });

  test('an error found when collecting the site (two posts claim one part) is shown the same way', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/third-time/');
    await dev.write('posts/2024-03-10-third-time.md', post({ title: 'Third time', series: 'Learning in public', series_part: 2 }, 'The last part, for now.\n'));
    const pushed = await tab.next();
    expect(pushed.event).toBe('problems');
    expect(overlayOf((JSON.parse(pushed.data) as { html: string }).html)).toBe(
      escaped('posts/2024-03-10-third-time.md:4 error: part 2 of the series "Learning in public" is claimed by both posts/2024-02-10-second-thoughts.md and posts/2024-03-10-third-time.md — give one of them another series_part'),
    );
    expect((await dev.get('/blog/posts/third-time/')).body).toContain('Part 3 of 3');
  });

  test('a broken template is shown with its file and line; the last good pages stay', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/first-steps/');
    const builtIn = await readFile(path.join(BUILTIN_TEMPLATES, 'post.njk'), 'utf8');
    const broken = builtIn.replace('<h1>{{ post.title }}</h1>', '<h1>{{ post.title | shout }}</h1>');
    expect(broken).not.toBe(builtIn);
    await dev.write('templates/post.njk', broken);
    const pushed = await tab.next();
    expect(pushed.event).toBe('problems');
    const shown = overlayOf((JSON.parse(pushed.data) as { html: string }).html)!;
    expect(shown).toMatch(/^templates\/post\.njk:\d+:\d+ error: template error: filter not found: shout \(while rendering \/posts\/[a-z-]+\/ from posts\/[0-9a-z-]+\.md and 4 other pages\) — /);
    // The same message as `folio build` gives for the same site.
    const built = await build(dev.root, ['--drafts', '--base-url', `${dev.origin}/blog/`]);
    expect(built.code).toBe(1);
    expect(escaped(built.stderr.split('\n')[0])).toBe(shown);
    expect(dev.output.stderr.split('\n')[0]).toBe(built.stderr.split('\n')[0]);
    expect((await dev.get('/blog/posts/first-steps/')).body).toContain('<h1>First steps</h1>');

    await dev.write('templates/post.njk', builtIn.replace('<h1>{{ post.title }}</h1>', '<h1 class="fixed">{{ post.title }}</h1>'));
    expect((await tab.next()).event).toBe('reload');
    const page = await tab.reload();
    expect(page.html).toContain('<h1 class="fixed">First steps</h1>');
    expect(overlayOf(page.html)).toBeUndefined();
  });

  test('a file that is not UTF-8 is named, as `folio build` names it', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/posts/standalone/');
    await dev.write('posts/2024-04-10-standalone.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]));
    const pushed = await tab.next();
    expect(pushed.event).toBe('problems');
    const shown = overlayOf((JSON.parse(pushed.data) as { html: string }).html)!;
    const built = await build(dev.root, ['--drafts']);
    expect(built.code).toBe(1);
    const line = built.stderr.split('\n')[0];
    expect(line).toMatch(/^posts\/2024-04-10-standalone\.md error: this file is not valid UTF-8 text — /);
    expect(shown).toBe(escaped(line));
    expect((await dev.get('/blog/posts/standalone/')).body).toContain('A post that belongs to no series.');
  });

  test('a bad site.yaml keeps the site as it was', async () => {
    const dev = await startFixture();
    const tab = await dev.open('/blog/');
    const config = await readFile(path.join(dev.root, 'site.yaml'), 'utf8');
    await dev.write('site.yaml', config.replace('postsPerPage: 2', 'postsPerPage: many'));
    const pushed = await tab.next();
    expect(pushed.event).toBe('problems');
    expect(overlayOf((JSON.parse(pushed.data) as { html: string }).html)).toContain('site.yaml:4:15 error: `postsPerPage` must be a positive whole number');
    expect((await dev.get('/blog/')).status).toBe(200);
    await dev.write('site.yaml', config.replace('postsPerPage: 2', 'postsPerPage: 3'));
    expect((await tab.next()).event).toBe('reload');
  });
});

describe('a site that does not build at the start', () => {
  test('is served as the error, and appears when it is fixed', async () => {
    const dev = await startFixture('dev-blog', {
      prepare: async (root) => {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(path.join(root, SECOND), '---\ntitle: "Second thoughts\n---\n');
      },
    });
    expect(dev.output.stderr).toBe(`${YAML_ERROR}\n${GAP_WARNING}\nBuild failed: 1 error — fix the file and save; the preview shows the errors until then\n`);
    // Problem for problem what `folio build` prints.
    const built = await build(dev.root, ['--drafts']);
    expect(built.stderr.split('\n').slice(0, 2)).toEqual([YAML_ERROR, GAP_WARNING]);
    expect(dev.output.stdout).toMatch(/^Serving http:\/\/127\.0\.0\.1:\d+\/blog\/ \(drafts included\)/);
    const tab = await dev.open('/blog/posts/second-thoughts/');
    expect(tab.status).toBe(500);
    expect(overlayOf(tab.html)).toBe(escaped(YAML_ERROR));
    expect((await tab.next()).event).toBe('problems');

    await dev.write(SECOND, post({ title: 'Second thoughts', series: 'Learning in public', series_part: 2 }, 'Now it builds.\n'));
    expect((await tab.next()).event).toBe('reload');
    const page = await tab.reload();
    expect(page.status).toBe(200);
    expect(page.html).toContain('<p>Now it builds.</p>');
    expect(overlayOf(page.html)).toBeUndefined();
    expect(dev.output.stdout).toMatch(/\nBuilt \d+ pages from 5 posts \(1 series, 2 tags\) in \d+\.\d\d s\n$/);
  });
});
