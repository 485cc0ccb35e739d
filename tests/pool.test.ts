/**
 * BuildPool: tasks run in worker threads and come back, errors come back as errors, a worker
 * that dies (out of memory) refuses its tasks and is replaced, and an idle pool never keeps the
 * process alive. The threads run the compiled worker in lib/ (tests/global-setup.ts).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../src/config.js';
import { Diagnostics } from '../src/errors.js';
import { PostQueue } from '../src/content/parse-pool.js';
import { BuildPool, isPoolRefusal } from '../src/pool.js';
import type { PostBatch, PostInBatch } from '../src/render/post-batch.js';
import { cleanTemp, libCompiled, REPO_ROOT, tempDir } from './helpers.js';

afterAll(cleanTemp);
beforeAll(() => expect(libCompiled()).toBe(true));

const config = parseConfig('', new Diagnostics());
const job = (n: number, body = `Post *${n}*.`) => ({
  source: { path: `posts/p${n}.md`, absPath: `/nowhere/posts/p${n}.md`, kind: 'post' as const },
  body,
  bodyLine: 5,
  url: `/posts/p${n}/`,
});

describe('BuildPool', () => {
  test('runs tasks in its workers, each answer to its own task, on every worker', async () => {
    await using pool = new BuildPool(2);
    expect(pool.start(1)).toBe(true);
    expect(pool.workers).toBe(2);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => pool.run<PostBatch, PostInBatch[]>('renderPosts', { config, jobs: [job(n)] })),
    );
    expect(answers.map((a) => a[0].body.html)).toEqual(Array.from({ length: 20 }, (_, n) => `<p>Post <em>${n}</em>.</p>\n`));
  });

  test('a task that throws in the worker rejects with its error; the worker goes on', async () => {
    await using pool = new BuildPool(1);
    pool.start(1);
    const broken = pool.run('renderPosts', { config: null, jobs: [job(1)] });
    await expect(broken).rejects.toThrow(/Cannot read properties of null/);
    await broken.catch((e: unknown) => expect(isPoolRefusal(e)).toBe(false));
    const [after] = await pool.run<PostBatch, PostInBatch[]>('renderPosts', { config, jobs: [job(2)] });
    expect(after.body.html).toBe('<p>Post <em>2</em>.</p>\n');
  });

  test('a task that cannot cross threads is refused at once (DataCloneError)', async () => {
    await using pool = new BuildPool(1);
    pool.start(1);
    const refused = await pool.run('renderPosts', { config, jobs: [job(1)], extra: () => 'a function' }).catch((e: unknown) => e);
    expect(isPoolRefusal(refused)).toBe(true);
  });

  test('a worker out of memory refuses its batch, which the queue renders on the main thread; a new worker takes its place', async () => {
    // A heap big enough to load the worker's modules, too small for the two million tokens of this post.
    await using pool = new BuildPool(1, { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 });
    expect(pool.start(1)).toBe(true);
    const queue = new PostQueue(pool, config, undefined, { perWorker: 1, mainRendersAbove: 1e9 });
    queue.addAlone(job(0, `A *huge* post.\n\n${'*a* '.repeat(500_000)}\n`), null);
    for (let n = 1; n <= 30; n++) queue.addAlone(job(n), null);
    queue.close();
    const finished = [];
    for (let done = await queue.next(); done; done = await queue.next()) finished.push(...done);
    expect(finished.map((f) => f.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, n) => n));
    expect(finished.find((f) => f.index === 0)?.body.html.startsWith('<p>A <em>huge</em> post.</p>')).toBe(true);
    expect(finished.find((f) => f.index === 30)?.body.html).toBe('<p>Post <em>30</em>.</p>\n');
    // The batch of the huge post (the first ten) was done here.
    expect(queue.ranHere).toBeGreaterThanOrEqual(10);
    const [after] = await pool.run<PostBatch, PostInBatch[]>('renderPosts', { config, jobs: [job(31)] });
    expect(after.body.html).toBe('<p>Post <em>31</em>.</p>\n');
  }, 60_000);

  test('a worker that cannot even start (out of memory while loading) leaves every batch to the main thread', async () => {
    await using pool = new BuildPool(1, { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 });
    expect(pool.start(1)).toBe(true);
    // Stopped before any task came: the pool reports it as an 'error' event, not a rejection.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const queue = new PostQueue(pool, config, undefined, { perWorker: 1, mainRendersAbove: 1e9 });
    for (let n = 0; n < 12; n++) queue.addAlone(job(n), null);
    queue.close();
    const finished = [];
    for (let done = await queue.next(); done; done = await queue.next()) finished.push(...done);
    expect(finished.map((f) => f.body.html).sort()).toEqual(Array.from({ length: 12 }, (_, n) => `<p>Post <em>${n}</em>.</p>\n`).sort());
    expect(queue.ranHere).toBe(12);
  }, 30_000);

  test('a task still running when the pool closes is rejected, not left waiting', async () => {
    const pool = new BuildPool(1);
    pool.start(1);
    const running = pool.run('renderPosts', { config, jobs: [job(1, 'word '.repeat(200_000))] });
    await pool.close();
    await expect(running).rejects.toThrow(/Terminating worker thread/);
  });

  test('an idle pool does not keep the process alive', async () => {
    const script = path.join(await tempDir(), 'idle-pool.mjs');
    await writeFile(
      script,
      `import { BuildPool } from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'lib', 'pool.js')).href)};
const pool = new BuildPool(1);
pool.start(1);
pool.run('renderPosts', { config: ${JSON.stringify(config)}, jobs: [] }).then(() => console.log('answered'));
`,
    );
    // Never closed: without unref the process would not end, and execFile would time out.
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 20_000 });
    expect(stdout).toBe('answered\n');
  });
});
