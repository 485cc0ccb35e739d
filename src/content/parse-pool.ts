/**
 * Markdown bodies (and, in a build, post pages) on every core. With worker threads running, the
 * main thread reads every post's front matter itself (cheap) and queues the bodies here in
 * batches; the workers take batches from the front of the queue, and the main thread takes
 * one from the back only when it has nothing else to do and many wait (see runsHere). Finished
 * posts are handed out as they come (`ready`, `next`).
 *
 * Why bodies apart from front matter: the site model (series, tags, archive) needs only front
 * matter, so the main thread can collect the site at once and make each post's page as its
 * batch comes back — instead of idling while the workers parse, and leaving them idle while it
 * renders. A batch holds every post its pages refer to (render/post-batch.ts), so a worker can
 * make the pages too; it does when the main thread falls behind (see mainIsBehind).
 */
import type { Problem } from '../errors.js';
import { BuildPool, isPoolRefusal, QUEUED_PER_WORKER } from '../pool.js';
import { renderPostBatch, type MadePage, type PostBatch, type PostInBatch } from '../render/post-batch.js';
import type { RendererOptions, RenderPage } from '../render/templates.js';
import type { Post, SeriesNav, SiteConfig } from '../types.js';
import { detachedBody } from './parse-worker.js';
import type { PostBody, PostBodyJob } from './posts.js';

const BATCH_SIZE = 50;
/** See PostQueue.splitLast. */
const LAST_IN_SMALL = 200;
const SMALL_BATCH_SIZE = 10;

/**
 * The main thread renders bodies itself only while more than this many wait for the workers.
 * Its first batches are slow — markdown-it and highlight.js warm up in each thread — and it
 * has pages to make and write as the bodies come back. Measured on 2 cores: at 4,000 posts a
 * build was faster when the main thread rendered no body at all; at 16,000 faster when it did.
 */
const MAIN_RENDERS_ABOVE = 4000;

/** Where the pages of a build go; without it, the queue renders bodies only. */
export interface PageTarget {
  renderer: RendererOptions;
  /** The writer's folder for worker threads to write pages into (pages come back without one). */
  folder?: string;
  /** The main thread's renderer for `renderer`. */
  render: RenderPage;
}

export interface FinishedPost {
  /** The body's number, in the order bodies were added. */
  index: number;
  body: PostBody;
  /** The post's page, when it has one: written by a worker, or to be written, or its problem. */
  page?: MadePage;
  /** The post has a page and it is not made yet: the main thread makes it. */
  pageHere?: boolean;
}

interface Batch {
  /** Each job's index. */
  indices: number[];
  jobs: PostBodyJob[];
  /** Per job: the post whose page to make, or null; undefined: bodies only. */
  posts?: (Post | null)[];
  seriesNav?: [string, SeriesNav][];
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class PostQueue {
  private readonly waiting: Batch[] = [];
  private alone: Omit<Batch, 'posts'> & { posts: (Post | null)[] } = { indices: [], jobs: [], posts: [] };
  private added = 0;
  /** Bodies rendered on the main thread (taken from the queue, or refused by a worker). */
  ranHere = 0;
  private closed = false;
  private inWorkers = 0;
  private readonly finished: FinishedPost[][] = [];
  private readonly problems: Problem[][] = [];
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pool: BuildPool,
    private readonly config: SiteConfig,
    private readonly pages?: PageTarget,
    /** Batches handed to each worker at once; bodies waiting above which the main thread renders some too. */
    private readonly tuning: { perWorker: number; mainRendersAbove: number } = { perWorker: QUEUED_PER_WORKER, mainRendersAbove: MAIN_RENDERS_ABOVE },
  ) {}

  /**
   * Queues the body of a post whose page needs no other post (one in no series), with `post`
   * to make its page too, or null for the body alone. Returns the body's index.
   */
  addAlone(job: PostBodyJob, post: Post | null): number {
    const index = this.added++;
    this.alone.indices.push(index);
    this.alone.jobs.push(job);
    this.alone.posts.push(this.pages ? post : null);
    if (this.alone.jobs.length === BATCH_SIZE) this.sealAlone();
    return index;
  }

  /**
   * Queues the parts of one series as one batch, pages and all, ahead of the batches waiting:
   * the pages that list posts wait for them (the parts of a series are spread over the years,
   * while the bodies of the others are done oldest first). Returns the first body's index.
   */
  addSeries(jobs: PostBodyJob[], posts: Post[], seriesNav: [string, SeriesNav][]): number {
    const first = this.added;
    this.added += jobs.length;
    const indices = jobs.map((_, k) => first + k);
    this.waiting.unshift(this.pages ? { indices, jobs, posts, seriesNav } : { indices, jobs });
    this.feedWorkers();
    return first;
  }

  /** No more bodies will be added. */
  close(): void {
    this.sealAlone();
    this.splitLast();
    this.closed = true;
    this.signal();
  }

  /**
   * The last LAST_IN_SMALL bodies in batches of SMALL_BATCH_SIZE: the pages that list posts wait
   * for their last body, and the main thread makes a batch's post pages when it comes back. With
   * the last bodies in small batches, few pages are left to make after the last one: on 4,000
   * posts, ~12 ms of post pages, and the tag pages its posts are on, instead of all 30.
   */
  private splitLast(): void {
    const last: Batch[] = [];
    let bodies = 0;
    for (let b = this.waiting.at(-1); b && bodies < LAST_IN_SMALL && !b.seriesNav?.length; b = this.waiting.at(-1)) {
      last.unshift(this.waiting.pop()!);
      bodies += b.jobs.length;
    }
    if (last.length === 0) return;
    const withPages = last.some((b) => b.posts);
    const indices = last.flatMap((b) => b.indices);
    const jobs = last.flatMap((b) => b.jobs);
    const posts = last.flatMap((b) => b.posts ?? b.jobs.map(() => null));
    for (let k = 0; k < jobs.length; k += SMALL_BATCH_SIZE) {
      const part = { indices: indices.slice(k, k + SMALL_BATCH_SIZE), jobs: jobs.slice(k, k + SMALL_BATCH_SIZE) };
      this.waiting.push(withPages ? { ...part, posts: posts.slice(k, k + SMALL_BATCH_SIZE), seriesNav: [] } : part);
    }
    this.feedWorkers();
  }

  /** Every body's problems, in the order the bodies were added (call when `next` is done). */
  problemsInOrder(): Problem[] {
    return this.problems.flat();
  }

  /** Finished posts if there are any now (see next). */
  ready(): FinishedPost[] | undefined {
    if (this.failure) throw this.failure.error;
    return this.finished.shift();
  }

  /**
   * The next finished posts, in no particular order; when none are ready, waits for some — or
   * the main thread does a batch itself (see runsHere). Undefined when every body is done.
   */
  async next(): Promise<FinishedPost[] | undefined> {
    for (;;) {
      const ready = this.ready();
      if (ready) return ready;
      const batch = this.runsHere() ? this.waiting.pop() : undefined;
      if (batch) {
        const results = this.runHere(batch);
        // Lets the workers' finished batches in, and hands them more.
        await nextTurn();
        return this.results(batch, results);
      }
      if (this.closed && this.inWorkers === 0) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Whether the main thread, idle, should render a waiting batch itself (see MAIN_RENDERS_ABOVE). */
  private runsHere(): boolean {
    if (this.waiting.length === 0) return false;
    return this.inWorkers === 0 || this.waiting.reduce((n, b) => n + b.jobs.length, 0) > this.tuning.mainRendersAbove;
  }

  private sealAlone(): void {
    const { indices, jobs, posts } = this.alone;
    if (jobs.length === 0) return;
    this.alone = { indices: [], jobs: [], posts: [] };
    this.waiting.push(posts.some(Boolean) ? { indices, jobs, posts, seriesNav: [] } : { indices, jobs });
    this.feedWorkers();
  }

  private task(batch: Batch, inWorker: boolean): PostBatch {
    const { renderer, folder } = this.pages ?? {};
    const pagesThere = !inWorker || this.mainIsBehind();
    return {
      config: this.config,
      jobs: batch.jobs,
      // The main thread's pages come back to it, to go through the build's output.
      pages: batch.posts && renderer && pagesThere ? { renderer, folder: inWorker ? folder : undefined, posts: batch.posts, seriesNav: batch.seriesNav ?? [] } : undefined,
    };
  }

  /**
   * Whether a worker should make the pages of its next batch too. The main thread makes them
   * otherwise, as the bodies come back: it has its templates warm, while a worker would have to
   * warm up Nunjucks as well as markdown-it (on 2 cores, making pages in the worker cost 0.15 s
   * more at 4,000 posts). With several workers the main thread can fall behind: then they do.
   */
  private mainIsBehind(): boolean {
    return this.pool.workers >= 2 && this.finished.length >= this.pool.workers;
  }

  /** A batch done on the main thread, its bodies' strings its own (see detachedBody). */
  private runHere(batch: Batch): PostInBatch[] {
    this.ranHere += batch.jobs.length;
    return renderPostBatch(this.task(batch, false), this.pages?.render).map((r) => ({ ...r, body: detachedBody(r.body) }));
  }

  private feedWorkers(): void {
    while (this.inWorkers < this.pool.workers * this.tuning.perWorker && this.waiting.length > 0) {
      const batch = this.waiting.shift()!;
      this.inWorkers++;
      this.pool.run<PostBatch, PostInBatch[]>('renderPosts', this.task(batch, true)).then(
        (results) => this.done(batch, results),
        (error: unknown) => {
          // A batch the worker could not take (too big, or not cloneable) is done here instead.
          if (!isPoolRefusal(error)) return this.fail(error);
          try {
            this.done(batch, this.runHere(batch));
          } catch (e) {
            this.fail(e);
          }
        },
      );
    }
  }

  private results(batch: Batch, results: PostInBatch[]): FinishedPost[] {
    return results.map((r, k) => {
      this.problems[batch.indices[k]] = r.problems;
      return { index: batch.indices[k], body: r.body, page: r.page, pageHere: r.page === undefined && Boolean(batch.posts?.[k]) };
    });
  }

  private done(batch: Batch, results: PostInBatch[]): void {
    this.inWorkers--;
    this.finished.push(this.results(batch, results));
    this.feedWorkers();
    this.signal();
  }

  private fail(error: unknown): void {
    this.inWorkers--;
    this.failure ??= { error };
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
