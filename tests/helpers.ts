/** Shared test helpers: build a site into a temporary folder and read what it wrote. */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cheerio from 'cheerio';
import { main } from '../src/cli.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');

const made: string[] = [];

/** Whether lib/ holds the compiled worker (tests/global-setup.ts compiles it before any file runs). */
export function libCompiled(): boolean {
  return existsSync(path.join(REPO_ROOT, 'lib', 'worker.js'));
}

/** A fresh temporary folder, removed by `cleanTemp()`. */
export async function tempDir(prefix = 'folio-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function cleanTemp(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Copies tests/fixtures/<name> into a temporary folder (so tests never touch the originals). */
export async function copyFixture(name: string): Promise<string> {
  const dir = await tempDir();
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Writes a site from a map of relative paths to contents. */
export async function writeSite(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await tempDir();
  for (const [rel, body] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, body);
  }
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with injected argv and cwd. */
export async function runCli(args: string[], cwd = REPO_ROOT): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

export interface BuiltSite extends CliRun {
  root: string;
  out: string;
  read(file: string): Promise<string>;
  html(file: string): Promise<cheerio.CheerioAPI>;
  files(): Promise<string[]>;
}

/** `folio build --root ROOT --out ROOT/dist ...args` and accessors for what it wrote. */
export async function build(root: string, args: string[] = []): Promise<BuiltSite> {
  const out = path.join(root, 'dist');
  const run = await runCli(['build', '--root', root, '--out', out, ...args]);
  return {
    ...run,
    root,
    out,
    read: (file) => readFile(path.join(out, file), 'utf8'),
    html: async (file) => cheerio.load(await readFile(path.join(out, file), 'utf8')),
    files: () => listFiles(out),
  };
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join((e as { parentPath?: string }).parentPath ?? (e as { path: string }).path, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Front matter + body -> Markdown file text. */
export function post(front: Record<string, unknown> | string, body = 'Some text.\n'): string {
  const fm = typeof front === 'string' ? front : Object.entries(front).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n');
  return `---\n${fm}\n---\n${body}`;
}
