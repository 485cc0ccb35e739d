/**
 * Property: whatever front matter and Markdown a writer types, Folio either builds or
 * reports formatted problems — never an uncaught exception, a stack trace or a hang.
 * CI runs 1,000 cases with a fixed seed; FOLIO_PROPERTY_RUNS=20000 runs more locally
 * (FOLIO_PROPERTY_SEED picks another seed).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, expect, test } from 'vitest';
import { cleanTemp, runCli, tempDir } from './helpers.js';

afterAll(cleanTemp);

const RUNS = Number(process.env.FOLIO_PROPERTY_RUNS ?? 1000);
const SEED = Number(process.env.FOLIO_PROPERTY_SEED ?? 20261128);

const fieldValue = fc.oneof(
  fc.string(),
  fc.integer({ min: -3, max: 30 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2024-02-30', '2024-01-01 25:00', 'yesterday', '../../x', 'unlisted', 'listed', 'teaching', 'CC BY 2.0'),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('src', 'alt', 'hours', 'activity', 'areas', 'credit', 'x'), fc.anything(), { maxKeys: 4 }),
);

const frontMatter = fc.oneof(
  // Known fields with values of any type.
  fc
    .record(
      {
        title: fieldValue,
        date: fieldValue,
        updated: fieldValue,
        description: fieldValue,
        tags: fieldValue,
        series: fc.oneof(fc.constantFrom('S', 's', 'Series one'), fieldValue),
        series_part: fieldValue,
        draft: fieldValue,
        visibility: fieldValue,
        slug: fieldValue,
        image: fieldValue,
        cpd: fieldValue,
        serie: fieldValue,
      },
      { requiredKeys: [] },
    )
    .map((o) => stringify(o)),
  // Arbitrary structured YAML.
  fc.anything({ maxDepth: 2 }).map((o) => {
    try {
      return stringify(o);
    } catch {
      return 'title: x';
    }
  }),
  // Raw text between the fences: often not YAML at all.
  fc.string({ unit: 'grapheme', maxLength: 80 }),
);

const markdownPiece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '\n', '\n\n', '# ', '## ', '* ', '1. ', '> ', '```js\n', '```\n', '`', '**', '_', '[a](', '](/posts/x/)', '![', '](img.png)',
    '![](', '<!-- more -->\n', '| a | b |\n|---|---|\n', '[^1]', '[^1]: note\n', '<div>', '</div>', '<a href="/x">', '&amp;',
    '---\n', '\r\n', '\u0000', '\uFEFF', '{{ title }}', '{% if %}',
  ),
);
const markdown = fc.array(markdownPiece, { maxLength: 40 }).map((parts) => parts.join(''));

const postFile = fc.record({ fm: frontMatter, body: markdown, fenced: fc.boolean() }).map(({ fm, body, fenced }) => (fenced ? `---\n${fm}\n---\n${body}` : body));

const PROBLEM_LINE = /^(\S.*? )?(error|warning): .+$/;
const SUMMARY_LINE = /^(Build|Check) failed: \d+ errors?, \d+ warnings?(; the previous output was left as it was)?$/;

test(`random posts never crash the build (${RUNS} runs, seed ${SEED})`, async () => {
  const root = await tempDir('folio-prop-');
  const posts = path.join(root, 'posts');
  await fc.assert(
    fc.asyncProperty(fc.array(postFile, { minLength: 1, maxLength: 3 }), fc.boolean(), async (files, strict) => {
      await rm(posts, { recursive: true, force: true });
      await mkdir(posts, { recursive: true });
      await Promise.all(files.map((text, i) => writeFile(path.join(posts, `2024-01-0${i + 1}-post-${i}.md`), text)));
      const run = await runCli(['check', '--root', root, ...(strict ? ['--strict'] : [])]);
      expect([0, 1]).toContain(run.code);
      expect(run.stderr).not.toContain('looks like a bug');
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const lines = run.stderr.split('\n').filter(Boolean);
      for (const line of lines) expect(PROBLEM_LINE.test(line) || SUMMARY_LINE.test(line), line).toBe(true);
      if (run.code === 1) expect(lines.some((l) => / error: /.test(l))).toBe(true);
      else expect(run.stdout).toMatch(/^Checked \d+ pages from \d+ posts? /);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
}, 600_000);
