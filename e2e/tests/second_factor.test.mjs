// The second factor in a real browser: an administrator must set one up before anything else, signs
// in with a code from then on, and a wrong code is refused with a message tied to the field. The
// pages pass axe-core in English and Spanish.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, PASSWORD } from '../support/app.mjs';
import {
  newPage, enrol, authenticatorOf, seriousViolations, screenshot, PHONE,
} from '../support/browser.mjs';
import { codeAtStep, currentStep } from '../support/totp.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

async function typePassword(page, email) {
  await page.goto(`${app.base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
}

test('an administrator sets up a second factor before anything else, then signs in with codes', async () => {
  const page = await newPage(browser);
  await typePassword(page, STAFF.ada.email);
  assert.equal(new URL(page.url()).pathname, '/account/security');
  assert.match(await page.locator('#must-enrol').textContent(), /requires one for your account/);
  assert.equal(await page.locator('figure.qr svg').count(), 1, 'a QR code to scan');
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'second-factor-enrol-en-desktop');

  // Nothing else opens until it is set up.
  await page.goto(`${app.base}/cases`);
  assert.equal(new URL(page.url()).pathname, '/account/security');

  // A wrong code is refused on the field.
  const secret = (await page.locator('#totp-secret').textContent()).replace(/\s/g, '');
  const wrong = codeAtStep(secret, currentStep() - 10);
  const field = page.getByLabel('Enter the six-digit code the app now shows');
  await field.fill(wrong);
  await page.getByRole('button', { name: 'Turn on the second factor' }).click();
  assert.match(await page.getByRole('alert').textContent(), /That code is not right/);
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(await field.getAttribute('aria-describedby'), 'code-error');

  await enrol(page, app.base, STAFF.ada.email);
  // Set up, Ada is taken where she was going when the setup stopped her.
  assert.equal(new URL(page.url()).pathname, '/cases');
  await page.goto(`${app.base}/account/security?enrolled=1`);
  assert.match(await page.getByRole('status').first().textContent(), /Your second factor is set up/);
  await page.goto(`${app.base}/settings`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Settings');
  await page.getByRole('button', { name: 'Sign out' }).click();

  // The next sign-in asks for a code, and only a right one opens the app.
  await typePassword(page, STAFF.ada.email);
  assert.equal(new URL(page.url()).pathname, '/login/second-factor');
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'second-factor-code-en-desktop');
  const code = page.getByLabel('Six-digit code');
  await code.fill('000000' === codeAtStep(secret, currentStep()) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await page.getByRole('alert').textContent(), /That code is not right/);
  await page.goto(`${app.base}/cases`);
  assert.equal(new URL(page.url()).pathname, '/login/second-factor', 'a pending sign-in opens nothing');
  await page.getByLabel('Six-digit code').fill(await authenticatorOf(app.base, STAFF.ada.email).nextCode());
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/cases$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Cases');
  await page.context().close();
});

test('the security page speaks Spanish and fits a phone', async () => {
  const page = await newPage(browser, PHONE);
  await typePassword(page, STAFF.beto.email);
  await page.getByRole('link', { name: 'Seguridad' }).click();
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  assert.match(await page.locator('#factor-state').textContent(), /Aún no tiene un segundo factor/);
  assert.deepEqual(await seriousViolations(page), []);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the security page scrolls sideways by ${overflow}px`);
  await screenshot(page, 'second-factor-enrol-es-phone');
  await page.context().close();
});
