#!/usr/bin/env node
/**
 * npm run bench:dev -- CORPUS_DIR [--edits N] [--settle MS] [--json]
 *
 * The writer's loop: how long from saving a post to the browser getting the rebuilt page.
 * Copies a corpus made by ../shared/bench/gen-corpus.mjs into a temporary site folder, starts
 * the compiled `folio dev` on it (a whole process, any free port), then N times (default 20):
 * appends a paragraph with a new marker to one series post (the first with series_part: 5,
 * as the peers' benchmark does), waits for the live-reload event on the page's event stream
 * (as the browser does), fetches the page and checks that the marker is in it. The time is
 * from just before the write to the end of that fetch. Edits are --settle ms apart (default
 * 1000; 2000 or more on a busy machine), so each starts with the previous one's rest (lists,
 * feeds) done. Stops the server
 * with SIGINT and checks that it exits cleanly.
 *
 * Uses lib/ (run `npm run compile` after changing src/).
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { appendFile, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FOLIO = path.join(REPO, 'bin', 'folio.js');

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error('usage: npm run bench:dev -- CORPUS_DIR [--edits N] [--settle MS] [--json]   (CORPUS_DIR holds posts/ from gen-corpus.mjs)');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { edits: 20, settle: 1000, json: false, corpus: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--edits') opts.edits = Number(argv[++i]);
    else if (a === '--settle') opts.settle = Number(argv[++i]);
    else if (a === '--json') opts.json = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.corpus) usage('one corpus folder only');
    else opts.corpus = path.resolve(a);
  }
  if (!opts.corpus) usage('no corpus folder given');
  if (!Number.isInteger(opts.edits) || opts.edits < 1) usage('--edits must be a whole number from 1 up');
  if (!Number.isFinite(opts.settle) || opts.settle < 0) usage('--settle must be a number of milliseconds');
  if (!existsSync(path.join(opts.corpus, 'posts'))) usage(`${opts.corpus} has no posts/ folder`);
  return opts;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (x) => Math.round(x * 10) / 10;

function checkCompiled() {
  const lib = path.join(REPO, 'lib', 'dev', 'incremental.js');
  if (!existsSync(lib)) usage('lib/ has no compiled dev server: run `npm run compile` first');
  const src = path.join(REPO, 'src', 'dev', 'incremental.ts');
  if (statSync(src).mtimeMs > statSync(lib).mtimeMs) console.error('warning: src/dev/ is newer than lib/dev/ — run `npm run compile` to measure the current code');
}

/** The post to edit: the first (by name) with series_part: 5, else the first in a series. */
async function pickPost(site) {
  const names = (await readdir(path.join(site, 'posts'))).filter((n) => n.endsWith('.md')).sort();
  let fallback;
  for (const name of names) {
    const text = await readFile(path.join(site, 'posts', name), 'utf8');
    if (/^draft: true$/m.test(text)) continue;
    if (/^series_part: 5$/m.test(text)) return name;
    if (!fallback && /^series:/m.test(text)) fallback = name;
  }
  return fallback ?? names[0];
}

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

/** The live-reload stream of one page, as the injected script opens it. */
function openEvents(origin, pagePath, token) {
  const waiters = [];
  const req = http.get(`${origin}/__folio/events?path=${encodeURIComponent(pagePath)}&token=${encodeURIComponent(token)}`, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        if (event) for (const w of waiters.splice(0)) w({ event, at: performance.now() });
      }
    });
  });
  req.on('error', () => {});
  return { next: () => new Promise((resolve) => waiters.push(resolve)), close: () => req.destroy() };
}

function tokenOf(html) {
  const m = /encodeURIComponent\(("[^"]*")\)/.exec(html.slice(html.lastIndexOf('data-folio-dev')));
  return m ? JSON.parse(m[1]) : '';
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  checkCompiled();
  const site = await mkdtemp(path.join(tmpdir(), 'folio-bench-dev-'));
  await cp(path.join(opts.corpus, 'posts'), path.join(site, 'posts'), { recursive: true });
  const postCount = (await readdir(path.join(site, 'posts'))).filter((n) => n.endsWith('.md')).length;
  const file = await pickPost(site);
  const slug = file.replace(/\.md$/, '').replace(/^\d{4}-\d{2}-\d{2}-/, '');

  const loadBefore = round(loadavg()[0]);
  const started = performance.now();
  const child = spawn(process.execPath, [FOLIO, 'dev', '--root', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const lineWaiters = [];
  const onLine = (line) => {
    lines.push(line);
    for (const w of lineWaiters) if (w.re.test(line)) w.resolve(line);
  };
  readline.createInterface({ input: child.stdout }).on('line', onLine);
  const errorLines = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    // The corpus's warnings (images it does not have) are many; keep the last few for errors.
    errorLines.push(line);
    if (errorLines.length > 20) errorLines.shift();
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const waitLine = (re, ms) =>
    new Promise((resolve, reject) => {
      const found = lines.find((l) => re.test(l));
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}`)), ms);
      exited.then(({ code, signal }) => reject(new Error(`folio dev exited (${code ?? signal}) before printing ${re}`)));
      lineWaiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });

  const results = [];
  let status = 0;
  let startupS;
  try {
    const serving = await waitLine(/^Serving (http\S+)/, 300_000);
    startupS = round((performance.now() - started) / 1000);
    const siteUrl = /^Serving (http\S+)/.exec(serving)[1];
    const origin = new URL(siteUrl).origin;
    const pagePath = `${new URL(siteUrl).pathname}posts/${slug}/`;
    let page = await get(origin + pagePath);
    if (page.status !== 200) throw new Error(`${pagePath} answered ${page.status}`);
    await sleep(opts.settle);

    for (let k = 1; k <= opts.edits; k++) {
      const events = openEvents(origin, pagePath, tokenOf(page.body));
      await sleep(50); // connected, as an open tab is
      const marker = `bench-edit-${k}-${Date.now().toString(36)}`;
      const reload = events.next();
      const linesBefore = lines.length;
      const t0 = performance.now();
      await appendFile(path.join(site, 'posts', file), `\n\nEdit ${k} for the benchmark: ${marker}.\n`);
      const { event, at } = await Promise.race([reload, sleep(10_000).then(() => ({ event: 'timeout' }))]);
      if (event !== 'reload') throw new Error(`edit ${k}: no reload event (got ${event})`);
      page = await get(origin + pagePath);
      let t1 = performance.now();
      // Never expected: the reload came before the new text. Poll, and count the time.
      while (!page.body.includes(marker) && performance.now() - t0 < 10_000) {
        page = await get(origin + pagePath);
        t1 = performance.now();
      }
      if (!page.body.includes(marker)) throw new Error(`edit ${k}: the page never showed the new text`);
      events.close();
      await sleep(opts.settle);
      const log = lines.slice(linesBefore);
      const first = log.map((l) => / rebuilt in (\d+) ms$/.exec(l)).find(Boolean);
      const rest = log.map((l) => /^\S+ {3}and .* in (\d+) ms$/.exec(l)).find(Boolean);
      const r = {
        edit: k,
        savedToServedMs: round(t1 - t0),
        savedToReloadEventMs: round(at - t0),
        serverFirstMs: first ? Number(first[1]) : null,
        serverRestMs: rest ? Number(rest[1]) : null,
      };
      results.push(r);
      if (!opts.json) {
        console.log(
          `edit ${String(k).padStart(2)}: ${r.savedToServedMs} ms save -> page served (reload event at ${r.savedToReloadEventMs} ms; ` +
            `server: page ${r.serverFirstMs ?? '?'} ms, then lists and feeds ${r.serverRestMs ?? '-'} ms)`,
        );
      }
    }
  } catch (e) {
    console.error(`error: ${e.message}`);
    if (errorLines.length) console.error(`folio dev's last lines on stderr:\n${errorLines.join('\n')}`);
    status = 1;
  }

  child.kill('SIGINT');
  const exit = await Promise.race([exited, sleep(10_000).then(() => undefined)]);
  if (!exit) {
    child.kill('SIGKILL');
    console.error('error: folio dev did not stop within 10 s of SIGINT');
    status = 1;
  } else if (exit.code !== 0 || !lines.includes('Stopped.')) {
    console.error(`error: folio dev stopped with ${exit.code ?? exit.signal} after SIGINT`);
    status = 1;
  }
  await rm(site, { recursive: true, force: true });

  if (results.length > 0) {
    const served = results.map((r) => r.savedToServedMs);
    const firsts = results.map((r) => r.serverFirstMs).filter((x) => x !== null);
    const rests = results.map((r) => r.serverRestMs).filter((x) => x !== null);
    const summary = {
      posts: postCount,
      edited: `posts/${file}`,
      edits: results.length,
      startupS,
      savedToServedMsMedian: round(median(served)),
      savedToServedMsMin: Math.min(...served),
      savedToServedMsMax: Math.max(...served),
      serverPageMsMedian: round(median(firsts)),
      serverRestMsMedian: rests.length ? round(median(rests)) : null,
      cleanShutdown: status === 0,
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      // Other work on the machine shows in every figure: the 1-minute load average before and after.
      loadAverage: [loadBefore, round(loadavg()[0])],
    };
    if (opts.json) console.log(JSON.stringify({ summary, results }, null, 2));
    else {
      console.log(
        `\nmedian ${summary.savedToServedMsMedian} ms from save to rebuilt page served (min ${summary.savedToServedMsMin}, max ${summary.savedToServedMsMax}; ` +
          `${summary.edits} edits of ${summary.edited}, ${postCount} posts). Server: page ${summary.serverPageMsMedian} ms, ` +
          `lists and feeds after it ${summary.serverRestMsMedian ?? '-'} ms (median).`,
      );
      console.log(JSON.stringify(summary));
    }
  }
  process.exitCode = status;
}

await main();
