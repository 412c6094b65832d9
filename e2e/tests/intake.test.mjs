// Intake: a whole case in one form, checked by the same rules as import, nothing saved until valid.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

test('a critical-care case with a family of three; mistakes are listed, linked and kept', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await page.getByRole('link', { name: 'New case' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'New case');

  await page.getByLabel('Case reference').fill('INT-7');
  await page.locator('#person-0-given_name').fill('Lucía');
  await page.locator('#person-0-family_name').fill('Ejemplar');
  await page.locator('#person-0-birth_date').fill('2020-02-11');
  await page.locator('#person-0-a_number').fill('A-123'); // too short: refused
  await page.locator('#person-1-given_name').fill('Marta');
  await page.locator('#person-1-family_name').fill('Ejemplar');
  await page.locator('#person-1-role').selectOption('parent');
  // A third row is on the form already; the family needs a fourth person, added without JavaScript.
  await page.getByRole('button', { name: 'Add a family member' }).click();
  assert.equal(await page.locator('#person-1-given_name').inputValue(), 'Marta', 'what was typed is kept');
  await page.locator('#person-2-given_name').fill('Diego');
  await page.locator('#person-2-role').selectOption('sibling');
  // Diego's family name is missing.
  await page.getByRole('group', { name: 'Representative' }).getByLabel('Attorney').selectOption({ label: STAFF.ana.name });
  await page.locator('#medical-condition').fill('intestinal failure on home parenteral nutrition');
  await page.locator('#medical-hours_per_day').fill('14');
  await page.locator('#medical-facility').fill('Lakeside Children’s Hospital (fictional)');
  await page.locator('#medical-available_in_origin_country').selectOption('no');
  await page.locator('#medical-days_to_critical_harm').fill('2');
  await page.locator('#event-0-type').selectOption('parole_granted');
  await page.locator('#event-0-on').fill('2026-03-02');
  await page.locator('#event-0-valid_until').fill('2027-03-01');
  await page.getByRole('button', { name: 'Create the case' }).click();

  const summary = page.locator('#error-summary');
  assert.match(await summary.locator('h2').textContent(), /There are 2 problems with the case/);
  await screenshot(page, 'intake-errors-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);
  const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#person-0-a_number', '#person-2-family_name']);
  for (const id of ['person-0-a_number', 'person-2-family_name']) {
    const field = page.locator(`#${id}`);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.getAttribute('aria-describedby'), `${id}-error`);
    assert.ok((await page.locator(`#${id}-error`).textContent()).length > 0);
  }
  assert.equal(await page.locator('#person-2-given_name').inputValue(), 'Diego');
  assert.equal(await page.locator('#medical-facility').inputValue(), 'Lakeside Children’s Hospital (fictional)');
  await summary.getByRole('link').first().click();
  await page.waitForURL(/#person-0-a_number$/);

  // Nothing was saved.
  const list = await page.context().newPage();
  await list.goto(`${app.base}/cases?q=INT-7`);
  assert.match(await list.locator('main').textContent(), /No case matches this search and these filters/);
  await list.close();

  await page.locator('#person-0-a_number').fill('A012345679');
  await page.locator('#person-2-family_name').fill('Ejemplar');
  await page.getByRole('button', { name: 'Create the case' }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const main = await page.locator('main').textContent();
  assert.match(await page.getByRole('heading', { level: 1 }).textContent(), /^Case INT-7$/);
  for (const expected of ['Lucía Ejemplar', 'Marta Ejemplar', 'Diego Ejemplar', 'Lakeside Children’s Hospital (fictional)', 'March 1, 2027']) {
    assert.ok(main.includes(expected), `the new case shows ${expected}`);
  }
  assert.equal(await page.locator('label[for="assign-attorney"]').textContent(), `Attorney: ${STAFF.ana.name}`);
  await page.goto(`${app.base}/triage?critical=true`);
  assert.ok(await page.getByRole('link', { name: 'INT-7' }).isVisible(), 'on the board as critical care');
  await page.context().close();
});

test('intake with the keyboard alone, in Spanish', async () => {
  const page = await newPage(browser, undefined, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  await page.goto(`${app.base}/cases/new`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Caso nuevo');
  const focusedId = () => page.evaluate(() => document.activeElement.id || document.activeElement.textContent.trim());
  async function tabTo(target) {
    for (let i = 0; i < 80; i += 1) {
      await page.keyboard.press('Tab');
      if ((await focusedId()) === target) return;
    }
    assert.fail(`Tab never reached ${target}`);
  }
  await tabTo('reference');
  await page.keyboard.type('TEC-1');
  await tabTo('person-0-given_name');
  await page.keyboard.type('Iván');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Teclado');
  await tabTo('person-1-given_name');
  await page.keyboard.type('Nora');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Teclado');
  await page.keyboard.press('Tab'); // role: parent is the first choice
  await tabTo('medical-condition');
  await page.keyboard.type('fibrosis quística');
  await tabTo('event-0-type');
  await page.keyboard.press('ArrowDown'); // permiso humanitario (parole) solicitado
  await page.keyboard.press('Tab');
  await page.keyboard.type('05012026'); // a date field takes digits in the locale's order
  await tabTo('Crear el caso');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Caso TEC-1');
  const main = await page.locator('main').textContent();
  assert.match(main, /Iván Teclado/);
  assert.match(main, /Nora Teclado/);
  assert.match(main, /Permiso humanitario \(parole\) solicitado/);
  await page.context().close();
});

test('mistakes are explained in Spanish, at phone width', async () => {
  const page = await newPage(browser, PHONE, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  await page.goto(`${app.base}/cases/new`);
  await page.locator('#reference').fill('ERR-1');
  await page.locator('#person-0-given_name').fill('Iris');
  await page.locator('#person-0-family_name').fill('Errata');
  await page.locator('#person-0-a_number').fill('12');
  await page.locator('#person-0-citizenship').fill('Honduras');
  await page.locator('#person-1-given_name').fill('Óscar'); // his family name is missing
  await page.locator('#medical-condition').fill('insuficiencia renal');
  await page.locator('#medical-hours_per_day').fill('30');
  await page.locator('#event-0-type').selectOption('parole_granted'); // without its end date
  await page.locator('#event-0-on').fill('2026-03-02');
  await page.getByRole('button', { name: 'Crear el caso' }).click();

  const summary = await page.locator('#error-summary').textContent();
  for (const expected of [
    /«12» no es un número A \(A-Number\)/,
    /«Honduras» no es un código de país/,
    /Este dato es obligatorio\./,
    /Debe estar entre 0 y 24\./,
    /Es obligatorio en un evento de este tipo \(Permiso humanitario \(parole\) concedido\)\./,
  ]) {
    assert.match(summary, expected);
  }
  assert.doesNotMatch(summary, /not an|must be|required|expected/i, 'no English reaches a Spanish reader');
  assert.match(await page.locator('#person-0-a_number-error').textContent(), /no es un número A/);
  await screenshot(page, 'intake-errors-es-phone');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('a case already in Amparo is shown before saving, in both languages and widths', async () => {
  // CRIT-1's patient, Valentina Ejemplo, born 2019-03-14, holds A098765432.
  for (const [viewport, locale, email, texts] of [
    [undefined, 'en-US', STAFF.ana.email, { save: 'Create the case', anyway: 'Save anyway as a new case', title: /may already be in Amparo/, reason: /same name and birth date/ }],
    [PHONE, 'es-ES', STAFF.beto.email, { save: 'Crear el caso', anyway: 'Guardar de todos modos como caso nuevo', title: /ya esté en Amparo/, reason: /mismo nombre y la misma fecha de nacimiento/ }],
  ]) {
    const page = await newPage(browser, viewport, locale);
    await signIn(page, app.base, email);
    await page.goto(`${app.base}/cases/new`);
    const reference = `DUP-${locale}`;
    await page.locator('#reference').fill(reference);
    await page.locator('#person-0-given_name').fill('Valentina');
    await page.locator('#person-0-family_name').fill('EJEMPLO');
    await page.locator('#person-0-birth_date').fill('2019-03-14');
    await page.getByRole('button', { name: texts.save }).click();

    const warning = page.locator('#duplicates');
    assert.match(await warning.getByRole('heading').textContent(), texts.title);
    assert.match(await warning.textContent(), texts.reason);
    assert.ok(await warning.getByRole('link', { name: /CRIT-1 — Valentina Ejemplo/ }).isVisible());
    assert.equal(await page.locator('#person-0-family_name').inputValue(), 'EJEMPLO', 'what was typed is kept');
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, `intake-duplicate-${locale}`);

    await warning.getByRole('button', { name: texts.anyway }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    assert.match(await page.getByRole('heading', { level: 1 }).textContent(), new RegExp(reference));
    await page.context().close();
  }
});
