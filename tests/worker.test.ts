/**
 * What the build's worker threads run (src/worker.ts): Markdown batches, and until the first
 * comes a warm-up that renders sample pieces — only in a thread BuildPool started.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { parseConfig } from '../src/config.js';
import { Diagnostics } from '../src/errors.js';
import { BuildPool } from '../src/pool.js';
import type { PostBatch, PostInBatch } from '../src/render/post-batch.js';
import { cleanTemp, libCompiled, REPO_ROOT } from './helpers.js';

afterAll(cleanTemp);

const config = parseConfig('', new Diagnostics());
const batch = (id: number, body: string): PostBatch => ({
  config,
  jobs: [{ source: { path: `posts/p${id}.md`, absPath: `/nowhere/p${id}.md`, kind: 'post' }, body, bodyLine: 1, url: `/posts/p${id}/` }],
});
/** A fresh copy of the module: whether a task has come is the module's own state. */
const freshWorker = async () => {
  vi.resetModules();
  return import('../src/worker.js');
};

describe('warmUpUntilTask', () => {
  test('warms up until a task comes, then stops; the task is answered', async () => {
    const { warmUpUntilTask, renderPosts } = await freshWorker();
    // Loaded (and transformed by vitest) before the clock starts.
    await import('../src/content/warm-up.js');
    const warming = warmUpUntilTask(5_000);
    const answer = new Promise<PostInBatch[]>((resolve) => setTimeout(() => resolve(renderPosts(batch(1, 'Late *post*.'))), 500));
    const started = performance.now();
    expect(await warming).toBeGreaterThan(0);
    // Stopped by the task, long before its 5 s.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect((await answer)[0].body.html).toBe('<p>Late <em>post</em>.</p>\n');
  });

  test('renders nothing when a task came first', async () => {
    const { warmUpUntilTask, renderPosts } = await freshWorker();
    expect((await renderPosts(batch(2, 'First.')))[0].body.html).toBe('<p>First.</p>\n');
    expect(await warmUpUntilTask(5_000)).toBe(0);
  });
});

describe('the worker entry (compiled, in lib/)', () => {
  beforeAll(() => expect(libCompiled()).toBe(true));

  test("BuildPool's threads warm up while no batch comes", async () => {
    await using pool = new BuildPool(1);
    pool.start(1);
    // No renderPosts task: the warm-up runs its whole 300 ms.
    expect(await pool.run<null, number | null>('warmUpPieces', null)).toBeGreaterThan(0);
  });

  test('another thread that imports it (a test runner’s, say) does not warm up', async () => {
    const entry = pathToFileURL(path.join(REPO_ROOT, 'lib', 'worker.js')).href;
    const other = new Worker(`import(${JSON.stringify(entry)}).then(async (m) => require('node:worker_threads').parentPort.postMessage(await m.warmUpPieces()));`, {
      eval: true,
      workerData: { folioBuildPool: true },
    });
    expect(await new Promise((resolve) => other.once('message', resolve))).toBeNull();
    await other.terminate();
  });
});
