#!/usr/bin/env node
/**
 * npm run bench -- CORPUS_DIR [--runs N] [--json]
 *
 * Cold builds of a corpus made by ../shared/bench/gen-corpus.mjs (its posts/ folder is a Folio
 * site) with the compiled CLI, as whole processes: one warm-up, then N counted runs (default 5).
 * The corpus is copied once into a temporary site folder (not timed); every run builds into a
 * fresh output folder with the content cache (ROOT/.folio-cache) deleted first.
 *
 * Outputs are kept until all runs are done, then deleted: on ext4 without a journal (as on the
 * machine these figures come from) creating files is several times slower for ~30 s after
 * thousands were deleted (the inode allocator skips "recently deleted" inodes), so deleting a
 * run's output before the next run would slow the next run down.
 * Prints each run and the median wall time, min–max, posts per second, CPU and peak RSS.
 * Set FOLIO_WORKERS=0 in the environment to measure the single-threaded build.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, rssMethod, summarise } from './bench-measure.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FOLIO = path.join(REPO, 'bin', 'folio.js');

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error('usage: npm run bench -- CORPUS_DIR [--runs N] [--json]   (CORPUS_DIR holds posts/ from gen-corpus.mjs)');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { runs: 5, json: false, corpus: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a.startsWith('--runs=')) opts.runs = Number(a.slice(7));
    else if (a === '--json') opts.json = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.corpus) usage('one corpus folder only');
    else opts.corpus = path.resolve(a);
  }
  if (!opts.corpus) usage('no corpus folder given');
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs must be a whole number from 1 up');
  return opts;
}

/** The newest modification time under a folder (to notice a stale lib/). */
async function newest(dir) {
  let t = 0;
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const parent = e.parentPath ?? e.path;
    t = Math.max(t, (await stat(path.join(parent, e.name))).mtimeMs);
  }
  return t;
}

/** Prepares a site folder from the corpus (not timed) and returns its path and post count. */
export async function prepareSite(corpus, into) {
  const posts = path.join(corpus, 'posts');
  if (!existsSync(posts)) throw new Error(`${corpus} has no posts/ folder (make one with gen-corpus.mjs --posts N --out ${corpus})`);
  const site = path.join(into, 'site');
  await cp(posts, path.join(site, 'posts'), { recursive: true });
  if (existsSync(path.join(corpus, 'site.yaml'))) await cp(path.join(corpus, 'site.yaml'), path.join(site, 'site.yaml'));
  const count = (await readdir(posts)).filter((f) => f.endsWith('.md')).length;
  return { site, posts: count };
}

/** One cold Folio build of `site` into `out` (which must not exist); the content cache is deleted first. */
export async function folioRun(site, out, env = process.env) {
  await rm(path.join(site, '.folio-cache'), { recursive: true, force: true });
  if (existsSync(out)) throw new Error(`${out} exists: every run needs a fresh output folder`);
  const r = await measure(process.execPath, [FOLIO, 'build', '--root', site, '--out', out], { env, scratch: out });
  if (r.code !== 0) throw new Error(`folio build failed (exit ${r.code}):\n${r.stderr.split('\n').filter((l) => !l.includes('warning:')).join('\n')}`);
  const built = /Built (\d+) pages/.exec(r.stdout);
  r.pages = built ? Number(built[1]) : undefined;
  return r;
}

export async function checkCompiled() {
  if (!existsSync(path.join(REPO, 'lib', 'cli.js'))) throw new Error('lib/ is missing: run `npm run compile` first');
  if ((await newest(path.join(REPO, 'src'))) > (await newest(path.join(REPO, 'lib')))) {
    console.error('note: src/ has changes newer than lib/ — run `npm run compile` to measure them');
  }
}

const fmt = (x, d = 2) => (x === undefined ? '—' : x.toFixed(d));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  await checkCompiled();
  const scratch = await mkdtemp(path.join(tmpdir(), 'folio-bench-'));
  try {
    const { site, posts } = await prepareSite(opts.corpus, scratch);
    const version = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')).version;
    if (!opts.json) {
      console.log(`Folio ${version} on Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
      console.log(`corpus ${opts.corpus}: ${posts} posts; warm-up + ${opts.runs} cold builds; peak RSS by ${rssMethod()}`);
    }
    const runs = [];
    for (let i = 0; i <= opts.runs; i++) {
      const r = await folioRun(site, path.join(scratch, `out-${i}`));
      if (!opts.json) console.log(`${i === 0 ? 'warm-up' : `run ${i}  `}: wall ${fmt(r.wall)} s, cpu ${fmt(r.cpu)} s, peak RSS ${fmt(r.rssMiB, 0)} MiB, ${r.pages} pages`);
      if (i > 0) runs.push(r);
    }
    const wall = summarise(runs, 'wall');
    const cpu = summarise(runs, 'cpu');
    const rss = summarise(runs, 'rssMiB');
    const result = { posts, runs: runs.length, wall, cpu, rssMiB: rss, postsPerSecond: posts / wall.median, pages: runs[0].pages, rssMethod: rssMethod() };
    if (opts.json) console.log(JSON.stringify(result));
    else {
      console.log(
        `median: wall ${fmt(wall.median)} s (min–max ${fmt(wall.min)}–${fmt(wall.max)}), ${Math.round(result.postsPerSecond)} posts/s, ` +
          `cpu ${fmt(cpu?.median)} s, peak RSS ${fmt(rss?.median, 0)} MiB (max ${fmt(rss?.max, 0)})`,
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
