/**
 * A post's excerpt is cut from its rendered page when it can be (src/content/markdown.ts):
 * the page and the excerpt are exactly what rendering the excerpt on its own gives, whatever
 * the Markdown.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createMarkdown } from '../../src/content/markdown.js';

const cut = createMarkdown({ basePath: '/' });
const alone = createMarkdown({ basePath: '/', excerptFromPage: false });

/** Blocks of the kinds a post has, and those that change how markdown-it renders their neighbours. */
const block = fc.constantFrom(
  'A paragraph with *emphasis*, `code`, a [link](../other/) and "quotes".',
  'Two lines\nof one paragraph.',
  'A paragraph with a footnote.[^1]',
  '[^1]: The footnote.',
  '## A heading',
  '- tight\n- list',
  '- loose\n\n- list',
  '1. one\n2. two\n\n   A paragraph in the list.',
  '> A quotation.\n>\n> Of two paragraphs.',
  '```js\nconst a = "<b>";\n```',
  '    indented code',
  '<div class="raw">HTML block</div>',
  '<!-- more -->',
  '<!--more-->',
  '---',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '![An image](/images/x.jpg)',
  '',
);

describe('excerpts cut from the page', () => {
  test('give the same page and excerpt as rendering the excerpt alone (fast-check, 3,000 posts)', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 8 }), (blocks) => {
        const text = blocks.join('\n\n');
        const ours = cut(text, '/posts/x/');
        const reference = alone(text, '/posts/x/');
        expect(ours.html).toBe(reference.html);
        expect(ours.excerptHtml).toBe(reference.excerptHtml);
        expect(ours.links).toEqual(reference.links);
      }),
      { numRuns: 3_000, seed: 11 },
    );
  });

  test.each([
    ['the first paragraph', '## Title\n\nFirst *one*.\n\nSecond.', '<p>First <em>one</em>.</p>\n'],
    ['what comes before <!-- more -->', 'One.\n\n- a\n- b\n\n<!-- more -->\n\nLater.', '<p>One.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n'],
    ['the first paragraph without its footnote reference', 'Claim.[^n]\n\n[^n]: Source.', '<p>Claim.</p>\n'],
    ['nothing, without a paragraph', '## Only a heading', ''],
  ])('%s', (_, text, excerpt) => {
    expect(cut(text).excerptHtml).toBe(excerpt);
    expect(alone(text).excerptHtml).toBe(excerpt);
  });
});
