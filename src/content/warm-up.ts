/**
 * A worker thread starts before the main thread has any post for it (the main thread is still
 * reading the sources and their front matter), and its first few hundred posts run two to three
 * times slower than the rest while V8 compiles markdown-it's and highlight.js's code for the
 * work it sees. While it waits, it renders a made-up post with the same kinds of Markdown,
 * so that the real ones start on warmer code. Nothing it renders goes anywhere.
 */
import { parseConfig } from '../config.js';
import { Diagnostics } from '../errors.js';
import { createParseContext } from './parse-worker.js';
import { renderPostBody } from './posts.js';

const CODE: Record<string, string> = {
  js: 'export function visible(items, now = new Date()) {\n  const seen = new Set();\n  return items.filter((item) => !seen.has(item.id) && item.due > now);\n}\nconsole.log(visible([{ id: 1 }]).length);',
  ts: 'interface Entry {\n  id: string;\n  hours?: number;\n}\n\nexport const total = (entries: Entry[]): number => entries.reduce((n, e) => n + (e.hours ?? 0), 0);',
  python: 'def total(entries):\n    """Hours, in all."""\n    return sum(e.get("hours", 0) for e in entries if e)\n\nprint(total([{"hours": 1.5}]))',
  bash: '# Back up the drafts\nmkdir -p ~/backup\nrsync -av --delete ./drafts/ ~/backup/\nfind ~/backup -name "*.md" | wc -l',
};

/**
 * What posts usually have — headings, emphasis, links, lists, a quotation, a table, code — in
 * pieces: rendered one at a time, so that a batch that comes meanwhile waits for one piece at
 * most (a whole sample post took 20-30 ms on cold code, and the first batch waited for it).
 */
function samplePieces(n: number): string[] {
  const paragraph = (k: number) =>
    `Paragraph ${n}.${k} on *reflective practice*, with **strong words**, \`inline code\`, a [link](https://example.org/${n}/${k}) and "quotes" -- that's all (c) ${k}.`;
  const fences = Object.entries(CODE).map(([lang, code]) => `\`\`\`${lang}\n${code}\n\`\`\``);
  return [
    paragraph(1),
    `## What I tried ${n}\n\n${paragraph(2)}`,
    '- one point\n- another, *with emphasis*\n  - and a nested one\n\n1. first\n2. second',
    `> A quotation from part ${n},\n> over two lines.`,
    '| a | b |\n|---|---|\n| 1 | 2 |',
    fences[n % fences.length],
    `## What I learned ${n}\n\n${paragraph(3)}`,
  ];
}

/**
 * Renders sample pieces, one per turn of the event loop, until `stop()` is true (a real batch
 * has come) or `budgetMs` have gone by. Resolves to the number of pieces rendered.
 */
export async function warmUpMarkdown(stop: () => boolean, budgetMs: number): Promise<number> {
  const started = performance.now();
  const ctx = createParseContext(parseConfig('', new Diagnostics()), new Date(0), new Diagnostics());
  let rendered = 0;
  for (let n = 0; ; n++) {
    for (const body of samplePieces(n)) {
      if (stop() || performance.now() - started >= budgetMs) return rendered;
      renderPostBody({ source: { path: 'posts/sample.md', absPath: '/sample.md', kind: 'post' }, body, bodyLine: 1, url: '/posts/sample/' }, ctx);
      rendered++;
      ctx.diag = new Diagnostics();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
