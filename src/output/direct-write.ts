/**
 * Writes straight into an FsWriter's temporary folder, for worker threads that render pages
 * (render-worker.ts): the folder the writer later swaps in, or removes, as always.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Folders this thread has made (or is making) in this build's folder.
let made = { folder: '', dirs: new Map<string, Promise<unknown>>() };

/** `file` is relative to `folder`, with forward slashes. */
export async function writeInto(folder: string, file: string, body: string | Uint8Array): Promise<void> {
  if (made.folder !== folder) made = { folder, dirs: new Map() };
  const target = path.join(folder, file);
  const dir = path.dirname(target);
  let ready = made.dirs.get(dir);
  if (!ready) made.dirs.set(dir, (ready = mkdir(dir, { recursive: true })));
  await ready;
  await writeFile(target, body);
}
