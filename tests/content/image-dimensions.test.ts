import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { build, cleanTemp, FIXTURES, post, writeSite } from '../helpers.js';
import { closeAll, startFixture } from '../dev/dev-helpers.js';

afterEach(closeAll);
afterAll(cleanTemp);

const IMAGES = path.join(FIXTURES, 'theme-site', 'posts', '2024-03-02-learning-in-the-open');
// Real files: hills.jpg is 1200x800, cycle.png 640x300.
const jpeg = () => readFile(path.join(IMAGES, 'hills.jpg'));
const png = () => readFile(path.join(IMAGES, 'cycle.png'));

describe('images carry their real width and height', () => {
  test('a folder post: lead image and inline image read from the files beside it, under the base path', async () => {
    const root = await writeSite({
      'site.yaml': 'url: "https://example.org/blog/"\n',
      'posts/2024-01-05-trip/index.md': post(
        { title: 'Trip', image: { src: 'hills.jpg', alt: 'Hills', credit: 'Me', license: 'CC BY 2.0' } },
        'Look: ![A cycle](cycle.png)\n',
      ),
      'posts/2024-01-05-trip/hills.jpg': await jpeg(),
      'posts/2024-01-05-trip/cycle.png': await png(),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    const $ = await site.html('posts/trip/index.html');
    const lead = $('figure.lead-image img');
    expect(lead.attr('src')).toBe('/blog/posts/trip/hills.jpg');
    expect([lead.attr('width'), lead.attr('height')]).toEqual(['1200', '800']);
    const inline = $('.post-body img');
    expect(inline.attr('src')).toBe('/blog/posts/trip/cycle.png');
    expect([inline.attr('width'), inline.attr('height')]).toEqual(['640', '300']);
    // The home page shows the excerpt, image and all: sized there too.
    const home = await site.html('index.html');
    expect(home('.excerpt img').attr('width')).toBe('640');
  });

  test('public/ and loose files under posts/, in Markdown and raw HTML (self-closing too)', async () => {
    const root = await writeSite({
      'public/images/wide.jpg': await jpeg(),
      'posts/images/cycle.png': await png(),
      'posts/2024-01-05-a.md': post(
        { title: 'A', image: { src: '/images/wide.jpg', alt: 'Wide' } },
        '![Wide](/images/wide.jpg)\n\n<img src="/posts/images/cycle.png" alt="Cycle >">\n\n<p><img alt="Again" src=\'/posts/images/cycle.png\' /></p>\n',
      ),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    const html = await site.read('posts/a/index.html');
    expect(html).toContain('<img src="/images/wide.jpg" alt="Wide" width="1200" height="800">');
    expect(html).toContain('<img src="/posts/images/cycle.png" alt="Cycle >" width="640" height="300">');
    expect(html).toContain('<img alt="Again" src=\'/posts/images/cycle.png\' width="640" height="300" />');
    const $ = await site.html('posts/a/index.html');
    expect([$('figure img').attr('width'), $('figure img').attr('height')]).toEqual(['1200', '800']);
  });

  test('a titled image and a raw <img> inside a paragraph, on the page and in an excerpt made apart from it', async () => {
    const root = await writeSite({
      'posts/images/cycle.png': await png(),
      // The footnote makes the excerpt be rendered on its own (it leaves the reference out).
      'posts/2024-01-06-b.md': post(
        { title: 'B' },
        'See ![Cycle](/posts/images/cycle.png "On the road") and <img src="/posts/images/cycle.png" alt="raw">.[^1]\n\n[^1]: A note.\n',
      ),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    const sized = [
      '<img src="/posts/images/cycle.png" alt="Cycle" title="On the road" width="640" height="300">',
      '<img src="/posts/images/cycle.png" alt="raw" width="640" height="300">',
    ];
    const page = await site.read('posts/b/index.html');
    const home = await site.read('index.html');
    for (const img of sized) {
      expect(page).toContain(img);
      expect(home).toContain(img);
    }
    expect(home).not.toContain('fnref');
  });

  test('front-matter sizes and sizes written in HTML are kept; remote and missing images are left alone', async () => {
    const root = await writeSite({
      'public/wide.jpg': await jpeg(),
      'posts/2024-01-05-b.md': post(
        { title: 'B', image: { src: '/wide.jpg', alt: 'Wide', width: 600, height: 400 } },
        [
          '![Remote](https://example.org/photo.jpg)',
          '',
          '![Missing](/nothing-here.png)',
          '',
          '<img src="/wide.jpg" alt="Small" width="300">',
          '',
          '![Not an image](/b.txt)',
        ].join('\n'),
      ),
      'public/b.txt': 'plain text',
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect(site.stderr).toContain('/nothing-here.png');
    const html = await site.read('posts/b/index.html');
    expect(html).toContain('<img src="https://example.org/photo.jpg" alt="Remote">');
    expect(html).toContain('<img src="/nothing-here.png" alt="Missing">');
    expect(html).toContain('<img src="/wide.jpg" alt="Small" width="300">');
    expect(html).toContain('<img src="/b.txt" alt="Not an image">');
    const $ = await site.html('posts/b/index.html');
    expect([$('figure img').attr('width'), $('figure img').attr('height')]).toEqual(['600', '400']);
  });

  test('nothing outside the site folder is read', async () => {
    const outside = await writeSite({ 'outside.png': await png() });
    const escape = `/../${path.basename(outside)}/outside.png`;
    const root = await writeSite({
      'posts/2024-01-05-c.md': post({ title: 'C' }, `![Escape](${escape})\n`),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect(await site.read('posts/c/index.html')).toContain(`<img src="${escape}" alt="Escape">`);
  });

  test('many posts sharing an image, and missing ones, each read once per batch: all sized right', async () => {
    const files: Record<string, string | Buffer> = { 'public/images/wide.jpg': await jpeg(), 'posts/images/cycle.png': await png() };
    for (let i = 1; i <= 120; i++) {
      const n = String(i).padStart(3, '0');
      files[`posts/2024-01-05-p${n}.md`] = post(
        { title: `P${n}` },
        `![Wide](/images/wide.jpg) ![Gone](/images/gone-${i % 7}.jpg)\n\n<img src="/posts/images/cycle.png" alt="Cycle">\n`,
      );
    }
    const root = await writeSite(files);
    const site = await build(root);
    expect(site.code).toBe(0);
    for (const n of ['001', '060', '120']) {
      const html = await site.read(`posts/p${n}/index.html`);
      expect(html).toContain('<img src="/images/wide.jpg" alt="Wide" width="1200" height="800">');
      expect(html).toMatch(/<img src="\/images\/gone-\d\.jpg" alt="Gone">/);
      expect(html).toContain('<img src="/posts/images/cycle.png" alt="Cycle" width="640" height="300">');
    }
  });

  test('an image added after a build is found by the next build in the same process', async () => {
    const root = await writeSite({ 'posts/2024-01-05-d.md': post({ title: 'D' }, '![Later](/images/later.png)\n') });
    const first = await build(root);
    expect(first.code).toBe(0);
    expect(await first.read('posts/d/index.html')).toContain('<img src="/images/later.png" alt="Later">');
    await mkdir(path.join(root, 'public', 'images'), { recursive: true });
    await writeFile(path.join(root, 'public', 'images', 'later.png'), await png());
    const second = await build(root);
    expect(second.code).toBe(0);
    expect(await second.read('posts/d/index.html')).toContain('<img src="/images/later.png" alt="Later" width="640" height="300">');
  });

  test('folio dev: an image added while it runs is sized when the post is saved again', async () => {
    const dev = await startFixture();
    const page = async (text: string) => {
      for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
        const reply = await dev.get('/blog/posts/pictures/');
        if (reply.status === 200 && reply.body.includes(text)) return reply.body;
      }
      throw new Error(`/blog/posts/pictures/ never showed ${text}`);
    };
    const pictures = (words: string) => post({ title: 'Pictures' }, `${words}\n\n![A cycle](/images/cycle.png)\n`);
    await dev.write('posts/2024-06-01-pictures.md', pictures('Before the image.'));
    expect(await page('Before the image.')).toContain('<img src="/blog/images/cycle.png" alt="A cycle">');
    await dev.write('public/images/cycle.png', await png());
    await dev.write('posts/2024-06-01-pictures.md', pictures('After the image.'));
    expect(await page('After the image.')).toContain('<img src="/blog/images/cycle.png" alt="A cycle" width="640" height="300">');
  });
});
