// The server and browser each test file runs against: one of each, started before the file's tests
// and stopped after them.

import { startApp } from './app.mjs';
import { launch } from './browser.mjs';

/** A fresh server with its demo data, and Chromium. */
export async function startAppAndBrowser() {
  const app = await startApp();
  return { app, browser: await launch() };
}

/** Closes what `startAppAndBrowser` started; either may be missing if starting failed. */
export async function stopAppAndBrowser(app, browser) {
  await browser?.close();
  await app?.stop();
}
