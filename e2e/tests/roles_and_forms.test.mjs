// Roles that fit the work and forms that survive a sign-in, in Chromium: a clinician records a medical
// attestation on a case shared with her and is shown no control she cannot use; an intake sent after
// the session ended comes back filled in after signing in again; on a 360 px phone the case list's
// filters are folded so the first case is on the first screen. English and Spanish, axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, PASSWORD } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, DESKTOP, PHONE } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

/** Opens a case by its reference from the case list. */
async function openCase(page, reference) {
  await page.goto(`${app.base}/cases?q=${reference}`);
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
}

/** Every form's method and action, and every link of the page that leads within the site. */
function controls(page) {
  return page.evaluate(() => ({
    forms: [...document.querySelectorAll('form')].map((f) => `${(f.getAttribute('method') || 'get').toUpperCase()} ${new URL(f.action).pathname}`),
    links: [...document.querySelectorAll('a[href^="/"]')].map((a) => new URL(a.href).pathname),
  }));
}

/** Switches the signed-in person's language with the switch in the page header. */
async function switchLanguage(page) {
  await page.locator('form.lang-switch button').first().click();
  await page.waitForLoadState('load');
}

test('a clinician records an attestation on a shared case and sees no control she cannot use', async () => {
  // Ana shares CRIT-1 with Cleo.
  const ana = await newPage(browser, DESKTOP);
  await signIn(ana, app.base, STAFF.ana.email);
  await openCase(ana, 'CRIT-1');
  const caseUrl = ana.url().split('#')[0];
  const share = ana.locator('#sharing');
  const cleo = await share.locator('#share-clinician option', { hasText: STAFF.cleo.name }).getAttribute('value');
  await share.locator('#share-clinician').selectOption(cleo);
  await share.getByRole('button', { name: 'Share the case' }).click();
  await ana.waitForLoadState('load');

  for (const [viewport, spanish, days] of [[DESKTOP, false, '2'], [PHONE, true, '4']]) {
    const page = await newPage(browser, viewport);
    await signIn(page, app.base, STAFF.cleo.email);
    if (spanish) await switchLanguage(page);
    await page.goto(caseUrl);
    const { forms, links } = await controls(page);
    const id = new URL(caseUrl).pathname;
    // Her own attestation, her language, her sign-out: nothing of the legal team's.
    for (const form of forms) {
      assert.ok(
        // Notes are hers to write on a shared case, the medical profile hers to keep, and medical
        // letters hers to add (the upload form offers no other kind).
        [`POST ${id}/events`, `POST ${id}/notes`, `POST ${id}/medical`, `POST ${id}/attachments`, 'POST /language', 'POST /logout', 'GET /cases'].includes(form),
        `a clinician is shown ${form}`,
      );
    }
    assert.ok(forms.includes(`POST ${id}/events`), 'the attestation form is there');
    const kinds = await page.locator('form[action$="/attachments"] select[name="kind"] option').evaluateAll(
      (options) => options.map((o) => o.value).filter((v) => v !== ''),
    );
    assert.deepEqual(kinds, ['medical_letter'], 'a clinician adds medical letters only');
    for (const link of links) {
      assert.ok(!/\/letter$|^\/cases\/new$|^\/reviews$|^\/settings$|^\/audit$/.test(link), `a clinician is shown a link to ${link}`);
    }
    const form = page.locator('#record');
    assert.match(await form.locator('h2').textContent(), spanish ? /Registrar una certificación médica/ : /Record a medical attestation/);
    assert.deepEqual(await form.locator('#ev-type option').allTextContents(), [spanish ? 'Certificación médica' : 'Medical attestation']);
    await form.locator('#ev-on').fill('2026-11-21');
    await form.locator('#ev-days_to_critical_harm').fill(days);
    await form.locator('#ev-note').fill(spanish ? 'revisado en planta' : 'reviewed on the ward');
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, `attestation-${spanish ? 'es-phone' : 'en-desktop'}`);
    await form.getByRole('button').click();
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, id, 'back on the case page, not a refusal');
    assert.equal(await page.locator('.error-summary').count(), 0);
    if (viewport === PHONE) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the case page scrolls sideways by ${overflow}px at 360px`);
    }
    await page.context().close();
  }

  // The legal team's timeline shows both, recorded by Cleo.
  await ana.goto(caseUrl);
  const recorded = await ana.locator('#timeline li', { hasText: 'Medical attestation' }).allTextContents();
  assert.equal(recorded.filter((line) => line.includes(`recorded by ${STAFF.cleo.name}`)).length, 2, recorded.join('\n'));
  await ana.context().close();
});

test('an intake sent after the session ended comes back filled in after signing in again', async () => {
  for (const [viewport, locale, person, words] of [
    [DESKTOP, 'en-US', STAFF.ana, { save: 'Create the case', why: /Your session ended, so your form was not sent/, back: /filled in with what you typed/ }],
    [PHONE, 'es-ES', STAFF.beto, { save: 'Crear el caso', why: /Su sesión terminó, así que su formulario no se envió/, back: /completado con lo que escribió/ }],
  ]) {
    const page = await newPage(browser, viewport, locale);
    await signIn(page, app.base, person.email);
    await page.goto(`${app.base}/cases/new`);
    await page.locator('#reference').fill(`KEPT-${locale}`);
    await page.locator('#person-0-given_name').fill('Nadia');
    await page.locator('#person-0-family_name').fill('Ejemplo');
    // The session ends while the form is being typed.
    await page.context().clearCookies({ name: 'amparo_session' });
    await page.getByRole('button', { name: words.save }).click();
    await page.waitForURL(/\/login\?next=%2Fcases%2Fnew&kept=1|\/login\?next=\/cases\/new&kept=1/);
    assert.match(await page.locator('p.notice').textContent(), words.why);
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByLabel(/^(Email|Correo electrónico)$/).fill(person.email);
    await page.getByLabel(/^(Password|Contraseña)$/).fill(PASSWORD);
    await page.getByRole('button', { name: /^(Sign in|Iniciar sesión)$/ }).click();
    await page.waitForURL(/\/cases\/new$/);
    assert.match(await page.locator('#kept-form').textContent(), words.back);
    assert.equal(await page.locator('#reference').inputValue(), `KEPT-${locale}`);
    assert.equal(await page.locator('#person-0-given_name').inputValue(), 'Nadia');
    assert.equal(await page.locator('#person-0-family_name').inputValue(), 'Ejemplo');
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, `kept-intake-${locale}`);
    // Not sent for them: no such case until they send it.
    await page.goto(`${app.base}/cases?q=KEPT-${locale}`);
    assert.equal(await page.locator('table.case-list tbody tr').count(), 0);
    await page.context().close();
  }
});

test('at 360 px the case list filters fold away and the first case is on the first screen', async () => {
  for (const [locale, person, summary] of [['en-US', STAFF.ana, 'Filters and order'], ['es-ES', STAFF.beto, 'Filtros y orden']]) {
    const page = await newPage(browser, PHONE, locale);
    await signIn(page, app.base, person.email);
    await page.goto(`${app.base}/cases`);
    const top = await page.locator('table.case-list tbody tr').first().evaluate((row) => row.getBoundingClientRect().top);
    assert.ok(top < PHONE.height, `the first case starts at ${top}px, below the ${PHONE.height}px screen`);
    // Unfolded, the filters work as before.
    await page.getByText(summary, { exact: true }).click();
    assert.ok(await page.locator('#status').isVisible());
    assert.deepEqual(await seriousViolations(page), []);
    await page.context().close();
  }
  // At 1280 px they are one row, shown without unfolding.
  const page = await newPage(browser, DESKTOP);
  await signIn(page, app.base, STAFF.ana.email);
  await page.goto(`${app.base}/cases`);
  assert.ok(await page.locator('#status').isVisible(), 'open where there is room');
  const tops = await page.locator('.filter-row select, .filter-row input[type=search], .filter-row button').evaluateAll(
    (items) => items.map((item) => Math.round(item.getBoundingClientRect().bottom)),
  );
  assert.ok(Math.max(...tops) - Math.min(...tops) <= 4, `the filters sit on one row: ${tops.join(', ')}`);
  // ... and none covers another (a control under another cannot be clicked).
  const spans = await page.locator('.filter-row select, .filter-row input, .filter-row button').evaluateAll(
    (items) => items.map((item) => item.getBoundingClientRect()).map((r) => [Math.round(r.left), Math.round(r.right)]),
  );
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    assert.ok(spans[i][0] >= spans[i - 1][1], `filter controls overlap: ${JSON.stringify(spans)}`);
  }
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});
