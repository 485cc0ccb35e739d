/** The built CPD log (SPEC §8): /cpd/ with its charts and tables, /cpd/cpd.csv, /cpd/cpd.json, unlisted posts. */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { parse as parseCsv } from 'csv-parse/sync';
import matter from 'gray-matter';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSite } from '../../src/build.js';
import { build, cleanTemp, copyFixture, post, REPO_ROOT, runCli, tempDir, writeSite, type BuiltSite } from '../helpers.js';

afterAll(cleanTemp);

const text = (s: string) => s.replace(/\s+/g, ' ').trim();

/** What the fixture's posts say, oldest first (drafts and future posts left out). */
const FIXTURE_ROWS = [
  {
    date: '2020-03-02',
    title: 'Notes from a conference',
    url: 'https://example.org/blog/posts/old-conference/',
    activity: 'Conference: ALT annual conference',
    hours: 6,
    areas: ['wider-context'],
  },
  {
    date: '2023-03-10',
    title: 'Reading group, week one',
    url: 'https://example.org/blog/posts/reading-group/',
    activity: 'Reading group on "Teaching at scale", chapters 1, 2',
    hours: 2,
    areas: ['teaching', 'communication'],
  },
  {
    date: '2024-01-15',
    title: 'Migrating the VLE',
    url: 'https://example.org/blog/posts/vle-migration/',
    activity: 'Planned the VLE migration\nand wrote the runbook',
    hours: 1.5,
    areas: ['operational'],
  },
  {
    date: '2024-09-01',
    title: 'Feedback from a peer observation',
    url: 'https://example.org/blog/posts/private-reflection/',
    activity: 'Peer observation of teaching',
    hours: 3,
    areas: ['teaching'],
  },
  {
    date: '2025-01-01',
    title: 'Mentoring a new colleague',
    url: 'https://example.org/blog/posts/new-year-mentoring/',
    activity: 'Mentoring',
    hours: 0.75,
    areas: ['communication', 'operational'],
  },
];

describe('the cpd fixture, built', () => {
  let site: BuiltSite;
  let $: cheerio.CheerioAPI;
  beforeAll(async () => {
    site = await build(await copyFixture('cpd'));
    $ = await site.html('cpd/index.html');
  });

  test('builds without warnings', () => {
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
  });

  test('/cpd/ is valid HTML with headings in order and no script', async () => {
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'doctype-style': 'off' } });
    const report = await validator.validateString(await site.read('cpd/index.html'));
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
    const levels = $('h1, h2, h3, h4, h5, h6').map((_, h) => Number(h.tagName.slice(1))).get();
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i] - levels[i - 1]).toBeLessThanOrEqual(1);
    expect($('script').length).toBe(0);
    expect($('[style]').length).toBe(0);
  });

  test('one section per year, newest first, each with its total', () => {
    expect($('h1').text()).toBe('CMALT CPD log');
    expect(text($('.lede').text())).toBe('5 entries, 13.25 hours in total.');
    expect($('.cpd-year h2').map((_, h) => text($(h).text())).get()).toEqual(['2025: 0.75 hours', '2024: 4.5 hours', '2023: 2 hours', '2020: 6 hours']);
  });

  test('each year has an accessible SVG bar chart whose numbers match the table beside it', () => {
    const expected: Record<string, [string, string][]> = {
      '2023': [
        ['Operational issues', '0'],
        ['Learning, teaching and assessment', '2'],
        ['The wider context', '0'],
        ['Communication and working with others', '2'],
      ],
      '2024': [
        ['Operational issues', '1.5'],
        ['Learning, teaching and assessment', '3'],
        ['The wider context', '0'],
        ['Communication and working with others', '0'],
      ],
    };
    for (const [year, rows] of Object.entries(expected)) {
      const section = $(`section[aria-labelledby="cpd-${year}"]`);
      const svg = section.find('svg');
      expect(svg.length).toBe(1);
      expect(svg.attr('role')).toBe('img');
      const titleId = svg.attr('aria-labelledby')!;
      const title = svg.find('title');
      expect(title.attr('id')).toBe(titleId);
      expect($(`[id="${titleId}"]`).length).toBe(1);
      expect(title.text()).toBe(`CMALT hours by area in ${year}`);
      expect(svg.find('.cpd-label').map((_, t) => $(t).text()).get()).toEqual(rows.map((r) => r[0]));
      expect(svg.find('.cpd-value').map((_, t) => $(t).text()).get()).toEqual(rows.map((r) => r[1]));
      const table = section.find('table.cpd-areas');
      expect(text(table.find('caption').text())).toBe(`Hours by area in ${year}`);
      expect(table.find('tbody tr').map((_, tr) => [[text($(tr).find('th').text()), text($(tr).find('td').text())]]).get()).toEqual(rows);
    }
  });

  test('bars share one scale across the years and are absent for zero hours', () => {
    const widths = (year: number) => $(`section[aria-labelledby="cpd-${year}"] rect.cpd-bar`).map((_, r) => Number($(r).attr('width'))).get();
    // 6 hours (the largest area-year) is the full bar; 3 hours half of it; 1.5 a quarter.
    expect(widths(2020)).toEqual([264]);
    expect(widths(2024)).toEqual([66, 132]);
    expect(widths(2023)).toEqual([88, 88]);
  });

  test('the entries table: date, linked post, activity, hours, areas by title', () => {
    const rows = $('section[aria-labelledby="cpd-2024"] table.cpd-entries tbody tr')
      .map((_, tr) => [$(tr).find('td').map((__, td) => $(td).text()).get()])
      .get();
    expect(rows).toEqual([
      ['15 January 2024', 'Migrating the VLE', 'Planned the VLE migration\nand wrote the runbook', '1.5', 'Operational issues'],
      ['1 September 2024', 'Feedback from a peer observation', 'Peer observation of teaching', '3', 'Learning, teaching and assessment'],
    ]);
    const links = $('section[aria-labelledby="cpd-2024"] table.cpd-entries tbody a').map((_, a) => $(a).attr('href')).get();
    expect(links).toEqual(['/blog/posts/vle-migration/', '/blog/posts/private-reflection/']);
    expect($('section[aria-labelledby="cpd-2024"] time').map((_, t) => $(t).attr('datetime')).get()).toEqual(['2024-01-15', '2024-09-01']);
    const mentoring = $('section[aria-labelledby="cpd-2025"] table.cpd-entries tbody td').last().text();
    expect(mentoring).toBe('Communication and working with others; Operational issues');
  });

  test('the page links to both exports and is in the sitemap; the exports are not', async () => {
    expect($('main a[href="/blog/cpd/cpd.csv"]').length).toBe(1);
    expect($('main a[href="/blog/cpd/cpd.json"]').length).toBe(1);
    const sitemap = await site.read('sitemap.xml');
    expect(sitemap).toContain('<loc>https://example.org/blog/cpd/</loc>');
    expect(sitemap).not.toContain('cpd.csv');
  });

  test('/cpd/cpd.csv is RFC 4180 with CRLF line ends and parses back to the entries', async () => {
    const raw = await readFile(path.join(site.out, 'cpd/cpd.csv'));
    const csv = raw.toString('utf8');
    expect(raw[0]).toBe('d'.charCodeAt(0)); // no byte order mark before the header
    expect(csv.startsWith('date,title,url,activity,hours,areas\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    // Outside quoted fields, every line ends CRLF.
    expect(csv.replace(/"(?:[^"]|"")*"/g, '""')).not.toMatch(/[^\r]\n|\r[^\n]/);
    // Fields with a comma, a quote or a newline are quoted, quotes doubled.
    expect(csv).toContain(',"Reading group, week one",');
    expect(csv).toContain(',"Reading group on ""Teaching at scale"", chapters 1, 2",');
    expect(csv).toContain(',"Planned the VLE migration\nand wrote the runbook",');
    const records: Record<string, string>[] = parseCsv(csv, { columns: true });
    expect(records).toEqual(FIXTURE_ROWS.map((r) => ({ ...r, hours: String(r.hours), areas: r.areas.join('; ') })));
  });

  test('/cpd/cpd.json holds the same entries: hours numbers, areas arrays of keys, oldest first', async () => {
    const json = JSON.parse(await site.read('cpd/cpd.json'));
    expect(json).toEqual(FIXTURE_ROWS);
  });
});

describe('visibility: unlisted', () => {
  let site: BuiltSite;
  beforeAll(async () => {
    site = await build(await copyFixture('cpd'));
  });

  test('is built at its URL and counted in the CPD log', async () => {
    const $ = await site.html('posts/private-reflection/index.html');
    expect($('h1').text()).toBe('Feedback from a peer observation');
    expect(await site.read('cpd/index.html')).toContain('href="/blog/posts/private-reflection/"');
    expect(await site.read('cpd/cpd.csv')).toContain('https://example.org/blog/posts/private-reflection/');
  });

  test('is absent from home, archive, tags, series, feeds and sitemap', async () => {
    for (const file of ['index.html', 'archive/index.html', 'tags/index.html', 'series/index.html', 'feed.xml', 'feed.json', 'sitemap.xml']) {
      const body = await site.read(file);
      expect(body, file).not.toContain('private-reflection');
      expect(body, file).not.toContain('Feedback from a peer observation');
    }
    const files = await site.files();
    // Its only tag and its only series have no listed post, so they have no page.
    expect(files).not.toContain('tags/private-only/index.html');
    expect(files.filter((f) => f.startsWith('series/'))).toEqual(['series/index.html']);
  });

  test('drafts stay drafts: out of the log unless --drafts', async () => {
    expect(await site.read('cpd/cpd.json')).not.toContain('An unfinished draft');
    const withDrafts = await build(await copyFixture('cpd'), ['--drafts']);
    expect(withDrafts.code).toBe(0);
    const $ = await withDrafts.html('cpd/index.html');
    expect($('section[aria-labelledby="cpd-2024"] h2').text()).toBe('2024: 14.5 hours');
    expect($('table.cpd-entries a').map((_, a) => $(a).text()).get()).toContain('An unfinished draft');
  });
});

describe('areas without recent evidence', () => {
  async function built(now: string) {
    const root = await copyFixture('cpd');
    const out = path.join(root, 'dist');
    await buildSite({ root, out, drafts: false, future: false, strict: false, now: new Date(now) });
    return cheerio.load(await readFile(path.join(out, 'cpd/index.html'), 'utf8'));
  }

  test('are flagged with their latest entry, by the build’s now', async () => {
    const $ = await built('2025-06-01T12:00:00Z');
    const section = $('section.cpd-stale');
    expect(text(section.find('h2').text())).toBe('Areas without evidence in the last three years');
    expect(section.find('li').map((_, li) => text($(li).text())).get()).toEqual(['The wider context: latest entry Notes from a conference, 2 March 2020']);
    expect(section.find('a').attr('href')).toBe('/blog/posts/old-conference/');
  });

  test('areas never evidenced say so; no flag once every area is recent', async () => {
    const early = await built('2023-03-01T12:00:00Z');
    expect(early('section.cpd-stale li').map((_, li) => text(early(li).text())).get()).toEqual([
      'Operational issues: no entries yet',
      'Learning, teaching and assessment: no entries yet',
      'Communication and working with others: no entries yet',
    ]);
    const root = await writeSite({
      'posts/2024-01-01-all.md': post({ title: 'All', cpd: { hours: 1, activity: 'Everything', areas: ['operational', 'teaching', 'wider-context', 'communication'] } }),
    });
    await buildSite({ root, out: path.join(root, 'dist'), drafts: false, future: false, strict: false, now: new Date('2024-06-01T00:00:00Z') });
    const $ = cheerio.load(await readFile(path.join(root, 'dist/cpd/index.html'), 'utf8'));
    expect($('section.cpd-stale').length).toBe(0);
    expect(text($('.lede').text())).toBe('1 entry, 1 hour in total.');
  });
});

describe('other sites', () => {
  test('no post with cpd: no /cpd/ page, no exports, no sitemap entry', async () => {
    const site = await build(await writeSite({ 'posts/2024-01-01-a.md': post({ title: 'A' }) }));
    expect(site.code).toBe(0);
    expect((await site.files()).filter((f) => f.startsWith('cpd/'))).toEqual([]);
    expect(await site.read('sitemap.xml')).not.toContain('/cpd/');
  });

  test('front-matter and site.yaml text is escaped in the page, the chart and the exports', async () => {
    const site = await build(
      await writeSite({
        'site.yaml': 'cpd:\n  framework: "R&D <CPD>"\n  areas:\n    - { key: lab, title: "Lab <work> & \\"tests\\"" }\n',
        'posts/2024-01-01-a.md': post({ title: 'A <b>bold</b> title', cpd: { hours: 1, activity: '<script>alert(1)</script> & more', areas: ['lab'] } }),
      }),
    );
    expect(site.code).toBe(0);
    const html = await site.read('cpd/index.html');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<work>');
    const $ = cheerio.load(html);
    expect($('h1').text()).toBe('R&D <CPD> CPD log');
    expect($('svg title').text()).toBe('R&D <CPD> hours by area in 2024');
    expect($('svg .cpd-label').text()).toBe('Lab <work> & "tests"');
    expect($('.cpd-activity').text()).toBe('<script>alert(1)</script> & more');
    expect(JSON.parse(await site.read('cpd/cpd.json'))[0].activity).toBe('<script>alert(1)</script> & more');
  });

  test('a custom framework titles the page and charts; a long area title is shortened in the chart only', async () => {
    const long = 'Respect individual learners and diverse groups of learners in every setting';
    const site = await build(
      await writeSite({
        'site.yaml': `cpd:\n  framework: UKPSF\n  areas:\n    - { key: v1, title: "${long}" }\n    - { key: k2, title: "Knowledge" }\n`,
        'posts/2024-01-01-a.md': post({ title: 'A', cpd: { hours: 2, activity: 'Workshop', areas: ['v1'] } }),
      }),
    );
    const $ = await site.html('cpd/index.html');
    expect($('h1').text()).toBe('UKPSF CPD log');
    expect($('svg title').text()).toBe('UKPSF hours by area in 2024');
    const label = $('svg .cpd-label').first().text();
    expect(label.endsWith('…')).toBe(true);
    expect(label.length).toBeLessThanOrEqual(42);
    expect(text($('table.cpd-areas tbody th').first().text())).toBe(long);
  });
});

describe('the example blog', () => {
  test('its /cpd/ page, CSV and JSON agree with the cpd blocks of its posts', async () => {
    // What the posts say, read independently of Folio's parser (drafts and future posts left out).
    const today = new Date().toISOString().slice(0, 10);
    const files = (await readdir(path.join(REPO_ROOT, 'posts'), { recursive: true })).filter((f) => f.endsWith('.md'));
    const expected: { title: string; activity: string; hours: number; areas: string[]; day?: string }[] = [];
    for (const file of files) {
      const { data } = matter(await readFile(path.join(REPO_ROOT, 'posts', file), 'utf8'), {});
      const day = /(?:^|\/)(\d{4}-\d{2}-\d{2})-/.exec(file)?.[1];
      if (!data.cpd || data.draft === true || (day && day > today && !data.date)) continue;
      const areas = typeof data.cpd.areas === 'string' ? data.cpd.areas.split(',').map((a: string) => a.trim()) : data.cpd.areas;
      expected.push({ title: data.title, activity: String(data.cpd.activity).trim(), hours: data.cpd.hours, areas, day: data.date ? undefined : day });
    }
    expect(expected.length).toBeGreaterThan(0);

    const out = path.join(await tempDir(), 'site');
    const run = await runCli(['build', '--root', REPO_ROOT, '--out', out, '--quiet']);
    expect(run.code).toBe(0);
    const json: { date: string; title: string; url: string; activity: string; hours: number; areas: string[] }[] = JSON.parse(
      await readFile(path.join(out, 'cpd/cpd.json'), 'utf8'),
    );
    const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);
    expect(json.map(({ title, activity, hours, areas }) => ({ title, activity, hours, areas })).sort(byTitle)).toEqual(
      expected.map(({ title, activity, hours, areas }) => ({ title, activity, hours, areas })).sort(byTitle),
    );
    for (const e of expected) if (e.day) expect(json.find((j) => j.title === e.title)!.date, e.title).toBe(e.day);
    expect(json.map((j) => j.date)).toEqual([...json.map((j) => j.date)].sort());

    const csv: Record<string, string>[] = parseCsv(await readFile(path.join(out, 'cpd/cpd.csv'), 'utf8'), { columns: true });
    expect(csv).toEqual(json.map((j) => ({ ...j, hours: String(j.hours), areas: j.areas.join('; ') })));

    const $ = cheerio.load(await readFile(path.join(out, 'cpd/index.html'), 'utf8'));
    const total = Math.round(json.reduce((sum, j) => sum + j.hours, 0) * 1e6) / 1e6;
    expect(text($('.lede').text())).toBe(`${json.length} entries, ${total} hours in total.`);
    const years = [...new Set(json.map((j) => j.date.slice(0, 4)))].sort().reverse();
    expect($('.cpd-year h2').map((_, h) => text($(h).text())).get()).toEqual(
      years.map((y) => {
        const hours = Math.round(json.filter((j) => j.date.startsWith(y)).reduce((sum, j) => sum + j.hours, 0) * 1e6) / 1e6;
        return `${y}: ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
      }),
    );
    expect($('table.cpd-entries tbody tr').length).toBe(json.length);
  });
});
