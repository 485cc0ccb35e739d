/**
 * Debian's Chromium driven by playwright-core (playwright cannot download its own browser
 * here). Without Chromium the browser tests are skipped with a visible notice, except
 * under CI=true, where a missing browser is a failure: CI must prove the theme.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { test } from 'vitest';

export const CHROMIUM_PATH = process.env.FOLIO_CHROMIUM ?? '/usr/bin/chromium';

// No network beyond the test server, no background services, no first-run dialogs.
// playwright gives every launch a fresh temporary profile (--user-data-dir) of its own.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return undefined;
  } catch {
    return `no Chromium at ${CHROMIUM_PATH} (install it with \`apt-get install chromium\`, or set FOLIO_CHROMIUM to its path)`;
  }
}

/**
 * Call once at the top of a browser test file. Returns true when the browser tests can run;
 * otherwise warns (skipping) or, under CI=true, registers a failing test.
 */
export function chromiumAvailable(what: string): boolean {
  const missing = chromiumMissing();
  if (!missing) return true;
  if (process.env.CI === 'true') {
    test(`${what}: Chromium is installed (required when CI=true)`, () => {
      throw new Error(`cannot run the browser tests: ${missing}`);
    });
  } else {
    console.warn(`\n[folio] Skipping ${what}: ${missing}. Under CI=true this is a failure.\n`);
  }
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
