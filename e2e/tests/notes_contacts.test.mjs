// Working a case day to day: a call note added and pinned to the top, the family's phone edited,
// and the caseworker named on the family letter; in English at 1280 px and in Spanish at 360 px,
// every page axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE } from '../support/browser.mjs';
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

/** Makes the advocate Beto the case's caseworker, as the attorney Ana does from the case page. */
async function assignBeto(reference) {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await openCase(page, reference);
  const form = page.locator('form.assign', { has: page.locator('#assign-advocate') });
  const beto = await form.locator('#assign-advocate option', { hasText: STAFF.beto.name }).getAttribute('value');
  await form.locator('#assign-advocate').selectOption(beto);
  await form.getByRole('button').click();
  await page.waitForLoadState('load');
  await page.context().close();
}

test('a call note pinned, the family phone edited, the caseworker on the letter; in English at 1280 px', async () => {
  await assignBeto('CRIT-1');
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await openCase(page, 'CRIT-1');
  const caseUrl = page.url().replace(/#.*$/, '');

  const notes = page.locator('#notes');
  await notes.getByLabel('Kind').selectOption('call');
  await notes.getByLabel('Note', { exact: false }).first().fill('Called the mother: the pump supplier changes on Friday.');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await page.waitForURL(/#notes$/);
  const written = page.locator('#note-1');
  assert.match(await written.textContent(), /Call.*Ana Abogada.*the pump supplier changes on Friday/s);
  await written.getByRole('button', { name: 'Pin to top' }).click();
  await page.waitForURL(/#note-1$/);
  assert.match(await page.locator('#note-1').textContent(), /Pinned/);
  assert.equal(await page.locator('ol.notes > li').first().getAttribute('id'), 'note-1', 'the pinned note is on top');

  await page.locator('#contacts a[href$="?edit#contacts"]').click();
  await page.waitForURL(/\?edit#contacts$/);
  await page.locator('#ct-family-phone').fill('call her after five');
  await page.getByRole('button', { name: 'Save contacts' }).click();
  assert.match(await page.locator('#contacts .error-summary').textContent(), /not a phone number/);
  assert.equal(await page.locator('#ct-family-phone').inputValue(), 'call her after five', 'what was typed is kept');
  assert.deepEqual(await seriousViolations(page), []);
  await page.locator('#ct-family-phone').fill('+1 555 0142 7781');
  await page.getByRole('button', { name: 'Save contacts' }).click();
  await page.waitForURL(/#contacts$/);
  assert.match(await page.locator('#contacts dl').textContent(), /\+1 555 0142 7781/);
  await screenshot(page, 'case-notes-contacts-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);

  await page.goto(`${caseUrl}/letter?lang=en`);
  assert.match(await page.locator('#caseworker').textContent(), new RegExp(`Your caseworker: ${STAFF.beto.name}.*${STAFF.beto.email}`, 's'));
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('the same in Spanish at 360 px', async () => {
  await assignBeto('RFE-1');
  const page = await newPage(browser, PHONE, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  await openCase(page, 'RFE-1');
  const caseUrl = page.url().replace(/#.*$/, '');

  const notes = page.locator('#notes');
  await notes.getByLabel('Tipo').selectOption('call');
  await notes.locator('#note-text').fill('Llamé a la madre: confirma la nueva dirección.');
  await notes.getByRole('button', { name: 'Añadir nota' }).click();
  await page.waitForURL(/#notes$/);
  await page.locator('#note-1').getByRole('button', { name: 'Fijar arriba' }).click();
  await page.waitForURL(/#note-1$/);
  assert.match(await page.locator('#note-1').textContent(), /Llamada.*Fijada.*confirma la nueva dirección/s);

  await page.locator('#contacts a[href$="?edit#contacts"]').click();
  await page.waitForURL(/\?edit#contacts$/);
  await page.locator('#ct-family-phone').fill('+52 55 0100 2233');
  await page.getByRole('button', { name: 'Guardar contactos' }).click();
  await page.waitForURL(/#contacts$/);
  assert.match(await page.locator('#contacts dl').textContent(), /\+52 55 0100 2233/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow} px at 360 px`);
  await screenshot(page, 'case-notes-contacts-es-phone');
  assert.deepEqual(await seriousViolations(page), []);

  await page.goto(`${caseUrl}/letter?lang=es`);
  assert.match(await page.locator('#caseworker').textContent(), new RegExp(`La persona encargada de su caso: ${STAFF.beto.name}`));
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});
