/**
 * The default theme in a real Chromium: every kind of page of the example blog (and of a
 * fixture that uses every feature) in light and dark, checked by axe-core, by keyboard, at
 * 320 px, for requests that leave the site, and photographed at 375 and 1280 px.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanTemp, FIXTURES, listFiles, REPO_ROOT } from '../helpers.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { buildForBrowser, type BuiltForBrowser, type KindPage, type PageKind } from './page-kinds.js';
import { serveStatic, type StaticSite } from './static-server.js';

const SITES = [
  { name: 'the example blog', root: REPO_ROOT, shots: 'example' },
  { name: 'the theme fixture', root: path.join(FIXTURES, 'theme-site'), shots: 'fixture' },
];
/** Every site must have these; /cpd/ only when a post has `cpd`. */
const REQUIRED_KINDS: PageKind[] = ['home', 'home-page-2', 'post', 'series-post', 'series-index', 'series', 'tags', 'tag', 'archive', '404'];
const KINDS: PageKind[] = [...REQUIRED_KINDS, 'cpd'];
const SCHEMES = ['light', 'dark'] as const;
const SCREENSHOT_WIDTHS = [375, 1280];
/** Not committed (.gitignore); look at them after a run. */
const SCREENSHOTS = path.join(REPO_ROOT, 'screenshots');
/** `FOLIO_UPDATE_SCREENSHOTS=1` (npm run screenshots) rewrites the two shown in the README. */
const README_SHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');

const run = chromiumAvailable('the browser tests (tests/browser/theme.test.ts)');

function describeViolations(violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[]): string[] {
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ')}]` : ''}`).join('; ')}`,
  );
}

/** Relative luminance of a computed `rgb(...)` colour (WCAG 2). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

for (const { name, root, shots } of SITES) {
  describe.skipIf(!run)(`${name} in Chromium`, () => {
    let built: BuiltForBrowser;
    let server: StaticSite;
    let browser: Browser;

    beforeAll(async () => {
      built = await buildForBrowser(root);
      server = await serveStatic(built.out, built.site.config.basePath);
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await cleanTemp();
    });

    /** Opens a page, recording every request it makes and every one that failed. */
    async function open(target: KindPage, scheme: (typeof SCHEMES)[number], width = 1280) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const tab = await context.newPage();
      await tab.emulateMedia({ colorScheme: scheme });
      const requests: string[] = [];
      const failed: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      tab.on('requestfailed', (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
      tab.on('response', (r) => {
        const expected404 = target.kind === '404' && r.request().isNavigationRequest();
        if (r.status() >= 400 && !expected404) failed.push(`${r.url()} (HTTP ${r.status()})`);
      });
      const response = await tab.goto(server.base + target.url.slice(1), { waitUntil: 'load' });
      expect(response?.status(), target.url).toBe(target.kind === '404' ? 404 : 200);
      return { tab, requests, failed, close: () => context.close() };
    }

    function pageOf(kind: PageKind): KindPage | undefined {
      return built.pages.find((p) => p.kind === kind);
    }

    test('has a page of every kind', () => {
      const kinds = built.pages.map((p) => p.kind);
      expect(REQUIRED_KINDS.filter((k) => !kinds.includes(k)), 'page kinds the site lacks').toEqual([]);
    });

    test.for(KINDS)('%s page: no axe violations in light and dark, no request leaves the site', { timeout: 120_000 }, async (kind, ctx) => {
      const target = pageOf(kind);
      if (!target) {
        if (kind === 'cpd') ctx.skip();
        throw new Error(`${name} has no ${kind} page`);
      }
      for (const scheme of SCHEMES) {
        const { tab, requests, failed, close } = await open(target, scheme);
        // The scheme really applies: a light page on a light background, a dark one on dark.
        const bodyBg = await tab.evaluate(() => getComputedStyle(document.body).backgroundColor);
        if (scheme === 'light') expect(luminance(bodyBg), `${scheme} background ${bodyBg}`).toBeGreaterThan(0.8);
        else expect(luminance(bodyBg), `${scheme} background ${bodyBg}`).toBeLessThan(0.05);

        const axe = await new AxeBuilder({ page: tab }).analyze();
        expect(describeViolations(axe.violations), `axe on ${target.url} (${scheme}, 1280 px)`).toEqual([]);
        expect(axe.passes.length).toBeGreaterThan(10);

        // The phone layout too (colours do not change with the width, so once is enough).
        if (scheme === 'light') {
          await tab.setViewportSize({ width: 375, height: 800 });
          const narrowAxe = await new AxeBuilder({ page: tab }).analyze();
          expect(describeViolations(narrowAxe.violations), `axe on ${target.url} (${scheme}, 375 px)`).toEqual([]);
        }

        expect(requests.length).toBeGreaterThan(1);
        expect(requests.filter((u) => new URL(u).origin !== server.origin), 'requests that left the site').toEqual([]);
        expect(failed, 'requests that failed').toEqual([]);
        await close();
      }
    });

    test.for(KINDS)('%s page: the first Tab reaches the skip link, which moves focus to main', async (kind, ctx) => {
      const target = pageOf(kind);
      if (!target) return ctx.skip();
      const { tab, close } = await open(target, 'light');
      await tab.keyboard.press('Tab');
      const skip = await tab.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return { text: el.textContent?.trim(), href: el.getAttribute('href'), inView: box.top >= 0 && box.height > 0 && box.width > 0, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
      });
      expect(skip).toEqual({ text: 'Skip to content', href: '#main', inView: true, outline: true });
      await tab.keyboard.press('Enter');
      expect(await tab.evaluate(() => document.activeElement?.id)).toBe('main');
      // The next Tab continues inside main, not back in the header.
      await tab.keyboard.press('Tab');
      expect(await tab.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
      await close();
    });

    test('every page fits 320 px without scrolling sideways, keeps its headings in order and sizes its images', { timeout: 300_000 }, async () => {
      const htmlFiles = (await listFiles(built.out)).filter((f) => f.endsWith('.html'));
      expect(htmlFiles.length).toBeGreaterThan(10);
      const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
      const tab = await context.newPage();
      const problems: string[] = [];
      for (const file of htmlFiles) {
        const url = server.base + file.replace(/(^|\/)index\.html$/, '$1');
        await tab.goto(url, { waitUntil: 'load' });
        const found = await tab.evaluate(() => {
          const out: string[] = [];
          const root = document.documentElement;
          if (root.scrollWidth > root.clientWidth) {
            // Name the widest element, so the failure says what to fix.
            const widest = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5).pop();
            out.push(`is ${root.scrollWidth} px wide at 320 px (${widest?.tagName.toLowerCase()}.${widest?.className})`);
          }
          const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]));
          if (levels[0] !== 1 || levels.filter((l) => l === 1).length !== 1) out.push(`needs exactly one h1, first (headings: ${levels.join(' ')})`);
          levels.forEach((level, i) => {
            if (i > 0 && level > levels[i - 1] + 1) out.push(`skips from h${levels[i - 1]} to h${level}`);
          });
          for (const img of document.images) {
            const width = Number(img.getAttribute('width'));
            const height = Number(img.getAttribute('height'));
            if (!(width > 0 && height > 0)) out.push(`image ${img.getAttribute('src')} has no width and height (layout shift)`);
            else if (!img.naturalWidth) out.push(`image ${img.getAttribute('src')} did not load`);
            else if (Math.abs(width / height - img.naturalWidth / img.naturalHeight) > 0.02) {
              out.push(`image ${img.getAttribute('src')} says ${width}x${height} but is ${img.naturalWidth}x${img.naturalHeight}`);
            }
          }
          return out;
        });
        problems.push(...found.map((p) => `${file} ${p}`));
      }
      await context.close();
      expect(problems).toEqual([]);
    });

    test.for(KINDS)('%s page: screenshots at 375 and 1280 px, light and dark', { timeout: 120_000 }, async (kind, ctx) => {
      const target = pageOf(kind);
      if (!target) return ctx.skip();
      const dir = path.join(SCREENSHOTS, shots);
      await mkdir(dir, { recursive: true });
      for (const scheme of SCHEMES) {
        for (const width of SCREENSHOT_WIDTHS) {
          const { tab, close } = await open(target, scheme, width);
          const file = path.join(dir, `${kind}-${width}-${scheme}.png`);
          const png = await tab.screenshot({ path: file, fullPage: true });
          expect(png.length).toBeGreaterThan(1000);
          await close();
        }
      }
    });

    test('print: no navigation, black on white', async () => {
      const target = pageOf('series-post') ?? pageOf('post')!;
      const { tab, close } = await open(target, 'dark');
      await tab.emulateMedia({ media: 'print', colorScheme: 'dark' });
      const print = await tab.evaluate(() => ({
        nav: getComputedStyle(document.querySelector('.site-nav')!).display,
        skip: getComputedStyle(document.querySelector('.skip-link')!).display,
        bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.body).color,
      }));
      expect(print.nav).toBe('none');
      expect(print.skip).toBe('none');
      expect(luminance(print.bg)).toBeGreaterThan(0.95);
      expect(luminance(print.fg)).toBeLessThan(0.02);
      const pdf = await tab.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      await close();
    });

    // The two screenshots the README shows, small enough to commit: `npm run screenshots`.
    test.runIf(process.env.FOLIO_UPDATE_SCREENSHOTS === '1' && shots === 'example')('README screenshots: a series post on a phone, the home page on a desk', async () => {
      await mkdir(README_SHOTS, { recursive: true });
      const shotsToTake = [
        { kind: 'series-post' as const, file: 'series-post-phone.jpg', scheme: 'dark' as const, viewport: { width: 375, height: 812 }, scale: 2 },
        { kind: 'home' as const, file: 'home-desktop.jpg', scheme: 'light' as const, viewport: { width: 1280, height: 860 }, scale: 1 },
      ];
      for (const shot of shotsToTake) {
        const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: shot.scale });
        const tab = await context.newPage();
        await tab.emulateMedia({ colorScheme: shot.scheme });
        await tab.goto(server.base + pageOf(shot.kind)!.url.slice(1), { waitUntil: 'load' });
        const jpeg = await tab.screenshot({ type: 'jpeg', quality: 70 });
        expect(jpeg.length, shot.file).toBeLessThan(250_000);
        await writeFile(path.join(README_SHOTS, shot.file), jpeg);
        await context.close();
      }
    });
  });
}
