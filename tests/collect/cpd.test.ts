/** The CPD log's model (SPEC §8): entries, totals per year and per area, stale areas, validation of `cpd`. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadSite } from '../../src/build.js';
import type { CpdLog } from '../../src/types.js';
import { build, cleanTemp, copyFixture, listFiles, post, writeSite } from '../helpers.js';

afterAll(cleanTemp);

/** Noon UTC on a day: the fixture's time zone (Europe/London) shows the same calendar day. */
const noon = (day: string) => new Date(`${day}T12:00:00Z`);

async function logOf(root: string, now: Date, drafts = false): Promise<CpdLog> {
  const { site, diag } = await loadSite({ root, out: path.join(root, 'dist'), drafts, future: false, strict: false, now });
  expect(diag.problems).toEqual([]);
  expect(site.cpd).not.toBeNull();
  return site.cpd!;
}

const hoursByKey = (byArea: CpdLog['byArea']) => Object.fromEntries(byArea.map((a) => [a.area.key, a.hours]));

describe('the cpd fixture', () => {
  test('entries are oldest first, dated by the calendar day in the site’s time zone, unlisted included, drafts and future posts left out', async () => {
    const log = await logOf(await copyFixture('cpd'), noon('2025-06-01'));
    expect(log.entries.map((e) => [e.date, e.post.source])).toEqual([
      ['2020-03-02', 'posts/2020-03-02-old-conference.md'],
      ['2023-03-10', 'posts/2023-03-10-reading-group.md'],
      ['2024-01-15', 'posts/2024-01-15-vle-migration.md'],
      // 2024-08-31T23:30:00Z is 00:30 on 1 September in London.
      ['2024-09-01', 'posts/private-reflection.md'],
      // 2024-12-31T23:30:00-05:00 is 04:30 on 1 January 2025 in London.
      ['2025-01-01', 'posts/new-year-mentoring.md'],
    ]);
    expect(log.entries.find((e) => e.post.source === 'posts/private-reflection.md')!.post.unlisted).toBe(true);
  });

  test('a year counts an entry once; each of its areas counts it in full', async () => {
    const log = await logOf(await copyFixture('cpd'), noon('2025-06-01'));
    expect(log.years.map((y) => [y.year, y.total, y.entries.length])).toEqual([
      [2025, 0.75, 1],
      [2024, 4.5, 2],
      [2023, 2, 1],
      [2020, 6, 1],
    ]);
    const y2023 = log.years.find((y) => y.year === 2023)!;
    // One 2-hour entry in two areas: 2 hours in each, 2 in the year.
    expect(hoursByKey(y2023.byArea)).toEqual({ operational: 0, teaching: 2, 'wider-context': 0, communication: 2 });
    expect(hoursByKey(log.years.find((y) => y.year === 2025)!.byArea)).toEqual({ operational: 0.75, teaching: 0, 'wider-context': 0, communication: 0.75 });
    expect(hoursByKey(log.years.find((y) => y.year === 2024)!.byArea)).toEqual({ operational: 1.5, teaching: 3, 'wider-context': 0, communication: 0 });
    expect(log.total).toBe(13.25);
    expect(hoursByKey(log.byArea)).toEqual({ operational: 2.25, teaching: 5, 'wider-context': 6, communication: 2.75 });
  });

  test('areas keep site.yaml order and carry their titles; entries list their areas’ titles', async () => {
    const log = await logOf(await copyFixture('cpd'), noon('2025-06-01'));
    expect(log.framework).toBe('CMALT');
    expect(log.areas.map((a) => a.key)).toEqual(['operational', 'teaching', 'wider-context', 'communication']);
    const mentoring = log.entries.at(-1)!;
    expect(mentoring.areas).toEqual(['communication', 'operational']);
    expect(mentoring.areaTitles).toEqual(['Communication and working with others', 'Operational issues']);
  });

  test('--drafts puts drafts in the log', async () => {
    const log = await logOf(await copyFixture('cpd'), noon('2025-06-01'), true);
    expect(log.entries.map((e) => e.post.title)).toContain('An unfinished draft');
    expect(log.years.find((y) => y.year === 2024)!.total).toBe(14.5);
  });
});

describe('areas without evidence in the last three years', () => {
  test('are decided by the build’s now: an area whose latest entry is older than three years is flagged, with that entry', async () => {
    const log = await logOf(await copyFixture('cpd'), noon('2025-06-01'));
    expect(log.asOf).toBe('2025-06-01');
    expect(log.staleAreas.map((s) => [s.area.key, s.lastEntry?.date])).toEqual([['wider-context', '2020-03-02']]);
  });

  test('the window is the three years after the same day three years before: the boundary day itself is outside', async () => {
    const root = await copyFixture('cpd');
    // The conference (2020-03-02) is evidence up to 2023-03-01 and no longer on 2023-03-02.
    const before = await logOf(root, noon('2023-03-01'));
    expect(before.staleAreas.map((s) => s.area.key)).toEqual(['operational', 'teaching', 'communication']);
    expect(before.staleAreas.every((s) => s.lastEntry === undefined)).toBe(true);
    const on = await logOf(root, noon('2023-03-02'));
    expect(on.staleAreas.map((s) => [s.area.key, s.lastEntry?.date])).toEqual([
      ['operational', undefined],
      ['teaching', undefined],
      ['wider-context', '2020-03-02'],
      ['communication', undefined],
    ]);
  });

  test('"now" is a calendar day in the site’s time zone', async () => {
    const root = await copyFixture('cpd');
    // 23:30 UTC on 1 March 2023 is still 1 March in London (GMT); 00:30 on 2 March UTC is 2 March.
    expect((await logOf(root, new Date('2023-03-01T23:30:00Z'))).asOf).toBe('2023-03-01');
    const auckland = await writeSite({
      'site.yaml': 'timezone: Pacific/Auckland\n',
      'posts/2020-03-02-a.md': post({ title: 'A', cpd: { hours: 1, activity: 'Reading', areas: ['teaching'] } }),
    });
    // The same instant is already 2 March in Auckland, so the entry of 2 March 2020 is out of the window.
    const log = await logOf(auckland, new Date('2023-03-01T23:30:00Z'));
    expect(log.asOf).toBe('2023-03-02');
    expect(log.staleAreas.map((s) => s.area.key)).toContain('teaching');
  });
});

describe('sums and custom frameworks', () => {
  test('hours add up without binary-fraction noise', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': post({ title: 'A', cpd: { hours: 0.1, activity: 'A', areas: ['teaching'] } }),
      'posts/2024-01-02-b.md': post({ title: 'B', cpd: { hours: 0.2, activity: 'B', areas: ['teaching', 'operational'] } }),
    });
    const log = await logOf(root, noon('2025-01-01'));
    expect(log.years[0].total).toBe(0.3);
    expect(hoursByKey(log.years[0].byArea)).toEqual({ operational: 0.2, teaching: 0.3, 'wider-context': 0, communication: 0 });
  });

  test('site.yaml cpd.framework and cpd.areas replace CMALT', async () => {
    const root = await writeSite({
      'site.yaml': 'cpd:\n  framework: UKPSF\n  areas:\n    - { key: a1, title: "Design and plan learning activities" }\n    - { key: v3, title: "Professional values" }\n',
      'posts/2024-01-01-a.md': post({ title: 'A', cpd: { hours: 2, activity: 'Workshop', areas: ['v3', 'a1'] } }),
    });
    const log = await logOf(root, noon('2025-01-01'));
    expect(log.framework).toBe('UKPSF');
    expect(log.byArea.map((a) => [a.area.title, a.hours])).toEqual([
      ['Design and plan learning activities', 2],
      ['Professional values', 2],
    ]);
    expect(log.entries[0].areaTitles).toEqual(['Professional values', 'Design and plan learning activities']);
  });

  test('no post with cpd: no log', async () => {
    const root = await writeSite({ 'posts/2024-01-01-a.md': post({ title: 'A' }) });
    const { site } = await loadSite({ root, out: path.join(root, 'dist'), drafts: false, future: false, strict: false, now: noon('2025-01-01') });
    expect(site.cpd).toBeNull();
  });
});

describe('validation of the cpd block', () => {
  /** Builds once successfully, breaks one post, builds again: the error, exit 1, the old output intact. */
  async function brokenBuild(front: string, siteYaml = '') {
    const good = post({ title: 'Good', cpd: { hours: 1, activity: 'Reading', areas: ['teaching'] } });
    const root = await writeSite({ 'site.yaml': siteYaml, 'posts/2024-01-01-good.md': good, 'posts/2024-02-01-bad.md': post({ title: 'Good' }) });
    const first = await build(root);
    expect(first.code).toBe(0);
    const before = await listFiles(first.out);
    const csvBefore = await first.read('cpd/cpd.csv');
    await writeFile(path.join(root, 'posts/2024-02-01-bad.md'), `---\ntitle: Bad\n${front}\n---\nText.\n`);
    const second = await build(root);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(await listFiles(second.out)).toEqual(before);
    expect(await readFile(path.join(second.out, 'cpd/cpd.csv'), 'utf8')).toBe(csvBefore);
    return second.stderr;
  }

  test('an unknown area names the post and lists the known keys', async () => {
    const stderr = await brokenBuild('cpd:\n  hours: 1\n  activity: Reading\n  areas: [teaching, pedagogy]');
    expect(stderr).toBe(
      'posts/2024-02-01-bad.md:6:10 error: unknown CPD area "pedagogy" — use one of: operational, teaching, wider-context, communication (set in site.yaml cpd.areas)\n' +
        'Build failed: 1 error, 0 warnings; the previous output was left as it was\n',
    );
  });

  test('the known keys listed are the site’s own', async () => {
    const stderr = await brokenBuild(
      'cpd: { hours: 1, activity: Reading, areas: operational }',
      'cpd:\n  areas:\n    - { key: teaching, title: Teaching }\n    - { key: research, title: Research }\n',
    );
    expect(stderr).toBe(
      'posts/2024-02-01-bad.md:3:44 error: unknown CPD area "operational" — use one of: teaching, research (set in site.yaml cpd.areas)\n' +
        'Build failed: 1 error, 0 warnings; the previous output was left as it was\n',
    );
  });

  test.each([
    ['0', 'not 0'],
    ['-2', 'not -2'],
    ['"two"', 'not "two"'],
    ['', 'not null'],
  ])('hours: %s is refused', async (hours, shown) => {
    const stderr = await brokenBuild(`cpd:\n  hours: ${hours}\n  activity: Reading\n  areas: [teaching]`);
    expect(stderr).toBe(
      `posts/2024-02-01-bad.md:4:10 error: \`cpd.hours\` must be a number greater than 0, ${shown} — write e.g. hours: 1.5\n` +
        'Build failed: 1 error, 0 warnings; the previous output was left as it was\n',
    );
  });

  test('missing hours, activity and areas are each reported', async () => {
    const stderr = await brokenBuild('cpd: {}');
    expect(stderr.split('\n')).toEqual([
      'posts/2024-02-01-bad.md:3:6 error: `cpd.hours` must be a number greater than 0, not null — write e.g. hours: 1.5',
      'posts/2024-02-01-bad.md:3:6 error: `cpd.activity` must say what you did — write e.g. activity: "Reading group"',
      'posts/2024-02-01-bad.md:3:6 error: `cpd.areas` must list at least one area — write e.g. areas: [operational] (known areas: operational, teaching, wider-context, communication)',
      'Build failed: 3 errors, 0 warnings; the previous output was left as it was',
      '',
    ]);
  });
});
