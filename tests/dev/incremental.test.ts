/**
 * The in-memory site on its own (no server, no watcher): what a change re-renders, and that a
 * rest-of-rebuild dropped halfway by the next change leaves nothing wrong behind.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { build, cleanTemp, copyFixture, post } from '../helpers.js';
import { DevSite, type RebuildReport } from '../../src/dev/incremental.js';
import { outputPath } from '../../src/output/writer.js';

afterAll(cleanTemp);

const ORIGIN = 'http://127.0.0.1:9';

async function loadFixture() {
  const root = await copyFixture('dev-blog');
  const reports: RebuildReport[] = [];
  const site = new DevSite({ root, drafts: true, origin: ORIGIN, onReport: (r) => reports.push(r) });
  await site.load();
  return { root, site, reports };
}

/** Every file of a fresh `folio build` equals what the dev site serves. */
async function expectSameAsBuild(root: string, site: DevSite): Promise<void> {
  const built = await build(root, ['--drafts', '--base-url', `${ORIGIN}/blog/`]);
  expect(built.code).toBe(0);
  for (const file of (await built.files()).filter((f) => !f.startsWith('.folio'))) {
    const served = site.file(file);
    const asset = site.asset(file);
    expect(served !== undefined || asset !== undefined, file).toBe(true);
    if (served) expect(String(served.body), file).toBe(await built.read(file));
  }
}

describe('DevSite', () => {
  test('an edit renders that page first; the rest renders only the pages whose data changed', async () => {
    const { root, site, reports } = await loadFixture();
    const file = 'posts/2024-04-10-standalone.md';
    await writeFile(path.join(root, file), post({ title: 'A standalone note, renamed', tags: ['teaching'] }, 'Edited.\n'));
    await site.update([file]);
    const first = reports.at(-1)!;
    expect(first).toMatchObject({ ok: true, scope: 'first', changed: [file], updated: ['posts/standalone/index.html'] });
    expect(site.restPending).toBe(true);
    site.completeRest();
    const rest = reports.at(-1)!;
    expect(rest.scope).toBe('rest');
    // Lists that show the title; not /tags/ (it shows counts) nor the sitemap (same dates).
    expect(rest.updated.sort()).toEqual(['archive/index.html', 'feed.json', 'feed.xml', 'index.html', 'tags/teaching/index.html']);
    expect(site.restPending).toBe(false);
    await expectSameAsBuild(root, site);
  });

  test('asking for a page the rest has not rendered yet renders the rest first', async () => {
    const { root, site } = await loadFixture();
    const file = 'posts/2024-02-10-second-thoughts.md';
    await writeFile(path.join(root, file), post({ title: 'Second thoughts (2)', series: 'Learning in public', series_part: 2, tags: ['reflection'] }, 'Again.\n'));
    await site.update([file]);
    expect(site.restPending).toBe(true);
    expect(String(site.file(outputPath('/archive/'))!.body)).toContain('Second thoughts (2)');
    expect(site.restPending).toBe(false);
  });

  test('a rest dropped halfway by the next change, then done, serves what a build writes', async () => {
    const { root, site, reports } = await loadFixture();
    const a = 'posts/2024-01-10-first-steps.md';
    const b = 'posts/2024-03-10-third-time.md';
    await writeFile(path.join(root, a), post({ title: 'First steps, again', series: 'Learning in public', series_part: 1, tags: ['reflection'] }, 'One.\n'));
    await site.update([a]);
    const text = await readFile(path.join(root, b), 'utf8');
    await writeFile(path.join(root, b), text.replace('title: "Third time"', 'title: "Third time, again"'));
    const inSteps = site.completeRestInSteps(); // runs its first step, then waits for its turn
    const updating = site.update([b]); // the next change comes meanwhile
    await Promise.all([inSteps, updating]);
    expect(reports.filter((r) => r.scope === 'rest')).toHaveLength(0); // the dropped one served nothing
    expect(site.restPending).toBe(true);
    await site.completeRestInSteps();
    const rest = reports.filter((r) => r.scope === 'rest');
    expect(rest).toHaveLength(1);
    expect(rest[0].changed).toEqual([a, b]);
    await expectSameAsBuild(root, site);
  });
});
