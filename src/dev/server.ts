/**
 * The preview server: the site from memory (static files from their sources), nothing else.
 * Every request path is decoded segment by segment and looked up by name among the site's
 * files, so no spelling of `..`, `%2e%2e`, `%2f`, a backslash or NUL can reach outside it —
 * those are refused with the site's 404 page before any lookup. Live reload is a stream of
 * Server-Sent Events at EVENTS_PATH.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { devSnippet, EVENTS_PATH, injectSnippet, overlayHtml } from './overlay.js';
import type { DevSite } from './incremental.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.zip': 'application/zip',
};

/** Feeds by their file name: the type a feed reader expects. */
const FEED_TYPES: Record<string, string> = {
  'feed.xml': 'application/atom+xml; charset=utf-8',
  'feed.json': 'application/feed+json; charset=utf-8',
};

export function contentType(key: string): string {
  return FEED_TYPES[path.posix.basename(key)] ?? CONTENT_TYPES[path.posix.extname(key).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved =
  /** `key`: the output path to look up (`posts/x/index.html`); `slashed`: the same path as a folder. */
  | { kind: 'site'; key: string; slashed?: { key: string; location: string } }
  | { kind: 'redirect'; location: string }
  | { kind: 'refused' };

/**
 * Request target -> what to look up. Refused: a dot segment, an encoded `/` or `\`, a
 * backslash, NUL, bad percent-encoding, or a path outside the site's base path.
 */
export function resolveRequest(target: string, basePath: string): Resolved {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const search = q < 0 ? '' : target.slice(q);
  if (!rawPath.startsWith('/') || /[\\\0]/.test(rawPath)) return { kind: 'refused' };
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'refused' };
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return { kind: 'refused' };
    segments.push(segment);
  }
  const decoded = `/${segments.join('/')}`;
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (basePath !== '/') {
    if (decoded === '/' || decoded === basePath.slice(0, -1)) return { kind: 'redirect', location: basePath + search };
    if (!decoded.startsWith(basePath)) return { kind: 'refused' };
  }
  const sitePath = decoded.slice(basePath.length - 1);
  if (sitePath.endsWith('/')) return { kind: 'site', key: `${sitePath.slice(1)}index.html` };
  return {
    kind: 'site',
    key: sitePath.slice(1),
    slashed: { key: `${sitePath.slice(1)}/index.html`, location: `${encode(decoded)}/${search}` },
  };
}

interface EventClient {
  res: ServerResponse;
  key: string | undefined;
  /** What the browser shows (see DevSite.token). */
  token: string;
  overlay: boolean;
}

const HEARTBEAT_MS = 20_000;

export class DevServer {
  private readonly clients = new Set<EventClient>();
  private readonly heartbeat: NodeJS.Timeout;

  /** `ready` settles when the first build is done; requests wait for it. */
  constructor(
    private readonly site: DevSite,
    private readonly ready: Promise<unknown>,
  ) {
    // Keeps idle event streams open through proxies and tells closed ones apart.
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.res.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await this.ready;
      await this.respond(req, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Folio could not serve this: ${(e as Error).message}\n`);
    }
  };

  /** After each rebuild: browsers whose page changed reload; all see the errors, or lose them. */
  notify(): void {
    const problems = this.site.problems;
    for (const client of this.clients) {
      if (problems) {
        send(client.res, 'problems', { html: overlayHtml(problems) });
        client.overlay = true;
        continue;
      }
      const token = this.site.token(client.key);
      if (token !== client.token) {
        client.token = token;
        send(client.res, 'reload', {});
      } else if (client.overlay) send(client.res, 'clear', {});
      client.overlay = false;
    }
  }

  /** Ends every event stream (the browsers will try to reconnect, and find nothing). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private async respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Only GET and HEAD are served.\n');
      return;
    }
    if (target === EVENTS_PATH || target.startsWith(`${EVENTS_PATH}?`)) return this.openEvents(target, req, res);

    const found = resolveRequest(target, this.site.basePath);
    if (found.kind === 'redirect') {
      res.writeHead(302, { Location: found.location, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (found.kind === 'refused') return this.notFound(req, res, undefined);
    const file = this.site.file(found.key);
    if (file) return this.send(req, res, 200, found.key, file.body);
    const asset = this.site.asset(found.key);
    if (asset !== undefined) {
      let body: Buffer;
      try {
        body = await readFile(asset);
      } catch {
        return this.notFound(req, res, found.key);
      }
      return this.send(req, res, 200, found.key, body);
    }
    if (found.slashed && this.site.exists(found.slashed.key)) {
      res.writeHead(302, { Location: found.slashed.location, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    return this.notFound(req, res, found.key);
  }

  private notFound(req: IncomingMessage, res: ServerResponse, key: string | undefined): void {
    if (!this.site.hasSite) {
      // Nothing built yet: the overlay says why.
      const body = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Folio: no site yet</title></head><body><h1>The site could not be built yet</h1></body></html>';
      return this.send(req, res, 500, '404.html', body, key);
    }
    const page = this.site.file('404.html');
    const body = page?.body ?? '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Not found</h1></body></html>';
    this.send(req, res, 404, '404.html', body, key);
  }

  /** `tokenKey`: the path the browser asked for, when it differs from the file sent (404). */
  private send(req: IncomingMessage, res: ServerResponse, status: number, key: string, body: string | Buffer, tokenKey = key): void {
    const type = contentType(key);
    let bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (type.startsWith('text/html')) bytes = injectSnippet(bytes, devSnippet(this.site.token(tokenKey), this.site.problems));
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': bytes.length,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  private openEvents(target: string, req: IncomingMessage, res: ServerResponse): void {
    const params = new URLSearchParams(target.slice(EVENTS_PATH.length + 1));
    const found = resolveRequest(params.get('path') ?? '/', this.site.basePath);
    const client: EventClient = {
      res,
      key: found.kind === 'site' ? found.key : undefined,
      token: params.get('token') ?? '',
      overlay: false,
    };
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.write('retry: 500\n\n');
    this.clients.add(client);
    req.on('close', () => this.clients.delete(client));
    // The page may have changed between being served and connecting here.
    const problems = this.site.problems;
    if (problems) {
      send(res, 'problems', { html: overlayHtml(problems) });
      client.overlay = true;
    } else if (this.site.token(client.key) !== client.token) {
      client.token = this.site.token(client.key);
      send(res, 'reload', {});
    }
  }
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
