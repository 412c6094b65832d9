// The pages an administrator connects other systems with, in a real browser: a webhook endpoint is
// added on its page (its secret shown once), and an organisation token is made for a service
// account. The webhooks page, an endpoint's deliveries and the tokens page pass axe-core and fit
// the screen, in English and Spanish, at 1280 and 360 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, seriousViolations, screenshot, PHONE, DESKTOP } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

async function fitsAndPasses(page, name) {
  assert.deepEqual(await seriousViolations(page), [], name);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px`);
  await screenshot(page, name);
}

test('an administrator adds a webhook endpoint and an organisation token; the pages pass axe-core', async () => {
  const page = await newPage(browser);
  await signIn(page, app.base, STAFF.ada.email);

  await page.goto(`${app.base}/settings`);
  await page.locator('#webhooks').click();
  await page.waitForURL(/\/settings\/webhooks$/);
  // An address that is not HTTP(S) is refused, saying so, and nothing is added.
  await page.locator('#webhook-url').fill('ftp://93.184.215.14/amparo');
  await page.locator('#event-case\\.created').check();
  await page.getByRole('button', { name: 'Add the endpoint' }).click();
  await page.waitForLoadState('load');
  assert.ok(await page.locator('#webhook-error').isVisible(), 'the refusal is shown');
  assert.equal(await page.locator('#new-secret').count(), 0, 'no secret for a refused endpoint');
  await fitsAndPasses(page, 'webhooks-refused-en-desktop');

  await page.locator('#webhook-url').fill('https://93.184.215.14/amparo');
  await page.locator('#event-case\\.created').check();
  await page.getByRole('button', { name: 'Add the endpoint' }).click();
  await page.waitForLoadState('load');
  assert.ok((await page.locator('#new-secret').textContent()).trim().length > 0, 'the secret is shown once');
  const endpoint = page.getByRole('link', { name: 'https://93.184.215.14/amparo' });
  const history = await endpoint.getAttribute('href');
  await page.goto(`${app.base}/settings/webhooks`);
  assert.equal(await page.locator('#new-secret').count(), 0, 'the secret is not shown again');

  await page.goto(`${app.base}/account/tokens`);
  await page.locator('#service-name').fill('Hospital EHR');
  await page.locator('#service-role').selectOption('clinician');
  await page.locator('#org-token-name').fill('EHR sync');
  await page.getByRole('button', { name: 'Make an organisation token' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('#new-token').textContent(), /^amparo_oat_/, 'the organisation token is shown once');

  for (const language of ['en', 'es']) {
    for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await page.setViewportSize(viewport);
      await page.goto(`${app.base}/settings/webhooks`);
      if (language === 'es') await page.getByRole('button', { name: 'Español' }).click();
      await page.goto(`${app.base}/settings/webhooks`);
      assert.equal(await page.locator('html').getAttribute('lang'), language);
      await fitsAndPasses(page, `webhooks-${language}-${width}`);
      await page.goto(`${app.base}${history}`);
      await fitsAndPasses(page, `webhook-deliveries-${language}-${width}`);
      await page.goto(`${app.base}/account/tokens`);
      await fitsAndPasses(page, `tokens-${language}-${width}`);
      if (language === 'es') await page.getByRole('button', { name: 'English' }).click();
    }
  }
  await page.context().close();
});
