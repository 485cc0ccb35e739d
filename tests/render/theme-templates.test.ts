/**
 * The default theme's markup (the browser tests judge how it looks and behaves), and the
 * README's example of overriding one partial, taken from the README itself.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { build, cleanTemp, copyFixture, post, REPO_ROOT, writeSite } from '../helpers.js';

afterAll(cleanTemp);

describe('the default theme on the theme fixture', () => {
  test('a series post: landmarks, skip link, meta, lead figure with credit and licence, series box, tags', async () => {
    const site = await build(await copyFixture('theme-site'));
    expect(site.code).toBe(0);
    const $ = await site.html('posts/learning-in-the-open/index.html');

    expect($('a.skip-link').first().attr('href')).toBe('#main');
    expect($('body > :first-child').is('a.skip-link')).toBe(true);
    expect($('main#main').attr('tabindex')).toBe('-1');
    expect($('body > header.site-header nav.site-nav[aria-label="Site"]')).toHaveLength(1);
    expect($('body > footer.site-footer')).toHaveLength(1);
    expect($('h1')).toHaveLength(1);

    const meta = $('.post-header .post-meta').text().replace(/\s+/g, ' ').trim();
    expect(meta).toBe('2 March 2024 · Updated 9 March 2024 · 1 min read');
    expect($('.post-header time').map((_, t) => $(t).attr('datetime')).get()).toEqual(['2024-03-02T00:00:00Z', '2024-03-09T00:00:00Z']);

    const figure = $('figure.lead-image');
    expect(figure.find('img').attr('src')).toBe('/notes/posts/learning-in-the-open/hills.jpg');
    expect(figure.find('img').attr('alt')).toBe('Hills at sunset under an orange sky');
    expect(figure.find('figcaption').text().trim()).toBe('Image: Ada Example (CC BY-NC-ND 2.0)');
    expect(figure.find('figcaption a').first().attr('href')).toBe('https://example.org/photos/hills');
    expect(figure.find('figcaption a[rel="license"]').attr('href')).toBe('https://creativecommons.org/licenses/by-nc-nd/2.0/');

    const box = $('nav.series-box');
    expect($(`#${box.attr('aria-labelledby')}`).text().trim()).toBe('Part 2 of 4 in Learning in the open');
    expect(box.find('li[aria-current="page"]').text().trim()).toBe('Learning in the open: why I started this blog');
    expect(box.find('li[aria-current="page"] a')).toHaveLength(0);
    expect(box.find('a[rel="prev"]').attr('href')).toBe('/notes/posts/before-the-blog/');
    expect(box.find('a[rel="next"]').attr('href')).toBe('/notes/posts/working-out-loud/');

    expect($('.post-tags-label').text()).toBe('Tagged');
    expect($('.tag-list a[rel="tag"]').map((_, a) => $(a).attr('href')).get()).toEqual(['/notes/tags/reflection/', '/notes/tags/open-practice/', '/notes/tags/cmalt/']);
    expect($('.post-body table')).toHaveLength(1);
    expect($('.post-body .footnotes li')).toHaveLength(2);
    expect($('.post-body pre code .hljs-keyword').length).toBeGreaterThan(0);
    expect($('script')).toHaveLength(0);
  });

  test('no page loads anything from another site', async () => {
    const site = await build(await copyFixture('theme-site'));
    for (const file of (await site.files()).filter((f) => f.endsWith('.html'))) {
      const $ = await site.html(file);
      const loaded = $('img[src], script[src], link[rel="stylesheet"], link[rel="icon"], iframe[src], source[src], video[src], audio[src]')
        .map((_, el) => $(el).attr('src') ?? $(el).attr('href'))
        .get();
      expect(loaded.filter((u) => /^([a-z]+:)?\/\//i.test(u)), file).toEqual([]);
      expect($('[style]'), file).toHaveLength(0);
    }
  });
});

describe("the README's example of overriding a partial", () => {
  test('a site with its own templates/partials/post-meta.njk uses it everywhere, and the built-in theme for the rest', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const example = /Example: your own post-meta partial[\s\S]*?```njk\n([\s\S]*?)```/.exec(readme);
    expect(example, 'the njk block under "Example: your own post-meta partial" in README.md').not.toBeNull();
    const root = await writeSite({
      'site.yaml': 'language: en-GB\n',
      'templates/partials/post-meta.njk': example![1],
      'posts/2024-03-05-in-cardiff.md': post('title: "In Cardiff"\ntags: [travel]\nextra:\n  place: "Cardiff"'),
      'posts/2024-03-06-at-home.md': post({ title: 'At home' }),
    });
    const site = await build(root);
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    const text = (s: string) => s.replace(/\s+/g, ' ').trim();

    const $post = await site.html('posts/in-cardiff/index.html');
    expect(text($post('.post-meta').text())).toBe('5 March 2024 · written in Cardiff · 1 min read');
    const $home = await site.html('index.html');
    expect($home('.post-meta').map((_, p) => text($home(p).text())).get()).toEqual(['6 March 2024 · 1 min read', '5 March 2024 · written in Cardiff · 1 min read']);
    const $tag = await site.html('tags/travel/index.html');
    expect(text($tag('.post-meta').last().text())).toBe('5 March 2024 · written in Cardiff · 1 min read');
    // Everything else is still the built-in theme.
    expect($post('a.skip-link')).toHaveLength(1);
    expect($post('.tag-list a').text()).toBe('travel');
  });
});

describe('partials rendered with {% partial %}', () => {
  const twoPosts = {
    'posts/2024-03-05-first.md': post('title: "First"\ntags: [travel]\nseries: "Trips"'),
    'posts/2024-03-06-second.md': post('title: "Second"\ntags: [travel]\nseries: "Trips"'),
  };

  test('an overriding post-meta still sees the post, the page and the list loop, as an include did', async () => {
    const root = await writeSite({
      ...twoPosts,
      'site.yaml': 'title: "Trips blog"\n',
      // __keywords: Nunjucks' mark on a tag's named arguments, which a partial must not see.
      'templates/partials/post-meta.njk': '<p class="post-meta">{{ loop.index }}. {{ post.title }} on {{ page.url }} of {{ site.title }}{{ __keywords }}</p>\n',
    });
    const site = await build(root);
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    const metas = async (file: string) => {
      const $ = await site.html(file);
      return $('.post-meta')
        .map((_, p) => $(p).text())
        .get()
        .filter((t) => t.includes(' on '));
    };
    expect(await metas('index.html')).toEqual(['1. Second on / of Trips blog', '2. First on / of Trips blog']);
    expect(await metas('tags/travel/index.html')).toEqual(['1. Second on /tags/travel/ of Trips blog', '2. First on /tags/travel/ of Trips blog']);
    expect(await metas('series/trips/index.html')).toEqual(['1. First on /series/trips/ of Trips blog', '2. Second on /series/trips/ of Trips blog']);
    // On the post's own page there is no loop.
    expect(await metas('posts/first/index.html')).toEqual(['. First on /posts/first/ of Trips blog']);
  });

  test('a syntax error in an overriding partial is a message naming the file, not a crash; nothing is written', async () => {
    const root = await writeSite({
      ...twoPosts,
      'templates/partials/tag-list.njk': '<ul>\n{% for tag in post.tags %}<li>{{ tag + }}</li>{% endfor %}\n</ul>\n',
    });
    const site = await build(root);
    expect(site.stderr).toBe(
      'templates/partials/tag-list.njk:2:40 error: template error: unexpected token: }} (while rendering /posts/second/ from posts/2024-03-06-second.md and 1 other page) — fix the template at this line; see "Templates and the theme" in the README for the variables each page has\n' +
        'Build failed: 1 error, 0 warnings; the previous output was left as it was\n',
    );
    expect(site.code).toBe(1);
    await expect(site.files()).rejects.toThrow(/ENOENT/);
  });
});
