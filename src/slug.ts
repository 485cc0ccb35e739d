/**
 * URL slugs: lower-case ASCII, transliterated (`Réflexion à Paris` -> `reflexion-a-paris`).
 * @sindresorhus/slugify does the transliteration; we only fix the options and cache.
 */
import slugifyLib from '@sindresorhus/slugify';

const cache = new Map<string, string>();

export function slugify(text: string): string {
  let s = cache.get(text);
  if (s === undefined) {
    s = slugifyLib(text, {
      decamelize: false,
      customReplacements: [
        ["'", ''],
        ['’', ''],
        ['&', ' and '],
      ],
    });
    if (cache.size > 50_000) cache.clear();
    cache.set(text, s);
  }
  return s;
}
