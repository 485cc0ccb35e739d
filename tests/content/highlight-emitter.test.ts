/**
 * The emitter that writes highlighted HTML directly (src/content/highlight-emitter.ts) gives
 * exactly what highlight.js's own token tree gives, in every language Folio highlights,
 * sub-languages and unfinished code included.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import type { HLJSApi, LanguageFn } from 'highlight.js';
import { describe, expect, test } from 'vitest';
import { HtmlEmitter } from '../../src/content/highlight-emitter.js';
import { COMMON_LANGUAGES } from '../../src/content/markdown.js';

const require = createRequire(import.meta.url);
const core = require('highlight.js/lib/core') as HLJSApi;

function withLanguages(hljs: HLJSApi): HLJSApi {
  for (const name of Object.keys(COMMON_LANGUAGES)) hljs.registerLanguage(name, require(`highlight.js/lib/languages/${name}`) as LanguageFn);
  return hljs;
}

const stock = withLanguages(core.newInstance());
const direct = withLanguages(core.newInstance());
direct.configure({ __emitter: HtmlEmitter });

const both = (code: string, language: string) => [
  direct.highlight(code, { language, ignoreIllegals: true }).value,
  stock.highlight(code, { language, ignoreIllegals: true }).value,
];

const SAMPLES: [string, string][] = [
  ['javascript', 'export async function f(a = "x", { b } = {}) {\n  // a <comment> & more\n  return `t ${a + 1}` + /re[g]/gi.source;\n}\nclass A extends B { #p = 1; static m() { return this.#p; } }'],
  ['typescript', 'interface E<T> { id: string; hours?: number }\nexport const total = (es: E<number>[]): number => es.reduce((n, e) => n + (e.hours ?? 0), 0);'],
  ['python', 'def total(entries):\n    """Hours, in \'all\'."""\n    return sum(e.get("hours", 0) for e in entries if e)  # <ok>\n\n@decorator\nclass X(Base): pass'],
  ['bash', '#!/bin/bash\n# Back up\nmkdir -p ~/backup && rsync -av --delete "./drafts/" ~/backup/\nfor f in *.md; do echo "$f ${f%.md}"; done'],
  ['xml', '<!DOCTYPE html>\n<html lang="en"><head><style>body { color: red; } a > b { x: "y" }</style>\n<script>const a = 1 < 2 && "q";</script></head>\n<body class="x" data-a=\'b\'>&amp; text <!-- note --></body></html>'],
  ['markdown', '# Title\n\nSome *emph* and `code` with <b>html</b> & [a link](http://x.org "t").\n\n```js\nconst a = 1;\n```\n\n> quote'],
  ['php-template', '<p><?php echo "Hello <b>" . $name; ?></p>\n<script>let x = "<?= $y ?>";</script>'],
  ['css', '@media (max-width: 600px) { .a::before { content: "\\201C"; color: #fff !important; } }'],
  ['json', '{ "a": [1, 2.5e3, true, null], "b": { "c": "d\\"e" } }'],
  ['yaml', 'title: "A \'post\'"\ntags: [a, b]\ndate: 2024-03-05\nobj:\n  key: |\n    text <here>\n'],
  ['sql', "SELECT a, COUNT(*) FROM t WHERE b = 'x''y' AND c < 3 GROUP BY a; -- done"],
  ['shell', '$ npm run build\n> folio@0.1.0 build\nBuilt 39 pages & "more"'],
  ['python-repl', '>>> print("a < b")\na < b\n>>> x = [1, 2]'],
  ['diff', '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old <line>\n+new & line'],
  ['rust', 'fn main() { let s: &str = "a"; println!("{}", s); } // done'],
  ['javascript', 'const unfinished = `template ${ open'],
  ['xml', '<div><span class="a"'],
  ['markdown', '<div>\n*not closed'],
  ['plaintext', 'just <text> & "quotes" \'here\''],
];

describe('HtmlEmitter', () => {
  test.each(SAMPLES)('writes what highlight.js’s tree writes: %s', (language, code) => {
    const [ours, theirs] = both(code, language);
    expect(ours).toBe(theirs);
    if (language !== 'plaintext') expect(ours).toContain('<span class="');
  });

  test('every language Folio highlights, on code made of their punctuation and words (fast-check)', () => {
    const piece = fc.constantFrom(
      ...['<', '>', '&', '"', "'", '`', '/', '*', '#', '$', '{', '}', '(', ')', '[', ']', ';', ':', '=', '.', ',', '\n', ' ', '  ', '\\', '-', '!', '?', '@', '%'],
      ...['function', 'return', 'class', 'def', 'if', 'echo', 'const', 'let', 'x', 'y1', '42', '3.5', 'true', 'null', '<script>', '</script>', '<style>', '<?php', '?>', '<!--', '-->', '```', '"""', "'''", '# ', '//', '/*', '*/'],
    );
    const languages = Object.keys(COMMON_LANGUAGES);
    fc.assert(
      fc.property(fc.constantFrom(...languages), fc.array(piece, { maxLength: 60 }), (language, pieces) => {
        const [ours, theirs] = both(pieces.join(''), language);
        expect(ours).toBe(theirs);
      }),
      { numRuns: 3_000 },
    );
  });
});
