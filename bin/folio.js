#!/usr/bin/env node
// Thin launcher: the CLI is compiled to lib/ once, at install time (npm's `prepare`).
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Feedback vectors from a function's first call rather than after many: V8 then optimises the
// Markdown, template and YAML code that a build runs thousands of times much sooner. Measured
// at 4,000 posts: one thread 3.2-3.4 s -> 2.6-2.8 s; with a worker thread about 0.1 s less
// (docs/benchmarks.md). Set before the rest of Folio is loaded.
setFlagsFromString('--no-lazy-feedback-allocation');
// Optimised code compiled on the thread that runs it, not on V8's background threads: on a
// machine whose cores are all busy (a build's main and worker threads), the background compiles
// compete with both, and the code waits longer for them. Measured interleaved: 1,000 posts (one
// thread) 1.26 -> 1.15 s; 4,000 posts 2.21 -> 2.18 s, with 0.14-0.25 s less CPU; 16,000 posts
// 7.64 -> 6.88 s, 1.2 s less CPU. (docs/benchmarks.md tells what was tried before.)
// Set here, it holds for the isolates made after it — the worker threads (`--trace-opt`: their
// compiles are 'kSynchronous'); the main thread's isolate exists already and goes on compiling
// on V8's background threads ('kConcurrent'). Given on the command line, so that the main
// thread compiles on itself too, it was slower: 1.63 -> 1.70 s at 4,000 posts (15 runs).
setFlagsFromString('--no-concurrent-recompilation');
// Less inlining into optimised code (V8's default budget is 920 bytes of bytecode a function):
// a build is over in seconds, and V8 spent as long compiling as the code saved. --trace-opt at
// 4,000 posts: ~1.5 s of TurboFan compiling over both threads, 57 ms for one function that
// inlines the front matter parser. Measured interleaved (11 runs): 1,000 posts 0.96 -> 0.86 s;
// 4,000 posts 1.95 -> 1.78 s and 2.07 -> 1.86 s, CPU -0.3 s; 16,000 posts 5.82 -> 5.78 s
// (no inlining at all: 1.81-1.87 s at 4,000 posts; 80 to 500 bytes all within noise of 150).
setFlagsFromString('--max-inlined-bytecode-size-cumulative=150');
// Young-generation collections done by the thread itself, without helper tasks: with both
// cores busy (a build's main and worker threads) the helpers wait for a core, and so does the
// thread that started them. 4,000 posts 1.70 -> 1.64 s and 1.73 -> 1.70 s; 16,000 posts
// 5.76 -> 5.42 s, CPU -0.46 s; 1,000 posts (no worker) 0.85 -> 0.86 s. (--single-threaded-gc,
// which also stops concurrent marking, can only be given on the command line: set here, it
// breaks V8, as does --no-parallel-marking.)
setFlagsFromString('--no-parallel-scavenge');

/**
 * The bundled CLI (scripts/bundle.mjs: it loads in half the time), unless lib/ was compiled
 * again after it was made (`tsc` alone, while working on Folio): then the compiled one.
 */
function entry() {
  const modified = (file) => statSync(new URL(file, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  const bundled = modified('../lib/cli.bundle.mjs');
  return bundled !== undefined && bundled >= (modified('../lib/cli.js') ?? 0) ? '../lib/cli.bundle.mjs' : '../lib/cli.js';
}

const { main } = await import(entry());
process.exitCode = await main(process.argv.slice(2));
