/**
 * Words for reading time: counted over the file's bytes as it is read, then the front matter's
 * taken away (content/words.ts) — the same count as over the decoded body itself.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeText, readMarkdown } from '../../src/content/source.js';
import { countWords, countWordsInBytes, wordsInTail } from '../../src/content/words.js';
import { build, cleanTemp, writeSite } from '../helpers.js';

afterAll(cleanTemp);

/** File text with the characters that matter: the four spaces, CR alone, other blanks, non-ASCII. */
const fileText = fc.string({
  unit: fc.constantFrom('a', 'é', '€', '😀', ' ', '\n', '\r\n', '\r', '\t', '\u00a0', '\u000b', '\u0000', '-', '---\n', '\ufeff'),
  maxLength: 60,
});

describe('word counts', () => {
  test('counting the bytes gives the count of the text (BOM removed, CRLF -> LF)', () => {
    fc.assert(
      fc.property(fileText, (raw) => {
        const bytes = new Uint8Array(Buffer.from(raw, 'utf8'));
        expect(countWordsInBytes(bytes)).toBe(countWords(raw.replace(/\r\n?/g, '\n')));
      }),
      { numRuns: 5000 },
    );
  });

  test('a file read gives the words of its decoded text, with or without a byte-order mark', async () => {
    const dir = await writeSite({});
    const file = path.join(dir, 'post.md');
    fc.assert(
      fc.property(fc.boolean(), fileText, (bom, raw) => {
        const bytes = Buffer.from((bom ? '\ufeff' : '') + raw, 'utf8');
        writeFileSync(file, bytes);
        const read = readMarkdown(file)!;
        expect(read.text).toBe(decodeText(bytes));
        expect(read.words).toBe(countWords(read.text!));
      }),
      { numRuns: 1000 },
    );
  });

  test('the words of any tail of a text, from the whole count, are the tail’s own', () => {
    fc.assert(
      fc.property(fileText, fc.nat(), (text, at) => {
        const cut = text.length === 0 ? 0 : at % (text.length + 1);
        const tail = text.slice(cut);
        expect(wordsInTail(text, countWords(text), tail.length)).toBe(countWords(tail));
      }),
      { numRuns: 5000 },
    );
  });

  test('a few by hand', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  one\ttwo\r\nthree  ')).toBe(3);
    expect(countWords('a\u00a0b')).toBe(1);
    expect(wordsInTail('title: x\n---\nbody text', 5, 'body text'.length)).toBe(2);
    expect(wordsInTail('head-and-body', 1, 'body'.length)).toBe(1);
  });
});

describe('reading time in a build', () => {
  test('counts the body only, whatever the front matter holds, with CRLF line ends and a BOM', async () => {
    const description = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const body = Array.from({ length: 1100 }, (_, i) => (i % 11 === 10 ? `w${i}\r\n` : `w${i} `)).join('');
    const root = await writeSite({
      'site.yaml': 'title: Words\nurl: https://example.org/\n',
      'posts/2024-01-02-long.md': Buffer.from(`\ufeff---\r\ntitle: Long\r\ndate: 2024-01-02\r\ndescription: "${description}"\r\n---\r\n${body}`, 'utf8'),
    });
    const site = await build(root);
    expect(site.code).toBe(0);
    // 1,100 words / 220 a minute; with the description's 600 counted it would say 8.
    const $ = await site.html('posts/long/index.html');
    expect($('.post-meta').first().text()).toContain('5 min read');
  });
});
