// Debian's Chromium driven by playwright-core (never a downloaded browser), and helpers the tests
// share: signing in, axe-core checks and screenshots.

import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD } from './app.mjs';
import { Authenticator } from './totp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(here, '..', 'artifacts');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A fresh browser context (no cookies) and a page in it. */
export async function newPage(browser, viewport = DESKTOP, locale = 'en-US') {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  keepVisitedHtml(page);
  return page;
}

/** Pages saved so far, numbering the files of this run. */
let saved = 0;

/**
 * With AMPARO_E2E_HTML_DIR set, saves the HTML of every page the browser is served (as the server
 * sent it, before any script) into that folder, for the W3C Nu checker that .ci/run runs on it.
 */
function keepVisitedHtml(page) {
  const dir = process.env.AMPARO_E2E_HTML_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  page.on('response', async (response) => {
    const request = response.request();
    const html = (response.headers()['content-type'] || '').startsWith('text/html');
    if (!html || !request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    if (response.status() >= 300 && response.status() < 400) return;
    try {
      const body = await response.text();
      const path = new URL(response.url()).pathname.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'home';
      saved += 1;
      writeFileSync(join(dir, `${process.pid}-${String(saved).padStart(4, '0')}-${path.slice(0, 60)}.html`), body);
    } catch {
      // A page left before its body arrived has nothing to check.
    }
  });
}

/** The authenticator apps of the people who set up a second factor, by server and email. */
const authenticators = new Map();

export function authenticatorOf(base, email) {
  return authenticators.get(`${base} ${email}`);
}

/**
 * Signs in as a person would: the password, then, where the account has a second factor, a code
 * from their authenticator; where one is required but not yet set up (administrators), it is set
 * up on the way, from the key the security page shows.
 */
export async function signIn(page, base, email) {
  await page.goto(`${base}/login`);
  await page.getByLabel(/^(Email|Correo electrónico)$/).fill(email);
  await page.getByLabel(/^(Password|Contraseña)$/).fill(PASSWORD);
  await page.getByRole('button', { name: /^(Sign in|Iniciar sesión)$/ }).click();
  await page.waitForLoadState('load');
  const path = new URL(page.url()).pathname;
  if (path === '/login/second-factor') {
    const code = await authenticatorOf(base, email).nextCode();
    await page.getByLabel(/^(Six-digit code|Código de seis dígitos)$/).fill(code);
    await page.getByRole('button', { name: /^(Continue|Continuar)$/ }).click();
    await page.waitForLoadState('load');
  } else if (path === '/account/security') {
    await enrol(page, base, email);
  }
}

/** Sets up a second factor on the security page, keeping the authenticator for later sign-ins. */
export async function enrol(page, base, email) {
  const secret = (await page.locator('#totp-secret').textContent()).replace(/\s/g, '');
  const authenticator = new Authenticator(secret);
  authenticators.set(`${base} ${email}`, authenticator);
  await page.getByLabel(/^(Enter the six-digit code the app now shows|Escriba el código de seis dígitos que la aplicación muestra ahora)$/)
    .fill(await authenticator.nextCode());
  await page.getByRole('button', { name: /^(Turn on the second factor|Activar el segundo factor)$/ }).click();
  await page.waitForLoadState('load');
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page (WCAG 2.0/2.1 A and AA rules) and returns the serious and critical
 * violations. The script is evaluated through the DevTools protocol, which the page's
 * Content-Security-Policy (no inline script) does not block.
 */
export async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
