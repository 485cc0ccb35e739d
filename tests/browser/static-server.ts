/**
 * A tiny static server for the browser tests: serves a built site from disk under its
 * base path (`/notes/` for a site whose url is https://example.org/notes/), on 127.0.0.1
 * and a free port, with the site's own 404.html for anything missing. Independent of
 * `folio dev` on purpose: these tests judge the files `folio build` writes.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
// The same content types as `folio dev` serves.
import { contentType } from '../../src/dev/server.js';

export interface StaticSite {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Origin plus base path: `http://127.0.0.1:PORT/notes/` */
  base: string;
  /** Every path requested, in order (to prove what the browser asked for). */
  requested: string[];
  close(): Promise<void>;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export async function serveStatic(dir: string, basePath = '/'): Promise<StaticSite> {
  const root = path.resolve(dir);
  const requested: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requested.push(url.pathname);
    let file: string | undefined;
    if (url.pathname.startsWith(basePath)) {
      const rel = decodeURIComponent(url.pathname.slice(basePath.length));
      const candidate = path.resolve(root, rel.endsWith('/') || rel === '' ? `${rel}index.html` : rel);
      if (candidate.startsWith(root + path.sep) && (await isFile(candidate))) file = candidate;
      else if (await isFile(path.join(candidate, 'index.html'))) {
        res.writeHead(301, { location: `${url.pathname}/` }).end();
        return;
      }
    }
    const status = file ? 200 : 404;
    file ??= path.join(root, '404.html');
    try {
      const body = await readFile(file);
      res.writeHead(status, { 'content-type': contentType(file) });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    base: origin + basePath,
    requested,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
