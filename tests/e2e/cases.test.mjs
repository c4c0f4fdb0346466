// cases.test.mjs - requests and cases (诉求与案件) in a real browser (Debian's chromium driven
// by playwright-core) against a real server with the demo city and its responsibility list.
//
// A resident on a 360 px phone reports exposed garbage (M001, a grid-level duty) in their
// grid: the server's 400s are shown next to the description and the place, the map is
// tapped and the grid found, a request already made nearby is offered as a duplicate, a
// text file is refused as a photo and a small PNG made here is taken, and the request is
// sent with it. Community staff find it on the workbench, accept it, dispatch it to the
// routed owner (the grid) and make the photo public; the grid worker signs for it, is told
// the result is required, resolves it and verifies it; the community closes it; the
// resident rates it (solved, satisfied) and sees the rating and the timeline in Chinese;
// the figures page of the community shows one more rated case for the grid. Then the
// earlier request, dispatched but never done, is swept as of a month later
// (`grassroots sweep --now`): the staff case page shows it escalated to the community.
// District staff browse the responsibility list, start a draft, see the server's 400 next
// to a time limit, save a change and publish the draft. Last, district staff blow the
// whistle on a new request (吹哨): two departments summoned, one finds the summons among
// its notices on a phone and reports in (报到).
//
// Run: cd tests && npm install && GR_BIN=../build/grassroots node --test e2e/cases.test.mjs
// GR_WEB_DIR=web/dist serves that folder instead of the app embedded in the binary;
// GR_E2E_SHOTS=DIR saves screenshots there; GR_E2E_URL=http://... uses a running server
// (the sweep is then skipped: it needs the database).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { BIN, Client, DEMO_PASSWORD } from '../lib/server.mjs';
import { ARGS, CHROMIUM, DESK, PHONE, shot, startE2EServer, watchErrors } from '../lib/browser.mjs';

let server;
let browser;
const pageErrors = [];

before(async () => {
  server = await startE2EServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  assert.deepEqual(pageErrors, [], 'no errors in the pages');
});

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

async function apiAs(login) {
  const c = new Client(server.url);
  const r = await c.login(login, DEMO_PASSWORD);
  assert.equal(r.status, 200, `login ${login}`);
  return c;
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
    [...document.querySelectorAll('button, .btn, input:not([type=checkbox]):not([type=radio]), select, textarea, .list-link, .case-nav-link')]
      .filter((el) => el.offsetParent !== null && !el.closest('.leaflet-container'))
      .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 43.5));
  assert.deepEqual(small, [], `${what}: touch targets under 44 px`);
}

// A small PNG (4×4, red) built here: signature, IHDR, IDAT, IEND with their CRCs.
function tinyPng() {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(4, 0);
  ihdr.writeUInt32BE(4, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const rows = Buffer.concat(Array.from({ length: 4 }, () => Buffer.from([0, ...Array(4).fill([0xb7, 0x1c, 0x1c]).flat()])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const statusIs = (page, status) => page.locator(`.case-page .page-head [data-testid=case-status][data-status=${status}]`).waitFor();

async function act(page, action) {
  await page.locator(`[data-testid=case-console] [data-action=${action}]`).click();
}

// The rated count of the grid in the community's ranking, as the API answers it.
async function gridRated(staff, community, grid) {
  const r = await staff.get(`/api/v1/metrics/ranking?node_id=${community}`);
  assert.equal(r.status, 200);
  const row = r.json.items.find((x) => x.node_id === grid);
  return row ? row.rated : 0;
}

let earlier = null; // a request dispatched to the grid and left undone (swept in the second test)
let grid = null;
let community = null;

test('a request from the phone to its rating and the figures', { timeout: 120000 }, async () => {
  // The grid and community of the resident, a point inside the grid, and an earlier request
  // there (the duplicate), accepted and dispatched by the community through the API.
  const residentApi = await apiAs('resident');
  const me = (await residentApi.get('/api/v1/session')).json.user;
  grid = me.grants.find((g) => g.role === 'resident').node_id;
  const gridNode = (await residentApi.get(`/api/v1/nodes/${grid}`)).json;
  community = gridNode.parent_id;
  const staffApi = await apiAs('community');
  const made = await residentApi.post('/api/v1/cases', {
    matter_code: 'M001', description: '垃圾桶旁堆了很多垃圾，好几天没人清理。',
    lat: gridNode.center.lat, lon: gridNode.center.lon,
  });
  assert.equal(made.status, 201, made.text);
  earlier = made.json.id;
  assert.equal((await staffApi.post(`/api/v1/cases/${earlier}/actions`, { action: 'accept' })).status, 200);
  assert.equal((await staffApi.post(`/api/v1/cases/${earlier}/actions`, { action: 'dispatch' })).status, 200);
  const ratedBefore = await gridRated(staffApi, community, grid);

  // The resident, on a phone, sees the resident's pages only.
  const resident = await newPerson('resident', PHONE);
  const nav = await resident.locator('[data-testid=case-nav] a').evaluateAll((els) => els.map((e) => e.dataset.testid));
  assert.deepEqual(nav, ['nav-report', 'nav-mine']);
  await resident.locator('[data-testid=nav-report]').click();
  const form = resident.locator('[data-testid=report-form]');
  await form.waitFor();
  await resident.locator('[data-testid=matter-select]').selectOption('M001');
  assert.match(await resident.locator('#case-matter-hint').innerText(), /4 个工作小时内办结/);
  // No description: the server's 400, next to the description.
  await resident.locator('[data-testid=report-submit]').click();
  const descError = resident.locator('.field[data-field=description] .field-error');
  await descError.waitFor();
  assert.match(await descError.innerText(), /4000|必填/);
  await resident.locator('#case-description').fill('小区东门垃圾桶满了，垃圾堆到路上，气味很大。');
  // No place: the server names lat; the form shows it under the place.
  await resident.locator('[data-testid=report-submit]').click();
  const placeError = resident.locator('.field[data-field=place] .field-error');
  await placeError.waitFor();
  assert.equal(await placeError.innerText(), '请在地图上点选位置，或选择楼栋');
  // Tap the map inside the grid: the server locates the point in the resident's grid.
  const map = resident.locator('[data-testid=place-map]');
  await resident.locator('[data-testid=place-map] path.gr-area').first().waitFor();
  const area = await resident.locator('[data-testid=place-map] path.gr-area').first().boundingBox();
  await resident.mouse.click(area.x + area.width / 2, area.y + area.height / 2);
  await resident.locator('[data-testid=place-grid]', { hasText: gridNode.name }).waitFor();
  assert.ok(await map.locator('path.gr-point').count() === 1, 'the tapped point is drawn');
  // The earlier request nearby is offered as a possible duplicate (no link for a resident).
  await resident.locator(`[data-testid=duplicates] [data-case-id="${earlier}"]`).waitFor();
  // Photos: a text file is refused here; a PNG is taken.
  const input = resident.locator('[data-testid=photo-input]');
  await input.setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
  assert.match(await resident.locator('[data-testid=photo-errors]').innerText(), /note\.txt：不是 JPEG 或 PNG 图片/);
  await input.setInputFiles({ name: 'garbage.png', mimeType: 'image/png', buffer: tinyPng() });
  await resident.locator('[data-testid=photo-chosen] li').first().waitFor();
  await resident.locator('[data-testid=anonymous]').check();
  await assertNoHorizontalScroll(resident, 'report page, phone');
  await assertTouchTargets(resident, 'report page, phone');
  await shot(resident, 'cases-report-phone');
  await resident.locator('[data-testid=report-submit]').click();
  await resident.waitForURL(/#\/cases\/\d+$/);
  const caseUrl = resident.url();
  const caseId = Number(caseUrl.match(/(\d+)$/)[1]);
  await statusIs(resident, 'submitted');
  await resident.locator('[data-testid=case-photos] [data-photo-id]').first().waitFor();
  assert.equal(await resident.locator('[data-testid=case-photos] [data-photo-id]').count(), 1);
  assert.equal(await resident.locator('[data-testid=case-events] [data-action=submit] .case-event-action').innerText(), '提交诉求');
  await assertNoHorizontalScroll(resident, 'case page, phone');
  // "My requests" lists it.
  await resident.locator('[data-testid=nav-mine]').click();
  await resident.locator(`[data-testid=my-cases] [data-case-id="${caseId}"] [data-status=submitted]`).waitFor();
  await assertTouchTargets(resident, 'my requests, phone');

  // Community staff: the workbench, accept, dispatch to the routed owner, photo public.
  const staff = await newPerson('community', DESK);
  const staffNav = await staff.locator('[data-testid=case-nav] a').evaluateAll((els) => els.map((e) => e.dataset.testid));
  assert.deepEqual(staffNav, ['nav-inbox', 'nav-matters', 'nav-figures']);
  await staff.locator('[data-testid=nav-inbox]').click();
  await staff.locator(`[data-testid=inbox] [data-case-id="${caseId}"]`).click();
  await statusIs(staff, 'submitted');
  await act(staff, 'accept');
  await statusIs(staff, 'accepted');
  await act(staff, 'dispatch');
  const dialog = staff.locator('[data-testid=dispatch-dialog]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), new RegExp(`按清单派给：网格 · ${gridNode.name}`));
  await dialog.locator('[data-testid=dispatch-confirm]').click();
  await statusIs(staff, 'dispatched');
  assert.equal(await staff.locator('[data-testid=case-owner]').getAttribute('data-level'), 'grid');
  await staff.locator('[data-testid=case-photos] [data-testid=photo-public]').click();
  await staff.locator('[data-testid=case-photos] [data-public=true]').waitFor();
  await shot(staff, 'cases-case-staff');

  // The grid worker signs, is told the result is needed, resolves and verifies.
  const worker = await newPerson('grid', PHONE);
  await worker.goto(caseUrl);
  await statusIs(worker, 'dispatched');
  await act(worker, 'sign');
  await statusIs(worker, 'in_progress');
  await act(worker, 'resolve');
  const resolveDialog = worker.locator('[data-testid=action-dialog][data-action=resolve]');
  await resolveDialog.locator('[data-testid=action-confirm]').click();
  const noteError = resolveDialog.locator('.field[data-field=note] .field-error');
  await noteError.waitFor();
  assert.equal(await noteError.innerText(), '请填写处置结果');
  await resolveDialog.locator('#action-note').fill('已联系环卫清运，垃圾桶已清空并消毒。');
  await resolveDialog.locator('[data-testid=action-confirm]').click();
  await statusIs(worker, 'resolved');
  await act(worker, 'verify');
  await statusIs(worker, 'verified');
  await assertNoHorizontalScroll(worker, 'case page of the grid worker, phone');
  await assertTouchTargets(worker, 'case page of the grid worker, phone');

  // The community closes it.
  await staff.locator('[data-testid=refresh]').click();
  await statusIs(staff, 'verified');
  await act(staff, 'close');
  await statusIs(staff, 'closed');

  // The resident rates it and sees the whole course in Chinese.
  await resident.goto(caseUrl);
  await statusIs(resident, 'closed');
  const rate = resident.locator('[data-testid=rate-form]');
  await rate.locator('[data-testid=rate-submit]').click();
  await rate.locator('.field[data-field=resolved] .field-error').waitFor();
  await rate.locator('[data-resolved=yes]').click();
  await rate.locator('[data-satisfaction=satisfied]').click();
  await rate.locator('#rate-comment').fill('处理很及时，谢谢网格员。');
  await assertTouchTargets(resident, 'rating, phone');
  await rate.locator('[data-testid=rate-submit]').click();
  await resident.locator('[data-testid=case-rating]', { hasText: '已解决 · 满意' }).waitFor();
  assert.equal(await resident.locator('[data-testid=rate-form]').count(), 0);
  const actions = await resident.locator('[data-testid=case-events] .case-event-action').allInnerTexts();
  assert.deepEqual(actions, ['提交诉求', '立案受理', '派遣', '签收', '处置反馈', '核查通过', '结案', '评价']);
  assert.match(await resident.locator('[data-testid=case-result]').innerText(), /垃圾桶已清空/);
  await shot(resident, 'cases-rated-phone');

  // The figures of the community: the grid has one more rated case.
  await staff.locator('[data-testid=nav-figures]').click();
  await staff.locator('[data-testid=fig-rates] [data-rate=satisfaction_rate]').waitFor();
  assert.ok(Number(await staff.locator('[data-testid=fig-rated]').innerText()) >= 1);
  const row = staff.locator(`[data-testid=rank-table] tr[data-node-id="${grid}"] [data-col=rated]`);
  await row.waitFor();
  assert.equal(Number(await row.innerText()), ratedBefore + 1);
  await staff.locator('[data-testid=fig-trend] svg').waitFor();
  await staff.locator('[data-testid=fig-ranking] svg').waitFor();
  await staff.locator('[data-period="30d"]').click();
  await staff.waitForURL(/period=30d/);
  await staff.locator('[data-testid=fig-rates] [data-rate=response_rate]').waitFor();
  await shot(staff, 'cases-figures');
  await staff.setViewportSize(PHONE);
  await assertNoHorizontalScroll(staff, 'figures, phone');
  await staff.context().close();
  await worker.context().close();
  await resident.context().close();
});

test('an overdue request escalates after the sweep', { timeout: 60000, skip: process.env.GR_E2E_URL ? 'needs the database' : false }, async () => {
  assert.ok(earlier, 'the first test left a request');
  const later = new Date(Date.now() + 30 * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const out = execFileSync(BIN, ['sweep', '--db', server.db, '--now', later], { encoding: 'utf8' });
  assert.match(out, /escalated [1-9]/);
  const staff = await newPerson('community', DESK);
  await staff.goto(`${server.url}/#/cases/${earlier}`);
  await statusIs(staff, 'accepted');
  const owner = staff.locator('[data-testid=case-owner]');
  assert.equal(await owner.getAttribute('data-level'), 'community');
  assert.match(await owner.innerText(), /^社区（村） · /);
  const escalation = staff.locator('[data-testid=case-events] [data-action=escalate]');
  assert.match(await escalation.innerText(), /逾期未办结，由网格自动上报至社区（村）/);
  // Escalated back to the desk: the community may dispatch it again.
  await staff.locator('[data-testid=case-console] [data-action=dispatch]').waitFor();
  await shot(staff, 'cases-escalated');
  await staff.context().close();
});

test('the responsibility list: browse, draft, a 400 next to the field, publish', { timeout: 60000 }, async () => {
  const district = await newPerson('district', PHONE);
  await district.locator('[data-testid=nav-matters]').click();
  await district.locator('[data-testid=matter][data-code=M001]').waitFor();
  const all = await district.locator('[data-testid=matter]').count();
  await district.locator('#filter-kind').selectOption('cooperative');
  await district.waitForURL(/kind=cooperative/);
  const cooperative = await district.locator('[data-testid=matter]').count();
  assert.ok(cooperative > 0 && cooperative < all, `${cooperative} of ${all} are cooperative`);
  assert.equal(await district.locator('[data-testid=matter][data-code=M001]').count(), 0);
  await assertNoHorizontalScroll(district, 'responsibility list, phone');

  await district.locator('[data-testid=edit-list]').click();
  await district.locator('[data-testid=new-draft]').click();
  await district.locator('[data-testid=publish-form]').waitFor();
  const m001 = district.locator('[data-testid=draft-matters] [data-testid=matter][data-code=M001]');
  await m001.locator('[data-testid=edit-matter]').click();
  const form = district.locator('[data-testid=matter-form]');
  await form.locator('#m-respond').fill('0');
  await form.locator('[data-testid=matter-save]').click();
  const err = form.locator('.field[data-field=respond_limit] .field-error');
  await err.waitFor();
  assert.equal(await err.innerText(), '应为 1 到 10000 之间的整数');
  await form.locator('#m-respond').fill('1');
  await form.locator('[data-testid=matter-save]').click();
  await district.locator('[data-testid=editor-done]', { hasText: 'M001' }).waitFor();
  assert.match(await m001.innerText(), /1 个工作小时内响应/);
  await assertNoHorizontalScroll(district, 'list editor, phone');
  await district.locator('[data-testid=publish]').click();
  await district.locator('[data-testid=editor-done]', { hasText: '已发布' }).waitFor();
  await district.context().close();
});

test('blowing the whistle: district staff summon departments, one reports in', { timeout: 60000 }, async () => {
  const residentApi = await apiAs('resident');
  const staffApi = await apiAs('community');
  const gridNode = (await residentApi.get(`/api/v1/nodes/${grid}`)).json;
  const made = await residentApi.post('/api/v1/cases', {
    matter_code: 'M001', description: '路口垃圾成堆，多次清理后又出现，需要多部门联合整治。',
    lat: gridNode.center.lat, lon: gridNode.center.lon,
  });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  assert.equal((await staffApi.post(`/api/v1/cases/${id}/actions`, { action: 'accept' })).status, 200);
  const deptApi = await apiAs('dept');
  const org = (await deptApi.get('/api/v1/session')).json.user.grants.find((g) => g.organisation_id).organisation_id;

  const district = await newPerson('district', DESK);
  await district.goto(`${server.url}/#/cases/${id}`);
  await statusIs(district, 'accepted');
  await act(district, 'summon');
  const dialog = district.locator('[data-testid=summon-dialog]');
  await dialog.locator('[data-testid=summon-confirm]').click();
  await dialog.locator('.field[data-field=org_ids] .field-error').waitFor(); // none chosen
  await dialog.locator(`[data-org-id="${org}"]`).check();
  await dialog.locator(`input[data-org-id]:not([data-org-id="${org}"])`).first().check();
  await dialog.locator('[data-testid=summon-confirm]').click();
  await district.locator(`[data-testid=case-tasks] [data-org-id="${org}"] [data-testid=task-waiting]`).waitFor();
  assert.equal(await district.locator('[data-testid=case-tasks] .task').count(), 2);
  assert.match(await district.locator('[data-testid=case-events] [data-action=summon]').innerText(), /召集 2 个部门报到/);

  // The department finds the summons among its notices and reports in.
  const dept = await newPerson('dept', PHONE);
  await dept.locator('[data-testid=nav-inbox]').click();
  await dept.locator(`[data-testid=notices] a[data-kind=summoned][href$="/cases/${id}"]`).first().click();
  await act(dept, 'report_in');
  await dept.locator(`[data-testid=case-tasks] [data-org-id="${org}"] [data-testid=task-reported]`).waitFor();
  assert.equal(await dept.locator(`[data-testid=case-tasks] [data-org-id="${org}"] [data-testid=task-late]`).count(), 0);
  assert.equal(await dept.locator('[data-testid=case-console] [data-action=report_in]').count(), 0, 'reported in once');
  await assertNoHorizontalScroll(dept, 'case page of a summoned department, phone');
  await shot(dept, 'cases-summoned-phone');
  await district.context().close();
  await dept.context().close();
});
