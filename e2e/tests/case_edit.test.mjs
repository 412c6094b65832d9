// Changing a case after intake: a person's birth date edited from the case page moves the dates
// derived from it and leaves a line in the history; an event voided from the timeline is struck
// through with who voided it and why. In English and Spanish, at 1280 and 360 px, axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE, DESKTOP } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

async function openCase(page, reference) {
  await page.goto(`${app.base}/cases?q=${reference}`);
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
}

/** The text of the deadline line of `kind` (as the page words it), or '' when there is none. */
async function deadline(page, kind) {
  const line = page.locator('ol.deadlines li', { hasText: kind });
  return (await line.count()) ? (await line.first().textContent()).replace(/\s+/g, ' ') : '';
}

/** Edits the birth date of the person `key` from the case page. */
async function editBirthDate(page, key, date, save) {
  // The edit forms open from a link, so that the page read every day stays small.
  await page.locator('#edit a[href$="?edit#edit"]').click();
  await page.waitForURL(/\?edit#edit$/);
  const details = page.locator(`#edit-person-${key}`);
  await details.locator('summary').click();
  await page.locator(`#p-${key}-birth_date`).fill(date);
  await details.getByRole('button', { name: save }).click();
  await page.waitForURL(/#family$/);
}

/** Voids the event `id` from the timeline with `reason`. */
async function voidEvent(page, id, reason, submit) {
  const details = page.locator(`#void-${id}`);
  await details.locator('summary').click();
  await page.locator(`#void-${id}-reason`).fill(reason);
  await details.getByRole('button', { name: submit }).click();
  await page.waitForURL(/#timeline$/);
}

test('a birth date edited moves the dates and is in the history; a voided event is struck through', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, app.base, STAFF.ana.email);
  await openCase(page, 'CRIT-1');
  const before = await deadline(page, 'Registration at 14 due');
  assert.match(before, /2030/, 'the sibling turns 14 in 2030');

  await editBirthDate(page, 's1', '2012-12-20', 'Save the change');
  const after = await deadline(page, 'Registration at 14 due');
  assert.notEqual(after, before, 'the deadline moved with the birth date');
  assert.match(after, /2027/);
  const history = await page.locator('#history').textContent();
  assert.match(history, /changed/);
  assert.match(history, /by Ana Abogada/);
  assert.match(history, /Birth date: 2016-11-30 → 2012-12-20/);
  assert.deepEqual(await seriousViolations(page), []);

  await voidEvent(page, 'e2', 'Typed on the wrong family’s case', 'Void this event');
  const voided = page.locator('#event-e2');
  assert.equal(await voided.locator('del').count(), 1, 'struck through');
  assert.match(await voided.textContent(), /Voided by Ana Abogada, .*: Typed on the wrong family’s case/);
  assert.equal(await page.locator('#void-e2').count(), 0, 'no second void is offered');
  await screenshot(page, 'case-edited-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);

  // The same page on a phone reads and passes axe-core too.
  await page.setViewportSize(PHONE);
  await page.reload();
  assert.match(await page.locator('#history').textContent(), /Birth date: 2016-11-30 → 2012-12-20/);
  await screenshot(page, 'case-edited-en-phone');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('in Spanish on a phone: the birth date, the history and a void', async () => {
  const page = await newPage(browser, PHONE, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  await openCase(page, 'RFE-1');
  const before = await deadline(page, 'registro');
  await editBirthDate(page, 'p1', '2013-01-15', 'Guardar el cambio');
  const after = await deadline(page, 'registro');
  assert.notEqual(after, before, 'the deadline moved with the birth date');
  const history = await page.locator('#history').textContent();
  assert.match(history, /Historial de cambios/);
  assert.match(history, /cambiado/);
  assert.match(history, /por Beto Defensor/);
  assert.match(history, /Fecha de nacimiento: 2012-05-09 → 2013-01-15/);
  assert.deepEqual(await seriousViolations(page), []);

  await voidEvent(page, 'e3', 'Registrado dos veces', 'Anular este evento');
  const voided = page.locator('#event-e3');
  assert.equal(await voided.locator('del').count(), 1);
  assert.match(await voided.textContent(), /Anulado por Beto Defensor, .*: Registrado dos veces/);
  await screenshot(page, 'case-edited-es-phone');
  assert.deepEqual(await seriousViolations(page), []);

  await page.setViewportSize(DESKTOP);
  await page.reload();
  assert.match(await page.locator('#event-e3').textContent(), /Anulado por Beto Defensor/);
  await screenshot(page, 'case-edited-es-desktop');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});
