import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (never a downloaded browser), or null when it is not installed. */
const chromiumPath = (() => {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();

/** `describe` for browser tests: skipped with a message without chromium, but in CI a missing browser is a failure (.ci/run installs it). */
export const describeInBrowser = chromiumPath || process.env.CI ? describe : describe.skip;
if (!chromiumPath) console.warn('browser tests skipped: `which chromium` found nothing');

/** Serves `app` on a free local port and starts headless chromium; `close` stops both. */
export async function browserSession(app: Express): Promise<{ base: string; browser: Browser; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath!,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  return {
    base,
    browser,
    close: async () => {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}
