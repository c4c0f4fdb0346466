// network.test.mjs - the web app in a real browser (Debian's chromium driven by
// playwright-core) against a real server with the demo city.
//
// Walks the organisation network as community staff: the map of the community, a grid
// polygon, the grid's coverage and gaps, a building, a unit, a household; edits the
// household with an invalid value (the server's 400 shows next to the field), then fixes
// it. Also checks that the login and node pages fit a 360 px phone screen.
//
// Run: cd tests && npm install && GR_BIN=../build/grassroots node --test e2e/
// GR_WEB_DIR=web/dist serves that folder instead of the app embedded in the binary;
// GR_E2E_SHOTS=DIR saves screenshots there; GR_E2E_URL=http://... uses a running server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD } from '../lib/server.mjs';
import { ARGS, CHROMIUM, DESK, PHONE, shot, startE2EServer, watchErrors } from '../lib/browser.mjs';



let server;
let context;
let profile;

before(async () => {
  server = await startE2EServer();
  profile = mkdtempSync(join(tmpdir(), 'gr-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: DESK,
    locale: 'zh-CN',
  });
  context.setDefaultTimeout(10000);
});

after(async () => {
  if (context) await context.close();
  if (server) await server.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

// Uncaught exceptions and errors the app logs fail the test that made them.
const pageErrors = [];

async function newPage(viewport) {
  const page = await context.newPage();
    watchErrors(page, pageErrors);
  await page.setViewportSize(viewport);
  return page;
}



async function logIn(page, login) {
  await page.goto(server.url + '/#/login');
  await page.locator('#login-name').fill(login);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.locator('[data-testid=login-submit]').click();
  await page.locator('[data-testid=user-name]').waitFor();
}

// The id of the caller's first top node, as the tree browser lists it.
async function firstTopNode(page) {
  await page.goto(server.url + '/#/');
  const item = page.locator('[data-testid=tree] .tree-item').first();
  await item.waitFor();
  return Number(await item.getAttribute('data-node-id'));
}

// Nothing on the page is wider than the window.
async function assertNoHorizontalScroll(page, what) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${what}: page is ${scroll}px wide in a ${width}px window`);
}

// Buttons, form controls and list links are at least 44 px tall.
async function assertTouchTargets(page, what) {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, .btn, input, select, .list-link, .gap-link, .crumbs a')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 43.5));
  assert.deepEqual(small, [], `${what}: touch targets under 44 px`);
}

test('community staff walks the map down to a household and edits it', { timeout: 45000 }, async () => {
  const page = await newPage(DESK);
  await logIn(page, 'community');
  const community = await firstTopNode(page);
  assert.ok(community > 0);

  // The map of the community: one polygon per grid, each carrying its node id.
  await page.goto(`${server.url}/#/nodes/${community}/map`);
  const polygons = page.locator('[data-testid=map] path.gr-area[data-node-id]');
  await polygons.first().waitFor();
  assert.ok((await polygons.count()) >= 2, 'a community has several grids');
  await page.locator('.map-label').first().waitFor();
  await shot(page, 'map-desk');
  const grid = Number(await polygons.first().getAttribute('data-node-id'));
  await polygons.first().click();

  // The grid's page: level, coverage figures and the gap list.
  await page.waitForURL(`**/#/nodes/${grid}`);
  await page.locator('[data-testid=node-level]', { hasText: '网格' }).waitFor();
  const buildings = page.locator('[data-testid=coverage-figures] [data-figure=buildings] dd');
  await buildings.waitFor();
  assert.match(await buildings.innerText(), /^\d+$/);
  assert.match(await page.locator('[data-share=household_link_share] .share-value').innerText(), /%|—/);
  await page.locator('[data-testid=coverage] .chart svg').waitFor();
  await page.locator('[data-testid=gaps] .chips').waitFor();
  await shot(page, 'grid-desk');

  // Building → unit → household.
  await page.locator('[data-testid=buildings] .building-link').first().click();
  await page.locator('[data-testid=building-title]').waitFor();
  await page.locator('[data-testid=units] .unit-link').first().click();
  await page.locator('[data-testid=unit-title]').waitFor();
  await page.locator('[data-testid=households] .household-link').first().click();
  await page.locator('[data-testid=household-title]').waitFor();
  const householdUrl = page.url();

  // An invalid value: the server's 400 names the field and is shown right next to it.
  await page.locator('[data-testid=edit]').click();
  const area = page.locator('#f-households-area_m2');
  const fixed = (await area.inputValue()) === '85.5' ? '86.5' : '85.5'; // a real change
  await area.fill('-5');
  await page.locator('[data-testid=save]').click();
  const err = page.locator('.field[data-field=area_m2] .field-error[data-field=area_m2]');
  await err.waitFor();
  // The server's message in the user's language: it names the allowed range.
  assert.match(await err.innerText(), /10000/);
  await shot(page, 'household-error');

  // Fixed: saved, shown, and still there after a reload (the session survives it too).
  await area.fill(fixed);
  await page.locator('[data-testid=save]').click();
  await page.locator('[data-testid=saved]').waitFor();
  assert.equal(await page.locator('.field-error').count(), 0);
  const shown = page.locator('.field-row[data-field=area_m2] dd');
  assert.equal(await shown.innerText(), fixed);
  assert.equal(page.url(), householdUrl);
  await page.reload();
  await page.locator('[data-testid=household-title]').waitFor();
  assert.equal(await shown.innerText(), fixed);

  // The language switch, then logout.
  await page.locator('[data-locale=en]').click();
  assert.match(await page.locator('[data-testid=household-title]').innerText(), /^Room /);
  await page.locator('[data-locale=zh-CN]').click();
  await page.locator('[data-testid=logout]').click();
  await page.locator('#login-name').waitFor();
  await page.close();
  assert.deepEqual(pageErrors.splice(0), []);
});

test('login and node pages fit a 360 px phone screen', { timeout: 30000 }, async () => {
  await context.clearCookies();
  const page = await newPage(PHONE);
  await page.goto(server.url + '/#/login');
  await page.locator('#login-name').waitFor();
  await assertNoHorizontalScroll(page, 'login');
  await assertTouchTargets(page, 'login');

  // A wrong password: the server's answer is shown.
  await page.locator('#login-name').fill('community');
  await page.locator('#login-password').fill('not-the-password');
  await page.locator('[data-testid=login-submit]').click();
  await page.locator('[data-testid=error]').waitFor();
  await assertNoHorizontalScroll(page, 'login with error');
  await shot(page, 'login-phone');

  await logIn(page, 'community');
  const community = await firstTopNode(page);
  await assertNoHorizontalScroll(page, 'tree');
  await page.goto(`${server.url}/#/nodes/${community}`);
  await page.locator('[data-testid=coverage-figures]').waitFor();
  await page.locator('[data-testid=children] .list-link').first().waitFor();
  await page.locator('[data-testid=coverage] .chart svg').waitFor();
  await assertNoHorizontalScroll(page, 'community page');
  await assertTouchTargets(page, 'community page');
  await shot(page, 'community-phone');

  const grid = Number(await page.locator('[data-testid=children] .list-link').first().getAttribute('data-node-id'));
  await page.goto(`${server.url}/#/nodes/${grid}`);
  await page.locator('[data-testid=buildings] .building-link').first().waitFor();
  await assertNoHorizontalScroll(page, 'grid page');
  await assertTouchTargets(page, 'grid page');
  await shot(page, 'grid-phone');

  await page.goto(`${server.url}/#/nodes/${community}/map`);
  await page.locator('[data-testid=map] path.gr-area').first().waitFor();
  await assertNoHorizontalScroll(page, 'map page');
  await shot(page, 'map-phone');
  await page.close();
  assert.deepEqual(pageErrors.splice(0), []);
});
