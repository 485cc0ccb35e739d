/**
 * The front-matter fast path (src/content/simple-yaml.ts) must read exactly what the `yaml`
 * package reads — values, types and positions — or step aside. Generated front matter mixes
 * what it takes with what it must refuse (numbers of every YAML form, booleans, nulls, dates,
 * quotes, comments, nesting, duplicates, odd keys).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSimpleYaml } from '../src/content/simple-yaml.js';
import { isProblem, parseYaml } from '../src/yaml.js';
import { FIXTURES } from './helpers.js';

const KEYS = ['title', 'date', 'tags', 'series', 'series_part', 'draft', 'description', 'slug', 'x-y', '_k', 'true', 'null', 'Yes', '__proto__', 'a b', '1', 'k.v'];
const VALUES = [
  '"On reframing rigid metrics"', '"with: colon # and hash"', '""', "'single quoted'", "'it''s'", '"esc \\" aped"', '"tab\\there"',
  'plain words here', "don't stop", 'a "quoted" middle', 'value: with colon', 'ends with colon:', 'x #comment', 'a#b', 'ratio 3:4',
  '2015-01-01T10:43:00Z', '2024-03-05', '2024-03-05 14:30', '12', '007', '-3', '+4', '1.5', '1.', '.5', '1e3', '1_000', '0x1F', '0o17', '0b101',
  '.inf', '-.Inf', '.nan', 'inf', 'true', 'True', 'FALSE', 'false', 'yes', 'no', 'on', 'null', 'Null', '~', '', '   ',
  '[reflection, cmalt]', '[open education, higher-education]', '[]', '[ a , b ]', '[a, 2]', '[a, true]', '[a, "b"]', '[a,]', '[a: b]', '[x # y]',
  '{a: b}', '&anchor x', '*alias', '!tag x', '|', '>', '- item', '? q', '@at', '%p', '`tick`', 'a  b', 'trailing   ', 'ünïcödé wörds', '😀 emoji',
];
const LINE = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(':', ': ', ':   '), fc.constantFrom(...VALUES)).map(([k, sep, v]) => `${k}${sep}${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '# a comment', '  indented: x', '- item', '---', 'just words', 'k:v', '\tk: v', 'nested:', '  child: 1') },
);

function compare(src: string, firstLine: number): boolean {
  const fast = parseSimpleYaml(src, firstLine);
  if (!fast) return false;
  const full = parseYaml(src, 'posts/x.md', firstLine);
  expect(isProblem(full), `the fast path read what the full parser refuses:\n${src}`).toBe(false);
  if (isProblem(full)) return true;
  expect(fast.data).toStrictEqual(full.data);
  const keys = fast.data && typeof fast.data === 'object' ? Object.keys(fast.data) : [];
  for (const key of [...keys, 'missing']) {
    expect(fast.positionOf([key]), `position of ${key}`).toEqual(full.positionOf([key]));
    expect(fast.positionOf([key], true), `position of ${key}'s value`).toEqual(full.positionOf([key], true));
    expect(fast.positionOf([key, 'deeper'])).toEqual(full.positionOf([key, 'deeper']));
  }
  return true;
}

describe('the front-matter fast path', () => {
  test('reads exactly what the yaml package reads, or steps aside (fast-check, 20,000 documents)', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.array(LINE, { minLength: 0, maxLength: 8 }), fc.boolean(), fc.integer({ min: 1, max: 3 }), (lines, leadingNewline, firstLine) => {
        if (compare(`${leadingNewline ? '\n' : ''}${lines.join('\n')}\n`, firstLine)) taken++;
      }),
      { numRuns: 20_000, seed: 11 },
    );
    // It must also be used, not only be safe.
    expect(taken).toBeGreaterThan(1000);
  });

  test('takes the front matter of every post of the example blog and of the fixtures it can', () => {
    const files = readdirSync(FIXTURES, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.md') && !f.includes('invalid'));
    let taken = 0;
    for (const f of files) {
      const text = readFileSync(path.join(FIXTURES, f), 'utf8');
      const m = /^---\n([\s\S]*?)\n---/.exec(text);
      if (m && compare(`\n${m[1]}\n`, 1)) taken++;
    }
    expect(taken).toBeGreaterThan(files.length / 2);
  });

  test('a benchmark-corpus post is read by the fast path', () => {
    const src = '\ntitle: "On reframing rigid metrics"\ndate: 2015-01-01T10:43:00Z\ntags: [higher-education, wellbeing, technology-enhanced-learning]\ndescription: "Measuring my workshop during developers, and what our team reflected for that messy stakeholder."\nseries: "Notes on open badges"\nseries_part: 3\n';
    expect(compare(src, 1)).toBe(true);
    expect(parseSimpleYaml(src, 1)?.data).toEqual({
      title: 'On reframing rigid metrics',
      date: '2015-01-01T10:43:00Z',
      tags: ['higher-education', 'wellbeing', 'technology-enhanced-learning'],
      description: 'Measuring my workshop during developers, and what our team reflected for that messy stakeholder.',
      series: 'Notes on open badges',
      series_part: 3,
    });
  });
});
