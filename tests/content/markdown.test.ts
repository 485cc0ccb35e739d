/**
 * Markdown's fast paths give exactly what the libraries they stand in for give: highlight.js's
 * common bundle (languages registered on first use), markdown-it's link normalizer and inline
 * `text` rule, and markdown-it-anchor's headerLink permalinks.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import hljsCommon from 'highlight.js/lib/common';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import MarkdownIt from 'markdown-it';
import anchor from 'markdown-it-anchor';
import footnote from 'markdown-it-footnote';
import { afterAll, describe, expect, test } from 'vitest';
import { COMMON_LANGUAGES, createNormalizeLink, textRule } from '../../src/content/markdown.js';
import { slugify } from '../../src/slug.js';
import { build, cleanTemp, post, writeSite } from '../helpers.js';

afterAll(cleanTemp);

const require = createRequire(import.meta.url);

/** What highlight.js/lib/common writes for a fence: highlighted, or escaped if it has no such language. */
function referenceFence(lang: string, fenced: string): string {
  const code = `${fenced}\n`; // a fence's content ends with its last line's newline
  const inner = hljsCommon.getLanguage(lang)
    ? hljsCommon.highlight(code, { language: lang, ignoreIllegals: true }).value
    : code.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return `<pre><code class="language-${lang}">${inner}</code></pre>`;
}

// Something for most grammars to bite on, with HTML, CSS, JavaScript and GraphQL inside each other.
const SAMPLE = [
  '<div class="note">x = "y" # comment & more</div>',
  '<script>const a = 1; // js</script><style>a { color: red; }</style>',
  'const page = html`<p>${name}</p>`; const q = gql`query { a }`; const s = css`b { c: d }`;',
  'def f(x): return x + 1  # python',
  '$ echo "$HOME" | grep -v foo',
  '<?php echo $x; ?> key: value',
  '>>> print(1)',
].join('\n');

describe('code highlighting: the languages of highlight.js/lib/common, registered when first used', () => {
  test('the same languages and aliases as lib/common', () => {
    expect(Object.keys(COMMON_LANGUAGES).sort()).toEqual([...hljsCommon.listLanguages()].sort());
    for (const [name, { aliases = [] }] of Object.entries(COMMON_LANGUAGES)) {
      expect(aliases, name).toEqual(hljsCommon.getLanguage(name)?.aliases ?? []);
    }
  });

  test('each language brings the languages it highlights inside itself (from its grammar)', () => {
    const hljs = (require('highlight.js/lib/core') as HLJSApi).newInstance();
    for (const [name, { embeds = [] }] of Object.entries(COMMON_LANGUAGES)) {
      const grammar = (require(`highlight.js/lib/languages/${name}`) as LanguageFn)(hljs);
      const inner = new Set<unknown>();
      const seen = new Set<object>();
      const walk = (value: unknown): void => {
        if (typeof value !== 'object' || value === null || seen.has(value)) return;
        seen.add(value);
        const subLanguage = (value as { subLanguage?: unknown }).subLanguage;
        if (subLanguage !== undefined) inner.add(subLanguage);
        Object.values(value).forEach(walk);
      };
      walk(grammar);
      // A list would mean "whichever registered language fits best": it would depend on what was used before.
      for (const s of inner) expect(typeof s, `${name} embeds ${JSON.stringify(s)}`).toBe('string');
      const common = [...inner].filter((s) => (s as string) in COMMON_LANGUAGES);
      expect(common.sort(), name).toEqual([...embeds].sort());
    }
  });

  test('every language and alias, in any case, is highlighted as lib/common does; others are escaped', async () => {
    const langs = Object.entries(COMMON_LANGUAGES).flatMap(([name, { aliases = [] }]) => [name, ...aliases]);
    langs.push('JavaScript', 'PY', 'mojolicious', 'elixir', 'constructor', '__proto__');
    const fences = langs.map((lang) => `\`\`\`${lang}\n${SAMPLE}\n\`\`\`\n`);
    // Half the posts each, in opposite orders: which language comes first differs between them.
    const root = await writeSite({
      'posts/2024-01-05-forward.md': post({ title: 'Forward' }, `Code.\n\n${fences.join('\n')}`),
      'posts/2024-01-06-backward.md': post({ title: 'Backward' }, `Code.\n\n${[...fences].reverse().join('\n')}`),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    for (const page of ['posts/forward/index.html', 'posts/backward/index.html']) {
      const html = await site.read(page);
      for (const lang of langs) expect(html, `${page}: ${lang}`).toContain(referenceFence(lang, SAMPLE));
    }
    expect(await site.read('posts/forward/index.html')).toContain('<span class="hljs-keyword">const</span>');
  });
});

describe('plain text', () => {
  test('markdown-it parses exactly the same with our text rule as with its own (fast-check, 20,000 documents)', () => {
    const stock = new MarkdownIt({ html: true, typographer: true }).use(footnote);
    const ours = new MarkdownIt({ html: true, typographer: true }).use(footnote);
    ours.inline.ruler.at('text', textRule);
    // Every character the rule stops at, and the constructs they start: links (nested labels
    // end the inline parser early), emphasis, code, entities, autolinks, HTML, footnotes.
    const piece = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'ab é\n!#$%&*+-:<=>@[\\]^_`{}~"\'().,?'), maxLength: 12 }),
      fc.constantFrom('[a *b* [c]](/x "t")', '![alt [x]](i.png)', '`code`', '**strong**', '_em_', '&amp;', '&#x41;', '<https://e.org>', '<b>hi</b>', '[^1]', '\n\n[^1]: note\n', '(c) -- ...', '\\*', '\n> q\n', '\n- item\n'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const src = pieces.join('');
        expect(ours.render(src)).toBe(stock.render(src));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('link URLs', () => {
  const markdownIt = new MarkdownIt();
  const reference = (url: string) => markdownIt.normalizeLink(url);
  const normalizeLink = createNormalizeLink(reference);

  test('are normalized exactly as markdown-it does (fast-check, 20,000 URLs)', () => {
    const label = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_é'), minLength: 0, maxLength: 70 });
    const host = fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.'));
    const pathPart = fc.string({ unit: fc.constantFrom(...'aZ09/?#:@&=+$,;-_.!~*\'()%20 é[]\\"<>`{}|^'), maxLength: 30 });
    const url = fc.tuple(
      fc.constantFrom('', '/', '//', 'http://', 'https://', 'HTTPS://', 'mailto:', 'ftp://', 'javascript:', '#', '?', './', '../', 'user@'),
      fc.oneof(host, fc.constant('')),
      fc.constantFrom('', ':8080', '@', ':'),
      pathPart,
    ).map((parts) => parts.join(''));
    fc.assert(
      fc.property(url, (u) => {
        expect(normalizeLink(u)).toBe(reference(u));
      }),
      { numRuns: 20_000, seed: 11 },
    );
    const longHost = `https://${Array(5).fill('a'.repeat(60)).join('.')}/x`; // over 255 characters: markdown-it drops it
    for (const u of [longHost, `https://${'b'.repeat(64)}.org/`, 'https://a..b/', 'http://a.b:80/', 'https://u@h.org/']) {
      expect(normalizeLink(u), u).toBe(reference(u));
    }
  });

  test('in a built page: escaped and punycoded where needed, the rest as written', async () => {
    const root = await writeSite({
      'posts/2024-01-05-links.md': post(
        { title: 'Links' },
        [
          '[a](/café/) [b](https://bücher.example/x) [c](/posts/plain/?q=1#top) [d](https://example.org/a?b=c;d#e)',
          '[e](/a%20b/) [f](<https://example.org/with space>) [g](mailto:me@example.org)',
        ].join('\n'),
      ),
    });
    const site = await build(root);
    const html = await site.read('posts/links/index.html');
    for (const href of [
      '/caf%C3%A9/', 'https://xn--bcher-kva.example/x', '/posts/plain/?q=1#top', 'https://example.org/a?b=c;d#e',
      '/a%20b/', 'https://example.org/with%20space', 'mailto:me@example.org',
    ]) {
      expect(html).toContain(`href="${href}"`);
    }
  });
});

describe('heading anchors', () => {
  const BODY = [
    '# Notes',
    '## Notes',
    '## Notes 1',
    '### `code` and *emphasis* — it’s “quoted”',
    '## *',
    '## ',
    'Setext heading',
    '--------------',
    '> ## In a quote',
    '- ## In a list',
    '## Réflexion à Paris & co',
    '## With a note[^1]',
    '## Notes',
    '',
    '[^1]: The note.',
    '',
  ].join('\n');

  test('the same ids and links as markdown-it-anchor’s headerLink', async () => {
    const reference = new MarkdownIt({ html: true, typographer: true })
      .use(footnote)
      .use(anchor, { slugify, tabIndex: false, permalink: anchor.permalink.headerLink({ safariReaderFix: true }) });
    const headings = (html: string) => html.match(/<h[1-6][^>]*>.*?<\/h[1-6]>/g) ?? [];
    const expected = headings(reference.render(BODY));
    expect(expected.length).toBe(12);

    const root = await writeSite({ 'posts/2024-01-05-headings.md': post({ title: 'Headings' }, BODY) });
    const site = await build(root);
    expect(site.code).toBe(0);
    const html = await site.read('posts/headings/index.html');
    const body = html.slice(html.indexOf('<h1 id="notes">'));
    expect(headings(body).slice(0, expected.length)).toEqual(expected);
    expect(body).toContain('<h2 id="notes-1"><a class="header-anchor" href="#notes-1"><span>Notes</span></a></h2>');
    expect(body).toContain('<h2 id="notes-1-1"><a class="header-anchor" href="#notes-1-1"><span>Notes 1</span></a></h2>');
    expect(body).toContain('<h2 id="reflexion-a-paris-and-co">');
  });
});

test('a NUL character in a post becomes U+FFFD, as CommonMark says', async () => {
  const root = await writeSite({ 'posts/2024-01-05-nul.md': post({ title: 'Nul' }, 'Before\u0000after.\n') });
  const site = await build(root);
  expect(site.code).toBe(0);
  expect(await site.read('posts/nul/index.html')).toContain('<p>Before\uFFFDafter.</p>');
});
