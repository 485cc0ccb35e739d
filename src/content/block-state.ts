/**
 * markdown-it's block state, made faster. Its constructor splits the text into lines with a
 * loop over every character (5 ns a character: a tenth of a large site's Markdown time in
 * the worker's profile); this one looks at each line's leading spaces and tabs, then finds the
 * line's end with indexOf. The lines, indents and offsets are the same (tests/content/
 * block-state.test.ts compares them with markdown-it's on generated text), as is everything
 * else: it is markdown-it's own state class in all but its constructor.
 */
import type MarkdownIt from 'markdown-it';
import type { StateBlock } from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

type StateBlockClass = typeof StateBlock;

/** A constructor for `md.block.State` with markdown-it's prototype (and so its methods). */
export function fastBlockState(md: MarkdownIt): StateBlockClass {
  const Original = md.block.State;

  function FastStateBlock(this: StateBlock, src: string, mdInstance: MarkdownIt, env: unknown, tokens: Token[]): void {
    // The fields markdown-it's constructor sets, in its order.
    this.src = src;
    this.md = mdInstance;
    this.env = env;
    this.tokens = tokens;
    this.bMarks = [];
    this.eMarks = [];
    this.tShift = [];
    this.sCount = [];
    this.bsCount = [];
    this.blkIndent = 0;
    this.line = 0;
    this.lineMax = 0;
    this.tight = false;
    this.ddIndent = -1;
    this.listIndent = -1;
    this.parentType = 'root';
    this.level = 0;

    const len = src.length;
    let pos = 0;
    while (pos < len) {
      const start = pos;
      let indent = 0;
      let offset = 0;
      for (; pos < len; pos++) {
        const ch = src.charCodeAt(pos);
        if (ch === 0x20) offset++;
        else if (ch === 0x09) offset += 4 - (offset % 4);
        else break;
        indent++;
      }
      // Spaces to the end of the text, with no line end, make no line (as in markdown-it).
      if (pos === len) break;
      const newline = src.indexOf('\n', pos);
      const end = newline === -1 ? len : newline;
      this.bMarks.push(start);
      this.eMarks.push(end);
      this.tShift.push(indent);
      this.sCount.push(offset);
      this.bsCount.push(0);
      pos = end + 1;
    }

    // markdown-it's extra line past the end, to spare bounds checks.
    this.bMarks.push(len);
    this.eMarks.push(len);
    this.tShift.push(0);
    this.sCount.push(0);
    this.bsCount.push(0);
    this.lineMax = this.bMarks.length - 1;
  }
  FastStateBlock.prototype = Original.prototype;
  return FastStateBlock as unknown as StateBlockClass;
}
