import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

test('the installed command (bin/folio.js, on the compiled lib/) builds a site and exits 0', async () => {
  // The launcher runs lib/ (and sets a V8 flag before loading it): compile lib/ as `npm install` does.
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT });
  const root = await writeSite({ 'posts/2024-01-05-hello.md': post({ title: 'Hello' }) });
  const out = path.join(await tempDir(), 'dist');
  const stdout = execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'folio.js'), 'build', '--root', root, '--out', out], { encoding: 'utf8' });
  expect(stdout).toMatch(/^Built \d+ pages from 1 post \(0 series, 0 tags\) in \d+\.\d\d s -> /);
  expect(existsSync(path.join(out, 'posts', 'hello', 'index.html'))).toBe(true);
}, 120_000);
