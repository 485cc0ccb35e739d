/**
 * A worker thread warms its Markdown code up on made-up posts until its first batch comes
 * (src/content/warm-up.ts): it must stop as soon as it is told to, or when its time is up.
 * (That the output stays the same with it is tests/parallel.test.ts's business.)
 */
import { describe, expect, test } from 'vitest';
import { warmUpMarkdown } from '../../src/content/warm-up.js';

describe('warming up the Markdown code', () => {
  test('stops at the first turn after it is told to', async () => {
    let asked = 0;
    expect(await warmUpMarkdown(() => ++asked > 3, 60_000)).toBe(3);
    expect(asked).toBe(4);
  });

  test('stops when its time is up, and lets other work run between posts', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const started = performance.now();
    await warmUpMarkdown(() => false, 150);
    clearInterval(timer);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(2_000);
    expect(turns).toBeGreaterThan(0);
  });
});
