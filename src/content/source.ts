/** Lists and reads posts/ and series/: UTF-8 checked, BOM removed, line ends made LF. */
import { closeSync, openSync, readSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostics } from '../errors.js';
import type { SourceFile } from '../types.js';
import { countWordsInBytes } from './words.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Editor droppings and hidden files are neither posts nor assets. */
export function isIgnored(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || name.startsWith('#') || /\.(swp|swx|tmp)$/.test(name);
}

/** The absolute path of an entry of a recursive readdir (Node 20 calls its folder `path`, later versions `parentPath`). */
export function direntPath(entry: Dirent): string {
  return path.join(direntFolder(entry), entry.name);
}

function direntFolder(entry: Dirent): string {
  return (entry as { parentPath?: string }).parentPath ?? (entry as { path: string }).path;
}

/** Every visible file under `dir`: its path relative to `dir` (forward slashes) -> absolute path. Empty when `dir` is missing. */
export async function listFolder(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    const abs = direntPath(e);
    found.set(path.relative(dir, abs).split(path.sep).join('/'), abs);
  }
  return found;
}

/** How many Markdown files posts/ and series/ hold (to decide on worker threads before reading them). */
export async function countMarkdownFiles(root: string): Promise<number> {
  // The files listFolder would list, counted by name alone: building each one's relative path
  // cost 15 ms at 4,000 posts, before the worker threads could start.
  const count = async (dir: string) => {
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.reduce((n, e) => (e.isFile() && !e.name.startsWith('.') && e.name.endsWith('.md') ? n + 1 : n), 0);
    } catch {
      return 0;
    }
  };
  const [posts, series] = await Promise.all([count(path.join(root, 'posts')), count(path.join(root, 'series'))]);
  return posts + series;
}

async function listFiles(root: string, folder: string, diag: Diagnostics): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') {
      diag.error({ file: folder, message: `${folder} is a file, but it must be a folder`, hint: `rename the file and make a folder called ${folder}/` });
      return [];
    }
    throw e;
  }
  // Each entry's path relative to the root from its folder's, worked out once a folder:
  // path.relative for each of 4,000 files cost ~20 ms before the first post could be read.
  const relFolders = new Map<string, string | undefined>();
  const relFolder = (dir: string) => {
    if (!relFolders.has(dir)) {
      const rel = path.relative(root, dir).split(path.sep).join('/');
      relFolders.set(dir, rel.split('/').some(isIgnored) ? undefined : rel);
    }
    return relFolders.get(dir);
  };
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || isIgnored(entry.name)) continue;
    const dir = relFolder(direntFolder(entry));
    if (dir !== undefined) files.push(`${dir}/${entry.name}`);
  }
  return files.sort();
}

export function decodeText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * One buffer for every file read (they are decoded at once): a new Buffer a file (readFileSync)
 * cost 15 ms more at 4,000 posts, and collecting them after.
 */
let readBuffer = Buffer.allocUnsafe(1 << 16);

/** A file's bytes, in readBuffer until the next call. */
function readBytes(absPath: string): Uint8Array {
  const fd = openSync(absPath, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === readBuffer.length) {
        const larger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(larger);
        readBuffer = larger;
      }
      const read = readSync(fd, readBuffer, length, readBuffer.length - length, null);
      if (read === 0) return readBuffer.subarray(0, length);
      length += read;
    }
  } finally {
    closeSync(fd);
  }
}

/** A Markdown file's text and words; undefined when it is not valid UTF-8. */
export function readMarkdown(absPath: string): Pick<SourceFile, 'text' | 'words'> | undefined {
  const bytes = readBytes(absPath);
  const text = decodeText(bytes);
  if (text === undefined) return undefined;
  // The decoder drops a byte-order mark, and decodeText a second one: not words.
  let start = 0;
  while (start < 6 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
  return { text, words: countWordsInBytes(start === 0 ? bytes : bytes.subarray(start)) };
}

/** A file under posts/ or series/, listed but not read yet. */
export type ListedSource = Omit<SourceFile, 'text' | 'words'>;

/**
 * Reads one listed source (an asset is not read): its text and words; an undecodable file is
 * reported and skipped. Synchronous: for small files the promise API costs about four times
 * the CPU (open, stat, read and close each a round trip through the thread pool), and the
 * build has nothing else to do meanwhile (4,000 posts: 60 ms instead of 270 ms).
 */
export function readListed(listed: ListedSource, diag: Diagnostics): SourceFile | undefined {
  if (listed.kind === 'asset') return listed;
  const read = readMarkdown(listed.absPath);
  if (read === undefined) {
    diag.error({ file: listed.path, message: 'this file is not valid UTF-8 text', hint: 'save it as UTF-8 in your editor (File > Save with encoding > UTF-8)' });
    return undefined;
  }
  return { ...listed, ...read };
}

/** Reads one Markdown source (see readListed). */
export async function readSource(root: string, rel: string, kind: SourceFile['kind'], diag: Diagnostics): Promise<SourceFile | undefined> {
  return readListed({ path: rel, absPath: path.join(root, rel), kind }, diag);
}

export function kindOf(rel: string): SourceFile['kind'] {
  if (!rel.endsWith('.md')) return 'asset';
  return rel.startsWith('series/') ? 'series' : 'post';
}

/**
 * Every file under posts/ and series/ (only .md files in series/), sorted by path, not read
 * yet: a build reads each source just before parsing it (see startParse in build.ts), so that
 * the first posts go to the worker threads before the last are read.
 */
export async function listSources(root: string, diag: Diagnostics): Promise<ListedSource[]> {
  const [posts, series] = await Promise.all([listFiles(root, 'posts', diag), listFiles(root, 'series', diag)]);
  return [...posts, ...series.filter((f) => f.endsWith('.md'))].map((rel) => ({ path: rel, absPath: path.join(root, rel), kind: kindOf(rel) }));
}

/** Every file under posts/ and series/, sorted by path; Markdown read and decoded. */
export async function loadSources(root: string, diag: Diagnostics): Promise<SourceFile[]> {
  const sources: SourceFile[] = [];
  for (const listed of await listSources(root, diag)) {
    const source = readListed(listed, diag);
    if (source) sources.push(source);
  }
  return sources;
}
