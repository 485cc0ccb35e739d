import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { build, cleanTemp, post, REPO_ROOT, tempDir, writeSite } from './helpers.js';

afterAll(cleanTemp);

test('a one-post site builds', async () => {
  const root = await writeSite({ 'posts/2024-01-05-hello.md': post({ title: 'Hello' }) });
  const site = await build(root);
  expect(site.stderr).toBe('');
  expect(site.code).toBe(0);
  const $ = await site.html('posts/hello/index.html');
  expect($('h1').text()).toBe('Hello');
});

test('the installed command (bin/folio.js, on the bundled lib/) builds a site, with a worker thread too, and exits 0', async () => {
  // The launcher runs lib/ (and sets a V8 flag before loading it): tests/global-setup.ts compiled
  // and bundled it, as `npm install` does.
  // bin/folio.js takes the bundle when it is at least as new as the compiled CLI.
  expect(statSync(path.join(REPO_ROOT, 'lib', 'cli.bundle.mjs')).mtimeMs).toBeGreaterThanOrEqual(statSync(path.join(REPO_ROOT, 'lib', 'cli.js')).mtimeMs);
  const root = await writeSite({ 'posts/2024-01-05-hello.md': post({ title: 'Hello' }, 'Some *text*.\n\n```js\nconst a = 1;\n```\n') });
  for (const workers of ['0', '1']) {
    const out = path.join(await tempDir(), 'dist');
    const stdout = execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'folio.js'), 'build', '--root', root, '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, FOLIO_WORKERS: workers },
    });
    expect(stdout).toMatch(/^Built \d+ pages from 1 post \(0 series, 0 tags\) in \d+\.\d\d s -> /);
    const page = readFileSync(path.join(out, 'posts', 'hello', 'index.html'), 'utf8');
    expect(page).toContain('<p>Some <em>text</em>.</p>');
    expect(page).toContain('<span class="hljs-keyword">const</span>');
  }
}, 120_000);

test("the bundled tinypool thread entry does not measure the worker's memory after every task", () => {
  // scripts/bundle.mjs replaces process.memoryUsage in that file alone (0.07 s at 4,000 posts).
  const entry = readFileSync(path.join(REPO_ROOT, 'lib', 'entry', 'worker.js'), 'utf8');
  expect(entry).toContain('folioNoMemoryUsage');
  expect(entry).not.toMatch(/process\s*(\.|\[\s*["'])memoryUsage/);
  expect(entry).toMatch(/usedMemory: memoryUsage\(\)/);
});
