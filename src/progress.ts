/**
 * One overwritten status line for long builds on a terminal ("Parsed 1,200 of 4,000 posts").
 * The CLI decides whether to show it (stderr a TTY, not CI) and gives it the stream to write to.
 */
import type { BuildProgress } from './types.js';

/** A build shorter than this shows no progress at all. */
export const PROGRESS_AFTER_MS = 1000;
const EVERY_MS = 100;

const WHAT: Record<BuildProgress['stage'], string> = {
  parse: 'Parsed {done} of {total} posts',
  write: 'Wrote {done} of {total} files',
};

// Made when first needed: creating it loads ICU's locale data, 18 ms that the CLI would spend
// before it starts a large build's worker threads.
let numbers: Intl.NumberFormat | undefined;
const count = (n: number): string => (numbers ??= new Intl.NumberFormat('en')).format(n);

export class ProgressLine {
  private shownAt = -Infinity;
  private shown = false;

  constructor(
    private readonly write: (s: string) => void,
    private readonly started = performance.now(),
    private readonly clock: () => number = () => performance.now(),
  ) {}

  update = (p: BuildProgress): void => {
    const now = this.clock();
    if (now - this.started < PROGRESS_AFTER_MS) return;
    if (now - this.shownAt < EVERY_MS && p.done < p.total) return;
    this.shownAt = now;
    this.shown = true;
    const text = WHAT[p.stage].replace('{done}', count(p.done)).replace('{total}', count(p.total));
    // \r back to the line start, \x1b[K clears what a longer previous text left.
    this.write(`\r${text}\x1b[K`);
  };

  /** Clears the line, so what the CLI prints next starts on a clean line. */
  clear(): void {
    if (this.shown) this.write('\r\x1b[K');
    this.shown = false;
  }
}

/** Progress is for people watching a terminal: never in CI, never when stderr is piped. */
export function wantsProgress(stderrIsTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  const ci = env.CI;
  return Boolean(stderrIsTTY) && (ci === undefined || ci === '' || ci === '0' || ci.toLowerCase() === 'false');
}
