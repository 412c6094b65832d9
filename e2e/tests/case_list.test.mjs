// The case list in Chromium: search by name and A-number, filter with the form, sort by a column
// heading, every state kept in the address; no serious or critical axe-core violation, English and
// Spanish, and nothing wider than a 360 px phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

async function listed(page) {
  return page.locator('table.case-list tbody tr td:first-child a').allTextContents();
}

test('searching and filtering the case list', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await page.goto(`${app.base}/cases`);
  assert.deepEqual(await listed(page), ['CALM-1', 'CRIT-1', 'RFE-1']);

  // A name, typed without its accent, in the search box.
  await page.getByLabel('Search by reference, name, A-number or receipt number').fill('tomas');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=tomas/);
  assert.deepEqual(await listed(page), ['RFE-1']);
  assert.deepEqual(await seriousViolations(page), []);

  // An A-number finds its case exactly, through the sealed identifier's index.
  await page.getByLabel('Search by reference, name, A-number or receipt number').fill('A098765432');
  await page.getByRole('button', { name: 'Search' }).click();
  assert.deepEqual(await listed(page), ['CRIT-1']);

  // Filters from the form; the address keeps them so the list can be bookmarked.
  await page.getByRole('link', { name: 'Clear search and filters' }).first().click();
  await page.getByLabel('Programme').selectOption('u4u');
  await page.getByRole('button', { name: 'Search' }).click();
  assert.match(page.url(), /program=u4u/);
  assert.deepEqual(await listed(page), ['CALM-1']);
  await page.getByLabel('Programme').selectOption('');
  await page.getByLabel('Critical care only').check();
  await page.getByRole('button', { name: 'Search' }).click();
  assert.deepEqual(await listed(page), ['CRIT-1']);
  await page.getByLabel('Critical care only').uncheck();
  await page.getByLabel('Status').selectOption('requested');
  await page.getByRole('button', { name: 'Search' }).click();
  assert.match(await page.locator('p[role=status]').textContent(), /No case matches this search and these filters/);
  assert.deepEqual(await seriousViolations(page), []);

  // A bad value is named, and the field marked.
  await page.goto(`${app.base}/cases?due_within=abc`);
  assert.match(await page.getByRole('alert').textContent(), /due_within: Write a whole number from 0 to 3,650\./);
  assert.equal(await page.locator('#due_within').getAttribute('aria-invalid'), 'true');

  // A column heading sorts, and says so to assistive technology.
  await page.goto(`${app.base}/cases`);
  await page.getByRole('link', { name: 'Patient', exact: true }).click();
  assert.match(page.url(), /sort=patient&dir=asc/);
  assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), 'Patient ▲');
  assert.deepEqual(await listed(page), ['CRIT-1', 'RFE-1', 'CALM-1'], 'Ejemplo, Prueba, Zrazok');
  await page.getByRole('link', { name: 'Patient', exact: true }).click();
  assert.deepEqual(await listed(page), ['CALM-1', 'RFE-1', 'CRIT-1']);
  await screenshot(page, 'case-list-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('the case list in Spanish on a phone', async () => {
  const page = await newPage(browser, PHONE, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  await page.goto(`${app.base}/cases?sort=score`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  // On a phone the filters are folded, so that the first case is on the first screen.
  await page.getByText('Filtros y orden', { exact: true }).click();
  await page.getByLabel('Buscar por referencia, nombre, número A o número de recibo').fill('ejemplo');
  await page.getByRole('button', { name: 'Buscar' }).click();
  assert.match(page.url(), /sort=score/, 'the order chosen stays with the search');
  assert.deepEqual(await listed(page), ['CRIT-1']);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the case list scrolls sideways by ${overflow}px at 360px`);
  await screenshot(page, 'case-list-es-phone');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});
