// The trust pages in a real browser: an administrator changes a member's role in the settings,
// shares a case with a clinician from its page (who then opens it, and no longer after it is
// un-shared), and reads both changes on the audit page. Every page passes axe-core and fits a
// 360-pixel phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

/** Whether the page fits its viewport without scrolling sideways. */
async function fitsWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

async function checkOnPhone(page, name) {
  await page.setViewportSize(PHONE);
  const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`));
  assert.ok(await fitsWidth(page), `${name} fits 360 px: ${wide.join(', ')}`);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, `${name}-en-phone`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('an administrator changes a role, shares a case and reads both in the audit trail', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ada.email);

  // The role: Beto, an advocate, becomes an attorney.
  await page.goto(`${app.base}/settings`);
  const role = page.getByLabel(`Role of ${STAFF.beto.name}`);
  assert.equal(await role.inputValue(), 'advocate');
  assert.deepEqual(await seriousViolations(page), []);
  await role.selectOption('attorney');
  await page.getByRole('button', { name: `Save the role of ${STAFF.beto.name}` }).click();
  await page.waitForURL(/\/settings\?role_changed=/);
  assert.match(await page.getByRole('status').first().textContent(), /Beto Defensor is now: Attorney\./);
  assert.equal(await page.getByLabel(`Role of ${STAFF.beto.name}`).inputValue(), 'attorney');
  await screenshot(page, 'settings-role-changed-en-desktop');
  await checkOnPhone(page, 'settings-roles');

  // The last administrator is refused on her own row, and the summary leads there.
  await page.getByLabel(`Role of ${STAFF.ada.name}`).selectOption('viewer');
  await page.getByRole('button', { name: `Save the role of ${STAFF.ada.name}` }).click();
  const summary = page.getByRole('alert');
  assert.match(await summary.textContent(), /The role was not changed:[\s\S]*last administrator/);
  assert.equal(await page.getByLabel(`Role of ${STAFF.ada.name}`).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await seriousViolations(page), []);

  // The case: CRIT-1 shared with Cleo, a clinician.
  await page.goto(`${app.base}/cases?q=CRIT-1`);
  await page.getByRole('link', { name: 'CRIT-1', exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const casePath = new URL(page.url()).pathname;
  const sharing = page.locator('#sharing');
  assert.match(await sharing.textContent(), /not shared with any clinician/);
  await sharing.getByLabel('Share with a clinician').selectOption({ label: `${STAFF.cleo.name} (${STAFF.cleo.email})` });
  await sharing.getByRole('button', { name: 'Share the case' }).click();
  await page.waitForURL(/\?sharing=shared#sharing$/);
  assert.match(await page.locator('#sharing').getByRole('status').textContent(), /now shared with the clinician/);
  assert.equal(await page.getByRole('button', { name: `Stop sharing with ${STAFF.cleo.name}` }).count(), 1);
  assert.deepEqual(await seriousViolations(page), []);
  await screenshot(page, 'case-shared-en-desktop');
  await checkOnPhone(page, 'case-shared');

  // Cleo opens it now.
  const clinician = await newPage(browser);
  await signIn(clinician, app.base, STAFF.cleo.email);
  const opened = await clinician.goto(`${app.base}${casePath}`);
  assert.equal(opened.status(), 200);
  assert.match(await clinician.getByRole('heading', { level: 1 }).textContent(), /CRIT-1/);
  assert.equal(await clinician.locator('#sharing').count(), 0, 'a clinician does not share cases');

  // The audit page shows both changes, newest first, and filters by action.
  await page.goto(`${app.base}/audit`);
  assert.match(await page.locator('#chain-check').textContent(), /The chain is intact/);
  const rows = page.locator('table.audit tbody tr');
  assert.match(await rows.first().textContent(), /Case read/);
  assert.match(await page.locator('table.audit').textContent(), /Case shared with a clinician[\s\S]*Role changed/);
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Action').selectOption('user.role_changed');
  await page.getByRole('button', { name: 'Show entries' }).click();
  await page.waitForURL(/action=user.role_changed/);
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Ada Admin[\s\S]*Role changed[\s\S]*Beto Defensor[\s\S]*"old_role":"advocate"/);
  await screenshot(page, 'audit-en-desktop');
  await checkOnPhone(page, 'audit');

  // Un-shared from the case page: Cleo no longer finds it.
  await page.goto(`${app.base}${casePath}`);
  await page.getByRole('button', { name: `Stop sharing with ${STAFF.cleo.name}` }).click();
  await page.waitForURL(/\?sharing=unshared#sharing$/);
  const gone = await clinician.goto(`${app.base}${casePath}`);
  assert.equal(gone.status(), 404);
  await clinician.context().close();
  await page.context().close();
});

test('an administrator edits an escalation checklist; a mistake opens its form with the error', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ada.email);
  await page.goto(`${app.base}/settings`);
  const checklist = page.locator('details.checklist').filter({ hasText: 'Notice of intent to deny (NOID) received' });
  assert.equal(await checklist.getAttribute('open'), null, 'folded until opened');
  await checklist.locator('summary').click();
  const firstTitle = checklist.getByRole('group', { name: 'Task 1' }).getByLabel('Title in English');
  await firstTitle.fill('Read the NOID with the family');
  // Longer on a critical-care case than on another: refused by the server (the browser checks only the range).
  await checklist.getByRole('group', { name: 'Task 1' }).getByLabel('Due within (hours)', { exact: true }).fill('24');
  await checklist.getByRole('group', { name: 'Task 1' }).getByLabel('Due within on a critical-care case (hours)').fill('48');
  await checklist.getByRole('button', { name: /Save the checklist/ }).click();

  const summary = page.getByRole('alert');
  assert.match(await summary.textContent(), /The checklist was not saved:[\s\S]*Must be at most 24\./);
  const reopened = page.locator('details.checklist[open]');
  assert.equal(await reopened.count(), 1, 'the refused checklist is open, the others folded');
  assert.equal(await reopened.getByRole('group', { name: 'Task 1' }).getByLabel('Title in English').inputValue(), 'Read the NOID with the family');
  assert.deepEqual(await seriousViolations(page), []);
  await reopened.getByRole('group', { name: 'Task 1' }).getByLabel('Due within on a critical-care case (hours)').fill('4');
  await reopened.getByRole('button', { name: /Save the checklist/ }).click();
  await page.waitForURL(/checklist_saved=1/);
  assert.match(await page.getByRole('status').first().textContent(), /The checklist was saved\./);
  await page.locator('details.checklist').filter({ hasText: 'Notice of intent to deny (NOID) received' }).locator('summary').click();
  assert.ok((await page.locator('main').innerHTML()).includes('value="Read the NOID with the family"'));
  await screenshot(page, 'settings-checklist-saved-en-desktop');
  await checkOnPhone(page, 'settings-checklists');
  await page.context().close();
});
