/** Series rules (SPEC §5): identity, order, numbering, validation, pages, feeds, `new --series`. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, test } from 'vitest';
import { build, cleanTemp, post, runCli, writeSite } from '../helpers.js';

afterAll(cleanTemp);

const S = 'What is a learning technologist';

function seriesPost(title: string, extra: Record<string, unknown> = {}, body = `${title} body.\n`) {
  return post({ title, series: S, ...extra }, body);
}

async function boxOf(site: Awaited<ReturnType<typeof build>>, slug: string) {
  const $ = await site.html(`posts/${slug}/index.html`);
  const box = $('.series-box');
  return {
    $,
    title: box.find('.series-box-title').text().replace(/\s+/g, ' ').trim(),
    seriesLink: box.find('.series-box-title a').attr('href'),
    parts: box.find('ol li').map((_, li) => $(li).text().replace(/\s+/g, ' ').trim()).get(),
    current: box.find('li[aria-current="page"]').text().replace(/\s+/g, ' ').trim(),
    currentIsLink: box.find('li[aria-current="page"] a').length > 0,
    prev: box.find('a[rel="prev"]').attr('href'),
    next: box.find('a[rel="next"]').attr('href'),
  };
}

describe('identity and order', () => {
  test('spellings that slugify alike are one series, shown in the earliest post’s spelling', async () => {
    const root = await writeSite({
      'posts/2024-01-01-one.md': seriesPost('One', { series: 'What is a learning technologist', series_part: 1 }),
      'posts/2024-02-01-two.md': seriesPost('Two', { series: 'What Is A Learning Technologist?', series_part: 2 }),
      'posts/2024-03-01-three.md': seriesPost('Three', { series: 'what is a learning-technologist', series_part: 3 }),
    });
    const site = await build(root);
    expect(site.stderr).toBe('');
    expect(site.stdout).toContain('(1 series,');
    const box = await boxOf(site, 'two');
    expect(box.title).toBe('Part 2 of 3 in What is a learning technologist');
    expect(box.seriesLink).toBe('/series/what-is-a-learning-technologist/');
    // Lists name the series by its title too, not by each post's own spelling.
    const home = await site.html('index.html');
    expect(home('.post-series').map((_, el) => home(el).text().trim()).get()).toEqual(Array(3).fill(`Part of a series: ${S}`));
  });

  test('parts come in series_part order, then posts without a part in date order', async () => {
    const root = await writeSite({
      'posts/2024-05-01-late-unnumbered.md': seriesPost('Late unnumbered'),
      'posts/2024-01-01-part-two.md': seriesPost('Part two', { series_part: 2 }),
      'posts/2024-04-01-early-unnumbered.md': seriesPost('Early unnumbered'),
      'posts/2024-03-01-part-one.md': seriesPost('Part one', { series_part: 1 }),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    const box = await boxOf(site, 'part-one');
    expect(box.parts).toEqual(['Part one', 'Part two', 'Early unnumbered', 'Late unnumbered']);
    expect(box.current).toBe('Part one');
    expect(box.currentIsLink).toBe(false);
    expect(box.prev).toBeUndefined();
    expect(box.next).toBe('/posts/part-two/');
    const last = await boxOf(site, 'late-unnumbered');
    expect(last.title).toBe(`Part 4 of 4 in ${S}`);
    expect(last.prev).toBe('/posts/early-unnumbered/');
    expect(last.next).toBeUndefined();
  });

  test('"Part N of M" counts published parts, so a reader sees no holes', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': seriesPost('A', { series_part: 1 }),
      'posts/2024-02-01-b.md': seriesPost('B', { series_part: 2 }),
      'posts/2024-03-01-d.md': seriesPost('D', { series_part: 4 }),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect((await boxOf(site, 'd')).title).toBe(`Part 3 of 3 in ${S}`);
  });

  test('a series of one post still gets its box and pages', async () => {
    const root = await writeSite({ 'posts/2024-01-01-solo.md': seriesPost('Solo', { series_part: 1 }) });
    const site = await build(root);
    const box = await boxOf(site, 'solo');
    expect(box.title).toBe(`Part 1 of 1 in ${S}`);
    expect(box.prev).toBeUndefined();
    expect(box.next).toBeUndefined();
  });
});

describe('validation', () => {
  test('two posts claiming one part: an error naming both files, exit 1, nothing written', async () => {
    const root = await writeSite({
      'posts/2024-01-01-first.md': seriesPost('First', { series_part: 1 }),
      'posts/2024-02-01-second.md': seriesPost('Second', { series_part: 2 }),
      'posts/2024-03-01-also-second.md': seriesPost('Also second', { series_part: 2 }),
    });
    const site = await build(root);
    expect(site.code).toBe(1);
    expect(site.stderr).toBe(
      `posts/2024-03-01-also-second.md:4 error: part 2 of the series "${S}" is claimed by both posts/2024-02-01-second.md and posts/2024-03-01-also-second.md — give one of them another series_part\n` +
        'Build failed: 1 error, 0 warnings; the previous output was left as it was\n',
    );
    await expect(readFile(path.join(site.out, 'index.html'))).rejects.toThrow(/ENOENT/);
  });

  test('a gap: a warning naming the series and the missing parts', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': seriesPost('A', { series_part: 1 }),
      'posts/2024-02-01-b.md': seriesPost('B', { series_part: 4 }),
      'posts/2024-03-01-c.md': seriesPost('C', { series_part: 6 }),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect(site.stderr).toBe(
      `posts/2024-02-01-b.md:4 warning: the series "${S}" has no part 2, 3 and 5 (parts: 1, 4, 6) — renumber series_part, or write the missing part\n`,
    );
    const strict = await build(root, ['--strict']);
    expect(strict.code).toBe(1);
  });

  test('series_part must be a whole number from 1', async () => {
    const root = await writeSite({ 'posts/2024-01-01-a.md': seriesPost('A', { series_part: 'two' }) });
    const site = await build(root);
    expect(site.code).toBe(1);
    expect(site.stderr).toContain('posts/2024-01-01-a.md:4:14 error: `series_part` must be a whole number from 1 up, not "two" — write e.g. series_part: 3\n');
  });

  test('series_part without series is a warning', async () => {
    const root = await writeSite({ 'posts/2024-01-01-a.md': post({ title: 'A', series_part: 2 }) });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect(site.stderr).toBe('posts/2024-01-01-a.md:3:1 warning: `series_part` without `series` is ignored — add series: "Name of the series", or remove series_part\n');
  });

  test('a series file no post uses is a warning', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': post({ title: 'A' }),
      'series/notes-on-badges.md': post({ title: 'Notes on badges' }, 'Intro.\n'),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    expect(site.stderr).toBe(
      'series/notes-on-badges.md warning: no post belongs to the series "Notes on badges" — add series: "Notes on badges" to a post\'s front matter, or rename this file to match a series\n',
    );
  });

  test('a series file with a bad status is an error at its line', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': seriesPost('A'),
      'series/what-is-a-learning-technologist.md': post({ title: 'T', status: 'finished' }),
    });
    const site = await build(root);
    expect(site.code).toBe(1);
    expect(site.stderr).toContain('series/what-is-a-learning-technologist.md:3:9 error: `status` must be "ongoing" or "complete", not "finished" — write status: ongoing (or complete)');
  });
});

describe('drafts, future and unlisted posts', () => {
  const files = () => ({
    'posts/2024-01-01-one.md': seriesPost('One', { series_part: 1 }),
    'posts/2024-02-01-two.md': seriesPost('Two', { series_part: 2 }),
    'posts/2024-03-01-three.md': seriesPost('Three', { series_part: 3, draft: true }),
    'posts/2099-01-01-four.md': seriesPost('Four', { series_part: 4 }),
    'posts/2024-02-15-aside.md': seriesPost('Aside', { visibility: 'unlisted' }),
  });

  test('drafts, future and unlisted posts are not parts of the published series', async () => {
    const site = await build(await writeSite(files()));
    expect(site.stderr).toBe('');
    const box = await boxOf(site, 'two');
    expect(box.title).toBe(`Part 2 of 2 in ${S}`);
    expect(box.parts).toEqual(['One', 'Two']);
    expect(box.next).toBeUndefined();
    // The unlisted post is built, without a series box.
    const aside = await site.html('posts/aside/index.html');
    expect(aside('.series-box').length).toBe(0);
    const feed = await site.read('series/what-is-a-learning-technologist/feed.xml');
    expect(feed).not.toContain('Three');
    expect(feed).not.toContain('Aside');
  });

  test('with --drafts (as in folio dev) drafts are parts, marked as drafts', async () => {
    const site = await build(await writeSite(files()), ['--drafts']);
    const box = await boxOf(site, 'two');
    expect(box.title).toBe(`Part 2 of 3 in ${S}`);
    expect(box.parts).toEqual(['One', 'Two', 'Three Draft']);
    expect(box.next).toBe('/posts/three/');
    const page = await site.html('series/what-is-a-learning-technologist/index.html');
    expect(page('.series-parts-list li').last().find('.badge').text()).toBe('Draft');
  });

  test('with --future, future parts count', async () => {
    const site = await build(await writeSite(files()), ['--future']);
    expect((await boxOf(site, 'four')).title).toBe(`Part 3 of 3 in ${S}`);
  });
});

describe('series pages and feeds', () => {
  const files = {
    'site.yaml': 'title: Blog\nurl: "https://example.org/blog/"\ntimezone: Europe/London\nlanguage: en-GB\n',
    'posts/2023-09-01-one.md': seriesPost('One', { series_part: 1, description: 'The first part.' }),
    'posts/2023-10-01-two.md': seriesPost('Two', { series_part: 2 }, 'Second part’s opening.\n\nMore.\n'),
    'posts/2024-01-01-three.md': seriesPost('Three', { series_part: 3 }),
    'posts/2024-02-01-badges-1.md': post({ title: 'Badges one', series: 'Notes on open badges' }),
    'posts/2024-03-01-badges-2.md': post({ title: 'Badges two', series: 'Notes on open badges' }),
    'series/what-is-a-learning-technologist.md': post(
      { title: 'What is a Learning Technologist?', description: 'A series about the job.', status: 'complete' },
      'An **introduction** to the series.\n',
    ),
  };

  test('/series/ lists every series with parts, dates, status and the latest part', async () => {
    const site = await build(await writeSite(files));
    expect(site.stderr).toBe('');
    const $ = await site.html('series/index.html');
    const items = $('.series-list > li');
    expect(items.length).toBe(2);
    // Most recently active first.
    expect(items.eq(0).find('h2').text().trim()).toBe('Notes on open badges');
    const lt = items.eq(1);
    expect(lt.find('h2 a').attr('href')).toBe('/blog/series/what-is-a-learning-technologist/');
    expect(lt.find('h2').text().trim()).toBe('What is a Learning Technologist?');
    const meta = lt.find('.post-meta').text().replace(/\s+/g, ' ').trim();
    expect(meta).toBe('3 parts · 1 September 2023 to 1 January 2024 · Complete');
    expect(lt.text()).toContain('A series about the job.');
    expect(lt.find('p').last().find('a').attr('href')).toBe('/blog/posts/three/');
  });

  test('/series/<slug>/ shows description, status, body, and the parts with numbers, dates and excerpts', async () => {
    const site = await build(await writeSite(files));
    const $ = await site.html('series/what-is-a-learning-technologist/index.html');
    expect($('h1').text()).toBe('What is a Learning Technologist?');
    expect($('.lede').text()).toBe('A series about the job.');
    expect($('.status').text()).toBe('Complete');
    expect($('.series-body strong').text()).toBe('introduction');
    const parts = $('.series-parts-list > li');
    expect(parts.map((_, li) => $(li).find('h2').text().replace(/\s+/g, ' ').trim()).get()).toEqual(['Part 1: One', 'Part 2: Two', 'Part 3: Three']);
    expect(parts.eq(0).find('time').attr('datetime')).toBe('2023-09-01T00:00:00+01:00');
    expect(parts.eq(0).find('.excerpt').text().trim()).toBe('The first part.');
    expect(parts.eq(1).find('.excerpt').text().trim()).toBe('Second part’s opening.');
    expect($('link[rel="alternate"][type="application/atom+xml"]').map((_, l) => $(l).attr('href')).get()).toContain(
      '/blog/series/what-is-a-learning-technologist/feed.xml',
    );
  });

  test('each series post links the series feed from its head, and the title comes from series/<slug>.md', async () => {
    const site = await build(await writeSite(files));
    const box = await boxOf(site, 'one');
    expect(box.title).toBe('Part 1 of 3 in What is a Learning Technologist?');
    expect(box.$('link[rel="alternate"][title="What is a Learning Technologist? (series)"]').attr('href')).toBe(
      '/blog/series/what-is-a-learning-technologist/feed.xml',
    );
  });

  test('/series/<slug>/feed.xml is an Atom feed of that series alone', async () => {
    const site = await build(await writeSite(files));
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await site.read('series/what-is-a-learning-technologist/feed.xml'));
    const feed = xml.feed;
    expect(feed.title).toBe('What is a Learning Technologist? — Blog');
    expect(feed.id).toBe('https://example.org/blog/series/what-is-a-learning-technologist/');
    const titles = (feed.entry as { title: string }[]).map((e) => e.title);
    expect(titles).toEqual(['Three', 'Two', 'One']);
  });
});

describe('folio new --series', () => {
  test('uses the series’ existing spelling and one more than the highest part, drafts included', async () => {
    const root = await writeSite({
      'posts/2024-01-01-one.md': post({ title: 'One', series: 'What Is A Learning Technologist', series_part: 1 }),
      'posts/2024-02-01-two.md': post({ title: 'Two', series: 'what is a learning technologist', series_part: 5, draft: true }),
    });
    const run = await runCli(['new', 'The next part', '--root', root, '--series', 'what is a LEARNING technologist', '--date', '2024-06-01']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Created posts/2024-06-01-the-next-part.md (part 6 of "What Is A Learning Technologist")\n');
    const text = await readFile(path.join(root, 'posts/2024-06-01-the-next-part.md'), 'utf8');
    expect(text).toContain('series: "What Is A Learning Technologist"\nseries_part: 6\n');
  });

  test('a new series starts at part 1', async () => {
    const root = await writeSite({ 'posts/.keep': '' });
    const run = await runCli(['new', 'Opening', '--root', root, '--series', 'Fresh start', '--date', '2024-06-01']);
    expect(run.code).toBe(0);
    const text = await readFile(path.join(root, 'posts/2024-06-01-opening.md'), 'utf8');
    expect(text).toContain('series: "Fresh start"\nseries_part: 1\n');
  });
});
