/**
 * `folio dev`: build once into memory, serve it, watch the site's files, rebuild what a change
 * affects and reload the browsers showing it. Output goes through the injected `DevOutput`
 * (the CLI passes its stdout and stderr), in the same format as `folio build`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatProblem, UsageError, type Problem } from '../errors.js';
import { DevSite, type RebuildReport } from './incremental.js';
import { openBrowser } from './open-browser.js';
import { DevServer } from './server.js';
import { watchSite, type SiteWatcher } from './watcher.js';

export interface DevOptions {
  /** The site folder (absolute). */
  root: string;
  /** 0 = any free port. */
  port: number;
  host: string;
  drafts: boolean;
}

export interface DevOutput {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface DevSession {
  /** Where the site is, with its base path: `http://127.0.0.1:4000/blog/`. */
  readonly url: string;
  /** Stops watching, ends the live-reload streams and closes the server. */
  close(): Promise<void>;
}

/**
 * After the edited page is served, the rest of a rebuild (lists, feeds, neighbours) waits
 * this long, so the browser's reload is not kept waiting behind it. A request for any of
 * those pages does it at once.
 */
const REST_DELAY_MS = 150;

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';

/** `--port` as given -> a port number, or a usage error. */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (0: any free port), not "${value}"`);
  return port;
}

function hostInUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

async function listen(server: http.Server, port: number, host: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use (is another folio dev running?) — stop it, or choose another port with --port ${port + 1}`);
    if (code === 'EACCES') throw new UsageError(`not allowed to serve on port ${port} — choose a port above 1023, e.g. --port ${DEFAULT_PORT}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UsageError(`cannot serve on --host ${host}: it is not an address of this computer — leave --host out for ${DEFAULT_HOST}, or use 0.0.0.0 for every network`);
    }
    throw e;
  }
  return (server.address() as AddressInfo).port;
}

export async function startDev(options: DevOptions, out: DevOutput): Promise<DevSession> {
  const server = http.createServer();
  const port = await listen(server, options.port, options.host);
  const origin = `http://${hostInUrl(options.host)}:${port}`;
  const terminal = new TerminalReport(out);
  let restTimer: NodeJS.Timeout | undefined;
  let devServer: DevServer | undefined;
  let watcher: SiteWatcher | undefined;
  // The rest of a rebuild waits while more saves are coming: they would only make it again.
  const completeRestWhenQuiet = () => {
    if (watcher?.busy) restTimer = setTimeout(completeRestWhenQuiet, REST_DELAY_MS);
    else void site.completeRestInSteps();
  };
  const site = new DevSite({
    root: options.root,
    drafts: options.drafts,
    origin,
    onReport: (report) => {
      terminal.report(report);
      devServer?.notify();
      clearTimeout(restTimer);
      if (report.scope === 'first') restTimer = setTimeout(completeRestWhenQuiet, REST_DELAY_MS);
    },
  });
  watcher = watchSite(options.root, (changed) => site.update(changed), {
    onError: (e) => out.stderr(`error: watching the site failed: ${e.message}\n`),
  });
  const ready = Promise.all([site.load(), watcher.ready]);
  devServer = new DevServer(site, ready);
  server.on('request', devServer.handle);
  try {
    await ready;
  } catch (e) {
    await watcher.close();
    server.close();
    throw e;
  }
  const url = origin + site.basePath;
  const drafts = options.drafts ? 'drafts included' : 'drafts left out';
  out.stdout(`Serving ${url} (${drafts}) — watching posts/, series/, templates/, public/ and site.yaml; press Ctrl-C to stop\n`);
  if (hostInUrl(options.host) === 'localhost' && options.host !== 'localhost') {
    out.stdout('Anyone who can reach this computer on your network can read the preview, drafts included.\n');
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        clearTimeout(restTimer);
        await watcher.close();
        clearTimeout(restTimer);
        devServer!.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

export interface DevCommand {
  root: string;
  port?: string;
  host?: string;
  drafts: boolean;
  open: boolean;
}

/** The `dev` command: serves until `interrupted` settles (Ctrl-C), then shuts down cleanly. */
export async function runDev(command: DevCommand, out: DevOutput, interrupted: Promise<unknown>): Promise<number> {
  const session = await startDev(
    { root: command.root, port: parsePort(command.port), host: command.host ?? DEFAULT_HOST, drafts: command.drafts },
    out,
  );
  if (command.open) openBrowser(session.url, (e) => out.stderr(`could not open a browser (${e.message}); open ${session.url} yourself\n`));
  await interrupted;
  await session.close();
  out.stdout('Stopped.\n');
  return 0;
}

// ---------------------------------------------------------------- the terminal

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** `posts/x/index.html` -> `/posts/x/`. */
function pageUrl(key: string): string {
  return `/${key.replace(/(^|\/)index\.html$/, '$1')}`;
}

function describePages(keys: string[]): string {
  if (keys.length === 0) return 'no page changed';
  if (keys.length <= 3) return keys.map(pageUrl).join(', ');
  return plural(keys.length, 'page');
}

function countErrors(problems: Problem[]): string {
  return plural(problems.filter((p) => p.severity === 'error').length, 'error');
}

class TerminalReport {
  private built = false;
  private failing = false;

  constructor(private readonly out: DevOutput) {}

  report(r: RebuildReport): void {
    for (const p of r.problems) this.out.stderr(`${formatProblem(p)}\n`);
    if (!r.ok) {
      if (this.built) this.out.stderr(`${clock()} Rebuild failed: ${countErrors(r.problems)} — still serving the last good site; fix the file and save again\n`);
      else this.out.stderr(`Build failed: ${countErrors(r.problems)} — fix the file and save; the preview shows the errors until then\n`);
      this.failing = true;
      return;
    }
    const ms = `${Math.round(r.ms)} ms`;
    if (!this.built) {
      const { pages, posts, series, tags } = r.counts;
      this.out.stdout(`Built ${plural(pages, 'page')} from ${plural(posts, 'post')} (${series} series, ${plural(tags, 'tag')}) in ${(r.ms / 1000).toFixed(2)} s\n`);
    } else if (r.scope === 'rest') {
      if (r.updated.length > 0) this.out.stdout(`${clock()}   and ${describePages(r.updated)} in ${ms}\n`);
    } else {
      const cause = r.changed.length === 1 ? `${r.changed[0]} changed` : `${r.changed.length} files changed`;
      this.out.stdout(`${clock()} ${this.failing ? 'Fixed — ' : ''}${cause}: ${describePages(r.updated)}${r.updated.length > 0 ? ' rebuilt' : ''} in ${ms}\n`);
    }
    this.built = true;
    this.failing = false;
  }
}
