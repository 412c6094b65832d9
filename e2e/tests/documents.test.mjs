// Documents made from a case: an attorney uploads two exhibits, generates the re-parole packet with
// them in the order she numbers, and downloads it (a PDF: its header, and its page count by qpdf);
// a clinician the case is shared with reviews the medical letter's draft and attests it, and the
// signed letter appears in the case's evidence. In English at 1280 px and in Spanish at 360 px,
// every page axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE, DESKTOP } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

const dir = mkdtempSync(join(tmpdir(), 'amparo-e2e-documents-'));

/** A valid one-page PDF showing `text`, written object by object with its cross-reference table. */
function onePagePdf(name, text) {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const path = join(dir, name);
  writeFileSync(path, pdf, 'latin1');
  return path;
}

/** The number of pages of a PDF, by qpdf when it is installed; `null` without it. */
function pageCount(bytes) {
  const path = join(dir, `count-${Date.now()}.pdf`);
  writeFileSync(path, bytes);
  try {
    return Number(execFileSync('qpdf', ['--show-npages', path], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
}

async function openCase(page, reference) {
  await page.goto(`${app.base}/cases?q=${reference}`);
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
}

async function upload(page, { kind, title, file, button }) {
  await page.locator('#attachment-kind').selectOption(kind);
  await page.locator('#attachment-title').fill(title);
  await page.locator('#attachment-file').setInputFiles(file);
  await page.locator('#evidence').getByRole('button', { name: button }).click();
  await page.waitForURL(/#attachment-[0-9a-f-]{36}$/);
}

/** The response of a link of the page, fetched with the page's own session. */
async function fetchLink(page, href) {
  const response = await page.request.get(new URL(href, page.url()).toString());
  return { status: response.status(), body: Buffer.from(await response.body()), headers: response.headers() };
}

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow} px`);
}

/** Generates the packet from the documents page with the two exhibits, `later` numbered first. */
async function makePacket(page, { earlier, later, button, generated }) {
  const make = page.locator('#documents-make');
  const choice = (title) => make.locator('.exhibit-choice', { hasText: title });
  await choice(earlier).getByRole('checkbox').check();
  await choice(earlier).getByRole('textbox').fill('2');
  await choice(later).getByRole('checkbox').check();
  await choice(later).getByRole('textbox').fill('1');
  await make.getByRole('button', { name: button }).click();
  await page.waitForURL(/\?made=[0-9a-f-]{36}#document-/);
  assert.match(await page.locator('#document-made').textContent(), generated);
  const made = new URL(page.url()).searchParams.get('made');
  const pdf = await fetchLink(page, await page.locator(`#document-${made} a[href$="/pdf"]`).getAttribute('href'));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.equal(pdf.body.subarray(0, 4).toString('latin1'), '%PDF', 'a PDF is downloaded');
  const pages = pageCount(pdf.body);
  if (pages === null) assert.ok(pdf.body.length > 1000, 'the packet has content');
  else assert.ok(pages >= 3, `the cover letter and one page per exhibit: ${pages} pages`);
  return made;
}

test('an attorney generates the packet with chosen exhibits; a clinician attests the medical letter; in English at 1280 px', async () => {
  const ana = await newPage(browser, DESKTOP);
  await signIn(ana, app.base, STAFF.ana.email);
  await openCase(ana, 'CRIT-1');
  const casePath = new URL(ana.url()).pathname;
  await upload(ana, { kind: 'evidence', title: 'Dialysis schedule', file: onePagePdf('schedule.pdf', 'Dialysis schedule'), button: 'Upload' });
  await upload(ana, { kind: 'evidence', title: 'Hospital admission', file: onePagePdf('admission.pdf', 'Hospital admission'), button: 'Upload' });
  await ana.getByRole('link', { name: 'Open the documents' }).click();
  await ana.waitForURL(/\/documents$/);
  assert.match(await ana.locator('#documents-english-note').textContent(), /requires English/);
  assert.deepEqual(await seriousViolations(ana), []);
  const made = await makePacket(ana, {
    earlier: 'Dialysis schedule',
    later: 'Hospital admission',
    button: 'Generate the packet',
    generated: /Generated: Re-parole packet/,
  });
  assert.match(await ana.locator(`#document-${made}`).textContent(), /The first of its kind/);
  await screenshot(ana, 'case-documents-en-desktop');
  assert.deepEqual(await seriousViolations(ana), []);

  // Ana shares the case with Cleo, who reviews and attests the medical letter.
  await ana.goto(`${app.base}${casePath}`);
  const sharing = ana.locator('#sharing');
  await sharing.getByLabel('Share with a clinician').selectOption({ label: `${STAFF.cleo.name} (${STAFF.cleo.email})` });
  await sharing.getByRole('button', { name: 'Share the case' }).click();
  await ana.waitForURL(/\?sharing=shared#sharing$/);

  const cleo = await newPage(browser, DESKTOP);
  await signIn(cleo, app.base, STAFF.cleo.email);
  await cleo.goto(`${app.base}${casePath}/documents`);
  assert.equal(await cleo.locator('#make-packet').count(), 0, 'a clinician makes no packet');
  await cleo.getByRole('link', { name: 'Review and attest the medical letter' }).click();
  await cleo.waitForURL(/\/documents\/attest$/);
  assert.match(await cleo.locator('#draft').textContent(), /chronic kidney failure/);
  assert.deepEqual(await seriousViolations(cleo), []);
  // Left empty, each required field is named; nothing is written.
  await cleo.getByRole('button', { name: 'Attest the letter' }).click();
  await cleo.waitForLoadState('load');
  assert.equal(await cleo.locator('.error-summary li').count(), 2, 'credentials and statement are missing');
  assert.equal(await cleo.locator('#document-credentials-error').count(), 1);
  assert.equal(await cleo.locator('#document-statement-error').count(), 1);
  assert.deepEqual(await seriousViolations(cleo), []);
  await cleo.getByLabel('Credentials').fill('MD, pediatric nephrology');
  await cleo.getByLabel('Statement').fill('I have reviewed this letter and it is true to my knowledge.');
  await cleo.getByRole('button', { name: 'Attest the letter' }).click();
  await cleo.waitForURL(/\?made=[0-9a-f-]{36}#document-/);
  const attested = new URL(cleo.url()).searchParams.get('made');
  assert.match(await cleo.locator(`#document-${attested}`).textContent(), /Attested/);
  const signed = await fetchLink(cleo, await cleo.locator(`#document-${attested} a[href$="/pdf"]`).getAttribute('href'));
  assert.equal(signed.status, 200);
  assert.equal(signed.body.subarray(0, 4).toString('latin1'), '%PDF');
  await screenshot(cleo, 'case-attested-en-desktop');
  assert.deepEqual(await seriousViolations(cleo), []);

  // The attorney finds the signed letter in the evidence.
  await ana.goto(`${app.base}${casePath}`);
  assert.match(await ana.locator('#evidence').textContent(), /Medical necessity letter, attested by Cleo Clínica/);
  await cleo.context().close();
  await ana.context().close();
});

test('the same in Spanish at 360 px', async () => {
  const beto = await newPage(browser, PHONE, 'es-ES');
  await signIn(beto, app.base, STAFF.beto.email);
  await openCase(beto, 'RFE-1');
  const casePath = new URL(beto.url()).pathname;
  await upload(beto, { kind: 'evidence', title: 'Informe médico', file: onePagePdf('informe.pdf', 'Informe medico'), button: 'Subir' });
  await upload(beto, { kind: 'identity', title: 'Pasaporte', file: onePagePdf('pasaporte.pdf', 'Pasaporte'), button: 'Subir' });
  await beto.getByRole('link', { name: 'Abrir los documentos' }).click();
  await beto.waitForURL(/\/documents$/);
  assert.match(await beto.locator('#documents-english-note').textContent(), /exige el inglés/);
  await makePacket(beto, {
    earlier: 'Informe médico',
    later: 'Pasaporte',
    button: 'Generar el paquete',
    generated: /Generado: Paquete de nuevo parole/,
  });
  await noSidewaysScroll(beto);
  await screenshot(beto, 'case-documents-es-phone');
  assert.deepEqual(await seriousViolations(beto), []);

  await beto.goto(`${app.base}${casePath}`);
  const sharing = beto.locator('#sharing');
  await sharing.locator('#share-clinician').selectOption({ label: `${STAFF.cleo.name} (${STAFF.cleo.email})` });
  await sharing.locator('button[type=submit]').first().click();
  await beto.waitForURL(/\?sharing=shared#sharing$/);

  const cleo = await newPage(browser, PHONE, 'es-ES');
  await signIn(cleo, app.base, STAFF.cleo.email);
  await cleo.locator('form.lang-switch button').first().click();
  await cleo.waitForLoadState('load');
  await cleo.goto(`${app.base}${casePath}/documents`);
  await cleo.getByRole('link', { name: 'Revisar y certificar la carta médica' }).click();
  await cleo.waitForURL(/\/documents\/attest$/);
  await cleo.getByLabel('Credenciales').fill('MD, neumología pediátrica');
  await cleo.getByLabel('Declaración').fill('He revisado esta carta y es cierta según mi conocimiento.');
  await cleo.getByLabel('Fecha de la certificación').fill('2099-01-01');
  await cleo.getByRole('button', { name: 'Certificar la carta' }).click();
  await cleo.waitForLoadState('load');
  assert.match(await cleo.locator('#document-date-error').textContent(), /posterior a hoy/);
  await noSidewaysScroll(cleo);
  assert.deepEqual(await seriousViolations(cleo), []);
  const today = await cleo.evaluate(() => new Date().toISOString().slice(0, 10));
  await cleo.getByLabel('Fecha de la certificación').fill(today);
  await cleo.getByRole('button', { name: 'Certificar la carta' }).click();
  await cleo.waitForURL(/\?made=[0-9a-f-]{36}#document-/);
  assert.match(await cleo.locator('#document-made').textContent(), /Generado: Carta de necesidad médica/);
  await noSidewaysScroll(cleo);
  await screenshot(cleo, 'case-attested-es-phone');
  assert.deepEqual(await seriousViolations(cleo), []);
  await cleo.context().close();
  await beto.context().close();
});
