/** The progress line: only on a terminal, only outside CI, only for builds longer than a second. */
import { describe, expect, test } from 'vitest';
import { PROGRESS_AFTER_MS, ProgressLine, wantsProgress } from '../src/progress.js';

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
