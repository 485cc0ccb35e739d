/**
 * html-validate (recommended rules) over every page of the built example blog and of the
 * theme fixture. No browser needed; it lives here because it judges the same pages.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanTemp, FIXTURES, listFiles, REPO_ROOT, runCli, tempDir } from '../helpers.js';

afterAll(cleanTemp);

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    // `<!doctype html>` and `<!DOCTYPE html>` are the same doctype; the rule only prefers a case.
    'doctype-style': 'off',
    // A search-snippet length hint, not validity: a post's <title> is "<post title> — <site
    // title>" (SPEC §6, tests/render/metadata.test.ts), and how long a writer's titles are is theirs.
    'long-title': 'off',
  },
});

describe.each([
  { name: 'the example blog', root: REPO_ROOT },
  { name: 'the theme fixture', root: path.join(FIXTURES, 'theme-site') },
])('html-validate on every page of $name', ({ root }) => {
  test('no errors or warnings', async () => {
    const out = path.join(await tempDir('folio-html-'), 'site');
    const run = await runCli(['build', '--root', root, '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const pages = (await listFiles(out)).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(10);
    const messages: string[] = [];
    for (const page of pages) {
      const report = await validator.validateString(await readFile(path.join(out, page), 'utf8'), page);
      for (const result of report.results) {
        for (const m of result.messages) messages.push(`${page}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
      }
    }
    expect(messages).toEqual([]);
  });
});
