/** `folio cpd`: the CPD log for a date range as CSV, JSON or one self-contained HTML document. */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { parse as parseCsv } from 'csv-parse/sync';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanTemp, copyFixture, post, runCli, tempDir, writeSite } from './helpers.js';

afterAll(cleanTemp);

let root: string;
beforeAll(async () => {
  root = await copyFixture('cpd');
});

const titles = (json: string) => (JSON.parse(json) as { title: string }[]).map((r) => r.title);

describe('printing the log', () => {
  test('without options: every entry as CSV on stdout, drafts and future posts left out, unlisted ones in', async () => {
    const run = await runCli(['cpd', '--root', root]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('date,title,url,activity,hours,areas\r\n')).toBe(true);
    const records: Record<string, string>[] = parseCsv(run.stdout, { columns: true });
    expect(records.map((r) => [r.date, r.title, r.hours, r.areas])).toEqual([
      ['2020-03-02', 'Notes from a conference', '6', 'wider-context'],
      ['2023-03-10', 'Reading group, week one', '2', 'teaching; communication'],
      ['2024-01-15', 'Migrating the VLE', '1.5', 'operational'],
      ['2024-09-01', 'Feedback from a peer observation', '3', 'teaching'],
      ['2025-01-01', 'Mentoring a new colleague', '0.75', 'communication; operational'],
    ]);
    // The same bytes as the built site's /cpd/cpd.csv.
    const built = await runCli(['build', '--root', root, '--out', path.join(root, 'dist'), '--quiet']);
    expect(built.code).toBe(0);
    expect(await readFile(path.join(root, 'dist/cpd/cpd.csv'), 'utf8')).toBe(run.stdout);
  });

  test('--from and --to include both ends, by each post’s calendar day in the site’s time zone', async () => {
    // The peer observation is 2024-08-31T23:30Z: 1 September in London. The mentoring post is 1 January 2025 in London.
    const both = await runCli(['cpd', '--root', root, '--from', '2024-09-01', '--to', '2025-01-01', '--format', 'json']);
    expect(both.code).toBe(0);
    expect(both.stderr).toBe('');
    expect(JSON.parse(both.stdout)).toEqual([
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
    ]);
    const after = await runCli(['cpd', '--root', root, '--from', '2024-09-02', '--format', 'json']);
    expect(titles(after.stdout)).toEqual(['Mentoring a new colleague']);
    const before = await runCli(['cpd', '--root', root, '--to', '2024-08-31', '--format', 'json']);
    expect(titles(before.stdout)).toEqual(['Notes from a conference', 'Reading group, week one', 'Migrating the VLE']);
    const oneDay = await runCli(['cpd', '--root', root, '--from', '2023-03-10', '--to', '2023-03-10', '--format', 'json']);
    expect(titles(oneDay.stdout)).toEqual(['Reading group, week one']);
  });

  test('a range without entries: the header alone, and a warning', async () => {
    const run = await runCli(['cpd', '--root', root, '--from', '2021-01-01', '--to', '2022-12-31']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('date,title,url,activity,hours,areas\r\n');
    expect(run.stderr).toBe(
      'warning: no CPD entries in the range 1 January 2021 to 31 December 2022 — check --from and --to, and that posts have a `cpd` block (drafts and future posts are left out)\n',
    );
    const json = await runCli(['cpd', '--root', root, '--from', '2021-01-01', '--to', '2022-12-31', '--format', 'json']);
    expect(json.stdout).toBe('[]\n');
  });
});

describe('--output', () => {
  test('html: one self-contained document with title, framework, range, totals by area and the entries', async () => {
    const dir = await tempDir();
    const run = await runCli(['cpd', '--root', root, '--from', '2023-01-01', '--to', '2025-12-31', '--format', 'html', '--output', 'portfolio.html'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Wrote 4 CPD entries (7.25 hours, 1 January 2023 to 31 December 2025) as html -> portfolio.html\n');
    const html = await readFile(path.join(dir, 'portfolio.html'), 'utf8');
    const $ = cheerio.load(html);

    // Self-contained: no stylesheet, script, image, frame or font to fetch.
    expect($('link, script, img, iframe, object, embed, video, audio, source, picture').length).toBe(0);
    for (const el of $('[src], link[href], script[href], img[href]').toArray()) throw new Error(`external reference: ${$.html(el)}`);
    const css = $('style').text();
    expect(css).not.toMatch(/url\(|@import/);
    expect($('[href]').map((_, a) => a.tagName).get().every((tag) => tag === 'a')).toBe(true);
    expect($('style').length).toBe(1);

    const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'doctype-style': 'off' } });
    const report = await validator.validateString(html);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);

    expect($('html').attr('lang')).toBe('en-GB');
    expect($('head > title').text()).toBe('CMALT CPD record — Sam Writer (1 January 2023 to 31 December 2025)');
    expect($('h1').text()).toBe('CMALT CPD record');
    const facts = Object.fromEntries($('dl dt').map((_, dt) => [[$(dt).text(), $(dt).next('dd').text()]]).get());
    expect(facts).toEqual({
      Name: 'Sam Writer',
      Blog: "Sam's reflections",
      Framework: 'CMALT',
      Period: '1 January 2023 to 31 December 2025',
      Entries: '4',
      'Total hours': '7.25',
    });
    const svg = $('svg');
    expect(svg.attr('role')).toBe('img');
    expect($(`[id="${svg.attr('aria-labelledby')}"]`).text()).toBe('CMALT hours by area for 1 January 2023 to 31 December 2025');
    const byArea = $('table').first().find('tbody tr').map((_, tr) => [[$(tr).find('th').text(), $(tr).find('td').first().text(), $(tr).find('td').last().text()]]).get();
    expect(byArea).toEqual([
      ['Operational issues', '2.25', '2'],
      ['Learning, teaching and assessment', '5', '2'],
      ['The wider context (no evidence in this period)', '0', '0'],
      ['Communication and working with others', '2.75', '2'],
    ]);
    expect($('table').first().find('tfoot td').first().text()).toBe('7.25');
    const byYear = $('table').eq(1).find('tbody tr').map((_, tr) => [[$(tr).find('th').text(), $(tr).find('td').first().text()]]).get();
    expect(byYear).toEqual([['2023', '2'], ['2024', '4.5'], ['2025', '0.75']]);
    const entries = $('table').eq(2).find('tbody tr').map((_, tr) => [$(tr).find('td').map((__, td) => $(td).text()).get()]).get();
    expect(entries).toEqual([
      ['10 March 2023', 'Reading group, week one', 'Reading group on "Teaching at scale", chapters 1, 2', '2', 'Learning, teaching and assessment; Communication and working with others'],
      ['15 January 2024', 'Migrating the VLE', 'Planned the VLE migration\nand wrote the runbook', '1.5', 'Operational issues'],
      ['1 September 2024', 'Feedback from a peer observation', 'Peer observation of teaching', '3', 'Learning, teaching and assessment'],
      ['1 January 2025', 'Mentoring a new colleague', 'Mentoring', '0.75', 'Communication and working with others; Operational issues'],
    ]);
    expect($('table').eq(2).find('a').first().attr('href')).toBe('https://example.org/blog/posts/reading-group/');
  });

  test('the format follows the file’s extension when --format is not given; an existing file is replaced whole', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'log.json');
    await writeFile(target, 'old contents that are much longer than the new export would ever be '.repeat(200));
    const run = await runCli(['cpd', '--root', root, '--to', '2020-12-31', '--output', target]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Wrote 1 CPD entry (6 hours, up to 31 December 2020) as json -> ${target}\n`);
    expect(titles(await readFile(target, 'utf8'))).toEqual(['Notes from a conference']);
    expect(await readdir(dir)).toEqual(['log.json']);
    const html = await runCli(['cpd', '--root', root, '--output', 'all.htm'], dir);
    expect(html.stdout).toBe('Wrote 5 CPD entries (13.25 hours, all entries) as html -> all.htm\n');
    expect(await readFile(path.join(dir, 'all.htm'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  test('an html export of an empty range says so', async () => {
    const dir = await tempDir();
    const run = await runCli(['cpd', '--root', root, '--from', '2021-01-01', '--to', '2021-12-31', '--output', 'none.html'], dir);
    expect(run.code).toBe(0);
    const $ = cheerio.load(await readFile(path.join(dir, 'none.html'), 'utf8'));
    expect($('main p').last().text()).toBe('No CPD entries in this period.');
    expect($('dl dd').last().text()).toBe('0');
  });
});

describe('mistakes', () => {
  async function refused(args: string[]) {
    const dir = await tempDir();
    const run = await runCli(['cpd', '--root', root, ...args, '--output', 'out.csv'], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);
    return run.stderr;
  }

  test.each([
    [['--from', '2024-02-30'], 'error: --from must be a day written YYYY-MM-DD, not "2024-02-30" — e.g. --from 2024-09-01\n'],
    [['--to', '2024-9-1'], 'error: --to must be a day written YYYY-MM-DD, not "2024-9-1" — e.g. --to 2024-09-01\n'],
    [['--from', '01/09/2024'], 'error: --from must be a day written YYYY-MM-DD, not "01/09/2024" — e.g. --from 2024-09-01\n'],
    [['--from', '2025-01-01', '--to', '2024-01-01'], 'error: --from 2025-01-01 is after --to 2024-01-01 — the range runs from the earlier day to the later one\n'],
    [['--format', 'xml'], 'error: --format must be csv, json or html, not "xml"\n'],
  ])('usage error %j: exit 2, nothing written', async (args, message) => {
    expect(await refused(args)).toBe(message);
  });

  test('an unknown option is a usage error', async () => {
    const run = await runCli(['cpd', '--root', root, '--since', '2024-01-01']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: Unknown option '--since' — run `folio --help` for the options of `folio cpd`\n");
  });

  test('an --output in a folder that does not exist, or that is a folder, is refused before any work', async () => {
    const dir = await tempDir();
    const missing = path.join(dir, 'no-such-folder', 'cpd.csv');
    const run = await runCli(['cpd', '--root', root, '--output', missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: cannot write --output ${missing}: the folder ${path.dirname(missing)} does not exist — create it first or choose another file\n`);
    await mkdir(path.join(dir, 'folder'));
    const folder = await runCli(['cpd', '--root', root, '--output', 'folder'], dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`error: --output ${path.join(dir, 'folder')} is a folder — give a file name, e.g. ${path.join(dir, 'folder', 'cpd.html')}\n`);
    expect(await readdir(dir)).toEqual(['folder']);
  });

  test('a content error: exit 1 in the standard format, and an existing --output left as it was', async () => {
    const site = await writeSite({
      'posts/2024-01-01-good.md': post({ title: 'Good', cpd: { hours: 1, activity: 'Reading', areas: ['teaching'] } }),
      'posts/2024-02-01-bad.md': '---\ntitle: Bad\ncpd:\n  hours: -1\n  activity: Workshop\n  areas: [teaching, research]\n---\nText.\n',
    });
    const dir = await tempDir();
    await writeFile(path.join(dir, 'cpd.csv'), 'the previous export\r\n');
    const run = await runCli(['cpd', '--root', site, '--output', 'cpd.csv'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'posts/2024-02-01-bad.md:4:10 error: `cpd.hours` must be a number greater than 0, not -1 — write e.g. hours: 1.5\n' +
        'posts/2024-02-01-bad.md:6:10 error: unknown CPD area "research" — use one of: operational, teaching, wider-context, communication (set in site.yaml cpd.areas)\n' +
        'CPD export failed: 2 errors, 0 warnings; nothing was written\n',
    );
    expect(await readdir(dir)).toEqual(['cpd.csv']);
    expect(await readFile(path.join(dir, 'cpd.csv'), 'utf8')).toBe('the previous export\r\n');
  });

  test('warnings from the site are shown and do not stop the export', async () => {
    const site = await writeSite({
      'posts/2024-01-01-a.md': post({ title: 'A', tag: 'typo', cpd: { hours: 1, activity: 'Reading', areas: ['teaching'] } }),
    });
    const run = await runCli(['cpd', '--root', site, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(titles(run.stdout)).toEqual(['A']);
    expect(run.stderr).toMatch(/^posts\/2024-01-01-a\.md:\d+:\d+ warning: .*`tag`/);
  });
});
