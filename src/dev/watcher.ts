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
import { readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { direntPath, isIgnored } from '../content/source.js';

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
/** When to look into a new folder for files chokidar may have missed (ms, and whether it is the last look). */
const NEW_FOLDER_SWEEPS: [number, boolean][] = [
  [100, false],
  [1000, true],
];

/** `rel` is a path inside the site folder with `/` separators. */
export function isWatched(rel: string): boolean {
  if (rel === '') return true;
  const parts = rel.split('/');
  if (!(WATCHED as readonly string[]).includes(parts[0])) return false;
  if (parts[0] === 'site.yaml') return parts.length === 1;
  return !parts.some(isIgnored);
}

/** Synchronous on purpose: chokidar's rescans queue thousands of stats in libuv's threads. */
function fingerprint(file: string): string {
  try {
    const s = statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

/**
 * The watching thread. On each change in a folder chokidar reads the folder again and stats
 * every file in it: for a posts/ folder of thousands of posts that is tens of milliseconds of
 * work per save, which on the main thread would hold up the very rebuild it announces. Plain
 * JavaScript run with `eval`, so it is the same from src/ (the tests) and lib/; it reports
 * every event, and the main thread decides what belongs to the site (isWatched).
 */
const WATCH_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
const { root, chokidar, watched } = workerData;
import(chokidar).then(({ watch }) => {
  const watcher = watch(root, {
    ignoreInitial: true,
    ignored: (abs) => {
      const parts = path.relative(root, abs).split(path.sep);
      if (parts[0] === '') return false;
      return !watched.includes(parts[0]) || (parts[0] === 'site.yaml' && parts.length > 1);
    },
  });
  watcher.on('all', (event, abs) => parentPort.postMessage({ type: 'change', event, path: abs }));
  watcher.on('raw', () => parentPort.postMessage({ type: 'raw' }));
  watcher.on('error', (e) => parentPort.postMessage({ type: 'error', message: String((e && e.message) || e) }));
  watcher.on('ready', () => parentPort.postMessage({ type: 'ready' }));
  parentPort.on('message', (m) => {
    if (m === 'close') watcher.close().then(() => parentPort.close());
  });
}, (e) => parentPort.postMessage({ type: 'error', message: String((e && e.message) || e) }));
`;

type ThreadMessage =
  | { type: 'change'; event: string; path: string }
  | { type: 'raw' }
  | { type: 'ready' }
  | { type: 'error'; message: string };

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
  const timers = new Set<NodeJS.Timeout>();
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
      const seen = batch.map((f) => fingerprint(path.join(root, f)));
      try {
        await rebuild(batch);
      } catch (e) {
        options.onError?.(e as Error);
      }
      if (closed) return;
      const recheck = setTimeout(() => {
        timers.delete(recheck);
        const now = batch.map((f) => fingerprint(path.join(root, f)));
        batch.forEach((f, i) => {
          if (now[i] !== seen[i]) note(f);
        });
      }, RECHECK_MS);
      timers.add(recheck);
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

  // A new folder's files come as their own events — except a file written while chokidar
  // was between reading the folder and watching it. So look into new folders a little later.
  const newFolders = new Map<string, Set<string>>();
  const lookInto = (folder: string) => {
    if (newFolders.has(folder)) return;
    newFolders.set(folder, new Set());
    const sweep = (last: boolean) => {
      const seen = newFolders.get(folder);
      if (closed || !seen) return;
      let entries: Dirent[] = [];
      try {
        entries = readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true });
      } catch {
        // gone again
      }
      for (const e of entries) {
        if (!e.isFile()) continue;
        const rel = relative(direntPath(e));
        if (!seen.has(rel) && isWatched(rel)) {
          seen.add(rel);
          note(rel);
        }
      }
      if (last) newFolders.delete(folder);
    };
    for (const [ms, last] of NEW_FOLDER_SWEEPS) {
      const t = setTimeout(() => {
        timers.delete(t);
        sweep(last);
      }, ms);
      timers.add(t);
    }
  };

  const thread = new Worker(WATCH_THREAD, {
    eval: true,
    workerData: { root, chokidar: import.meta.resolve('chokidar'), watched: [...WATCHED] },
  });
  let markReady!: () => void;
  let failReady!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  thread.on('message', (m: ThreadMessage) => {
    if (m.type === 'change') {
      const rel = relative(m.path);
      if (rel === '' || !isWatched(rel)) return;
      for (const [folder, seen] of newFolders) if (rel.startsWith(`${folder}/`)) seen.add(rel);
      if (m.event === 'addDir') lookInto(rel);
      else note(rel);
    } else if (m.type === 'raw') {
      // Every file system event, before chokidar's throttling: while files are still being
      // written (a truncate, then the text), the batch waits for them to be quiet.
      if (pending.size > 0) schedule();
    } else if (m.type === 'ready') markReady();
    else {
      const error = new Error(m.message);
      failReady(error);
      options.onError?.(error);
    }
  });
  thread.on('error', (e) => {
    failReady(e);
    options.onError?.(e);
  });

  return {
    ready,
    get busy() {
      return pending.size > 0 || running !== undefined;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const t of timers) clearTimeout(t);
      thread.postMessage('close');
      const stuck = setTimeout(() => void thread.terminate(), 5000);
      await exited;
      clearTimeout(stuck);
      await running;
    },
  };
}
