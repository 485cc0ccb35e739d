/**
 * parseFrontMatter hands gray-matter only the front matter block (gray-matter copies all of its
 * input into a Buffer); the body it gives back must be exactly what gray-matter makes of the
 * whole file, whatever the file looks like.
 */
import fc from 'fast-check';
import matter from 'gray-matter';
import { describe, expect, test } from 'vitest';
import { parseFrontMatter } from '../../src/content/front-matter.js';
import { isProblem } from '../../src/yaml.js';

/** gray-matter over the whole text, with an engine that reads nothing. */
function wholeFileBody(text: string): string {
  return matter(text, { engines: { yaml: () => ({}) } }).content;
}

const pieces = fc.constantFrom('---', '---\n', '----', '---yaml', '--- ', '\n', '\r\n', '\r', 'title: A', 'x', ' ', '# h', '---foo', '\n---\n', '\n---\r\n', '\n---\r', 'a: "b"');
const texts = fc.array(pieces, { maxLength: 14 }).map((p) => p.join(''));

describe('parseFrontMatter', () => {
  test('the body is what gray-matter makes of the whole file', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const fm = parseFrontMatter(text, 'posts/x.md');
        if (isProblem(fm)) return;
        expect(fm.body).toBe(wholeFileBody(text));
      }),
      { numRuns: Number(process.env.FOLIO_PROPERTY_RUNS ?? 1000), seed: Number(process.env.FOLIO_PROPERTY_SEED ?? 42) },
    );
  });

  test('a post: fields, body and the body line', () => {
    const fm = parseFrontMatter('---\ntitle: "Hello"\ndate: 2024-01-02\n---\nFirst line.\n\n---\n\nAfter a rule.\n', 'posts/x.md');
    expect(isProblem(fm)).toBe(false);
    if (isProblem(fm)) return;
    expect(fm.data).toEqual({ title: 'Hello', date: '2024-01-02' });
    expect(fm.body).toBe('First line.\n\n---\n\nAfter a rule.\n');
    expect(fm.bodyLine).toBe(5);
  });

  test('no front matter, and a block never closed', () => {
    for (const text of ['Just text.\n', '---\ntitle: open\n']) {
      const fm = parseFrontMatter(text, 'posts/x.md');
      if (isProblem(fm)) throw new Error(fm.message);
      expect(fm.body).toBe(wholeFileBody(text));
    }
  });
});
