// "Read a notice": a request for evidence pasted on the case page's "Read a notice" form is proposed
// as an event, each value beside the notice's words, what the notice does not print said missing and
// the person it names matched; "Record this event" opens the event form filled, and only the person's
// own click records it. In English at 1280 px and in Spanish at 360 px, every page axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

// A second request for evidence on RFE-1, naming its patient; how it was served is not printed.
const NOTICE = `U.S. Citizenship and Immigration Services

REQUEST FOR EVIDENCE

Date of Notice: December 1, 2026
Receipt Number: IOE0912345001
Applicant: Tomas Prueba

Please submit the evidence listed below.

Your response must be received by February 23, 2027.
`;

async function openCase(page, reference) {
  await page.goto(`${app.base}/cases?q=${reference}`);
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
}

async function timelineLength(page) {
  return page.locator('#timeline li[id^="event-"]').count();
}

test('a pasted notice proposed, checked and recorded by the person; in English at 1280 px', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await openCase(page, 'RFE-1');
  const caseUrl = page.url();
  const events = await timelineLength(page);

  await page.getByRole('link', { name: 'Read a notice' }).click();
  await page.waitForURL(/\/notice$/);
  assert.deepEqual(await seriousViolations(page), []);

  // Nothing given: the field is named.
  await page.getByRole('button', { name: 'Read the notice' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.error-summary').textContent(), /Paste the notice/);
  assert.deepEqual(await seriousViolations(page), []);

  await page.locator('#notice-text').fill(NOTICE);
  await page.getByRole('button', { name: 'Read the notice' }).click();
  await page.waitForLoadState('load');
  const proposal = page.locator('#proposal');
  assert.match(await proposal.locator('#value-type').textContent(), /Request for evidence/);
  assert.match(await proposal.locator('#value-respond_by').textContent(), /February 23, 2027/);
  assert.match(await proposal.locator('#value-served_by').textContent(), /Missing/);
  assert.match(await page.locator('#not-recorded').textContent(), /Nothing has been recorded/);
  assert.match(await page.locator('.named-people').textContent(), /Tomás Prueba on this case \(matched by name\)/);
  await screenshot(page, 'notice-proposal-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByRole('button', { name: 'Record this event' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('#kept-form').textContent(), /Filled from a notice you read/);
  assert.equal(await page.locator('#ev-type').inputValue(), 'rfe_received');
  assert.equal(await page.locator('#ev-respond_by').inputValue(), '2027-02-23');
  assert.equal(await page.locator('#ev-served_by').inputValue(), '', 'a value not read is left for the person');
  assert.deepEqual(await seriousViolations(page), []);
  await page.goto(caseUrl);
  assert.equal(await timelineLength(page), events, 'nothing was recorded by reading');
  await page.context().close();
});

test('the same in Spanish at 360 px', async () => {
  const page = await newPage(browser, PHONE, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  await openCase(page, 'RFE-1');
  await page.getByRole('link', { name: 'Leer un aviso' }).click();
  await page.waitForURL(/\/notice$/);
  await page.locator('#notice-text').fill(NOTICE);
  await page.getByRole('button', { name: 'Leer el aviso' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('h1').textContent(), /Evento propuesto para el caso RFE-1/);
  assert.match(await page.locator('#value-served_by').textContent(), /Falta/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow} px at 360 px`);
  await screenshot(page, 'notice-proposal-es-phone');
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Registrar este evento' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('#ev-respond_by').inputValue(), '2027-02-23');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});
