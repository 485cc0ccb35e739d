/**
 * The worker's side of BuildPool (src/worker.ts), served here on a MessageChannel: each task's
 * answer comes back with its id, and a task already waiting when the worker is ready is taken
 * before any warm-up (a batch must not wait 20-30 ms for a sample post on cold code).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../src/config.js';
import { Diagnostics } from '../src/errors.js';
import { WORKER_DATA, type ResultMessage, type TaskMessage } from '../src/pool.js';
import { serveTasks } from '../src/worker.js';
import { libCompiled, REPO_ROOT } from './helpers.js';

const config = parseConfig('', new Diagnostics());
const job = (id: number, body: string) => ({ source: { path: `posts/p${id}.md`, absPath: `/nowhere/p${id}.md`, kind: 'post' }, body, bodyLine: 1, url: `/posts/p${id}/` });
const task = (id: number, body: string, batchConfig: unknown = config): TaskMessage => ({ id, name: 'renderPosts', task: { config: batchConfig, jobs: [job(id, body)] } });
const answers = (port: MessagePort, count: number) =>
  new Promise<ResultMessage[]>((resolve) => {
    const got: ResultMessage[] = [];
    port.on('message', (m: ResultMessage) => got.push(m) === count && resolve(got));
  });

describe('serveTasks', () => {
  test('tasks waiting when it starts are answered in order, with no sample post rendered first', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.postMessage(task(7, 'First *post*.'));
    port2.postMessage(task(8, 'Second.'));
    const came = answers(port2, 2);
    expect(await serveTasks(port1, 5_000)).toBe(0);
    const [first, second] = await came;
    expect(first).toMatchObject({ id: 7, result: [{ body: { html: '<p>First <em>post</em>.</p>\n' } }] });
    expect(second).toMatchObject({ id: 8, result: [{ body: { html: '<p>Second.</p>\n' } }] });
    port1.close();
  });

  test('warms up until a task comes, then answers it; a task that throws is answered with its error', async () => {
    const { port1, port2 } = new MessageChannel();
    const warming = serveTasks(port1, 5_000);
    const came = answers(port2, 2);
    setTimeout(() => {
      port2.postMessage(task(1, 'Late.'));
      port2.postMessage(task(2, 'x', null));
    }, 100);
    expect(await warming).toBeGreaterThan(0);
    const [late, broken] = await came;
    expect(late).toMatchObject({ id: 1, result: [{ body: { html: '<p>Late.</p>\n' } }] });
    expect(broken.id).toBe(2);
    expect(String((broken as { error: Error }).error.message)).toMatch(/Cannot read properties of null/);
    port1.close();
  });
});

describe('the worker entry (compiled, in lib/)', () => {
  beforeAll(() => expect(libCompiled()).toBe(true));
  const entry = pathToFileURL(path.join(REPO_ROOT, 'lib', 'worker.js'));

  test('serves tasks in a thread BuildPool started, and in no other thread that imports it', async () => {
    const pooled = new Worker(entry, { workerData: WORKER_DATA });
    const answered = new Promise<ResultMessage>((resolve) => pooled.once('message', resolve));
    pooled.postMessage(task(3, 'Pooled.'));
    expect(await answered).toMatchObject({ id: 3, result: [{ body: { html: '<p>Pooled.</p>\n' } }] });
    await pooled.terminate();
    // Another thread (a test runner's, say) that imports it: nothing listens, and it ends by itself.
    const other = new Worker(`import(${JSON.stringify(entry.href)});`, { eval: true });
    let answers = 0;
    other.on('message', () => answers++);
    other.postMessage(task(4, 'Not served.'));
    expect(await new Promise((resolve) => other.once('exit', resolve))).toBe(0);
    expect(answers).toBe(0);
  }, 30_000);
});
