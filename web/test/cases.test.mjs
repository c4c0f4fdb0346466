// cases.test.mjs - the plain functions of the requests and cases pages (navigation by role,
// statuses and alarms, the inbox order, the console's actions and their bodies, the
// timeline, the responsibility list grouped and filtered and its editor's body, photo
// checks, periods, the figures' cards and chart options, the server's messages in both
// languages), run with node:test without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  navEntries, isResident, isCaseStaff, isListEditor, userDepartment, residentGrids, areaStaff, statusTone, alarmTone,
  sortInbox, alarmCounts, actionForm, consoleActions, actionBody, dialogField, dispatchBody, caseNodes, rateBody,
  eventsInOrder, eventDetail, categoryName, majorOf, groupMatters, filterMatters, limitText, matterOwner,
  matterDraft, matterBody, checkPhotos, PHOTO_MAX, sizeText, reportBody, reportPoint, periodRange, dueText,
  localInputToIso, toLocalDay,
} from '../src/features/cases/cases.js';
import {
  rateCards, countRows, trendOption, rankingRows, rankingOption, rankingHeight, rateTone, RATE_COLOURS,
} from '../src/features/cases/figuresChart.js';
import { casesMessage, fieldMessage, noticeHeadline } from '../src/features/cases/messages.js';
import { statusLabel, actionLabel, levelLabel, listKindLabel, governanceLabel } from '../src/features/cases/labels.js';

const user = (...grants) => ({ id: 1, grants: grants.map(([role, node_id, organisation_id = null]) => ({ role, node_id, organisation_id })) });

test('navigation follows the roles', () => {
  const resident = user(['resident', 20]);
  const grid = user(['grid_worker', 20]);
  const dept = user(['department_handler', null, 1]);
  assert.deepEqual(navEntries(resident).map((e) => e.key), ['report', 'mine']);
  assert.deepEqual(navEntries(grid).map((e) => e.key), ['inbox', 'matters', 'figures']);
  assert.deepEqual(navEntries(user(['resident', 20], ['community_staff', 8])).map((e) => e.key),
    ['report', 'mine', 'inbox', 'matters', 'figures']);
  assert.deepEqual(navEntries(null), []);
  assert.ok(isResident(resident) && !isCaseStaff(resident));
  assert.ok(isCaseStaff(dept) && !isListEditor(dept));
  assert.ok(isListEditor(user(['district_staff', 2])) && isListEditor(user(['admin', null])));
  assert.ok(!isListEditor(user(['street_staff', 4])));
  assert.equal(userDepartment(dept), 1);
  assert.equal(userDepartment(grid), null);
  assert.ok(areaStaff(grid) && areaStaff(user(['admin', null])));
  assert.ok(!areaStaff(dept) && !areaStaff(resident));
  assert.deepEqual(residentGrids(user(['resident', 20], ['unit_leader', 20], ['grid_worker', 21])), [20]);
});

test('statuses have a tone, open cases an alarm', () => {
  assert.equal(statusTone('submitted'), 'new');
  assert.equal(statusTone('in_progress'), 'work');
  assert.equal(statusTone('verified'), 'done');
  assert.equal(statusTone('closed'), 'closed');
  assert.equal(statusTone('on_hold'), 'hold');
  assert.equal(statusTone('rejected'), 'stopped');
  assert.equal(alarmTone({ alarm: 'none', overdue: true }), 'red');
  assert.equal(alarmTone({ alarm: 'red', overdue: false }), 'red');
  assert.equal(alarmTone({ alarm: 'yellow', overdue: false }), 'yellow');
  assert.equal(alarmTone({ alarm: 'none', overdue: false }), 'none');
  assert.equal(alarmTone(null), 'none');
});

test('the inbox is sorted by deadline, undated last', () => {
  const items = [
    { id: 3, deadline: '2026-05-03T08:00:00Z', alarm: 'none' },
    { id: 1, deadline: null, alarm: 'none' },
    { id: 2, deadline: '2026-05-01T08:00:00Z', alarm: 'red', overdue: true },
    { id: 4, deadline: '2026-05-01T08:00:00Z', alarm: 'yellow' },
  ];
  assert.deepEqual(sortInbox(items).map((c) => c.id), [2, 4, 3, 1]);
  assert.deepEqual(alarmCounts(items), { red: 1, yellow: 1, none: 2 });
  assert.deepEqual(sortInbox(null), []);
});

test('the console shows the server\'s actions in working order; forms where they need them', () => {
  assert.deepEqual(consoleActions(['reject', 'merge', 'accept']), ['accept', 'merge', 'reject']);
  assert.deepEqual(consoleActions(['rate', 'close', 'rework', 'reopen']), ['close', 'rework', 'reopen']);
  assert.deepEqual(consoleActions(undefined), []);
  // A summoned department that has reported in (or finished) is not offered it again.
  const tasks = [{ org_id: 5, reported_at: '2026-05-01T08:10:00Z', done_at: null }, { org_id: 6, reported_at: null }];
  assert.deepEqual(consoleActions(['report_in', 'resolve'], tasks, 5), ['resolve']);
  assert.deepEqual(consoleActions(['report_in', 'resolve'], tasks, 6), ['report_in', 'resolve']);
  assert.deepEqual(consoleActions(['report_in', 'resolve'], [{ org_id: 5, reported_at: 'x', done_at: 'y' }], 5), []);
  assert.equal(actionForm('accept'), null);
  assert.equal(actionForm('reject'), 'reason');
  assert.equal(actionForm('resolve'), 'reason');
  assert.equal(actionForm('hold'), 'hold');
  assert.equal(actionForm('request_extension'), 'extension');
  assert.equal(actionForm('dispatch'), 'dispatch');
  assert.equal(actionForm('summon'), 'summon');
  assert.equal(actionForm('rate'), 'rate');
});

test('action bodies: notes, review dates, times and merge targets', () => {
  assert.deepEqual(actionBody('reject', { note: '  not ours  ' }), { body: { note: 'not ours' } });
  assert.deepEqual(actionBody('reject', { note: '' }), { body: {} }); // the server answers for the note
  assert.deepEqual(actionBody('hold', { note: 'x', review_on: '2026-06-01' }), { body: { note: 'x', review_on: '2026-06-01' } });
  assert.deepEqual(actionBody('hold', { note: 'x', review_on: '' }), { errors: { review_on: 'cases.dialog.needDay' } });
  const ext = actionBody('request_extension', { note: 'parts', until: '2026-06-01T17:30' });
  assert.equal(ext.body.until, localInputToIso('2026-06-01T17:30'));
  assert.match(ext.body.until, /^2026-06-0[12]T\d\d:30:00Z$/);
  assert.deepEqual(actionBody('request_extension', { until: 'soon' }), { errors: { until: 'cases.dialog.needTime' } });
  assert.deepEqual(actionBody('merge', { into: ' 42 ' }), { body: { into: 42 } });
  assert.deepEqual(actionBody('merge', { into: 'x' }), { errors: { into: 'form.notInteger' } });
  assert.equal(dialogField('hold', 'target'), 'review_on');
  assert.equal(dialogField('merge', 'target'), 'into');
  assert.equal(dialogField('rate', 'target'), 'satisfaction');
  assert.equal(dialogField('reject', 'note'), 'note');
  assert.equal(dialogField('dispatch', 'owner_org_id'), 'owner');
});

test('dispatch goes to the routed owner, a department or a node of the case', () => {
  assert.deepEqual(dispatchBody({ kind: 'routed' }), { body: {} });
  assert.deepEqual(dispatchBody({ kind: 'department', org_id: '7' }), { body: { owner_org_id: 7 } });
  assert.deepEqual(dispatchBody({ kind: 'department', org_id: '' }), { errors: { owner: 'cases.dispatch.needDepartment' } });
  assert.deepEqual(dispatchBody({ kind: 'node', node_id: '8' }), { body: { owner_node_id: 8 } });
  assert.deepEqual(dispatchBody({ kind: 'node' }), { errors: { owner: 'cases.dispatch.needNode' } });
  assert.deepEqual(caseNodes({ grid_id: 20, community_id: 8, street_id: 4, district_id: 2 }).map((n) => [n.level, n.id]),
    [['grid', 20], ['community', 8], ['street', 4], ['district', 2]]);
  assert.deepEqual(caseNodes(null), []);
});

test('a rating needs both answers; the comment is optional', () => {
  assert.deepEqual(rateBody({ resolved: 'yes', satisfaction: 'satisfied', comment: ' 好 ' }),
    { body: { resolved: 'yes', satisfaction: 'satisfied', comment: '好' } });
  assert.deepEqual(rateBody({ resolved: 'partly', satisfaction: 'basically_satisfied' }),
    { body: { resolved: 'partly', satisfaction: 'basically_satisfied' } });
  assert.deepEqual(rateBody({ satisfaction: 'meh' }).errors,
    { resolved: 'cases.rate.needResolved', satisfaction: 'cases.rate.needSatisfaction' });
});

test('the timeline is in order and its data is in words', () => {
  const events = [
    { id: 3, at: '2026-05-01T09:00:00Z', action: 'dispatch', data: { owner_level: 'grid', owner_node_id: 20, owner_org_id: 0 } },
    { id: 1, at: '2026-05-01T08:00:00Z', action: 'submit', data: { owner_level: 'street', owner_node_id: 4, owner_org_id: 0, fallback: true } },
    { id: 2, at: '2026-05-01T08:30:00Z', action: 'accept' },
  ];
  assert.deepEqual(eventsInOrder(events).map((e) => e.id), [1, 2, 3]);
  const names = { node: (id) => ({ 20: '第1网格', 4: '公园街道' })[id] || null, org: (id) => (id === 9 ? '城管局' : null) };
  assert.equal(eventDetail(events[0], 'zh-CN', names), '承办：网格 · 第1网格');
  assert.equal(eventDetail(events[1], 'zh-CN', names), '承办：街道（乡镇） · 公园街道（无明确责任主体，属地兜底）');
  assert.equal(eventDetail({ action: 'dispatch', data: { owner_org_id: 9, owner_node_id: 2 } }, 'en', names), 'Owner: 城管局');
  assert.equal(eventDetail({ action: 'escalate', data: { from_level: 'grid', to_level: 'community', overdue: true } }, 'zh-CN'),
    '逾期未办结，由网格自动上报至社区（村）');
  assert.equal(eventDetail({ action: 'rate', data: { resolved: 'yes', satisfaction: 'satisfied' } }, 'en'), 'Solved · Satisfied');
  assert.equal(eventDetail({ action: 'report_in', data: { org_id: 9, late: true } }, 'zh-CN', names), '城管局（超时报到）');
  assert.equal(eventDetail({ action: 'hold', data: { review_on: '2026-06-01' } }, 'en'), 'Review on 2026-06-01');
  assert.equal(eventDetail({ action: 'summon', data: { departments: 2 } }, 'zh-CN'), '召集 2 个部门报到');
  assert.equal(eventDetail({ action: 'accept' }, 'zh-CN'), '');
  assert.equal(actionLabel('zh-CN', 'escalate'), '上报');
  assert.equal(actionLabel('zh-CN', 'due_soon'), '临期预警');
  assert.equal(actionLabel('en', 'made_up'), 'made_up');
  assert.equal(statusLabel('zh-CN', 'in_progress'), '处置中');
  assert.equal(statusLabel('en', 'on_hold'), 'On hold');
  assert.equal(levelLabel('zh-CN', 'grid'), '网格');
});

const categories = [
  { code: 'E01', parent: null, name: '市容环境', name_en: 'City appearance' },
  { code: 'E0102', parent: 'E01', name: '暴露垃圾', name_en: 'Exposed garbage' },
  { code: 'E0112', parent: 'E01', name: '沿街晾挂', name_en: 'Laundry' },
  { code: 'E06', parent: null, name: '扩展事件', name_en: 'Community affairs' },
  { code: 'E0601', parent: 'E06', name: '邻里纠纷', name_en: 'Neighbour dispute' },
];
const matters = [
  { code: 'M011', name: '邻里纠纷调解', category: 'E0601', list_kind: 'basic', governance: 'self_governance', owner_level: 'community', co_depts: ['司法局'], legal_basis: '《人民调解法》', respond_limit: 24, respond_unit: 'hours', resolve_limit: 10, resolve_unit: 'days' },
  { code: 'M003', name: '沿街晾挂劝导', category: 'E0112', list_kind: 'basic', governance: 'co_governance', owner_level: 'grid', co_depts: [], respond_limit: 4, respond_unit: 'hours', resolve_limit: 24, resolve_unit: 'hours' },
  { code: 'M001', name: '暴露垃圾清理', category: 'E0102', list_kind: 'basic', governance: 'government', owner_level: 'grid', co_depts: [], respond_limit: 2, respond_unit: 'hours', resolve_limit: 4, resolve_unit: 'hours' },
  { code: 'M030', name: '占道经营查处', category: 'E0503', list_kind: 'cooperative', governance: 'government', owner_dept: '城市管理局', co_depts: [], respond_limit: 1, respond_unit: 'days', resolve_limit: 5, resolve_unit: 'days' },
];

test('matters are grouped by the major class of their category', () => {
  assert.equal(majorOf(categories, 'E0102'), 'E01');
  assert.equal(majorOf(categories, 'E01'), 'E01');
  assert.equal(categoryName(categories, 'E0601', 'en'), 'Neighbour dispute');
  assert.equal(categoryName(categories, 'X9', 'zh-CN'), 'X9');
  const groups = groupMatters(matters, categories, 'zh-CN');
  assert.deepEqual(groups.map((g) => [g.code, g.name, g.matters.map((m) => m.code)]), [
    ['E01', '市容环境', ['M001', 'M003']],
    ['E0503', 'E0503', ['M030']], // a category the vocabulary lacks stands alone
    ['E06', '扩展事件', ['M011']],
  ]);
});

test('the list filters by kind, governance, class and words', () => {
  assert.deepEqual(filterMatters(matters, { list_kind: 'cooperative' }, categories).map((m) => m.code), ['M030']);
  assert.deepEqual(filterMatters(matters, { governance: 'self_governance' }, categories).map((m) => m.code), ['M011']);
  assert.deepEqual(filterMatters(matters, { major: 'E01' }, categories).map((m) => m.code), ['M003', 'M001']);
  assert.deepEqual(filterMatters(matters, { q: '司法' }, categories).map((m) => m.code), ['M011']);
  assert.deepEqual(filterMatters(matters, { q: 'm00' }, categories).map((m) => m.code), ['M003', 'M001']);
  assert.equal(filterMatters(matters, {}, categories).length, 4);
  assert.equal(limitText(4, 'hours', 'zh-CN'), '4 个工作小时');
  assert.equal(limitText(10, 'days', 'en'), '10 working days');
  assert.equal(matterOwner(matters[0], 'zh-CN'), '社区（村）');
  assert.equal(matterOwner(matters[3], 'zh-CN'), '城市管理局');
  assert.equal(matterOwner({}, 'en'), 'The territorial level');
  assert.equal(listKindLabel('zh-CN', 'cooperative'), '配合履职');
  assert.equal(governanceLabel('en', 'self_governance'), 'Residents\' self-governance');
});

test('the editor\'s draft of a matter and its body', () => {
  const d = matterDraft(matters[0]);
  assert.equal(d.co_depts, '司法局');
  assert.equal(d.respond_limit, '24');
  const r = matterBody({ ...d, co_depts: '司法局、 公安分局,', respond_limit: '12' });
  assert.equal(r.code, 'M011');
  assert.deepEqual(r.body.co_depts, ['司法局', '公安分局']);
  assert.equal(r.body.respond_limit, 12);
  assert.equal(r.body.owner_level, 'community');
  assert.equal(r.body.owner_dept, undefined);
  assert.equal(r.body.urgent, false);
  assert.deepEqual(matterBody({ ...matterDraft(null), respond_limit: '2.5' }).errors,
    { code: 'form.required', respond_limit: 'form.notInteger' });
  // Empty required fields are left out: the server names them.
  const blank = matterBody({ ...matterDraft(null), code: 'M099' });
  assert.equal(blank.body.name, undefined);
  assert.equal(blank.body.respond_limit, undefined);
  assert.equal(blank.body.list_kind, 'basic');
});

test('photos: JPEG or PNG, at most 4 MiB, at most 9 per case', () => {
  const f = (name, type, size) => ({ name, type, size });
  const { ok, errors } = checkPhotos([
    f('a.png', 'image/png', 1000), f('b.txt', 'text/plain', 10), f('c.jpg', 'image/jpeg', PHOTO_MAX + 1),
    f('d.jpg', 'image/jpeg', PHOTO_MAX), f('e.gif', 'image/gif', 10), f('z.png', 'image/png', 0),
  ]);
  assert.deepEqual(ok.map((x) => x.name), ['a.png', 'd.jpg']);
  assert.deepEqual(errors.map((e) => [e.name, e.key]), [['b.txt', 'cases.photos.notImage'],
    ['c.jpg', 'cases.photos.tooBig'], ['e.gif', 'cases.photos.notImage'], ['z.png', 'cases.photos.empty']]);
  const many = checkPhotos([f('1.png', 'image/png', 1), f('2.png', 'image/png', 1)], 8);
  assert.deepEqual(many.ok.map((x) => x.name), ['1.png']);
  assert.equal(many.errors[0].key, 'cases.photos.tooMany');
  assert.equal(sizeText(500), '1 KB');
  assert.equal(sizeText(3 * 1024 * 1024), '3.0 MB');
});

test('the report\'s body has a point or a building, never both', () => {
  const base = { matter_code: 'M001', description: ' 垃圾 ', address: '', anonymous: false };
  assert.deepEqual(reportBody({ ...base, place: 'map', lat: 28.65, lon: 115.87 }),
    { matter_code: 'M001', description: '垃圾', lat: 28.65, lon: 115.87 });
  assert.deepEqual(reportBody({ ...base, place: 'building', building_id: '3', lat: 1, lon: 2, anonymous: true, address: ' 3栋 ' }),
    { matter_code: 'M001', description: '垃圾', building_id: 3, address: '3栋', anonymous: true });
  assert.deepEqual(reportBody({ place: 'map', lat: null, lon: null }), { description: '' });
  const buildings = [{ id: 3, lat: 28.6, lon: 115.8 }, { id: 4, lat: null, lon: null }];
  assert.deepEqual(reportPoint({ place: 'building', building_id: '3' }, buildings), { lat: 28.6, lon: 115.8 });
  assert.equal(reportPoint({ place: 'building', building_id: '4' }, buildings), null);
  assert.deepEqual(reportPoint({ place: 'map', lat: 1, lon: 2 }, buildings), { lat: 1, lon: 2 });
  assert.equal(reportPoint({ place: 'map', lat: null, lon: 2 }, buildings), null);
});

test('periods end today; the time left or over in words', () => {
  const now = new Date(2026, 10, 26, 10, 0).getTime(); // 26 Nov 2026, local
  assert.deepEqual(periodRange('30d', now), { from: '2026-10-28', to: '2026-11-26' });
  assert.deepEqual(periodRange('year', now), { from: '2026-01-01', to: '2026-11-26' });
  assert.deepEqual(periodRange('12m', now), { from: '2025-11-27', to: '2026-11-26' });
  assert.deepEqual(periodRange('custom', now, { from: '2026-03-01', to: '2026-03-31' }), { from: '2026-03-01', to: '2026-03-31' });
  assert.deepEqual(periodRange('custom', now, { from: 'x' }), periodRange('12m', now));
  assert.equal(toLocalDay(now), '2026-11-26');
  const at = (h) => new Date(now + h * 3600000).toISOString();
  assert.equal(dueText(at(3.5), now, 'zh-CN'), '还剩 3 小时');
  assert.equal(dueText(at(-50), now, 'zh-CN'), '已超时 2 天');
  assert.equal(dueText(at(0.25), now, 'en'), '15 min left');
  assert.equal(dueText(null, now, 'en'), 'no time limit');
});

const fig = {
  total: 30, accepted: 25, responded_on_time: 23, rated: 20, rated_yes: 16, rated_satisfied: 15, rated_basic: 3,
  closed: 18, closed_on_time: 17, overdue_open: 2, resolved: 21, reworked: 1, open: 7, escalations: 2, reopens: 1,
  response_rate: 0.92, resolution_rate: 0.8, satisfaction_rate: 0.9, on_time_rate: 0.85, rework_rate: 0.0476,
};

test('the rate cards carry the counts they are made of', () => {
  const cards = rateCards(fig, 'zh-CN');
  assert.deepEqual(cards.map((c) => c.key), ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate', 'rework_rate']);
  assert.deepEqual(cards.map((c) => c.label).slice(0, 3), ['响应率', '解决率', '满意率']);
  assert.deepEqual(cards.map((c) => [c.a, c.b]), [[23, 25], [16, 20], [18, 20], [17, 20], [1, 21]]);
  assert.equal(cards[0].text, '92.0%');
  assert.equal(cards[0].ratio, '23 / 25');
  assert.deepEqual(cards.map((c) => c.tone), ['good', 'fair', 'good', 'fair', 'good']);
  const empty = rateCards({ total: 0, response_rate: null }, 'en');
  assert.equal(empty[0].text, '—');
  assert.equal(empty[0].tone, 'none');
  assert.equal(rateTone('rework_rate', 0.3), 'poor');
  assert.equal(countRows(fig, 'zh-CN').find((r) => r.key === 'rated').value, 20);
  assert.equal(countRows({}, 'en')[0].value, 0);
});

test('the trend is a line per rate by month, in percent, with gaps', () => {
  const trend = { items: [
    { period: '2026-09', response_rate: 0.9, resolution_rate: 0.75, satisfaction_rate: 1, on_time_rate: null },
    { period: '2026-10', response_rate: 0.955, resolution_rate: null, satisfaction_rate: 0.8, on_time_rate: 0.5 },
  ] };
  const o = trendOption(trend, 'zh-CN');
  assert.deepEqual(o.xAxis.data, ['2026-09', '2026-10']);
  assert.equal(o.series.length, 4);
  assert.ok(o.series.every((s) => s.type === 'line'));
  assert.deepEqual(o.series.map((s) => s.name), ['响应率', '解决率', '满意率', '按期办结率']);
  assert.deepEqual(o.series[0].data, [90, 95.5]);
  assert.deepEqual(o.series[1].data, [75, null]);
  assert.deepEqual(o.series[3].data, [null, 50]);
  assert.equal(o.yAxis.max, 100);
  assert.equal(o.color[2], RATE_COLOURS.satisfaction_rate);
  assert.equal(o.tooltip.valueFormatter(null), '—');
  assert.equal(o.tooltip.valueFormatter(90), '90%');
  assert.doesNotThrow(() => JSON.stringify(o));
  assert.deepEqual(trendOption(null, 'en').series[0].data, []);
});

test('the ranking is a bar per child by the chosen figure', () => {
  const ranking = { by: 'satisfaction_rate', items: [
    { rank: 1, node_id: 20, name: '第1网格', total: 12, rated: 5, satisfaction_rate: 1, response_rate: 0.5 },
    { rank: 2, node_id: 21, name: '第2网格', total: 3, rated: 0, satisfaction_rate: null, response_rate: null },
  ] };
  const rows = rankingRows(ranking, 'satisfaction_rate', 'zh-CN');
  assert.deepEqual(rows.map((r) => [r.rank, r.name, r.text, r.rated]), [[1, '第1网格', '100.0%', 5], [2, '第2网格', '—', 0]]);
  assert.equal(rows[0].rates.response_rate, '50.0%');
  const o = rankingOption(ranking, 'satisfaction_rate', 'en');
  assert.deepEqual(o.yAxis.data, ['第1网格', '第2网格']);
  assert.deepEqual(o.series[0].data.map((d) => d.value), [100, null]);
  assert.equal(o.xAxis.max, 100);
  assert.match(o.aria.label.description, /satisfaction rate/);
  const byTotal = rankingOption(ranking, 'total', 'zh-CN');
  assert.deepEqual(byTotal.series[0].data.map((d) => d.value), [12, 3]);
  assert.equal(byTotal.xAxis.max, undefined);
  assert.equal(byTotal.series[0].data[0].label.formatter, '12');
  assert.equal(rankingHeight(0), 120);
  assert.equal(rankingHeight(10), 324);
  assert.doesNotThrow(() => JSON.stringify(o));
});

test('the server\'s messages in both languages', () => {
  assert.equal(casesMessage('zh-CN', 'a reason is required'), '请填写理由');
  assert.equal(casesMessage('en', 'only the current owner of the case may do this'), 'Only the current owner of the request may do this.');
  assert.equal(casesMessage('zh-CN', 'must be a whole number from 1 to 10000'), '应为 1 到 10000 之间的整数');
  assert.equal(casesMessage('zh-CN', 'must be a time like 2026-12-01T17:30:00Z'), '时间格式不正确');
  assert.equal(casesMessage('zh-CN', 'a point (lat, lon) or a building_id is required'), '请在地图上点选位置，或选择楼栋');
  assert.equal(casesMessage('en', 'something new'), null);
  assert.equal(fieldMessage('zh-CN', 'must be 1 to 4000 characters'), '应为 1 到 4000 个字');
  assert.equal(fieldMessage('en', 'something new'), 'something new');
  assert.equal(noticeHeadline('zh-CN', { status: 409, message: 'the case changed meanwhile; read it again' }),
    '诉求刚被他人处理过，请刷新后再试。');
  assert.equal(noticeHeadline('zh-CN', { status: 0, message: 'a reason is required' }), '');
});
