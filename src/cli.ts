/** argv -> build | check | new (| dev | cpd). The only place that prints or decides exit codes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatProblem, SiteError, UsageError, type Problem } from './errors.js';
import { MemoryWriter } from './output/writer.js';
import { PACKAGE_ROOT } from './package-root.js';
import { BuildPool } from './pool.js';
import { countMarkdownFiles } from './content/source.js';
import { ProgressLine, wantsProgress } from './progress.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** stderr is an interactive terminal (progress is shown only then). */
  stderrIsTTY?: boolean;
  /** Settles when `dev` should stop; by default on Ctrl-C (SIGINT) or SIGTERM. */
  interrupted?: Promise<unknown>;
}

const defaultIO = (): CliIO => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
  stderrIsTTY: Boolean(process.stderr.isTTY),
});

/** FOLIO_WORKERS: worker threads besides the main one (0 = none); unset = chosen by site size and cores. */
function workersFromEnv(env: CliIO['env']): number | undefined {
  const raw = env.FOLIO_WORKERS?.trim();
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`FOLIO_WORKERS must be a whole number of threads (0 = parse on the main thread), not "${raw}"`);
  return Number(raw);
}

const HELP = `folio — a static blog generator for reflective writing in series

Usage:
  folio build [--root DIR] [--out DIR] [--drafts] [--future] [--base-url URL] [--strict] [--quiet] [--timings]
  folio check [--root DIR] [--strict]
  folio new   "Title" [--root DIR] [--series NAME] [--tags a,b] [--template reflection] [--date YYYY-MM-DD]
  folio cpd   [--root DIR] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format csv|json|html] [--output FILE]
  folio dev   [--root DIR] [--port 4000] [--host 127.0.0.1] [--open] [--no-drafts]
  folio --help | --version

Options:
  --root DIR       the site folder (default: the current folder)
  --out DIR        where to write the site (default: ROOT/dist)
  --drafts         include posts with draft: true
  --future         include posts dated in the future
  --base-url URL   override site.yaml url (e.g. for a preview deployment)
  --strict         treat warnings (broken links, missing alt text, …) as errors
  --quiet          print no summary line
  --timings        print how long each stage took
  --debug          show stack traces for unexpected errors
  --from, --to     cpd: the first and last day of the range, both included (default: all entries)
  --format FORMAT  cpd: csv, json or html (one self-contained page); default from --output's extension, else csv
  --output FILE    cpd: write to FILE instead of printing
  --port N         dev: serve on port N (default 4000; 0 = any free port)
  --host ADDRESS   dev: listen on ADDRESS (default 127.0.0.1, this computer only)
  --open           dev: open the site in the default browser
  --no-drafts      dev: leave out posts with draft: true (dev shows them by default)

Environment:
  FOLIO_WORKERS=N  worker threads to parse and render with besides the main one (0 = none);
                   default: one per core beyond the first, on sites of 2,000 posts or more

Exit codes: 0 success, 1 content/template/build errors, 2 usage errors.
`;

/** Settles on Ctrl-C or SIGTERM; a second Ctrl-C then stops the process the usual way. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const COMMON = {
  root: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const COMMANDS = {
  build: {
    ...COMMON,
    out: { type: 'string' },
    drafts: { type: 'boolean' },
    future: { type: 'boolean' },
    'base-url': { type: 'string' },
    strict: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    timings: { type: 'boolean' },
  },
  check: { ...COMMON, strict: { type: 'boolean' }, drafts: { type: 'boolean' }, future: { type: 'boolean' } },
  cpd: { ...COMMON, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, output: { type: 'string' } },
  dev: { ...COMMON, port: { type: 'string' }, host: { type: 'string' }, open: { type: 'boolean' }, 'no-drafts': { type: 'boolean' } },
  new: {
    ...COMMON,
    series: { type: 'string' },
    tags: { type: 'string' },
    template: { type: 'string' },
    date: { type: 'string' },
  },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof COMMANDS;

function parse<C extends Command>(command: C, args: string[]) {
  try {
    return parseArgs({ args, options: COMMANDS[command], allowPositionals: command === 'new', strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')} — run \`folio --help\` for the options of \`folio ${command}\``);
  }
}

function summary(problems: Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

function displayPath(target: string, cwd: string): string {
  const rel = path.relative(cwd, target);
  const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? target : rel;
  return shown.endsWith(path.sep) ? shown : shown + '/';
}

export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [command, ...args] = argv;
  let debug = args.includes('--debug');
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      io.stdout(`${version()}\n`);
      return 0;
    }
    if (!(command in COMMANDS)) {
      throw new UsageError(`unknown command "${command}" — the commands are build, check, new, cpd and dev (run \`folio --help\`)`);
    }
    const { values, positionals } = parse(command as Command, args);
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    debug = Boolean(values.debug);
    const root = path.resolve(io.cwd, (values.root as string | undefined) ?? '.');

    if (command === 'dev') {
      const v = values as { port?: string; host?: string; open?: boolean; 'no-drafts'?: boolean };
      const options = { root, port: v.port, host: v.host, open: Boolean(v.open), drafts: !v['no-drafts'] };
      // dev, cpd and new are loaded when asked for: a build does not wait for their modules.
      const { runDev } = await import('./dev/dev.js');
      return await runDev(options, io, io.interrupted ?? untilInterrupted());
    }

    if (command === 'cpd') {
      const v = values as { from?: string; to?: string; format?: string; output?: string };
      const output = v.output === undefined ? undefined : path.resolve(io.cwd, v.output);
      const { exportCpd, writeCpdExport } = await import('./cpd-command.js');
      const result = await exportCpd({ root, from: v.from, to: v.to, format: v.format, output });
      for (const w of result.warnings) io.stderr(`${formatProblem(w)}\n`);
      if (!output) {
        io.stdout(result.text);
        return 0;
      }
      await writeCpdExport(output, result.text);
      const shown = path.relative(io.cwd, output).startsWith('..') ? output : path.relative(io.cwd, output);
      io.stdout(`Wrote ${result.entries} CPD entr${result.entries === 1 ? 'y' : 'ies'} (${result.hours} hour${result.hours === 1 ? '' : 's'}, ${result.period}) as ${result.format} -> ${shown}\n`);
      return 0;
    }

    if (command === 'new') {
      const v = values as { series?: string; tags?: string; template?: string; date?: string };
      if (positionals.length !== 1 || !positionals[0].trim()) throw new UsageError('folio new needs one title in quotes, e.g. folio new "What I learnt this week"');
      const { newPost } = await import('./new-post.js');
      try {
        const result = await newPost({
          root,
          title: positionals[0].trim(),
          series: v.series,
          tags: v.tags?.split(',').map((t) => t.trim()).filter(Boolean),
          template: v.template,
          date: v.date,
        });
        io.stdout(`Created ${result.file}${result.series ? ` (part ${result.series.part} of "${result.series.name}")` : ''}\n`);
        return 0;
      } catch (e) {
        if ((e as Error).name === 'ExistsError') {
          io.stderr(`error: ${(e as Error).message}\n`);
          return 1;
        }
        throw e;
      }
    }

    const v = values as Record<string, string | boolean | undefined>;
    const baseUrl = v['base-url'] as string | undefined;
    if (baseUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(baseUrl)) {
      throw new UsageError(`--base-url must be an absolute http(s) URL, not "${baseUrl}"`);
    }
    const out = path.resolve(io.cwd, (v.out as string | undefined) ?? path.join(root, 'dist'));
    const options = {
      root,
      out,
      drafts: Boolean(v.drafts),
      future: Boolean(v.future),
      baseUrl,
      strict: Boolean(v.strict),
      workers: workersFromEnv(io.env),
    };
    const started = performance.now();
    const checking = command === 'check';
    const progress = wantsProgress(io.stderrIsTTY, io.env) ? new ProgressLine(io.stderr, started) : undefined;
    // A large site's worker threads start loading their modules now, while this thread loads the build's.
    await using threads = new BuildPool(options.workers);
    threads.start(await countMarkdownFiles(root));
    const { buildSite } = await import('./build.js');
    const result = await buildSite({ ...options, onProgress: progress?.update }, checking ? new MemoryWriter() : undefined, threads).finally(() => progress?.clear());
    // One write: stderr is synchronous on a pipe, and a large site can have thousands of warnings.
    if (result.warnings.length > 0) io.stderr(result.warnings.map((w) => `${formatProblem(w)}\n`).join(''));
    if (v.timings) {
      for (const t of result.timings) io.stderr(`  ${t.stage.padEnd(12)} ${(t.ms / 1000).toFixed(3)} s\n`);
    }
    const s = result.site;
    const counts = `${result.site.posts.length} post${s.posts.length === 1 ? '' : 's'} (${s.series.length} series, ${s.tags.length} tag${s.tags.length === 1 ? '' : 's'})`;
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (checking) io.stdout(`Checked ${result.pages} pages from ${counts} in ${seconds} s: ${summary(result.warnings)}\n`);
    else if (!v.quiet) io.stdout(`Built ${result.pages} pages from ${counts} in ${seconds} s -> ${displayPath(out, io.cwd)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof SiteError) {
      for (const p of e.problems) io.stderr(`${formatProblem(p)}\n`);
      if (debug && e.cause instanceof Error) io.stderr(`${e.cause.stack ?? e.cause.message}\n`);
      if (command === 'cpd') io.stderr(`CPD export failed: ${summary(e.problems)}; nothing was written\n`);
      else io.stderr(`${command === 'check' ? 'Check' : 'Build'} failed: ${summary(e.problems)}${command === 'build' ? '; the previous output was left as it was' : ''}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    io.stderr(`error: ${err.message}\n`);
    if (debug) io.stderr(`${err.stack ?? ''}\n`);
    else io.stderr('(this looks like a bug in Folio; run again with --debug for details and report it)\n');
    return 1;
  }
}
