/** The progress line: only on a terminal, only outside CI, only for builds longer than a second. */
import { afterAll, describe, expect, test } from 'vitest';
import { buildSite } from '../src/build.js';
import { MemoryWriter } from '../src/output/writer.js';
import { PROGRESS_AFTER_MS, ProgressLine, wantsProgress } from '../src/progress.js';
import { cleanTemp, post, writeSite } from './helpers.js';

afterAll(cleanTemp);

function lineWithClock() {
  let now = 0;
  let written = '';
  const line = new ProgressLine((s) => void (written += s), 0, () => now);
  return {
    line,
    at: (ms: number) => void (now = ms),
    written: () => written,
  };
}

describe('ProgressLine', () => {
  test('says nothing during the first second', () => {
    const p = lineWithClock();
    p.at(PROGRESS_AFTER_MS - 1);
    p.line.update({ stage: 'parse', done: 50, total: 4000 });
    p.line.clear();
    expect(p.written()).toBe('');
  });

  test('then overwrites one line, at most ten times a second, and clears it at the end', () => {
    const p = lineWithClock();
    p.at(1200);
    p.line.update({ stage: 'parse', done: 1200, total: 4000 });
    p.at(1250);
    p.line.update({ stage: 'parse', done: 1250, total: 4000 });
    p.at(1400);
    p.line.update({ stage: 'parse', done: 4000, total: 4000 });
    p.at(1410);
    p.line.update({ stage: 'write', done: 4415, total: 4415 });
    p.line.clear();
    expect(p.written()).toBe(
      '\rParsed 1,200 of 4,000 posts\x1b[K' + '\rParsed 4,000 of 4,000 posts\x1b[K' + '\rWrote 4,415 of 4,415 files\x1b[K' + '\r\x1b[K',
    );
    expect(p.written()).not.toContain('\n');
  });
});

describe('wantsProgress', () => {
  test('only when stderr is a terminal and CI is not set', () => {
    expect(wantsProgress(true, {})).toBe(true);
    expect(wantsProgress(true, { CI: 'false' })).toBe(true);
    expect(wantsProgress(true, { CI: 'true' })).toBe(false);
    expect(wantsProgress(true, { CI: '1' })).toBe(false);
    expect(wantsProgress(false, {})).toBe(false);
    expect(wantsProgress(undefined, {})).toBe(false);
  });
});

describe('progress reported by a build', () => {
  test('a build on worker threads reports posts parsed, then files written out of a total that is never behind', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 120; i++) files[`posts/2024-01-${String((i % 28) + 1).padStart(2, '0')}-p${i}.md`] = post({ title: `Post ${i}`, ...(i % 4 ? {} : { series: 'S', series_part: i / 4 }) }, `Body of post ${i}.\n`);
    const root = await writeSite(files);
    const reports: { stage: string; done: number; total: number }[] = [];
    const result = await buildSite({ root, out: '/nowhere', drafts: false, future: false, strict: false, workers: 1, onProgress: (p) => reports.push({ ...p }) }, new MemoryWriter());
    const writes = reports.filter((r) => r.stage === 'write');
    expect(reports.some((r) => r.stage === 'parse')).toBe(true);
    expect(writes.length).toBeGreaterThan(1);
    for (const r of writes) {
      expect(r.total).toBeGreaterThan(0);
      expect(r.done).toBeLessThanOrEqual(r.total);
    }
    expect(writes.at(-1)!.done).toBe(writes.at(-1)!.total);
    expect(writes.at(-1)!.total).toBe(result.files);
  });
});
