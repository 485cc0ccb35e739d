/** Counting a site's Markdown files (to decide on worker threads before reading them). */
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { countMarkdownFiles, loadSources } from '../../src/content/source.js';
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
