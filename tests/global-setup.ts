/**
 * Before any test file runs: src/ compiled and bundled into lib/, once, as `npm run compile`
 * does. Worker threads cannot load TypeScript, so a pool started by a test runs the compiled
 * worker in lib/ (see workerFile in src/pool.ts), and bin/folio.js runs the bundle: lib/ must be
 * the code under test. Once here rather than in each file that needs it: files run in parallel,
 * and two compiles writing lib/ while a third file's worker loads it could meet half-written files.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default function compileLib(): void {
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere still emit JavaScript (`npm test` reports them with tsc --noEmit).
  }
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
}
