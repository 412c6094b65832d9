// Closing and reopening a case in Chromium: a reason ("Other" needs a note, and says so), the case
// leaves the board and the open case list, appears under the "closed" filter with its banner at the
// top of its page, and comes back with one Reopen; English at 1280 px and Spanish at 360 px, no serious
// or critical axe-core violation, nothing wider than the screen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE, DESKTOP } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

async function onBoard(page, reference) {
  await page.goto(`${app.base}/triage`);
  return page.locator('table.board tbody tr a', { hasText: reference }).count();
}

async function listed(page, query = '') {
  await page.goto(`${app.base}/cases${query}`);
  return page.locator('table.case-list tbody tr td:first-child a').allTextContents();
}

async function noSidewaysScroll(page, width) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at ${width}px`);
}

async function openCase(page, reference) {
  await page.goto(`${app.base}/cases?closed=all`);
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
}

test('closing a case with a reason takes it off the board; reopening brings it back', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, app.base, STAFF.ana.email);
  assert.equal(await onBoard(page, 'CRIT-1'), 1);

  await openCase(page, 'CRIT-1');
  await page.getByText('Close this case', { exact: true }).click();
  await page.getByLabel('Reason for closing').selectOption('other');
  await page.getByRole('button', { name: 'Close the case' }).click();
  assert.match(await page.locator('#close-note-error').textContent(), /required|Required|Fill/i);
  assert.equal(await page.locator('#close-note').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByLabel('Note (required when the reason is “Other”)').fill('Care transferred to a partner clinic.');
  await page.getByRole('button', { name: 'Close the case' }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const banner = page.locator('section.closed-banner');
  assert.match(await banner.textContent(), /This case is closed/);
  assert.match(await banner.textContent(), /by Ana Abogada\. Reason: Other\./);
  assert.match(await banner.textContent(), /Care transferred to a partner clinic\./);
  await noSidewaysScroll(page, 1280);
  await screenshot(page, 'case-closed-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);

  assert.equal(await onBoard(page, 'CRIT-1'), 0, 'a closed case leaves the board');
  assert.ok(!(await listed(page)).includes('CRIT-1'), 'and the list of open cases');
  await page.getByLabel('Open or closed').selectOption('closed');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/closed=closed/);
  assert.deepEqual(await page.locator('table.case-list tbody tr td:first-child a').allTextContents(), ['CRIT-1']);
  assert.equal(await page.locator('table.case-list .badge.closed').count(), 1);
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByRole('link', { name: 'CRIT-1', exact: true }).click();
  await page.getByRole('button', { name: 'Reopen the case' }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  assert.equal(await page.locator('section.closed-banner').count(), 0);
  assert.equal(await onBoard(page, 'CRIT-1'), 1, 'reopened, it is back on the board');
  await page.context().close();
});

test('closing and reopening in Spanish on a phone', async () => {
  const page = await newPage(browser, PHONE, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  assert.equal(await onBoard(page, 'RFE-1'), 1);
  await openCase(page, 'RFE-1');
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  await page.getByText('Cerrar este caso', { exact: true }).click();
  await page.getByLabel('Motivo del cierre').selectOption('moved');
  await page.getByRole('button', { name: 'Cerrar el caso' }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  assert.match(await page.locator('section.closed-banner').textContent(), /Este caso está cerrado/);
  assert.match(await page.locator('section.closed-banner').textContent(), /Motivo: La familia se mudó\./);
  await noSidewaysScroll(page, 360);
  await screenshot(page, 'case-closed-es-phone');
  assert.deepEqual(await seriousViolations(page), []);

  assert.equal(await onBoard(page, 'RFE-1'), 0);
  assert.deepEqual(await listed(page, '?closed=closed'), ['RFE-1']);
  assert.equal(await page.getByLabel('Abiertos o cerrados').inputValue(), 'closed');
  await noSidewaysScroll(page, 360);
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByRole('link', { name: 'RFE-1', exact: true }).click();
  await page.getByRole('button', { name: 'Reabrir el caso' }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  assert.equal(await page.locator('section.closed-banner').count(), 0);
  assert.ok((await listed(page)).includes('RFE-1'), 'reopened, it is an open case again');
  await page.context().close();
});
