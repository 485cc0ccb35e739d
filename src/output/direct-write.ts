/**
 * Writing one file under a folder, making its folders first: used by FsWriter (main thread)
 * and by worker threads that render pages straight into the writer's temporary folder
 * (render/post-batch.ts). Synchronous on purpose: a page is a few kilobytes, and the promise API
 * costs three thread-pool round trips per file (open, write, close) — at 4,000 pages about
 * 0.2 s more CPU than the system calls themselves, on a machine whose cores are all busy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Folders known to exist, for files written under one root (each thread keeps its own). */
export class MadeFolders {
  private readonly dirs = new Set<string>();
  constructor(readonly root: string) {}

  /** Makes `dir` (absolute) and any missing parents, once: one system call when the parent exists. */
  ensure(dir: string): void {
    if (this.dirs.has(dir)) return;
    if (!makeFolder(dir)) {
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`cannot make the folder ${dir}`);
      this.ensure(parent);
      makeFolder(dir);
    }
    this.dirs.add(dir);
  }

  /** `file` is relative to root, with forward slashes. */
  write(file: string, body: string | Uint8Array): void {
    const target = path.join(this.root, file);
    this.ensure(path.dirname(target));
    writeFileSync(target, body);
  }
}

/** False when the parent is missing; true when `dir` exists now. */
function makeFolder(dir: string): boolean {
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code !== 'EEXIST') throw e;
  }
  return true;
}

let made: MadeFolders | undefined;

/** `file` is relative to `folder`, with forward slashes. */
export function writeInto(folder: string, file: string, body: string | Uint8Array): void {
  if (made?.root !== folder) made = new MadeFolders(folder);
  made.write(file, body);
}
