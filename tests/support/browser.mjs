// Launches Debian's Chromium headless through playwright-core (no downloaded browser).
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/**
 * A fresh browser with a profile of its own; `close()` also removes the profile directory.
 * `options` are Playwright context options (`viewport`, `timezoneId`, `locale` …).
 */
export async function launchBrowser(options = {}) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'pulsegate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
