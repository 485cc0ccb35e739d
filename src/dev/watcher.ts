/**
 * Watches what a site is made of — posts/, series/, templates/, public/ and site.yaml — and
 * hands over changed paths in batches. chokidar 4+ has no globs, so the site folder itself
 * is watched and everything else in it is ignored (that also notices a folder created later).
 *
 * Saves come in bursts (an editor's atomic save is a temporary file and a rename; "save all"
 * writes many files; a file is truncated before its text is written), so changes are
 * collected until the file system has been quiet for a moment, and changes that arrive
 * during a rebuild wait for it and make one more. chokidar drops a
 * second change to one file within 50 ms of the first, so each batch's files are looked at
 * again shortly after their rebuild, and go round again if they changed meanwhile.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isIgnored } from '../content/source.js';

/** The top-level names of a site that `dev` watches. */
export const WATCHED = ['posts', 'series', 'templates', 'public', 'site.yaml'] as const;

export interface WatchOptions {
  /** Quiet time after the last change before a rebuild (ms). */
  quietMs?: number;
  /** Longest wait after the first change of a burst (ms). */
  maxWaitMs?: number;
  onError?: (error: Error) => void;
}

export interface SiteWatcher {
  /** Settles when the initial scan is done and changes are being seen. */
  ready: Promise<void>;
  /** Changes are waiting or being rebuilt. */
  readonly busy: boolean;
  close(): Promise<void>;
}

/** Chokidar's change throttle plus a margin. */
const RECHECK_MS = 60;

/** `rel` is a path inside the site folder with `/` separators. */
export function isWatched(rel: string): boolean {
  if (rel === '') return true;
  const parts = rel.split('/');
  if (!(WATCHED as readonly string[]).includes(parts[0])) return false;
  if (parts[0] === 'site.yaml') return parts.length === 1;
  return !parts.some(isIgnored);
}

async function fingerprint(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

/**
 * Calls `rebuild` with the changed paths (relative to `root`, `/` separators), one call at
 * a time, never with an empty list.
 */
export function watchSite(root: string, rebuild: (changed: string[]) => Promise<void>, options: WatchOptions = {}): SiteWatcher {
  const quietMs = options.quietMs ?? 10;
  const maxWaitMs = options.maxWaitMs ?? 100;
  const relative = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
  const pending = new Set<string>();
  let burstStarted = 0;
  let timer: NodeJS.Timeout | undefined;
  const rechecks = new Set<NodeJS.Timeout>();
  let running: Promise<void> | undefined;
  let closed = false;

  const schedule = () => {
    if (closed || running || pending.size === 0) return;
    clearTimeout(timer);
    const waited = performance.now() - burstStarted;
    timer = setTimeout(flush, Math.max(0, Math.min(quietMs, maxWaitMs - waited)));
  };

  const flush = () => {
    timer = undefined;
    if (closed || running || pending.size === 0) return;
    const batch = [...pending].sort();
    pending.clear();
    running = (async () => {
      const seen = await Promise.all(batch.map((f) => fingerprint(path.join(root, f))));
      try {
        await rebuild(batch);
      } catch (e) {
        options.onError?.(e as Error);
      }
      if (closed) return;
      const recheck = setTimeout(async () => {
        rechecks.delete(recheck);
        const now = await Promise.all(batch.map((f) => fingerprint(path.join(root, f))));
        batch.forEach((f, i) => {
          if (now[i] !== seen[i]) note(f);
        });
      }, RECHECK_MS);
      rechecks.add(recheck);
    })().finally(() => {
      running = undefined;
      schedule();
    });
  };

  const note = (rel: string) => {
    if (closed) return;
    if (pending.size === 0) burstStarted = performance.now();
    pending.add(rel);
    schedule();
  };

  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    ignored: (abs) => !isWatched(relative(abs)),
  });
  watcher.on('all', (event, abs) => {
    if (event === 'addDir') return; // its files come as their own events
    note(relative(abs));
  });
  // Every file system event, before chokidar's throttling: while files are still being
  // written (a truncate, then the text), the batch waits for them to be quiet.
  watcher.on('raw', () => {
    if (pending.size > 0) schedule();
  });
  watcher.on('error', (e) => options.onError?.(e as Error));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    get busy() {
      return pending.size > 0 || running !== undefined;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const t of rechecks) clearTimeout(t);
      await watcher.close();
      await running;
    },
  };
}
