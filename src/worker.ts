/** What the build's worker threads run (see pool.ts): one task. */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ResultMessage, TaskMessage, WORKER_DATA } from './pool.js';
import type { PostBatch, PostInBatch } from './render/post-batch.js';

// Loading starts with the thread, so that it is done by the time the first batch comes (the
// main thread meanwhile loads its own modules and reads the sources).
const loading = import('./render/post-batch.js');

/** Markdown bodies, and the pages of their posts when the batch asks for them. */
async function renderPosts(batch: PostBatch): Promise<PostInBatch[]> {
  const { renderPostBatch } = await loading;
  return renderPostBatch(batch);
}

/**
 * At most this long warming up (see content/warm-up.ts) before the first batch. At 4,000 posts
 * the worker waited ~130 ms for it; warmed up, its first batch took 70 ms instead of 190, and
 * the build was ~0.1 s faster (docs/benchmarks.md).
 */
const WARM_UP_MS = 300;

/** A task from BuildPool.run: its result or error goes back with its id. */
function runTask(port: MessagePort, { id, task }: TaskMessage): void {
  const reply = (message: ResultMessage) => {
    try {
      port.postMessage(message);
    } catch (e) {
      // An error that cannot cross threads is sent as its text.
      port.postMessage({ id, error: new Error(String((e as Error)?.message ?? e)) });
    }
  };
  renderPosts(task as PostBatch).then(
    (result) => reply({ id, result }),
    (error: unknown) => reply({ id, error }),
  );
}

/**
 * Answers the tasks that come on `port`; until the first comes (at most `warmUpMs`), warms the
 * Markdown code up. Resolves, when the warm-up ends, to the number of sample posts it rendered.
 *
 * Before each sample the warm-up takes a task already waiting, if there is one: a sample takes
 * 20-30 ms on cold code, and a batch sent while the modules loaded would otherwise wait for one
 * (its 'message' event comes only when the warm-up yields). The port holds its messages until
 * the listener is added, just before the first check.
 */
export async function serveTasks(port: MessagePort, warmUpMs = WARM_UP_MS): Promise<number> {
  const { warmUpMarkdown } = await import('./content/warm-up.js');
  let taskCame = false;
  port.on('message', (message: TaskMessage) => {
    taskCame = true;
    runTask(port, message);
  });
  const taskWaiting = () => {
    if (taskCame) return true;
    const waiting = receiveMessageOnPort(port);
    // One: the rest come as 'message' events, in order, once this one is under way.
    if (waiting) {
      taskCame = true;
      runTask(port, waiting.message as TaskMessage);
    }
    return taskCame;
  };
  return warmUpMarkdown(taskWaiting, warmUpMs);
}

// Only in a thread BuildPool started: a test runner's worker thread may import this module too.
if (parentPort && (workerData as Partial<typeof WORKER_DATA> | undefined)?.folioBuildPool) void serveTasks(parentPort);
