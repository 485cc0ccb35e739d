/**
 * The only module that writes the site. FsWriter writes into a temporary folder beside
 * the output and swaps it in on commit; MemoryWriter keeps files for tests and `check`.
 */
import { copyFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { MadeFolders } from './direct-write.js';

export interface Writer {
  /** Where the site goes, for messages. */
  readonly target: string;
  /** `file` is relative to the output root, with forward slashes. */
  write(file: string, body: string | Buffer): Promise<void>;
  copy(fromAbs: string, file: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Written into every output so Folio only ever replaces a folder it wrote itself. */
export const OUTPUT_MARKER = '.folio-output';

/** `/posts/x/` -> `posts/x/index.html`; `/feed.xml` -> `feed.xml`. */
export function outputPath(url: string): string {
  const rel = url.replace(/^\/+/, '');
  return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Refuses an output folder whose replacement could destroy the writer's work:
 * the site root or an ancestor, a source folder, or a non-empty folder Folio did not write.
 */
export async function checkOutputFolder(root: string, out: string): Promise<void> {
  const r = path.resolve(root);
  const o = path.resolve(out);
  if (o === path.parse(o).root) throw new UsageError(`refusing to write the site to ${o}: it is the file system root`);
  if (isInside(r, o)) {
    throw new UsageError(`refusing to write the site to ${out}: it ${r === o ? 'is' : 'contains'} the site folder, which would be replaced — choose a folder such as ${path.join(root, 'dist')}`);
  }
  for (const source of ['posts', 'templates', 'public', 'series', 'src']) {
    if (isInside(o, path.join(r, source))) {
      throw new UsageError(`refusing to write the site to ${out}: it is inside ${source}/ — choose a folder outside the site's sources, such as ${path.join(root, 'dist')}`);
    }
  }
  let entries: string[];
  try {
    const s = await stat(o);
    if (!s.isDirectory()) throw new UsageError(`refusing to write the site to ${out}: it is a file, not a folder`);
    entries = await readdir(o);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new UsageError(`refusing to write the site to ${out}: part of that path is a file, not a folder`);
    throw e;
  }
  if (entries.length > 0 && !entries.includes(OUTPUT_MARKER)) {
    throw new UsageError(
      `refusing to replace ${out}: it is not empty and was not written by Folio — choose an empty or new folder, or empty this one yourself`,
    );
  }
}

export class FsWriter implements Writer {
  readonly temp: string;
  private readonly made: MadeFolders;

  readonly target: string;

  constructor(readonly out: string) {
    this.target = out;
    this.temp = `${out}.folio-tmp-${process.pid}-${Date.now().toString(36)}`;
    this.made = new MadeFolders(this.temp);
  }

  async write(file: string, body: string | Buffer): Promise<void> {
    this.made.write(file, body);
  }

  async copy(fromAbs: string, file: string): Promise<void> {
    const target = path.join(this.temp, file);
    this.made.ensure(path.dirname(target));
    await copyFile(fromAbs, target);
  }

  async commit(): Promise<void> {
    await this.write(OUTPUT_MARKER, 'This folder was written by Folio; the next build replaces it.\n');
    const old = `${this.out}.folio-old-${process.pid}-${Date.now().toString(36)}`;
    let moved = false;
    try {
      await rename(this.out, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      await rename(this.temp, this.out);
    } catch (e) {
      if (moved) await rename(old, this.out);
      throw e;
    }
    if (moved) await rm(old, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    await rm(this.temp, { recursive: true, force: true });
  }
}

export class MemoryWriter implements Writer {
  readonly target = 'memory';
  readonly files = new Map<string, string | Buffer>();
  readonly copies = new Map<string, string>();
  committed = false;

  async write(file: string, body: string | Buffer): Promise<void> {
    this.files.set(file, body);
  }

  async copy(fromAbs: string, file: string): Promise<void> {
    this.copies.set(file, fromAbs);
  }

  async commit(): Promise<void> {
    this.committed = true;
  }

  async abort(): Promise<void> {
    this.files.clear();
    this.copies.clear();
  }
}
