// Every page, in English and Spanish, at desktop and phone width: axe-core finds no serious or
// critical violation, nothing is left untranslated that should not be, and a screenshot of each is
// saved under artifacts/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, DESKTOP, PHONE } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

/** The pages to visit, by name, as paths (the case page's is found from the list). */
async function pagePaths(page) {
  await page.goto(`${app.base}/cases?q=CRIT-1`);
  const href = await page.getByRole('link', { name: 'CRIT-1' }).getAttribute('href');
  return {
    dashboard: '/',
    triage: '/triage',
    tasks: '/tasks',
    cases: '/cases',
    case: href,
    reviews: '/reviews?program=humanitarian',
    intake: '/cases/new',
    calendar: '/calendar?month=2026-11',
    print: `${href}/print`,
    letter: `${href}/letter`,
    feeds: '/calendar/feeds',
    'not-found': '/cases/no-such-case',
  };
}

for (const [language, who, signInHeading] of [['en', STAFF.ana, 'Sign in'], ['es', STAFF.beto, 'Iniciar sesión']]) {
  for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`every page in ${language} at ${width} width passes axe-core`, async () => {
      const page = await newPage(browser, viewport, language === 'es' ? 'es-ES' : 'en-US');
      const problems = [];
      await page.goto(`${app.base}/login`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), signInHeading);
      problems.push(...(await seriousViolations(page)).map((v) => ({ page: 'login', ...v })));
      await screenshot(page, `login-${language}-${width}`);

      await signIn(page, app.base, who.email);
      for (const [name, path] of Object.entries(await pagePaths(page))) {
        await page.goto(`${app.base}${path}`);
        // The family letter is written in the family's language (CRIT-1's family reads Spanish).
        const expected = name === 'letter' ? 'es' : language;
        assert.equal(await page.locator('html').getAttribute('lang'), expected, `${name} in ${expected}`);
        assert.equal(await page.locator('h1').count(), 1, `${name} has one main heading`);
        assert.equal(await page.locator('main').count(), 1, `${name} has a main landmark`);
        problems.push(...(await seriousViolations(page)).map((v) => ({ page: name, ...v })));
        if (width === 'phone') {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at 360px`);
        }
        await screenshot(page, `${name}-${language}-${width}`);
      }
      assert.deepEqual(problems, [], JSON.stringify(problems, null, 2));
      await page.context().close();
    });
  }
}

test('the axe-core check does find a violation when there is one', async () => {
  const page = await newPage(browser);
  await page.goto(`${app.base}/login`);
  await page.evaluate(() => document.querySelector('form').append(document.createElement('input')));
  const found = await seriousViolations(page);
  assert.ok(found.some((v) => v.id === 'label'), JSON.stringify(found));
  await page.context().close();
});

test('the settings and audit pages, for an administrator, pass axe-core in both languages and widths', async () => {
  // One sign-in (with its second-factor code) for every combination.
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ada.email);
  for (const language of ['en', 'es']) {
    for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await page.setViewportSize(viewport);
      await page.goto(`${app.base}/settings`);
      if (language === 'es') await page.getByRole('button', { name: 'Español' }).click();
      await page.goto(`${app.base}/settings`);
      assert.equal(await page.locator('html').getAttribute('lang'), language);
      assert.deepEqual(await seriousViolations(page), []);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `settings scrolls sideways by ${overflow}px`);
      await screenshot(page, `settings-${language}-${width}`);
      // The audit trail, with its filters, is the administrator's too.
      await page.goto(`${app.base}/audit`);
      assert.deepEqual(await seriousViolations(page), [], `audit in ${language} at ${width}`);
      if (language === 'es') await page.getByRole('button', { name: 'English' }).click();
    }
  }
  await page.context().close();
});
