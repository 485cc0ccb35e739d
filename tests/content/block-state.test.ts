/**
 * The faster block state (src/content/block-state.ts) splits text into the lines markdown-it's
 * own does, and markdown-it renders the same with it.
 */
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import footnote from 'markdown-it-footnote';
import { describe, expect, test } from 'vitest';
import { fastBlockState } from '../../src/content/block-state.js';

const FIELDS = ['src', 'bMarks', 'eMarks', 'tShift', 'sCount', 'bsCount', 'blkIndent', 'line', 'lineMax', 'tight', 'ddIndent', 'listIndent', 'parentType', 'level'] as const;

/** Text made of what the line split looks at: spaces, tabs and line ends, and other characters. */
const text = fc.string({ unit: fc.constantFrom(' ', '  ', '\t', '\n', '\n\n', 'a', '-', '>', '`', 'é', '\r', '\u00a0'), maxLength: 40 });

describe('fast block state', () => {
  const md = new MarkdownIt();
  const Fast = fastBlockState(md);
  const Stock = md.block.State;

  test('has markdown-it’s lines, indents and offsets for any text (fast-check, 10,000 texts)', () => {
    fc.assert(
      fc.property(text, (src) => {
        const env = {};
        const ours = new Fast(src, md, env, []);
        const theirs = new Stock(src, md, env, []);
        const pick = (state: typeof ours) => FIELDS.map((field) => [field, state[field]]);
        expect(pick(ours)).toEqual(pick(theirs));
        expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      }),
      { numRuns: 10_000 },
    );
  });

  test('keeps markdown-it’s methods', () => {
    const state = new Fast('a\n\n  b', md, {}, []);
    expect(state).toBeInstanceOf(Stock);
    expect(state.isEmpty(1)).toBe(true);
    expect(state.skipEmptyLines(1)).toBe(2);
    expect(state.getLines(0, 3, 0, false)).toBe('a\n\n  b');
    expect(state.getLines(0, 3, 2, false)).toBe(new Stock('a\n\n  b', md, {}, []).getLines(0, 3, 2, false));
  });

  test('markdown-it renders the same with it (fast-check, 10,000 documents)', () => {
    const stock = new MarkdownIt({ html: true, typographer: true }).use(footnote);
    const ours = new MarkdownIt({ html: true, typographer: true }).use(footnote);
    ours.block.State = fastBlockState(ours);
    // The block constructs, indented with spaces and tabs: code, lists, quotes, fences, tables.
    const line = fc.tuple(
      fc.constantFrom('', ' ', '  ', '    ', '\t', ' \t', '\t\t'),
      fc.constantFrom('text', '- item', '1. one', '> quote', '```js', '```', '    code', '# Heading', '| a | b |', '|---|---|', '<div>', '</div>', '[^1]: note', '[x]: /u', '***', '', 'para *em*'),
    ).map(([indent, body]) => indent + body);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 14 }), fc.constantFrom('', '\n', ' ', '\t'), (lines, end) => {
        const src = lines.join('\n') + end;
        expect(ours.render(src)).toBe(stock.render(src));
      }),
      { numRuns: 10_000 },
    );
  });
});
