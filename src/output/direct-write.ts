/**
 * Synchronous writes straight into an FsWriter's temporary folder, for worker threads that
 * render pages (render-worker.ts): the folder the writer later swaps in, or removes, as always.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// Folders this thread has made in this build's folder.
let made = { folder: '', dirs: new Set<string>() };

/** `file` is relative to `folder`, with forward slashes. */
export function writeInto(folder: string, file: string, body: string | Uint8Array): void {
  if (made.folder !== folder) made = { folder, dirs: new Set() };
  const target = path.join(folder, file);
  const dir = path.dirname(target);
  if (!made.dirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.dirs.add(dir);
  }
  // Synchronous: a worker thread has nothing else to do meanwhile.
  writeFileSync(target, body);
}
