/**
 * Helpers for the `folio dev` tests: a dev server started in-process on a free port over a
 * temporary copy of a fixture, HTTP requests sent as written (no client-side normalising),
 * and "browser tabs" that hold a page and its live-reload event stream, as the injected
 * script does.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { startDev, type DevSession } from '../../src/dev/dev.js';
import { copyFixture } from '../helpers.js';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface DevEvent {
  event: string;
  data: string;
}

export interface Tab {
  path: string;
  html: string;
  status: number;
  /** The next event on this page's stream (waits up to `ms`). */
  next(ms?: number): Promise<DevEvent>;
  /** Does what the page's script does on `reload`: fetch the page again and reconnect. */
  reload(): Promise<Tab>;
  close(): void;
}

export interface DevFixture {
  root: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The site's base path, `/blog/` for the dev-blog fixture. */
  base: string;
  output: { stdout: string; stderr: string };
  session: DevSession;
  get(target: string, method?: string): Promise<Reply>;
  /** Sends `target` byte for byte on a raw socket (for spellings an HTTP client refuses). */
  raw(target: string): Promise<{ status: number; body: string }>;
  open(target: string): Promise<Tab>;
  write(rel: string, text: string | Buffer): Promise<void>;
  remove(rel: string): Promise<void>;
  move(from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

const open: DevFixture[] = [];

/** Closes every dev server a test started (for afterEach: a test never leaves one running). */
export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((f) => f.close()));
}

export function request(origin: string, target: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${target}`, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rawRequest(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'latin1'));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

/** The token the injected script sends: what the page showed when it was served. */
export function tokenOf(html: string): string {
  const script = html.slice(html.lastIndexOf('<script data-folio-dev>'));
  const m = /encodeURIComponent\(("[^"]*")\)/.exec(script);
  if (!m) throw new Error('the page has no live-reload script');
  return JSON.parse(m[1]) as string;
}

function openEvents(origin: string, pagePath: string, token: string) {
  const queue: DevEvent[] = [];
  const waiters: ((e: DevEvent) => void)[] = [];
  let ended = false;
  const req = http.get(`${origin}/__folio/events?path=${encodeURIComponent(pagePath)}&token=${encodeURIComponent(token)}`, { agent: false }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        if (!event) continue;
        const e = { event, data: /^data: (.*)$/m.exec(block)?.[1] ?? '' };
        const w = waiters.shift();
        if (w) w(e);
        else queue.push(e);
      }
    });
    res.on('end', () => {
      ended = true;
      for (const w of waiters.splice(0)) w({ event: 'end', data: '' });
    });
  });
  req.on('error', () => {
    ended = true;
    for (const w of waiters.splice(0)) w({ event: 'end', data: '' });
  });
  return {
    next(ms = 10_000): Promise<DevEvent> {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      if (ended) return Promise.resolve({ event: 'end', data: '' });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1);
          reject(new Error(`no event on ${pagePath} within ${ms} ms`));
        }, ms);
        const done = (e: DevEvent) => {
          clearTimeout(timer);
          resolve(e);
        };
        waiters.push(done);
      });
    },
    close: () => req.destroy(),
  };
}

export async function startFixture(
  name = 'dev-blog',
  options: { drafts?: boolean; prepare?: (root: string) => Promise<void> } = {},
): Promise<DevFixture> {
  const root = await copyFixture(name);
  await options.prepare?.(root);
  const output = { stdout: '', stderr: '' };
  const session = await startDev(
    { root, port: 0, host: '127.0.0.1', drafts: options.drafts ?? true },
    { stdout: (s) => void (output.stdout += s), stderr: (s) => void (output.stderr += s) },
  );
  const url = new URL(session.url);
  const origin = url.origin;
  const tabs: { close(): void }[] = [];
  const openTab = async (target: string): Promise<Tab> => {
    const reply = await request(origin, target);
    const events = openEvents(origin, target.split('?')[0], tokenOf(reply.body));
    const tab: Tab = {
      path: target,
      html: reply.body,
      status: reply.status,
      next: (ms) => events.next(ms),
      reload: async () => {
        events.close();
        return openTab(target);
      },
      close: () => events.close(),
    };
    tabs.push(tab);
    return tab;
  };
  const fixture: DevFixture = {
    root,
    origin,
    base: url.pathname,
    output,
    session,
    get: (target, method) => request(origin, target, method),
    raw: (target) => rawRequest(Number(url.port), target),
    open: openTab,
    async write(rel, text) {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), text);
    },
    remove: (rel) => rm(path.join(root, rel), { recursive: true, force: true }),
    move: (from, to) => rename(path.join(root, from), path.join(root, to)),
    async close() {
      for (const t of tabs.splice(0)) t.close();
      await session.close();
    },
  };
  open.push(fixture);
  return fixture;
}

/** The page as the build would write it: the live-reload script and overlay taken out. */
export function withoutDevSnippet(html: string): string {
  return html.replace(/<div id="folio-dev-overlay"[\s\S]*?<\/div>\n/, '').replace(/<script data-folio-dev>[\s\S]*?<\/script>\n/, '');
}
