// browser.mjs - what the browser tests share: Debian's chromium and its flags, the viewports,
// the server (started fresh, or one already running), screenshots, and the errors a page
// raises or logs (which fail the test).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startServer } from './server.mjs';

export const CHROMIUM = process.env.GR_CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const DESK = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };
const SHOTS = process.env.GR_E2E_SHOTS ? resolve(process.env.GR_E2E_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

// GR_E2E_URL: a server already running with the demo city (nothing to start or stop);
// GR_WEB_DIR: serve that folder instead of the app embedded in the binary.
export async function startE2EServer() {
  if (process.env.GR_E2E_URL)
    return { url: process.env.GR_E2E_URL.replace(/\/$/, ''), stop: async () => {} };
  const args = process.env.GR_WEB_DIR ? ['--web', resolve(process.env.GR_WEB_DIR)] : [];
  return startServer({ args });
}

// Collect a page's uncaught exceptions and the errors the app logs with console.error (not
// the server's 4xx answers, which the browser logs as failed loads) into errors.
export function watchErrors(page, errors) {
  page.on('pageerror', (e) => errors.push(String(e && e.stack ? e.stack : e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
}

// With GR_E2E_SHOTS=DIR, a full-page screenshot there.
export async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}
