// consult.test.mjs - consultation (议事协商) in a real browser (Debian's chromium driven by
// playwright-core) against a real server with the demo city.
//
// Two people at once, each in their own browser context: the demo "resident" raises a
// topic in their grid (a missing title is answered next to the field) and adds a photo of
// it, following it from the start; "community" staff accept it, follow it and invite an
// organisation of the community; the resident gives an opinion for it, staff reply against
// it (each sees the other's name as the server gives it); staff start deliberation, record
// a meeting with minutes and the resident's account among those who attended, the resident
// writes an opinion said at that meeting; staff set a vote rule (households, yes/no,
// majority, open from an hour ago for a day) and open voting; the resident votes yes on a
// 360 px phone screen and sees "you voted"; staff enter a paper ballot for another
// household of the grid (and see the 409 for the resident's own household, which has
// voted, in words chosen by its reason code), close voting and see the results chart and
// the outcome, record the decision, start implementation, plan an item, add a photo of it
// and report its progress, and publish the notice; the resident raises an objection during
// the notice and staff answer it. Closing is refused (409 notice_not_over) while the notice
// period runs; then the test ends the period (in the database: the test's time travel) and
// staff close the topic.
//
// Run: cd tests && npm install && GR_BIN=../build/grassroots node --test e2e/consult.test.mjs
// GR_WEB_DIR=web/dist serves that folder instead of the app embedded in the binary;
// GR_E2E_SHOTS=DIR saves screenshots there; GR_E2E_URL=http://... uses a running server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { DEMO_PASSWORD } from '../lib/server.mjs';
import { ARGS, CHROMIUM, DESK, PHONE, shot, startE2EServer, watchErrors } from '../lib/browser.mjs';

let server;
let browser;

before(async () => {
  server = await startE2EServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Uncaught exceptions and errors the app logs fail the test.
const pageErrors = [];

async function newPerson(login, viewport) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
    watchErrors(page, pageErrors);
  await page.goto(server.url + '/#/login');
  await page.locator('#login-name').fill(login);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.locator('[data-testid=login-submit]').click();
  await page.locator('[data-testid=user-name]').waitFor();
  return page;
}

async function assertNoHorizontalScroll(page, what) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width, `${what}: page is ${scroll}px wide in a ${width}px window`);
}

async function assertTouchTargets(page, what) {
  const small = await page.evaluate(() =>
    // A file input is hidden; the label standing in for it is the touch target.
    [...document.querySelectorAll('button, .btn, input:not([type=checkbox]):not([type=file]), select, textarea, .list-link, .crumbs a')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 43.5));
  assert.deepEqual(small, [], `${what}: touch targets under 44 px`);
}

// Everything in the top bar is inside the window (the page clips what is not, so the
// scroll width does not show it).
async function assertTopBarFits(page, what) {
  const out = await page.evaluate(() => [...document.querySelectorAll('.topbar > *')]
    .map((el) => ({ el: el.className, right: el.getBoundingClientRect().right }))
    .filter((x) => x.right > window.innerWidth));
  assert.deepEqual(out, [], `${what}: top bar wider than the window`);
}

// The topic page shows the stage (after the action's reload).
const stageIs = (page, stage) =>
  page.locator(`.topic-head [data-testid=stage-tag][data-stage=${stage}]`).waitFor();

async function act(page, action) {
  await page.locator(`[data-testid=console] [data-action=${action}]`).click();
}

// A datetime-local value, in the browser's own time zone, `offset` ms from now.
const localTime = (page, offset) => page.evaluate((ms) => {
  const d = new Date(Date.now() + ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}, offset);

// A tiny PNG (the server checks the first bytes only).
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const png = (name) => ({ name, mimeType: 'image/png', buffer: PNG });

test('a topic from proposal to public notice, and closed after it', { timeout: 90000 }, async () => {
  const resident = await newPerson('resident', DESK);
  const staff = await newPerson('community', DESK);

  // The resident raises a topic from the consultation link in the top bar.
  await resident.locator('[data-testid=nav-consult]').click();
  await resident.locator('[data-testid=topic-list]').waitFor();
  await resident.locator('[data-testid=new-topic]').click();
  const scope = resident.locator('#topic-scope');
  await scope.waitFor();
  const grid = Number(await scope.inputValue());
  assert.ok(grid > 0, 'the scope defaults to the resident\'s grid');
  // No title: the server's 400 is shown next to the title, in Chinese.
  await resident.locator('#topic-body').fill('3号楼没有电梯，老人上下楼困难，建议加装电梯，费用按楼层分摊。');
  await resident.locator('[data-testid=topic-submit]').click();
  const titleError = resident.locator('.field[data-field=title] .field-error');
  await titleError.waitFor();
  assert.match(await titleError.innerText(), /100/);
  const title = `加装电梯 ${Date.now() % 100000}`;
  await resident.locator('#topic-title').fill(title);
  await resident.locator('#topic-category').selectOption('facilities');
  await resident.locator('[data-testid=topic-submit]').click();
  await resident.waitForURL(/#\/topics\/\d+$/);
  const topicUrl = resident.url();
  const topicId = Number(topicUrl.match(/(\d+)$/)[1]);
  await stageIs(resident, 'proposed');
  assert.equal(await resident.locator('[data-testid=topic-title]').innerText(), title);
  // The proposer's console offers withdrawal only.
  assert.deepEqual(await resident.locator('[data-testid=console] [data-action]').evaluateAll(
    (els) => els.map((e) => e.dataset.action)), ['withdraw']);
  // The proposer follows the topic from the start, and adds a photo of it.
  await resident.locator('[data-testid=follow][data-following=true]').waitFor();
  await resident.locator('[data-testid=topic-photos] [data-testid=photo-input]').setInputFiles(png('楼道.png'));
  await resident.locator('[data-testid=topic-photos][data-count="1"] .topic-photo').waitFor();

  // Staff accept it.
  await staff.goto(topicUrl);
  await stageIs(staff, 'proposed');
  await act(staff, 'accept');
  await stageIs(staff, 'collecting');
  await staff.locator('[data-testid=timeline] [data-stage=collecting][data-state=current]').waitFor();
  // Staff follow it too, and invite an organisation of the community.
  await staff.locator('[data-testid=follow][data-following=false]').click();
  await staff.locator('[data-testid=follow][data-following=true]').waitFor();
  await staff.locator('[data-testid=followers][data-n="2"]').waitFor();
  await act(staff, 'invite');
  const firstOrg = staff.locator('[data-testid=invite-form] input[type=checkbox]').first();
  const orgId = await firstOrg.getAttribute('data-org-id');
  await firstOrg.check();
  await staff.locator('[data-testid=invite-save]').click();
  await staff.locator(`[data-testid=invited] [data-org-id="${orgId}"]`).waitFor();

  // The resident gives an opinion for it.
  await resident.reload();
  await stageIs(resident, 'collecting');
  const form = resident.locator('.opinion-new [data-testid=opinion-form]');
  await form.locator('[data-stance=for]').click();
  await form.locator('textarea').fill('支持加装，我家有两位老人。');
  await form.locator('[data-testid=opinion-submit]').click();
  await resident.locator('.opinion-column[data-stance=for] .opinion[data-depth="1"]', { hasText: '两位老人' }).waitFor();
  const residentName = await resident.locator('[data-testid=user-name]').innerText();

  // Staff reply against it (a reply nests under the opinion it answers).
  await staff.reload();
  const first = staff.locator('.opinion-column[data-stance=for] .opinion[data-depth="1"]', { hasText: '两位老人' });
  await first.locator('[data-testid=reply]').first().click();
  const reply = first.locator('[data-testid=opinion-form]');
  await reply.locator('[data-stance=against]').click();
  await reply.locator('textarea').fill('一楼住户有顾虑，需要先协商费用分摊。');
  await reply.locator('[data-testid=opinion-submit]').click();
  await first.locator('.opinion-replies .opinion[data-depth="2"] .stance-tag.stance-against').waitFor();
  assert.match(await staff.locator('[data-testid=stance-counts]').innerText(), /支持 1 · 反对 1/);
  // Staff see the resident's name in full; the resident sees the staff member's, marked as staff.
  assert.match(await first.locator('[data-testid=opinion-author]').first().innerText(), new RegExp(residentName.trim().slice(0, 1)));
  assert.equal(await first.locator('[data-testid=opinion-author]').first().getAttribute('data-masked'), 'false');
  await resident.reload();
  await resident.locator('.opinion-replies [data-testid=opinion-author]', { hasText: '工作人员' }).waitFor();

  // Deliberation with a meeting and its minutes.
  await act(staff, 'start_deliberation');
  await stageIs(staff, 'deliberating');
  await act(staff, 'meeting');
  await staff.locator('#m-place').fill('社区党群服务中心二楼会议室');
  await staff.locator('#m-attendance').fill('23');
  await staff.locator('#m-minutes').fill('与会居民同意加装，费用按楼层系数分摊，一楼不出资。');
  const residentId = await resident.evaluate(async () => (await (await fetch('api/v1/session')).json()).user.id);
  await staff.locator('#m-users').fill(String(residentId));
  await staff.locator('[data-testid=meeting-save]').click();
  await staff.locator('[data-testid=meetings] [data-testid=minutes]', { hasText: '楼层系数' }).waitFor();
  await staff.locator('[data-testid=meetings] [data-testid=attendees][data-users="1"]').waitFor();

  // The resident, who attended, writes down what they said there.
  await resident.reload();
  await stageIs(resident, 'deliberating');
  const said = resident.locator('.opinion-new [data-testid=opinion-form]');
  await said.locator('[data-stance=neutral]').click();
  await said.locator('textarea').fill('会上我提出：一楼住户的补偿要写进协议。');
  await said.locator('select[name=meeting_id]').selectOption({ index: 1 });
  await said.locator('[data-testid=opinion-submit]').click();
  await resident.locator('.opinion', { hasText: '补偿要写进协议' }).locator('[data-testid=said-at-meeting]').waitFor();
  const record = await resident.evaluate(async (id) =>
    (await (await fetch(`api/v1/users/${id}/participation`)).json()).items.map((p) => p.kind), residentId);
  assert.ok(record.includes('attendance'), 'attendance is in the participation record: ' + record.join());

  // The vote rule: households, yes/no, majority, from an hour ago for a day; then open.
  await act(staff, 'vote_rule');
  await staff.locator('#r-eligibility').selectOption('households');
  await staff.locator('#r-kind').selectOption('yes_no');
  await staff.locator('#r-pass').selectOption('majority');
  await staff.locator('#r-opens').fill(await localTime(staff, -3600e3));
  await staff.locator('#r-closes').fill(await localTime(staff, 86400e3));
  await staff.locator('[data-testid=rule-save]').click();
  await staff.locator('[data-testid=rule-pass]', { hasText: '超过投票总数的一半' }).waitFor();
  await act(staff, 'open_voting');
  await stageIs(staff, 'voting');

  // The resident votes yes on a phone.
  await resident.setViewportSize(PHONE);
  await resident.reload();
  const yes = resident.locator('[data-testid=ballot] .vote-button[data-option=yes]');
  await yes.waitFor();
  await assertNoHorizontalScroll(resident, 'topic page while voting, phone');
  await assertTouchTargets(resident, 'topic page while voting, phone');
  await shot(resident, 'consult-vote-phone');
  await yes.click();
  assert.equal(await yes.getAttribute('aria-checked'), 'true');
  await resident.locator('[data-testid=cast-vote]').click();
  const voted = resident.locator('[data-testid=you-voted]');
  await voted.waitFor();
  assert.match(await voted.innerText(), /您已投票：赞成/);
  await resident.locator('[data-testid=turnout][data-voted="1"]').waitFor();
  await shot(resident, 'consult-voted-phone');

  // Staff enter paper ballots: the resident's household has voted (409, shown as said),
  // another household of the grid votes yes on paper.
  const households = await staff.evaluate(async (g) => {
    const r = await fetch(`api/v1/households?under=${g}&occupancy=owner_occupied&limit=5`);
    return (await r.json()).items.map((h) => h.id);
  }, grid);
  assert.ok(households.length >= 2);
  await staff.reload();
  await act(staff, 'paper_ballot');
  const paper = staff.locator('[data-testid=paper-form]');
  await paper.locator('#p-voter').fill(String(households[0]));
  await paper.locator('.vote-button[data-option=yes]').click();
  await paper.locator('[data-testid=paper-save]').click();
  await paper.locator('[data-testid=error]', { hasText: '已经投过票了' }).waitFor();
  await paper.locator('#p-voter').fill(String(households[1]));
  await paper.locator('[data-testid=paper-save]').click();
  await staff.locator('[data-testid=console-done]').waitFor();
  await staff.locator('[data-testid=turnout][data-voted="2"]').waitFor();

  // Close voting: the results chart and the outcome.
  await act(staff, 'close_voting');
  await stageIs(staff, 'decided');
  await staff.locator('[data-testid=results] [data-testid=results-chart] svg').waitFor();
  const outcome = staff.locator('[data-testid=outcome]');
  assert.equal(await outcome.getAttribute('data-passed'), 'true');
  assert.match(await outcome.innerText(), /通过/);
  assert.match(await staff.locator('[data-testid=result-rows] [data-option="0"]').innerText(), /赞成：2 票/);
  assert.match(await staff.locator('[data-testid=digest]').innerText(), /^[0-9a-f]{64}$/);
  await shot(staff, 'consult-results-desk');

  // The decision, implementation, and the public notice.
  await act(staff, 'decision');
  await staff.locator('#d-text').fill('3号楼加装电梯，费用按楼层系数分摊，由社区居委会组织实施。');
  await staff.locator('#d-person').fill('王主任');
  await staff.locator('[data-testid=decision-save]').click();
  await staff.locator('[data-testid=decision-text]', { hasText: '楼层系数' }).waitFor();
  await act(staff, 'start_implementation');
  await stageIs(staff, 'implementing');
  // An implementation item and a progress report (a public update in the record).
  await act(staff, 'item');
  await staff.locator('#i-title').fill('电梯井道施工');
  await staff.locator('#i-due').fill('2026-12-31');
  await staff.locator('[data-testid=item-save]').click();
  const item = staff.locator('[data-testid=items] .item', { hasText: '电梯井道施工' });
  await item.waitFor();
  // A photo of the work, then a progress report.
  await item.locator('[data-testid=item-photos] [data-testid=photo-input]').setInputFiles(png('井道.png'));
  await staff.locator('[data-testid=items] .item [data-testid=item-photos][data-count="1"]').waitFor();
  await item.locator('[data-testid=report-progress]').click();
  await item.locator('input[name=progress]').fill('60');
  await item.locator('textarea[name=note]').fill('井道开挖完成');
  await item.locator('[data-testid=progress-save]').click();
  await staff.locator('[data-testid=overall-progress][data-progress="60"]').waitFor();
  await staff.locator('[data-testid=events] .event[data-action=progress]', { hasText: '井道开挖完成' }).waitFor();

  await act(staff, 'publish_notice');
  await staff.locator('#n-days').fill('7');
  await staff.locator('[data-testid=notice-save]').click();
  await stageIs(staff, 'notice');
  await staff.locator('[data-testid=notice-ends]').waitFor();
  await staff.locator('[data-testid=timeline] [data-stage=notice][data-state=current]').waitFor();
  assert.equal(await staff.locator('[data-testid=events] .event').count(), 11); // with the invitation, the meeting and the decision

  // During the notice the resident raises an objection; staff answer it.
  await resident.reload();
  await stageIs(resident, 'notice');
  await resident.locator('#objection-body').fill('一楼住户的补偿办法没有公示。');
  await resident.locator('[data-testid=objection-submit]').click();
  await resident.locator('[data-testid=objections] .objection[data-answered=false]', { hasText: '补偿办法' }).waitFor();
  await assertNoHorizontalScroll(resident, 'topic under notice, phone');
  await staff.reload();
  const objection = staff.locator('[data-testid=objections] .objection', { hasText: '补偿办法' });
  await objection.locator('[data-testid=answer-objection]').click();
  await objection.locator('textarea[name=answer]').fill('一楼住户不出资，另按协议给予补偿，协议已张贴在单元门口。');
  await objection.locator('[data-testid=answer-save]').click();
  await staff.locator('[data-testid=objections] .objection[data-answered=true] [data-testid=objection-answer]').waitFor();
  await shot(staff, 'consult-topic-desk');
  // Closing before the notice period is over: the server's 409, shown by its reason.
  await act(staff, 'close');
  await staff.locator('[data-testid=console] [data-testid=error]', { hasText: '公示期还没有结束' }).waitFor();

  // The same page on a phone, and the list filtered by stage.
  await staff.setViewportSize(PHONE);
  await staff.reload();
  await staff.locator('[data-testid=results-chart] svg').waitFor();
  await assertNoHorizontalScroll(staff, 'topic page, phone');
  await assertTouchTargets(staff, 'topic page, phone');
  await shot(staff, 'consult-topic-phone');
  await staff.goto(`${server.url}/#/topics?stage=notice`);
  await staff.locator(`[data-testid=topic-list] [data-topic-id="${topicId}"]`).waitFor();
  await assertNoHorizontalScroll(staff, 'topic list, phone');
  await shot(staff, 'consult-list-phone');
  await assertTopBarFits(staff, 'topic list, phone, zh-CN');
  await staff.locator('[data-locale=en]').click();
  await staff.locator('h1', { hasText: 'Consultation' }).waitFor();
  await assertTopBarFits(staff, 'topic list, phone, en');
  await staff.locator('[data-locale=zh-CN]').click();

  // The notice period ends (the test moves its end into the past, in the database), the
  // objection has its answer: staff close the topic, and the resident, who follows it,
  // finds it closed.
  if (server.db) {
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.db,
      `UPDATE topics SET notice_ends_at = CAST(strftime('%s', 'now') AS INTEGER) - 60 WHERE id = ${topicId}`]);
    await staff.setViewportSize(DESK);
    await staff.goto(topicUrl);
    await stageIs(staff, 'notice');
    await act(staff, 'close');
    await stageIs(staff, 'closed');
    await staff.locator('[data-testid=timeline] [data-stage=closed][data-state=current]').waitFor();
    await staff.locator('[data-testid=events] .event[data-action=close]').waitFor();
    assert.deepEqual(await staff.locator('[data-testid=console] [data-action]').count(), 0, 'nothing left to do');
    await resident.reload();
    await stageIs(resident, 'closed');
    const told = await resident.evaluate(async () =>
      (await (await fetch('api/v1/notifications?limit=100')).json()).items.filter((n) => n.kind === 'topic_stage').length);
    assert.ok(told >= 7, 'the follower was told of every stage: ' + told);
    await shot(staff, 'consult-closed-desk');
  }

  await resident.context().close();
  await staff.context().close();
  assert.deepEqual(pageErrors.splice(0), []);
});
