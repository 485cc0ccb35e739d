/**
 * URL slugs: lower-case ASCII, transliterated (`Réflexion à Paris` -> `reflexion-a-paris`).
 * @sindresorhus/slugify does the transliteration; we only fix the options and cache.
 */
import slugifyLib from '@sindresorhus/slugify';

const cache = new Map<string, string>();

export const SLUGIFY_OPTIONS = {
  decamelize: false,
  customReplacements: [
    ["'", ''],
    ['’', ''],
    ['&', ' and '],
  ] as [string, string][],
};

/**
 * Printable ASCII that the library would only lower-case and join with hyphens: no
 * transliteration, no `&` (" and "), no apostrophe (contractions), no `^` or `` ` `` (diacritics).
 * Most headings are like this, and the library takes ~15 µs per string (tests/slug.test.ts
 * checks that both agree).
 */
const PLAIN_ASCII = /^[\x20-\x25\x28-\x5d\x5f\x61-\x7e]*$/;

export function slugify(text: string): string {
  let s = cache.get(text);
  if (s === undefined) {
    s = PLAIN_ASCII.test(text)
      ? text.toLowerCase().replace(/[^a-z\d]+/g, '-').replace(/^-|-$/g, '')
      : slugifyLib(text, SLUGIFY_OPTIONS);
    if (cache.size > 50_000) cache.clear();
    cache.set(text, s);
  }
  return s;
}
