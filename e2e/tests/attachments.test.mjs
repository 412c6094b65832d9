// Documents on a case: a termination notice uploaded from the case page, listed under its kind and
// beside its event on the timeline, viewed and downloaded with the same bytes; a file of a refused
// type named as such; in English at 1280 px and in Spanish at 360 px, every page axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

const dir = mkdtempSync(join(tmpdir(), 'amparo-e2e-files-'));

/** A small PDF whose bytes include every value from 0 to 255, so a changed byte shows. */
function pdfFile(name) {
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1');
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const tail = Buffer.from('\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([head, every, tail]));
  return path;
}

async function openCase(page, reference) {
  await page.goto(`${app.base}/cases?q=${reference}`);
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
}

/** The bytes a link of the page serves, fetched with the page's own session. */
async function bytesOf(page, href) {
  const response = await page.request.get(new URL(href, page.url()).toString());
  assert.equal(response.status(), 200);
  return { body: Buffer.from(await response.body()), headers: response.headers() };
}

test('a notice uploaded, listed, viewed and downloaded unchanged; in English at 1280 px', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await openCase(page, 'CRIT-1');
  const evidence = page.locator('#evidence');

  // A file whose bytes are no accepted type is refused with the reason, whatever its name.
  const fake = join(dir, 'notice.pdf');
  writeFileSync(fake, Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]));
  await evidence.getByLabel('Kind of document').selectOption('notice');
  await evidence.getByLabel('Title').fill('Termination notice');
  await evidence.getByLabel('File').setInputFiles(fake);
  await evidence.getByRole('button', { name: 'Upload' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('#evidence .error-summary').textContent(), /not accepted/);
  assert.equal(await page.locator('#attachment-title').inputValue(), 'Termination notice', 'what was typed is kept');
  assert.deepEqual(await seriousViolations(page), []);

  const pdf = pdfFile('termination-notice.pdf');
  await page.locator('#attachment-kind').selectOption('notice');
  const firstEvent = await page.locator('#attachment-event option').nth(1).getAttribute('value');
  await page.locator('#attachment-event').selectOption(firstEvent);
  await page.locator('#attachment-file').setInputFiles(pdf);
  await page.locator('#evidence').getByRole('button', { name: 'Upload' }).click();
  await page.waitForURL(/#attachment-[0-9a-f-]{36}$/);
  const item = page.locator('#evidence li', { hasText: 'Termination notice' });
  assert.match(await page.locator('#evidence').textContent(), /Notices/);
  assert.match(await item.textContent(), /PDF/);
  const timelineLink = page.locator(`#event-${firstEvent} .attachments a`);
  assert.equal(await timelineLink.textContent(), 'Termination notice', 'the timeline shows the event’s file');

  const viewed = await bytesOf(page, await item.getByRole('link', { name: /View/ }).getAttribute('href'));
  assert.deepEqual(viewed.body, readFileSync(pdf), 'viewing returns the same bytes');
  assert.equal(viewed.headers['content-type'], 'application/pdf');
  assert.match(viewed.headers['content-security-policy'], /^sandbox/);
  assert.equal(viewed.headers['x-content-type-options'], 'nosniff');
  const downloaded = await bytesOf(page, await item.getByRole('link', { name: /Download/ }).getAttribute('href'));
  assert.deepEqual(downloaded.body, readFileSync(pdf), 'downloading returns the same bytes');
  assert.match(downloaded.headers['content-disposition'], /^attachment; filename="termination-notice.pdf"/);

  await screenshot(page, 'case-evidence-en-desktop');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('the same in Spanish at 360 px', async () => {
  const page = await newPage(browser, PHONE, 'es-ES');
  await signIn(page, app.base, STAFF.beto.email);
  await openCase(page, 'RFE-1');
  const evidence = page.locator('#evidence');
  await evidence.getByLabel('Tipo de documento').selectOption('medical_letter');
  await evidence.getByLabel('Título').fill('Carta de la clínica');
  await page.locator('#attachment-dated').fill('2026-01-15');
  const pdf = pdfFile('carta.pdf');
  await page.locator('#attachment-file').setInputFiles(pdf);
  await evidence.getByRole('button', { name: 'Subir' }).click();
  await page.waitForURL(/#attachment-[0-9a-f-]{36}$/);
  const item = page.locator('#evidence li', { hasText: 'Carta de la clínica' });
  assert.match(await page.locator('#evidence').textContent(), /Cartas médicas/);
  const downloaded = await bytesOf(page, await item.getByRole('link', { name: /Descargar/ }).getAttribute('href'));
  assert.deepEqual(downloaded.body, readFileSync(pdf));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow} px at 360 px`);
  await screenshot(page, 'case-evidence-es-phone');
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});
