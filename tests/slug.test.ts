/** Slugs: the fast path for plain ASCII gives exactly what @sindresorhus/slugify gives. */
import slugifyLib from '@sindresorhus/slugify';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SLUGIFY_OPTIONS, slugify } from '../src/slug.js';

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

describe('slugify', () => {
  test('agrees with the library on every printable ASCII string (fast-check, 20,000 runs)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...PRINTABLE_ASCII), maxLength: 40 }), (s) => {
        expect(slugify(s)).toBe(slugifyLib(s, SLUGIFY_OPTIONS));
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  test('agrees with the library on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        expect(slugify(s)).toBe(slugifyLib(s, SLUGIFY_OPTIONS));
      }),
      { numRuns: 5_000, seed: 7 },
    );
  });

  test.each([
    ['Background and context', 'background-and-context'],
    ['What is a learning technologist?', 'what-is-a-learning-technologist'],
    ["Conway's Law & me", 'conways-law-and-me'],
    ['Réflexion à Paris', 'reflexion-a-paris'],
    ['  --Part 2: (draft)--  ', 'part-2-draft'],
    ['x^2 and `code`', 'x2-and-code'],
    ['\u212a is a kelvin', 'k-is-a-kelvin'],
    ['CamelCase Heading 2024', 'camelcase-heading-2024'],
  ])('%s -> %s', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });
});
