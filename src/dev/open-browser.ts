/** `folio dev --open`: the system's way of opening a URL in the default browser. */
import { spawn } from 'node:child_process';
import { platform } from 'node:os';

export function openBrowser(url: string, onError: (e: Error) => void): void {
  const os = platform();
  const [command, args] =
    os === 'darwin' ? ['open', [url]] : os === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', onError);
    child.unref();
  } catch (e) {
    onError(e as Error);
  }
}
