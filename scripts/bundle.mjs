#!/usr/bin/env node
/**
 * `npm run compile` (and `npm install`, through `prepare`), after tsc: bundles the compiled CLI
 * and the worker thread's entry from lib/ into lib/cli.bundle.mjs and lib/worker.bundle.mjs
 * (with shared chunks lib/bundle-*.mjs), which bin/folio.js runs; and compiles the built-in
 * theme's templates into lib/theme-templates.json (precompileTheme in src/render/templates.ts).
 *
 * Why: Node 20 loads ES modules one file at a time (resolve, read, compile, link), and a build
 * loads about 200 of them — our own and markdown-it's, Nunjucks', gray-matter's — once in the
 * main thread and again in each worker. Bundled, loading the build takes 60 ms instead of 140,
 * and a worker is ready to take posts 70 ms sooner (docs/benchmarks.md).
 *
 * Left out of the bundle: chokidar (loaded by `folio dev` only, in its watcher thread). The
 * bundles sit in lib/ beside the files they were made from, so that paths found from
 * import.meta.url (the package root, the worker entry, require) stay the same.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const lib = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib');

// Chunks of an earlier bundle: their names change with their content.
rmSync(path.join(lib, 'entry'), { recursive: true, force: true });
for (const name of readdirSync(lib)) if (/^bundle-.*\.mjs$|\.bundle\.mjs$/.test(name)) rmSync(path.join(lib, name));

await build({
  entryPoints: [path.join(lib, 'cli.js'), path.join(lib, 'worker.js')],
  outdir: lib,
  entryNames: '[name].bundle',
  chunkNames: 'bundle-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['chokidar'],
  // CommonJS packages (Nunjucks, gray-matter) call require(): give every chunk one.
  banner: { js: "import { createRequire as folioCreateRequire } from 'node:module'; const require = folioCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// tinypool starts its threads on its own entry, found beside its code (import.meta.url +
// '/../entry/worker.js'): bundled into lib/bundle-*.mjs, that is lib/entry/worker.js.
// After every task that entry reports process.memoryUsage().heapUsed, for a limit on a
// worker's memory before it is replaced that Folio does not set (maxMemoryLimitBeforeRecycle;
// WORKER_LIMITS in src/pool.ts bounds the heap instead). In a build's worker those calls cost
// 0.07 s at 4,000 posts (21 interleaved runs: 1.75 -> 1.68 s; docs/benchmarks.md), so in this
// file alone it reads a stand-in that reports no heap.
await build({
  define: { 'process.memoryUsage': 'folioNoMemoryUsage' },
  banner: { js: 'const folioNoMemoryUsage = () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 });' },
  entryPoints: [path.join(path.dirname(fileURLToPath(import.meta.resolve('tinypool'))), 'entry', 'worker.js')],
  outfile: path.join(lib, 'entry', 'worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

const { precompileTheme } = await import(path.join(lib, 'render', 'templates.js'));
writeFileSync(path.join(lib, 'theme-templates.json'), JSON.stringify(precompileTheme()));
