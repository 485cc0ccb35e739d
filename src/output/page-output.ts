/**
 * Pages go to the writer as soon as they are rendered, a bounded number in flight, so that a
 * large site is never held in memory whole. Everything lands in the writer's staging (FsWriter:
 * its temporary folder); `finish` commits it, and a build that ends any other way aborts it
 * (`await using`), so a failed build still leaves the previous output as it was.
 */
import { SiteError } from '../errors.js';
import type { BuildProgress } from '../types.js';
import { FsWriter, type Writer } from './writer.js';

const IN_FLIGHT = 32;

export class PageOutput {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private done = 0;
  private told = 0;
  private finished = false;

  constructor(
    readonly writer: Writer,
    /** Files to write in all (for progress; may be corrected once the routes are known). */
    public total: number,
    private readonly onProgress?: (p: BuildProgress) => void,
  ) {}

  /** A real folder worker threads may write into directly, when the writer has one. */
  get folder(): string | undefined {
    return this.writer instanceof FsWriter ? this.writer.temp : undefined;
  }

  /** Queues one file; waits only while too many writes are in flight. */
  async write(file: string, body: string | Buffer): Promise<void> {
    this.throwIfFailed();
    const p = this.writer.write(file, body).then(
      () => this.count(1),
      (e: unknown) => void (this.failure ??= e),
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    if (this.inFlight.size >= IN_FLIGHT) await Promise.race(this.inFlight);
  }

  /** Files written elsewhere (by worker threads into `folder`). */
  count(n: number): void {
    this.done += n;
    if (this.onProgress && (this.done - this.told >= 50 || this.done === this.total)) {
      this.told = this.done;
      this.onProgress({ stage: 'write', done: this.done, total: this.total });
    }
  }

  /** Copies the assets, waits for every write, and commits. */
  async finish(assets: { from: string; to: string }[]): Promise<void> {
    try {
      for (const a of assets) {
        this.throwIfFailed();
        const p = this.writer.copy(a.from, a.to).then(
          () => this.count(1),
          (e: unknown) => void (this.failure ??= e),
        );
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
        if (this.inFlight.size >= IN_FLIGHT) await Promise.race(this.inFlight);
      }
      await Promise.all(this.inFlight);
      this.throwIfFailed();
      await this.writer.commit();
      this.finished = true;
    } catch (e) {
      this.failure ??= e;
      this.throwIfFailed();
    }
  }

  private throwIfFailed(): void {
    if (this.failure === undefined) return;
    const err = this.failure as NodeJS.ErrnoException;
    throw err instanceof SiteError
      ? err
      : new SiteError(
          [
            {
              severity: 'error',
              message: `cannot write the site to ${this.writer.target}: ${err.message}`,
              hint: 'check that the folder can be written and that the disk has space; nothing was changed',
            },
          ],
          { cause: err },
        );
  }

  /** Unless committed: waits for writes still in flight, then removes everything written. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.finished) return;
    await Promise.allSettled(this.inFlight);
    await this.writer.abort();
  }
}
