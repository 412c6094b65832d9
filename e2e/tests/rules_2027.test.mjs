// What rule set us-parole/2027.1 changed for the people using Amparo, in a real browser: a
// termination then a re-grant leaves no "depart by" anywhere (case page, family letter, calendar,
// calendar feed); answering one of two open RFEs, picking which, leaves the other on the dashboard;
// the coverage panel reads in English and Spanish and is axe-core clean.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

/** The day `offset` days from today (UTC, as the server takes legal dates), as YYYY-MM-DD. */
function day(offset) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/** A YYYY-MM-DD day as the English pages write it ("December 15, 2026"). */
function english(iso) {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-US', {
    month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC',
  });
}

async function openCase(page, reference) {
  await page.goto(`${app.base}/cases?q=${reference}`);
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
  return new URL(page.url()).pathname;
}

/** Records an event with the case page's form: `fields` maps labels to values. */
async function recordEvent(page, type, fields) {
  const form = page.locator('#record');
  await form.getByLabel('What happened').selectOption(type);
  for (const [label, value] of fields) {
    // Anchored at the start: a required field's label ends with its "required" mark.
    const field = form.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await form.getByRole('button', { name: 'Record the event' }).click();
  await page.waitForURL(/#timeline$/);
}

/** The lines of an iCalendar text, unfolded (RFC 5545 §3.1). */
function unfoldedLines(ics) {
  return ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
}

test('a termination then a re-grant shows no "depart by" anywhere', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  const casePath = await openCase(page, 'CRIT-1');
  const departBy = day(20);
  await recordEvent(page, 'termination_notice', [
    ['On (date)', day(-1)], ['Served by', 'personal'], ['Effective on', day(-1)], ['Depart by', departBy],
  ]);
  assert.match(await page.locator('ol.deadlines').textContent(), /Depart by/, 'the notice binds at first');

  // A calendar feed of the case, made before the re-grant: it follows the case afterwards.
  await page.goto(`${app.base}/calendar/feeds`);
  await page.locator('#reference').fill('CRIT-1');
  await page.locator('form.search button').click();
  await page.waitForLoadState('load');
  const feedAddress = (await page.locator('#feed-address').textContent()).trim();
  const feedPath = new URL(feedAddress).pathname;
  const feedBefore = await (await page.request.get(`${app.base}${feedPath}`)).text();
  const summariesBefore = unfoldedLines(feedBefore).filter((l) => /^(SUMMARY|DESCRIPTION)/.test(l));
  // The deadline's entry, not a checklist task that mentions reading the notice.
  const departure = /depart by|the departure date in the notice/i;
  assert.ok(summariesBefore.some((l) => departure.test(l)), summariesBefore.join('\n'));

  await page.goto(`${app.base}${casePath}`);
  await recordEvent(page, 'parole_granted', [['On (date)', day(0)], ['Valid until', day(365)]]);

  // The case page: banner, status and deadlines, timeline.
  const banner = await page.locator('p.next-deadline').allTextContents();
  assert.doesNotMatch(banner.join(' '), /depart by/i);
  assert.doesNotMatch(await page.locator('section[aria-labelledby="status-h"]').textContent(), /depart by/i);
  const timeline = await page.locator('#timeline').textContent();
  assert.doesNotMatch(timeline, /depart by/i);
  assert.match(timeline, new RegExp(`departure date of ${english(departBy)} no longer applies`));
  await screenshot(page, 'case-re-granted-en-desktop');

  // The print view, the family letter in both languages, the calendar month of the old date.
  await page.goto(`${app.base}${casePath}/print`);
  assert.doesNotMatch(await page.locator('main').textContent(), /depart by/i);
  for (const lang of ['en', 'es']) {
    await page.goto(`${app.base}${casePath}/letter?lang=${lang}`);
    assert.doesNotMatch(await page.locator('body').textContent(), /depart by|salir a más tardar/i, lang);
  }
  await page.goto(`${app.base}/calendar?month=${departBy.slice(0, 7)}`);
  assert.doesNotMatch(await page.locator('main').textContent(), /depart by/i);

  // The feed, read as a calendar application would.
  const feed = await page.request.get(`${app.base}${feedPath}`);
  assert.equal(feed.status(), 200);
  const lines = unfoldedLines(await feed.text()).filter((l) => /^(SUMMARY|DESCRIPTION)/.test(l));
  assert.ok(lines.length > 0, 'the feed still has the other deadlines');
  assert.deepEqual(lines.filter((l) => departure.test(l)), []);
  await page.context().close();
});

test('answering one of two open RFEs, picking which, leaves the other on the dashboard', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ana.email);
  await openCase(page, 'CALM-1');
  const [firstDue, secondDue] = [day(5), day(9)];
  await recordEvent(page, 'rfe_received', [['On (date)', day(-3)], ['Served by', 'email'], ['Respond by', firstDue]]);
  await recordEvent(page, 'rfe_received', [['On (date)', day(-2)], ['Served by', 'email'], ['Respond by', secondDue]]);

  const dueOnDashboard = async () => {
    await page.goto(`${app.base}/`);
    const items = await page.locator('section[aria-labelledby="deadlines-h"] li').allTextContents();
    return items.filter((t) => /CALM-1: RFE response due/.test(t)).map((t) => t.replace(/\s+/g, ' ').trim());
  };
  const before = await dueOnDashboard();
  assert.equal(before.length, 2, before.join('\n'));

  // The picker offers both open RFEs, labelled by kind, person and date; answer the first.
  await openCase(page, 'CALM-1');
  const picker = page.locator('#record').getByLabel('Answers which open notice (answers only)');
  const offered = await picker.locator('option').allTextContents();
  const first = offered.find((o) => o.includes(english(day(-3))));
  assert.ok(first, offered.join('\n'));
  assert.match(first, /^Request for evidence \(RFE\) received — everyone — /);
  assert.ok(offered.some((o) => o.includes(english(day(-2)))), offered.join('\n'));
  const firstId = await picker.locator('option', { hasText: english(day(-3)) }).getAttribute('value');
  await recordEvent(page, 'rfe_answered', [['On (date)', day(0)], ['Answers which open notice (answers only)', firstId]]);
  assert.deepEqual(await page.locator('#timeline .tag').allTextContents(), [], 'a linked answer is not flagged');

  const after = await dueOnDashboard();
  assert.equal(after.length, 1, after.join('\n'));
  assert.ok(after[0].startsWith(english(secondDue)), `the other RFE is still due: ${after[0]}`);
  await screenshot(page, 'dashboard-one-rfe-left-en-desktop');
  await page.context().close();
});

test('the coverage panel in English and Spanish, axe-core clean', async () => {
  for (const [person, heading, labels] of [
    [STAFF.ana, 'Health coverage', ['Qualified alien', 'Cuban/Haitian entrant', 'Federal Medicaid and CHIP', 'Why', 'Source']],
    [STAFF.beto, 'Cobertura de salud', ['Extranjero calificado', 'Entrante cubano/haitiano', 'Medicaid y CHIP federales', 'Motivo', 'Fuente']],
  ]) {
    const page = await newPage(browser, undefined, person.language === 'es' ? 'es-ES' : 'en-US');
    await signIn(page, app.base, person.email);
    await openCase(page, 'RFE-1');
    const panel = page.locator('section[aria-labelledby="coverage-h"]');
    assert.equal(await page.getByRole('heading', { level: 2, name: heading }).count(), 1);
    for (const name of ['Tomás Prueba', 'Elena Prueba']) {
      assert.equal(await panel.getByRole('heading', { level: 3, name }).count(), 1, name);
    }
    const terms = await panel.locator('dl dt').allTextContents();
    assert.deepEqual(terms.slice(0, labels.length), labels);
    assert.equal(terms.length, labels.length * 2, 'one list per person');
    const why = await panel.locator('dd.why').first().textContent();
    assert.ok(why.length > 40, why);
    assert.match(await panel.locator('dd.cite').first().textContent(), /U\.S\.C\./);
    await screenshot(page, `case-coverage-${person.language}-desktop`);
    assert.deepEqual(await seriousViolations(page), []);
    await page.context().close();
  }
});
