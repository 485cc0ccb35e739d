/**
 * parseFrontMatter reads only the front matter block, and splits the usual block itself rather
 * than through gray-matter (which copies all of its input into a Buffer, ~10 µs a file): the
 * fields and the body must be exactly what gray-matter makes of the whole file, whatever the
 * file looks like.
 */
import fc from 'fast-check';
import matter from 'gray-matter';
import { describe, expect, test } from 'vitest';
import { parseFrontMatter, readFrontMatter } from '../../src/content/front-matter.js';
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

  test('the block is split as gray-matter splits it: the same text to the YAML engine, the same data and body', () => {
    const withBom = fc.tuple(fc.boolean(), texts).map(([bom, text]) => (bom ? `\uFEFF${text}` : text));
    const morePieces = fc.constantFrom('---yml', '--- \n', '---\t\n', '# only a comment\n', '  # indented\n', 'x\n---', '---');
    const mixed = fc.array(fc.oneof(pieces, morePieces), { maxLength: 14 }).map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(withBom, mixed), (text) => {
        const outcome = (read: () => { data: unknown; content: string }, calls: string[]) => {
          try {
            const { data, content } = read();
            return { data, content, calls };
          } catch (e) {
            // A language gray-matter has no engine for.
            return { error: (e as Error).message, calls };
          }
        };
        const ours: string[] = [];
        const theirs: string[] = [];
        expect(outcome(() => readFrontMatter(text, (m) => (ours.push(m), { read: m.length })), ours)).toEqual(
          outcome(() => matter(text, { engines: { yaml: (m: string) => (theirs.push(m), { read: m.length }) } }), theirs),
        );
      }),
      { numRuns: Number(process.env.FOLIO_PROPERTY_RUNS ?? 3000), seed: Number(process.env.FOLIO_PROPERTY_SEED ?? 42) },
    );
  });

  test('a block naming a language goes to gray-matter: ---json is JSON, an unknown one an error naming it', () => {
    const json = parseFrontMatter('---json\n{"title": "J"}\n---\nBody.\n', 'posts/j.md');
    expect(isProblem(json) ? json.message : json.data).toEqual({ title: 'J' });
    const toml = parseFrontMatter('---toml\ntitle = "T"\n---\nBody.\n', 'posts/t.md');
    expect(isProblem(toml) && toml.message).toBe('cannot read the front matter: gray-matter engine "toml" is not registered');
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
