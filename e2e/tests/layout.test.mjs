// Layout defects a new user met, measured in Chromium: table text no longer breaks inside a word at
// 1280px ("S c or e"), the calendar's caption reads on one or two lines at 390px, and a task of the
// task list takes a few lines, not a screen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STAFF } from '../support/app.mjs';
import { newPage, signIn, DESKTOP } from '../support/browser.mjs';
import { startAppAndBrowser, stopAppAndBrowser } from '../support/suite.mjs';

let app;
let browser;
before(async () => ({ app, browser } = await startAppAndBrowser()));
after(() => stopAppAndBrowser(app, browser));

/** The words of table cells on the page that the browser broke across lines. */
function brokenWords(page) {
  return page.evaluate(() => {
    const broken = [];
    for (const cell of document.querySelectorAll('main th, main td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        // A hyphen is a break opportunity: "one-" and "year" are checked apart.
        for (const match of node.textContent.matchAll(/[^\s\-/]+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (tops.size > 1) broken.push(match[0]);
        }
      }
    }
    return broken;
  });
}

test('table text breaks between words, never inside one, at 1280px', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, app.base, STAFF.ana.email);
  for (const path of ['/triage', '/cases', '/calendar?month=2026-11']) {
    await page.goto(`${app.base}${path}`);
    assert.ok((await page.locator('main td').count()) > 0, `${path} has a table`);
    assert.deepEqual(await brokenWords(page), [], `${path} breaks words inside`);
  }
  await page.context().close();
});

test('the measure finds a word broken inside when table text may break anywhere', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, app.base, STAFF.ana.email);
  await page.goto(`${app.base}/triage`);
  // Through the CSS object model, which the pages' Content-Security-Policy allows.
  await page.evaluate(() => { document.querySelector('main').style.overflowWrap = 'anywhere'; });
  assert.notDeepEqual(await brokenWords(page), [], 'the rule the stylesheet had broke headers letter by letter');
  await page.context().close();
});

test('the calendar caption reads on at most two lines at 390px', async () => {
  const page = await newPage(browser, { width: 390, height: 844 });
  await signIn(page, app.base, STAFF.ana.email);
  await page.goto(`${app.base}/calendar?month=2026-11`);
  const caption = await page.locator('table.calendar caption').evaluate((c) => {
    const box = c.getBoundingClientRect();
    return { width: box.width, lines: Math.round(box.height / parseFloat(getComputedStyle(c).lineHeight)) };
  });
  assert.ok(caption.width > 300, `caption ${caption.width}px wide`);
  assert.ok(caption.lines <= 2, `caption on ${caption.lines} lines`);
  await page.context().close();
});

test('a task of the task list takes one or two lines at 1280px, its forms one disclosure away', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, app.base, STAFF.ana.email);
  // Ana is CRIT-1's attorney when a termination notice opens its checklist: its tasks are hers.
  await page.goto(`${app.base}/cases?q=CRIT-1`);
  await page.getByRole('link', { name: 'CRIT-1', exact: true }).click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}/);
  const assign = page.locator('form.assign', { has: page.locator('#assign-attorney') });
  const ana = await assign.locator('#assign-attorney option', { hasText: STAFF.ana.name }).getAttribute('value');
  await assign.locator('#assign-attorney').selectOption(ana);
  await assign.getByRole('button').click();
  await page.waitForURL(/#assigned$/);
  const form = page.locator('#record');
  await form.getByLabel('What happened').selectOption('termination_notice');
  await form.getByLabel('On (date)').fill('2026-11-20');
  await form.getByLabel('Served by').selectOption('mail');
  await form.getByLabel('Depart by').fill('2026-12-21');
  await form.getByRole('button', { name: 'Record the event' }).click();
  await page.waitForURL(/#timeline$/);
  await page.goto(`${app.base}/tasks`);
  const heights = await page.locator('ol.tasks > li').evaluateAll((items) => items.map((li) => li.getBoundingClientRect().height));
  assert.ok(heights.length > 0, 'Ana has tasks');
  for (const height of heights) assert.ok(height < 80, `a task ${height}px tall`);
  await page.context().close();
});
