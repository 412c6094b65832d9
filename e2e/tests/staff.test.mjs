// Staff administration in a real browser: an administrator invites a person, who joins from the
// link (in Spanish, on a phone) and is signed in; deactivating a member ends their open session at
// once and lists their open tasks; a member changes their own password; the organisation's time
// zone changes the times the case page shows. Every page passes axe-core, in English and Spanish,
// at 1280 and 360 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, PASSWORD } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE, DESKTOP } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

/** The page fits a 360-pixel phone and passes axe-core there, then goes back to the desktop. */
async function checkOnPhone(page, name) {
  await page.setViewportSize(PHONE);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} fits 360 px`);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

/** Signs in with a password other than the seeded one (no second factor). */
async function signInWith(page, email, password) {
  await page.goto(`${app.base}/login`);
  await page.getByLabel(/^(Email|Correo electrónico)$/).fill(email);
  await page.getByLabel(/^(Password|Contraseña)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Iniciar sesión)$/ }).click();
  await page.waitForLoadState('load');
}

/** The id of a member, from their row's password-reset form on the staff page. */
async function memberId(page, name) {
  const row = page.locator('#members tr', { hasText: name });
  const action = await row.locator('form[action$="/reset-link"]').getAttribute('action');
  return action.split('/')[3];
}

test('an administrator invites a person, who joins in Spanish on a phone and is signed in', async () => {
  const admin = await newPage(browser);
  await signIn(admin, app.base, STAFF.ada.email);
  await admin.goto(`${app.base}/settings`);
  await admin.getByRole('link', { name: 'Invite, deactivate and reset passwords' }).click();
  await admin.waitForURL(/\/settings\/staff$/);
  assert.deepEqual(await seriousViolations(admin), []);
  await checkOnPhone(admin, 'staff-en');

  await admin.locator('#invite-email').fill('dora@clinic.example.org');
  await admin.locator('#invite-role').selectOption('advocate');
  await admin.getByRole('button', { name: 'Create the invitation' }).click();
  await admin.waitForLoadState('load');
  const link = await admin.locator('#link-url').inputValue();
  // The link names the organisation before its secret, so that it is looked up on one shard.
  assert.match(link, /\/invite\/[0-9a-f-]+\.[0-9a-f]{64}$/);
  assert.deepEqual(await seriousViolations(admin), []);
  await screenshot(admin, 'staff-invited-en-desktop');

  const invitee = await newPage(browser, PHONE, 'es-ES');
  await invitee.goto(link.startsWith('/') ? `${app.base}${link}` : link);
  assert.match(await invitee.locator('#invite-intro').textContent(), /dora@clinic\.example\.org/);
  assert.deepEqual(await seriousViolations(invitee), []);
  await screenshot(invitee, 'invite-es-phone');
  const password = 'a quiet harbour at dawn';
  await invitee.getByLabel('Su nombre').fill('Dora Ejemplo');
  await invitee.getByLabel('Contraseña nueva').fill(password);
  await invitee.getByLabel('La misma contraseña otra vez').fill(password);
  await invitee.getByRole('button', { name: 'Unirse e iniciar sesión' }).click();
  await invitee.waitForLoadState('load');
  assert.equal(new URL(invitee.url()).pathname, '/');
  assert.match(await invitee.locator('nav').textContent(), /Dora Ejemplo/);

  // The link works once.
  await invitee.goto(link.startsWith('/') ? `${app.base}${link}` : link);
  assert.match(await invitee.locator('main').textContent(), /no se puede usar/);
  await invitee.context().close();
  await admin.context().close();
});

test('deactivating a member ends their session at once and lists their open tasks', async () => {
  const ana = await newPage(browser);
  await signIn(ana, app.base, STAFF.ana.email);
  const admin = await newPage(browser);
  await signIn(admin, app.base, STAFF.ada.email);
  await admin.goto(`${app.base}/settings/staff`);
  const anaId = await memberId(admin, STAFF.ana.name);

  // A termination notice on the critical-care case opens an escalation; one of its tasks goes to Ana.
  await ana.goto(`${app.base}/cases?q=CRIT-1`);
  await ana.getByRole('link', { name: 'CRIT-1', exact: true }).click();
  await ana.waitForLoadState('load');
  const taskId = await ana.evaluate(async (owner) => {
    const csrf = document.querySelector('input[name="csrf"]').value;
    const id = location.pathname.split('/')[2];
    const headers = { 'content-type': 'application/json', 'x-csrf-token': csrf };
    const version = (await (await fetch(`/api/v1/cases/${id}`)).json()).version;
    const event = { id: 'staff-t1', type: 'termination_notice', on: '2026-02-27', served_by: 'mail', depart_by: '2026-03-27' };
    await fetch(`/api/v1/cases/${id}/events`, { method: 'POST', headers, body: JSON.stringify({ expected_version: version, event }) });
    const escalations = await (await fetch(`/api/v1/cases/${id}/escalations`)).json();
    const task = escalations.items[0].tasks[0].id;
    await fetch(`/api/v1/tasks/${task}/reassign`, { method: 'POST', headers, body: JSON.stringify({ owner }) });
    return task;
  }, anaId);

  await admin.goto(`${app.base}/settings/staff`);
  await admin.getByRole('button', { name: `Deactivate ${STAFF.ana.name}` }).click();
  await admin.waitForURL(/\/tasks\?deactivated=1$/);
  assert.match(await admin.getByRole('status').textContent(), /Ana Abogada is deactivated/);
  assert.equal(await admin.locator(`#title-${taskId}`).count(), 1, 'her open task is listed');
  assert.equal(await admin.locator(`form[action="/tasks/${taskId}/reassign"]`).count(), 1);
  assert.deepEqual(await seriousViolations(admin), []);
  await checkOnPhone(admin, 'staff-member-tasks-en');

  // Her open session is gone: the next page asks her to sign in.
  await ana.goto(`${app.base}/tasks`);
  assert.equal(new URL(ana.url()).pathname, '/login');
  await signInWith(ana, STAFF.ana.email, PASSWORD);
  assert.equal(new URL(ana.url()).pathname, '/login', 'sign-in refused');

  // Reactivated, she signs in again.
  await admin.goto(`${app.base}/settings/staff`);
  await admin.getByRole('button', { name: `Reactivate ${STAFF.ana.name}` }).click();
  await admin.waitForURL(/reactivated=1/);
  await ana.context().close();
  await admin.context().close();
});

test('a member changes their own password, in Spanish', async () => {
  const beto = await newPage(browser, DESKTOP, 'es-ES');
  await signIn(beto, app.base, STAFF.beto.email);
  await beto.goto(`${app.base}/account/security`);
  await beto.getByRole('link', { name: 'Cambiar su contraseña' }).click();
  await beto.waitForURL(/\/account\/password$/);
  assert.deepEqual(await seriousViolations(beto), []);
  await checkOnPhone(beto, 'password-change-es');
  const password = 'un faro encendido toda la noche';
  await beto.getByLabel('Contraseña actual').fill(PASSWORD);
  await beto.getByLabel('Contraseña nueva').fill(password);
  await beto.getByLabel('La misma contraseña otra vez').fill(password);
  await beto.getByRole('button', { name: 'Cambiar la contraseña' }).click();
  await beto.waitForURL(/changed=1/);
  assert.match(await beto.locator('#password-changed').textContent(), /Se cambió su contraseña/);
  await beto.context().close();
  const again = await newPage(browser, DESKTOP, 'es-ES');
  await signInWith(again, STAFF.beto.email, password);
  assert.notEqual(new URL(again.url()).pathname, '/login', 'the new password signs in');
  await again.context().close();
});

test('the organisation’s time zone changes the times the case page shows', async () => {
  const admin = await newPage(browser);
  await signIn(admin, app.base, STAFF.ada.email);
  await admin.goto(`${app.base}/cases?q=CRIT-1`);
  await admin.getByRole('link', { name: 'CRIT-1', exact: true }).click();
  await admin.waitForLoadState('load');
  const casePage = admin.url();
  assert.match(await admin.locator('main').textContent(), /\d\d:\d\d UTC/);

  await admin.goto(`${app.base}/settings/organisation`);
  assert.deepEqual(await seriousViolations(admin), []);
  await admin.getByLabel('Time zone').fill('Pacific Time');
  await admin.getByRole('button', { name: 'Save the profile' }).click();
  assert.match(await admin.getByRole('alert').textContent(), /Time zone: not a time zone name/);
  assert.equal(await admin.getByLabel('Time zone').getAttribute('aria-invalid'), 'true');
  await checkOnPhone(admin, 'profile-refused-en');
  await admin.getByLabel('Time zone').fill('America/Los_Angeles');
  await admin.getByLabel('Phone').fill('+1 555 0100');
  await admin.getByRole('button', { name: 'Save the profile' }).click();
  await admin.waitForURL(/saved=1/);

  await admin.goto(casePage);
  const text = await admin.locator('main').textContent();
  assert.match(text, /\d\d:\d\d P[SD]T/);
  assert.doesNotMatch(text, /\d\d:\d\d UTC/);
  await admin.context().close();
});
