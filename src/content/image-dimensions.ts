/**
 * Image sizes read at build time, so that every <img> carries its width and height and the
 * page does not jump as images arrive. Local files only (a folder post's own files, public/,
 * or files kept elsewhere in the site such as posts/images/); remote images are left alone.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { imageSize } from 'image-size';
import type { SourceFile } from '../types.js';

export interface Dimensions {
  width: number;
  height: number;
}

/** The site folder, from a source file's absolute and root-relative paths. */
function siteRootOf(source: Pick<SourceFile, 'path' | 'absPath'>): string {
  // Usually the absolute path is the root and the relative one: no need to resolve anything.
  const tail = path.sep === '/' ? source.path : source.path.split('/').join(path.sep);
  const cut = source.absPath.length - tail.length - 1;
  if (cut > 0 && source.absPath.endsWith(tail) && source.absPath[cut] === path.sep && path.isAbsolute(source.absPath)) {
    const root = source.absPath.slice(0, cut);
    if (path.normalize(root) === root) return root;
  }
  const depth = source.path.split('/').length - 1;
  return path.resolve(path.dirname(source.absPath), ...Array<string>(depth).fill('..'));
}

/**
 * What the file system said, kept until the current run of synchronous work ends (a batch of
 * posts, a dev rebuild): posts that show the same image read it once, and a folder that is not
 * there (no public/images/) answers for every file said to be in it without a look each. The next
 * run looks again, so a file added meanwhile is found.
 */
interface Lookups {
  /** Folder -> whether it exists. */
  folders: Map<string, boolean>;
  /** File -> its size, or undefined: missing, or not an image we can read. */
  files: Map<string, Dimensions | undefined>;
  /** Site folder and folder of an image's URL -> the candidate folders (see localImageDimensions) that exist. */
  urlFolders: Map<string, string[]>;
}

let lookups: Lookups | undefined;

function currentLookups(): Lookups {
  if (!lookups) {
    lookups = { folders: new Map(), files: new Map(), urlFolders: new Map() };
    queueMicrotask(() => {
      lookups = undefined;
    });
  }
  return lookups;
}

function isFolder(dir: string, known: Lookups): boolean {
  let exists = known.folders.get(dir);
  if (exists === undefined) {
    try {
      exists = statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      exists = false; // e.g. a file where a folder was expected
    }
    known.folders.set(dir, exists);
  }
  return exists;
}

function dimensionsOfFile(file: string): Dimensions | undefined {
  const known = currentLookups();
  if (known.files.has(file)) return known.files.get(file);
  const size = isFolder(path.dirname(file), known) ? readDimensions(file) : undefined;
  known.files.set(file, size);
  return size;
}

function readDimensions(file: string): Dimensions | undefined {
  let bytes: Buffer;
  try {
    // A missing file (the link checker reports it) is told without an exception, which is slow.
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const size = imageSize(bytes);
    if (!(size.width > 0 && size.height > 0)) return undefined;
    // EXIF orientations 5-8 are quarter turns: browsers show the image with its sides swapped.
    const turned = (size.orientation ?? 1) >= 5;
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
  } catch {
    return undefined; // not an image format image-size knows: no size rather than a wrong one
  }
}

/**
 * The size of the local file a site-relative URL (`/posts/x/photo.jpg`, no base path) points
 * at, as seen from the post `source` whose page is at `postUrl`; undefined when it is not a
 * local image.
 */
export function localImageDimensions(siteUrl: string, source: SourceFile, postUrl: string): Dimensions | undefined {
  if (!siteUrl.startsWith('/') || siteUrl.startsWith('//')) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(siteUrl.replace(/[?#].*$/, '')).slice(1);
  } catch {
    return undefined;
  }
  const root = siteRootOf(source);
  const candidates: string[] = [];
  // A folder post's own files are written beside its page.
  const pageDir = postUrl.slice(1);
  if (path.posix.basename(source.path) === 'index.md' && rel.startsWith(pageDir)) {
    candidates.push(path.join(path.dirname(source.absPath), rel.slice(pageDir.length)));
  }
  // public/ and the site folder, but only where the URL's folder exists (most sites have no
  // images/ in one of them, and a large one has thousands of images).
  const slash = rel.lastIndexOf('/');
  const name = rel.slice(slash + 1);
  for (const dir of existingUrlFolders(root, slash < 0 ? '' : rel.slice(0, slash))) candidates.push(path.join(dir, name));
  for (const file of candidates) {
    if (!file.startsWith(root + path.sep)) continue; // never read outside the site
    const size = dimensionsOfFile(file);
    if (size) return { ...size };
  }
  return undefined;
}

/** Of `public/<urlDir>` and `<urlDir>` in the site folder `root`, those that exist (in that order). */
function existingUrlFolders(root: string, urlDir: string): string[] {
  const known = currentLookups();
  const key = `${root}\0${urlDir}`;
  let found = known.urlFolders.get(key);
  if (!found) {
    found = [path.join(root, 'public', urlDir), path.join(root, urlDir)].filter((dir) => isFolder(dir, known));
    known.urlFolders.set(key, found);
  }
  return found;
}

// An <img> tag, quoted attribute values allowed to contain `>`.
const IMG_TAG = /<img\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const SRC_ATTR = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const SIZE_ATTR = /\s(?:width|height)\s*=/i;

/**
 * Adds width and height to every <img> in `html` that has neither and whose src (site-absolute,
 * under `basePath`, as the Markdown stage writes it) is a local image `dimensionsOf` can read.
 */
export function addImageDimensions(html: string, basePath: string, dimensionsOf: (siteUrl: string) => Dimensions | undefined): string {
  if (!html.includes('<img')) return html;
  return html.replace(IMG_TAG, (tag: string, attrs: string) => {
    if (SIZE_ATTR.test(attrs)) return tag;
    const m = SRC_ATTR.exec(attrs);
    const src = (m?.[1] ?? m?.[2] ?? m?.[3] ?? '').replace(/&amp;/g, '&');
    if (!src.startsWith(basePath)) return tag;
    const size = dimensionsOf(`/${src.slice(basePath.length)}`);
    if (!size) return tag;
    const selfClosing = attrs.endsWith('/');
    const kept = selfClosing ? attrs.slice(0, -1).trimEnd() : attrs;
    return `<img${kept} width="${size.width}" height="${size.height}"${selfClosing ? ' /' : ''}>`;
  });
}
