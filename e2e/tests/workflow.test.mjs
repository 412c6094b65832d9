// The daily work: a termination notice on a critical-care case escalates it and moves it on the
// board; an answered RFE leaves the board's reasons; a stale form shows the conflict and keeps the entry.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot } from '../support/browser.mjs';
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

async function boardRow(page, reference) {
  await page.goto(`${app.base}/triage`);
  const row = page.locator('table.board tbody tr', { has: page.getByRole('link', { name: reference, exact: true }) });
  const rows = await page.locator('table.board tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('a').textContent));
  return { position: rows.indexOf(reference), text: await row.textContent() };
}

test('a termination notice escalates a critical-care case and moves it on the board', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  const before = await boardRow(page, 'CRIT-1');
  assert.doesNotMatch(before.text, /open escalation/);
  await page.goto(`${app.base}/`);
  assert.match(await page.locator('#open-escalations-h + *').textContent(), /No escalation is open/);

  await openCase(page, 'CRIT-1');
  const form = page.locator('#record');
  await form.getByLabel('What happened').selectOption('termination_notice');
  await form.getByLabel('On (date)').fill('2026-11-20');
  await form.getByLabel('Served by').selectOption('mail');
  await form.getByLabel('Depart by').fill('2026-12-21');
  await form.getByRole('button', { name: 'Record the event' }).click();
  await page.waitForURL(/#timeline$/);
  const escalations = await page.locator('#escalations').textContent();
  assert.match(escalations, /Open critical care: termination notice of 2026-11-20/);
  assert.match(await page.locator('#timeline').textContent(), /Termination notice/);
  await screenshot(page, 'case-escalated-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);

  const after = await boardRow(page, 'CRIT-1');
  assert.match(after.text, /1 open escalation/);
  assert.match(after.text, /termination notice/);
  assert.equal(after.position, 0, 'the escalated critical case tops the board');

  await page.goto(`${app.base}/`);
  const open = page.locator('section[aria-labelledby="open-escalations-h"]');
  assert.match(await open.textContent(), /CRIT-1.*termination notice of 2026-11-20/s);
  await page.context().close();
});

test('answering an RFE takes it off the board; in Spanish', async () => {
  const page = await newPage(browser, undefined, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  const before = await boardRow(page, 'RFE-1');
  assert.match(before.text, /solicitud de evidencia \(RFE\)/, 'the open RFE is why the case ranks');
  await openCase(page, 'RFE-1');
  const form = page.locator('#record');
  await form.getByLabel('Qué ocurrió').selectOption('rfe_answered');
  await form.getByLabel('Fecha').fill('2026-11-22');
  await form.getByRole('button', { name: 'Registrar el evento' }).click();
  await page.waitForURL(/#timeline$/);
  assert.match(await page.locator('#timeline').textContent(), /Solicitud de evidencia \(RFE\) respondida/);
  assert.doesNotMatch(await page.locator('ol.deadlines').textContent(), /Vence la respuesta a la solicitud de evidencia/);
  await screenshot(page, 'case-rfe-answered-es-desktop');
  const after = await boardRow(page, 'RFE-1');
  assert.doesNotMatch(after.text, /solicitud de evidencia \(RFE\)/, 'the reason is gone');
  await page.context().close();
});

test('a stale form shows the conflict and keeps what was typed', async () => {
  const first = await newPage(browser);
  await signIn(first, app.base, STAFF.ana.email);
  await openCase(first, 'CALM-1');
  const second = await newPage(browser);
  await signIn(second, app.base, STAFF.ada.email);
  await second.goto(first.url());

  // Ada records an event first.
  const adaForm = second.locator('#record');
  await adaForm.getByLabel('What happened').selectOption('ead_filed');
  await adaForm.getByLabel('On (date)').fill('2026-11-18');
  await adaForm.getByRole('button', { name: 'Record the event' }).click();
  await second.waitForURL(/#timeline$/);

  // Ana's page still has the old version.
  const anaForm = first.locator('#record');
  await anaForm.getByLabel('What happened').selectOption('medical_attested');
  await anaForm.getByLabel('On (date)').fill('2026-11-19');
  await anaForm.getByLabel('Note').fill('Endocrinologist letter received');
  await anaForm.getByRole('button', { name: 'Record the event' }).click();
  const alert = first.locator('#record [role="alert"]');
  assert.match(await alert.textContent(), /Someone else changed this case after you opened it/);
  assert.equal(await first.locator('#ev-note').inputValue(), 'Endocrinologist letter received');
  assert.equal(await first.locator('#ev-type').inputValue(), 'medical_attested');
  assert.match(await first.locator('#timeline').textContent(), /Work permit \(EAD\) applied for/, 'the new timeline');
  // Recording again now succeeds.
  await first.locator('#record').getByRole('button', { name: 'Record the event' }).click();
  await first.waitForURL(/#timeline$/);
  assert.match(await first.locator('#timeline').textContent(), /Medical attestation/);
  await first.context().close();
  await second.context().close();
});
