/**
 * One error type for everything a writer can cause, and one formatter used by
 * `build`, `check` and the dev overlay:
 *   posts/x.md:3:7 error: <what> — <how to fix>
 */
export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  /** Path relative to the site root, with forward slashes (`posts/x.md`, `site.yaml`). */
  file?: string;
  line?: number;
  column?: number;
  message: string;
  hint?: string;
}

/** Thrown when the build cannot go on; carries every problem found so far. */
export class SiteError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[], options?: { cause?: unknown }) {
    super(problems.map(formatProblem).join('\n'), options);
    this.name = 'SiteError';
    this.problems = problems;
  }
}

/** A command-line mistake or a refused output folder: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function formatProblem(p: Problem): string {
  let where = '';
  if (p.file) {
    where = p.file;
    if (p.line !== undefined) {
      where += `:${p.line}`;
      if (p.column !== undefined) where += `:${p.column}`;
    }
    where += ' ';
  }
  return `${where}${p.severity}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`;
}

/** Collects problems per stage; stages report all they find instead of stopping at the first. */
export class Diagnostics {
  readonly problems: Problem[] = [];

  error(p: Omit<Problem, 'severity'>): void {
    this.problems.push({ severity: 'error', ...p });
  }

  warn(p: Omit<Problem, 'severity'>): void {
    this.problems.push({ severity: 'warning', ...p });
  }

  add(problems: Iterable<Problem>): void {
    for (const p of problems) this.problems.push(p);
  }

  get errors(): Problem[] {
    return this.problems.filter((p) => p.severity === 'error');
  }

  get warnings(): Problem[] {
    return this.problems.filter((p) => p.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /** `--strict` turns warnings into errors. */
  promoteWarnings(): void {
    for (const p of this.problems) p.severity = 'error';
  }

  throwIfErrors(): void {
    if (this.hasErrors()) throw new SiteError(sortProblems(this.problems));
  }
}

/** Stable order: by file, then line, so output is the same on every run. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}
