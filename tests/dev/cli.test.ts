/** `folio dev` on the command line: options, usage errors, and a clean stop on Ctrl-C. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { main, type CliIO } from '../../src/cli.js';
import { cleanTemp, copyFixture, post, runCli } from '../helpers.js';
import { closeAll, request, startFixture, tokenOf } from './dev-helpers.js';

afterEach(closeAll);
afterAll(cleanTemp);

interface Running {
  output: { stdout: string; stderr: string };
  exit: Promise<number>;
  url: Promise<string>;
}

/** `folio dev` through main(), as the bin runs it, until `interrupted` settles (or Ctrl-C). */
function runDevCli(args: string[], interrupted?: Promise<unknown>): Running {
  const output = { stdout: '', stderr: '' };
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  const io: CliIO = {
    stdout: (s) => {
      output.stdout += s;
      const m = /^Serving (\S+)/m.exec(output.stdout);
      if (m) found(m[1]);
    },
    stderr: (s) => void (output.stderr += s),
    cwd: process.cwd(),
    env: {},
    interrupted,
  };
  const exit = main(['dev', ...args], io);
  void exit.then(() => found(''));
  return { output, exit, url };
}

function eventStream(url: string): Promise<{ ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve({ ended: new Promise((done) => res.on('close', () => done())) });
      })
      .on('error', reject);
  });
}

describe('folio dev', () => {
  test('serves until interrupted, then ends the event streams, closes the server and exits 0', async () => {
    const root = await copyFixture('dev-blog');
    let stop!: () => void;
    const run = runDevCli(['--root', root, '--port', '0'], new Promise<void>((r) => (stop = r)));
    const url = await run.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/blog\/$/);
    const page = await request(new URL(url).origin, '/blog/posts/first-steps/');
    expect(page.status).toBe(200);
    const events = await eventStream(`${new URL(url).origin}/__folio/events?path=/blog/posts/first-steps/&token=${encodeURIComponent(tokenOf(page.body))}`);

    stop();
    expect(await run.exit).toBe(0);
    await events.ended;
    expect(run.output.stdout).toMatch(/\nStopped\.\n$/);
    await expect(request(new URL(url).origin, '/blog/')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('Ctrl-C (SIGINT) stops it cleanly: its handler, server, watcher thread and timers are gone afterwards', async () => {
    const root = await copyFixture('dev-blog');
    const resources = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    const resourcesBefore = resources();
    const before = process.listenerCount('SIGINT');
    const run = runDevCli(['--root', root, '--port', '0']);
    const url = await run.url;
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT');
    expect(await run.exit).toBe(0);
    expect(run.output.stdout).toMatch(/\nStopped\.\n$/);
    expect(process.listenerCount('SIGINT')).toBe(before);
    await expect(request(new URL(url).origin, '/blog/')).rejects.toThrow(/ECONNREFUSED/);
    // What keeps a process running: nothing of folio dev's is left, so the real one exits.
    await new Promise((r) => setTimeout(r, 50));
    const left = [...resources()];
    for (const r of resourcesBefore) if (left.includes(r)) left.splice(left.indexOf(r), 1);
    expect(left).toEqual([]);
  });

  test('after close, edits are no longer watched', async () => {
    const dev = await startFixture();
    await dev.close();
    const before = dev.output.stdout;
    await dev.write('posts/2024-04-10-standalone.md', post({ title: 'After the end' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(dev.output.stdout).toBe(before);
    await dev.close(); // twice is harmless
  });

  test('usage errors exit 2 with a message', async () => {
    const root = await copyFixture('dev-blog');
    const bad = await runCli(['dev', '--root', root, '--port', 'forty']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'error: --port must be a whole number from 0 to 65535 (0: any free port), not "forty"\n' });
    const high = await runCli(['dev', '--root', root, '--port', '70000']);
    expect(high.code).toBe(2);
    const unknown = await runCli(['dev', '--root', root, '--drafts']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("error: Unknown option '--drafts' — run `folio --help` for the options of `folio dev`\n");
    const host = await runCli(['dev', '--root', root, '--port', '0', '--host', '203.0.113.7']);
    expect(host).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: cannot serve on --host 203.0.113.7: it is not an address of this computer — leave --host out for 127.0.0.1, or use 0.0.0.0 for every network\n',
    });
  });

  test('a port in use is a usage error naming the port', async () => {
    const root = await copyFixture('dev-blog');
    const other = http.createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as AddressInfo).port;
    try {
      const run = await runCli(['dev', '--root', root, '--port', String(port)]);
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `error: port ${port} is already in use (is another folio dev running?) — stop it, or choose another port with --port ${port + 1}\n`,
      });
    } finally {
      other.close();
    }
  });

  test('--help lists dev and its options', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('  folio dev   [--root DIR] [--port 4000] [--host 127.0.0.1] [--open] [--no-drafts]\n');
    expect(help.stdout).toContain('  --no-drafts      dev: leave out posts with draft: true (dev shows them by default)\n');
  });
});
