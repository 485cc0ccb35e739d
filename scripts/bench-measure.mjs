/**
 * Times one whole process from outside: wall seconds, CPU seconds and peak RSS.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f`, the getrusage() of the waited-for child,
 * so it covers every thread of the process, worker threads included) — the same tool
 * ../shared/bench/time-build.sh uses for the peers. Without GNU time, Node processes are
 * started with `--import bench-rss.mjs`, which writes the process's own
 * `process.resourceUsage()` (also getrusage(RUSAGE_SELF): all threads) to a file at exit;
 * the wall time is then taken around the spawn here.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const GNU_TIME = '/usr/bin/time';
const RSS_PRELOAD = fileURLToPath(new URL('./bench-rss.mjs', import.meta.url));

export function rssMethod() {
  return existsSync(GNU_TIME) ? 'GNU time (%M: max resident set size of the child, all threads)' : 'process.resourceUsage().maxRSS of the child, written at exit (all threads)';
}

/**
 * Runs `command args` with stdout and stderr captured, returning
 * { code, wall, cpu, rssMiB, stdout, stderr }. `wall` and `cpu` in seconds.
 */
export async function measure(command, args, { cwd, env = process.env, scratch } = {}) {
  const useTime = existsSync(GNU_TIME);
  const timeFile = `${scratch}.time`;
  const rssFile = `${scratch}.rss`;
  let file = command;
  let argv = args;
  let childEnv = env;
  if (useTime) {
    file = GNU_TIME;
    argv = ['-o', timeFile, '-f', '%e %U %S %M', command, ...args];
  } else if (command === process.execPath || command === 'node') {
    argv = ['--import', RSS_PRELOAD, ...args];
    childEnv = { ...env, FOLIO_BENCH_RSS_FILE: rssFile };
  }
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  const outsideWall = (performance.now() - started) / 1000;
  let wall = outsideWall;
  let cpu;
  let rssMiB;
  if (useTime) {
    const line = (await readFile(timeFile, 'utf8')).trim().split('\n').pop();
    const [e, u, s, m] = line.split(/\s+/).map(Number);
    wall = e;
    cpu = u + s;
    rssMiB = m / 1024;
  } else if (existsSync(rssFile)) {
    const usage = JSON.parse(await readFile(rssFile, 'utf8'));
    cpu = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    rssMiB = usage.maxRSS / 1024;
  }
  await rm(timeFile, { force: true });
  await rm(rssFile, { force: true });
  return { code, wall, cpu, rssMiB, stdout, stderr };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median, min and max of a list of runs' field. */
export function summarise(runs, field) {
  const xs = runs.map((r) => r[field]).filter((x) => typeof x === 'number');
  if (xs.length === 0) return undefined;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}
