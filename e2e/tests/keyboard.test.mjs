// Keyboard only: signing in and assigning a case with Tab, arrows, typing and Enter; the focus is
// always visible.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF, PASSWORD } from '../support/app.mjs';
import { newPage } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

/** What has the focus: its tag, name or id, and whether a focus outline is drawn. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      text: (el.textContent || '').trim(),
      outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until `matches(focused)` holds, at most `limit` times; fails otherwise. */
async function tabTo(page, matches, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    assert.ok(now.outlined, `focus on ${JSON.stringify(now)} is visible`);
    if (matches(now)) return now;
  }
  assert.fail('never reached the element with Tab');
}

test('the skip link comes first and leads to the main content', async () => {
  const page = await newPage(browser);
  await page.goto(`${app.base}/login`);
  await page.keyboard.press('Tab');
  const first = await focused(page);
  assert.equal(first.text, 'Skip to content');
  assert.ok(await page.locator('a.skip').isVisible(), 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  // Following a fragment link is asynchronous in the browser: wait for it instead of reading the
  // address at once (fails after the timeout when the link leads elsewhere).
  await page.waitForURL(/#main$/);
  const target = await page.evaluate(() => document.querySelector(':target')?.id);
  assert.equal(target, 'main');
  await page.context().close();
});

test('sign in and assign a case with the keyboard alone', async () => {
  const page = await newPage(browser);
  await page.goto(`${app.base}/login`);
  await tabTo(page, (f) => f.id === 'email');
  await page.keyboard.type(STAFF.ana.email);
  await tabTo(page, (f) => f.id === 'password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/$/);

  await page.goto(`${app.base}/triage`);
  await tabTo(page, (f) => f.tag === 'a' && f.text === 'CRIT-1');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/cases\//);
  await tabTo(page, (f) => f.id === 'assign-attorney');
  // Options: Nobody, Ada Admin, Ana Abogada, Beto Defensor.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const button = await tabTo(page, (f) => f.tag === 'button');
  assert.equal(button.text, 'Save Attorney');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#assigned$/);
  assert.equal(await page.locator('label[for="assign-attorney"]').textContent(), 'Attorney: Ana Abogada');
  await page.context().close();
});
