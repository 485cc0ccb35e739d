/** Counting a site's Markdown files (to decide on worker threads before reading them). */
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { countMarkdownFiles, listSources, loadSources, readListed } from '../../src/content/source.js';
import { Diagnostics } from '../../src/errors.js';
import { cleanTemp, writeSite } from '../helpers.js';

afterAll(cleanTemp);

describe('countMarkdownFiles', () => {
  test('counts .md files under posts/ and series/, in folders too, and no others', async () => {
    const root = await writeSite({
      'posts/2024-01-01-a.md': 'x',
      'posts/2024-01-02-b/index.md': 'x',
      'posts/2024-01-02-b/photo.jpg': 'x',
      'posts/.hidden.md': 'x',
      'posts/notes.txt': 'x',
      'series/what-is.md': 'x',
      'drafts/elsewhere.md': 'x',
      'README.md': 'x',
    });
    expect(await countMarkdownFiles(root)).toBe(3);
    // The same files the load stage reads.
    const sources = await loadSources(root, new Diagnostics());
    expect(sources.filter((s) => s.kind !== 'asset').map((s) => s.path)).toEqual(['posts/2024-01-01-a.md', 'posts/2024-01-02-b/index.md', 'series/what-is.md']);
  });

  test('is 0 for a site without posts/ or series/', async () => {
    const root = await writeSite({ 'site.yaml': 'title: Empty\n' });
    expect(await countMarkdownFiles(root)).toBe(0);
    expect(await countMarkdownFiles(path.join(root, 'missing'))).toBe(0);
  });
});

describe('loadSources', () => {
  test('reads every file whole, whatever its size, each with its own text and words', async () => {
    // 64 KB is the size of the buffer files are read into: these are smaller, equal and larger.
    const sized = (bytes: number, word: string) => `${word} `.repeat(Math.floor(bytes / (word.length + 1)));
    const files = {
      'posts/2024-01-01-large.md': sized(200_000, 'large'),
      'posts/2024-01-02-exact.md': 'e'.repeat(65_535) + '\n',
      'posts/2024-01-03-small.md': 'small words here',
      'posts/2024-01-04-empty.md': '',
      'posts/2024-01-05-accents.md': 'é'.repeat(40_000),
    };
    const root = await writeSite(files);
    const sources = await loadSources(root, new Diagnostics());
    expect(sources.map((s) => [s.path, s.text, s.words])).toEqual([
      ['posts/2024-01-01-large.md', files['posts/2024-01-01-large.md'], 33_333],
      ['posts/2024-01-02-exact.md', files['posts/2024-01-02-exact.md'], 1],
      ['posts/2024-01-03-small.md', 'small words here', 3],
      ['posts/2024-01-04-empty.md', '', 0],
      ['posts/2024-01-05-accents.md', files['posts/2024-01-05-accents.md'], 1],
    ]);
  });
});

describe('listSources', () => {
  test('lists what loadSources reads, in the same order, without reading it; readListed reads one', async () => {
    const root = await writeSite({
      'posts/2024-01-02-b/index.md': 'second',
      'posts/2024-01-02-b/photo.jpg': 'x',
      'posts/2024-01-01-a.md': 'first post',
      'series/what-is.md': 'name: What is',
      'series/notes.txt': 'not a series file',
      // Hidden folders and editor droppings, at any depth: neither posts nor assets.
      'posts/.obsidian/workspace.md': 'x',
      'posts/2024-01-02-b/.trash/old.md': 'x',
      'posts/drafts~/c.md': 'x',
      'posts/2024-01-01-a.md~': 'x',
      'posts/2024-01-02-b/#photo.jpg#': 'x',
    });
    const diag = new Diagnostics();
    const listed = await listSources(root, diag);
    expect(listed).toEqual([
      { path: 'posts/2024-01-01-a.md', absPath: path.join(root, 'posts/2024-01-01-a.md'), kind: 'post' },
      { path: 'posts/2024-01-02-b/index.md', absPath: path.join(root, 'posts/2024-01-02-b/index.md'), kind: 'post' },
      { path: 'posts/2024-01-02-b/photo.jpg', absPath: path.join(root, 'posts/2024-01-02-b/photo.jpg'), kind: 'asset' },
      { path: 'series/what-is.md', absPath: path.join(root, 'series/what-is.md'), kind: 'series' },
    ]);
    expect(listed.map((l) => readListed(l, diag))).toEqual(await loadSources(root, diag));
    expect(readListed(listed[0], diag)).toMatchObject({ text: 'first post', words: 2 });
    // An asset is not read.
    expect(readListed(listed[2], diag)).toBe(listed[2]);
    expect(diag.problems).toEqual([]);
  });

  test('a file that is not UTF-8 is reported when it is read, and skipped', async () => {
    const root = await writeSite({ 'posts/2024-01-01-a.md': 'fine' });
    await writeFile(path.join(root, 'posts/2024-01-02-latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const diag = new Diagnostics();
    const listed = await listSources(root, diag);
    expect(listed.map((l) => l.path)).toEqual(['posts/2024-01-01-a.md', 'posts/2024-01-02-latin1.md']);
    expect(diag.problems).toEqual([]);
    expect(readListed(listed[1], diag)).toBeUndefined();
    expect(diag.problems).toEqual([
      { severity: 'error', file: 'posts/2024-01-02-latin1.md', message: 'this file is not valid UTF-8 text', hint: 'save it as UTF-8 in your editor (File > Save with encoding > UTF-8)' },
    ]);
  });
});
