// Signing in and out, and choosing the language: the choice persists with the user.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, PASSWORD } from '../support/app.mjs';
import { newPage, signIn } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

test('a wrong password is refused with a message tied to the field, the right one signs in', async () => {
  const page = await newPage(browser);
  await page.goto(`${app.base}/cases`);
  assert.match(page.url(), /\/login\?next=%2Fcases|\/login\?next=\/cases/);
  await page.getByLabel('Email').fill(STAFF.ana.email);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  assert.equal(await alert.textContent(), 'The email or the password is not right.');
  assert.equal(await page.getByLabel('Email').getAttribute('aria-describedby'), 'login-error');

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/cases$/);
  assert.ok(page.url().endsWith('/cases'), `back where the visit began: ${page.url()}`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Cases');
  await page.getByRole('button', { name: 'Sign out' }).click();
  assert.match(page.url(), /\/login$/);
  await page.context().close();
});

test('switching to Spanish persists for the user, across sessions, and back', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await page.goto(`${app.base}/triage`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Triage');
  await page.getByRole('button', { name: 'Español' }).click();
  assert.ok(page.url().endsWith('/triage'), 'the switch returns to the same page');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Triaje');
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  assert.ok(await page.getByRole('link', { name: 'Mis tareas' }).isVisible());

  // Another browser, no cookies: signing in opens in the stored language.
  const elsewhere = await newPage(browser);
  await signIn(elsewhere, app.base, STAFF.ana.email);
  assert.equal(await elsewhere.getByRole('heading', { level: 1 }).textContent(), 'Inicio');
  const caseLink = elsewhere.getByRole('table').getByRole('link', { name: 'CRIT-1' });
  await caseLink.click();
  const body = await elsewhere.locator('main').textContent();
  assert.match(body, /28 de febrero de 2027/, 'dates written in Spanish');
  assert.match(body, /Permiso humanitario \(parole\) concedido/);
  // Each deadline's reason is in Spanish too, its dates in words.
  assert.match(body, /es válida hasta el 28 de febrero de 2027; el permiso humanitario \(parole\) termina ese día/);
  assert.doesNotMatch(body, /parole ends then unless renewed/);

  await elsewhere.getByRole('button', { name: 'English' }).click();
  assert.match(await elsewhere.getByRole('heading', { level: 1 }).textContent(), /^Case CRIT-1$/);
  assert.match(await elsewhere.locator('main').textContent(), /February 28, 2027/);
  await page.reload();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Triage', 'every session follows');
  await page.context().close();
  await elsewhere.context().close();
});

test('before sign-in the page follows the browser, and the choice made there is kept', async () => {
  const page = await newPage(browser, undefined, 'es-MX');
  await page.goto(`${app.base}/login`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Iniciar sesión');
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
  await page.reload();
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
  await page.context().close();
});
