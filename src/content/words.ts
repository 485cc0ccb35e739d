/**
 * A post's words, for its reading time: runs of characters other than space, tab, CR and LF in
 * the Markdown as written (markup included).
 */

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** isSpace by byte, 1 or 0. */
const SPACE_BYTE = Uint8Array.from({ length: 256 }, (_, c) => (isSpace(c) ? 1 : 0));

export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/**
 * countWords over the file's UTF-8 bytes, before decoding: the same count, since the four
 * spaces are single bytes and every byte of any other character is none of them (and CRLF ->
 * LF turns a space into a space). A byte-order mark is dropped from the text: leave it out.
 * About half the time of a pass over the decoded text, once one of the larger costs of reading
 * a large site's front matter. A table rather than isSpace's four comparisons: 20 MB (4,000
 * posts) in ~33 ms instead of ~55 ms.
 */
export function countWordsInBytes(bytes: Uint8Array): number {
  let n = 0;
  let previousSpace = 1;
  for (let i = 0; i < bytes.length; i++) {
    const space = SPACE_BYTE[bytes[i]];
    n += previousSpace & (space ^ 1);
    previousSpace = space;
  }
  return n;
}

/**
 * The words in the last `tailLength` characters of `text`, given `textWords`, the count for all
 * of it: only the head is counted (a word the cut splits counts in both parts).
 */
export function wordsInTail(text: string, textWords: number, tailLength: number): number {
  const cut = text.length - tailLength;
  const head = text.slice(0, cut);
  const split = cut > 0 && cut < text.length && !isSpace(text.charCodeAt(cut - 1)) && !isSpace(text.charCodeAt(cut));
  return textWords - countWords(head) + (split ? 1 : 0);
}
