// pure.test.mjs - the plain functions of the web app (chart options, form checks, map
// helpers, the API client's error mapping), run with node:test without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageOption, coverageRows, shareColour, SHARE_COLOURS } from '../src/features/network/coverageChart.js';
import { mapLevel, featureNodeId } from '../src/features/network/mapLayers.js';
import { polygonFeatures, polygonStyle } from '../src/components/mapStyles.js';
import { nodeCrumbs } from '../src/features/network/trail.js';
import {
  collectChanges, editableFields, fieldLabel, formatValue, ftype, parseInput, serverFieldText, errorText,
} from '../src/components/fields.js';
import { buildingLabel, unitLabel, roomLabel } from '../src/components/placeLabels.js';
import { buildUrl, errorFromBody, ApiError } from '../src/api/client.js';
import { translate, formatShare, catalogues } from '../src/i18n/index.js';

const coverage = {
  grids: 4, grids_with_branch: 3, grid_branch_share: 0.75, grids_with_worker: 4,
  buildings: 10, buildings_with_leader: 10, building_leader_share: 1,
  units: 0, units_with_leader: 0, unit_leader_share: null,
  households: 200, households_linked: 170, household_link_share: 0.85,
  gaps: [], gaps_total: {},
};

test('coverage rows carry shares, counts and text', () => {
  const rows = coverageRows(coverage, 'zh-CN');
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.map((r) => r.share), [0.75, 1, null, 0.85]);
  assert.equal(rows[0].label, '网格党支部覆盖率');
  assert.equal(rows[0].text, '75.0%（3 / 4）');
  assert.equal(coverageRows(coverage, 'en')[2].text, '— (0 / 0)');
});

test('coverage option is a horizontal bar chart in percent', () => {
  const o = coverageOption(coverage, 'en');
  assert.equal(o.yAxis.type, 'category');
  assert.equal(o.yAxis.data[1], 'Buildings with a leader');
  assert.equal(o.xAxis.max, 100);
  const data = o.series[0].data;
  assert.deepEqual(data.map((d) => d.value), [75, 100, null, 85]);
  assert.equal(data[1].itemStyle.color, SHARE_COLOURS.full);
  assert.equal(data[0].itemStyle.color, SHARE_COLOURS.low);
  assert.equal(data[3].itemStyle.color, SHARE_COLOURS.high);
  assert.equal(data[2].label.formatter, '—');
  assert.doesNotThrow(() => JSON.stringify(o));
});

test('share colours and formatting', () => {
  assert.equal(shareColour(null), SHARE_COLOURS.none);
  assert.equal(shareColour(0.5), SHARE_COLOURS.low);
  assert.equal(formatShare(0.3333, 'en'), '33.3%');
  assert.equal(formatShare(null, 'en'), '—');
});

test('map level is one below, grids show themselves', () => {
  assert.equal(mapLevel('community'), 'grid');
  assert.equal(mapLevel('street'), 'community');
  assert.equal(mapLevel('district'), 'street');
  assert.equal(mapLevel('city'), 'district');
  assert.equal(mapLevel('grid'), 'grid');
  assert.equal(mapLevel('nonsense'), null);
  const sq = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
  const fc = { type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { id: 7, name: 'A' }, geometry: sq },
    { type: 'Feature', properties: { id: 8 }, geometry: { type: 'Point', coordinates: [0, 0] } },
  ] };
  assert.deepEqual(polygonFeatures(fc).map(featureNodeId), [7]);
  assert.equal(polygonFeatures({ type: 'Feature', id: 9, properties: {}, geometry: sq }).map(featureNodeId)[0], 9);
  assert.equal(polygonStyle(0).className, 'gr-area');
});

test('breadcrumbs link from the first top node down', () => {
  const node = { id: 5, level: 'grid', name: 'G', ancestors: [
    { id: 3, level: 'street', name: 'S' }, { id: 1, level: 'city', name: 'C' },
    { id: 2, level: 'district', name: 'D' }, { id: 4, level: 'community', name: 'Co' },
  ] };
  const c = nodeCrumbs(node, [4], true);
  assert.deepEqual(c.map((x) => x.label), ['C', 'D', 'S', 'Co', 'G']);
  assert.deepEqual(c.map((x) => Boolean(x.to)), [false, false, false, true, true]);
});

const hh = [
  { name: 'unit_id', type: 'ref', required: true, immutable: true },
  { name: 'room', type: 'string', required: true, max_len: 16 },
  { name: 'area_m2', type: 'number', min: 0, max: 10000 },
  { name: 'n_people', type: 'integer', min: 0, max: 50 },
  { name: 'occupancy', type: 'enum', enum: ['owner_occupied', 'rented', 'vacant', 'other'] },
  { name: 'n_links', type: 'integer', derived: true },
];

test('field types: the JSON names of the server and the C names', () => {
  assert.equal(ftype({ type: 'integer' }), 'int');
  assert.equal(ftype({ type: 'int' }), 'int');
  assert.equal(ftype({ type: 'number' }), 'real');
  assert.equal(ftype({ type: 'boolean' }), 'bool');
  assert.equal(ftype({ type: 'string' }), 'text');
  assert.equal(ftype({ type: 'date' }), 'date');
  assert.equal(formatValue('en', 'units', { name: 'has_leader', type: 'boolean' }, true), 'Yes');
});

test('building, unit and room titles', () => {
  assert.equal(buildingLabel('zh-CN', '11'), '11 号楼');
  assert.equal(buildingLabel('zh-CN', '11栋'), '11栋');
  assert.equal(unitLabel('en', '3'), 'Unit 3');
  assert.equal(roomLabel('zh-CN', '101'), '101 室');
});

test('forms edit what is neither derived nor immutable', () => {
  assert.deepEqual(editableFields(hh).map((f) => f.name), ['room', 'area_m2', 'n_people', 'occupancy']);
});

test('light client check parses but leaves ranges to the server', () => {
  assert.deepEqual(parseInput(hh[2], '-5'), { value: -5 });
  assert.deepEqual(parseInput(hh[2], '85.5'), { value: 85.5 });
  assert.deepEqual(parseInput(hh[2], 'abc'), { error: 'form.notNumber' });
  assert.deepEqual(parseInput(hh[3], '2.5'), { error: 'form.notInteger' });
  assert.deepEqual(parseInput(hh[2], ''), { value: null });
  assert.deepEqual(parseInput(hh[1], '  '), { error: 'form.required' });
});

test('only changed fields are sent', () => {
  const rec = { room: '101', area_m2: 80, n_people: 3, occupancy: 'rented' };
  const { changes, errors } = collectChanges(editableFields(hh), rec,
    { room: '101', area_m2: '85.5', n_people: '3', occupancy: '' });
  assert.deepEqual(changes, { area_m2: 85.5, occupancy: null });
  assert.deepEqual(errors, {});
});

test('labels, values and server messages in both languages', () => {
  assert.equal(fieldLabel('zh-CN', 'households', 'area_m2'), '建筑面积（㎡）');
  assert.equal(fieldLabel('en', 'buildings', 'number'), 'Building number');
  assert.equal(fieldLabel('en', 'households', 'unknown_field'), 'unknown_field');
  assert.equal(formatValue('zh-CN', 'households', hh[4], 'rented'), '出租');
  assert.equal(formatValue('en', 'posts', { name: 'kind', type: 'enum' }, 'unit_leader'), 'Unit leader');
  assert.equal(formatValue('en', 'households', hh[2], null), '—');
  assert.equal(serverFieldText('zh-CN', hh[2], 'out of range'), '超出允许范围（0 – 10000）');
  assert.equal(serverFieldText('zh-CN', hh[2], 'must be from 0 to 10000'), '应在 0 到 10000 之间');
  assert.equal(serverFieldText('en', hh[2], 'must be from -0.5 to 1e+06'), 'Must be from -0.5 to 1e+06');
  assert.equal(serverFieldText('zh-CN', hh[1], 'must be at most 16 characters'), '最多 16 个字');
  assert.equal(serverFieldText('zh-CN', hh[2], 'must be a number'), '请输入数字');
  assert.equal(serverFieldText('en', hh[2], 'something new'), 'something new');
});

test('the error body is mapped once', () => {
  const e = errorFromBody(400, { error: { code: 'invalid', message: 'out of range', field: 'area_m2' } });
  assert.ok(e instanceof ApiError);
  assert.equal(e.status, 400);
  assert.equal(e.code, 'invalid');
  assert.equal(e.field, 'area_m2');
  assert.equal(errorFromBody(502, null).code, 'http_502');
  assert.equal(errorText('zh-CN', e), '提交的内容有误。');
  assert.equal(errorText('en', { code: 'http_502' }), 'An unknown error occurred.');
});

test('urls leave out empty query values', () => {
  assert.equal(buildUrl('/posts', { unit_id: 5, kind: 'unit_leader', cursor: null }),
    'api/v1/posts?unit_id=5&kind=unit_leader');
  assert.equal(buildUrl('/nodes'), 'api/v1/nodes');
});

function keys(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) =>
    (v && typeof v === 'object' ? keys(v, prefix + k + '.') : [prefix + k]));
}

test('the catalogues have the same keys', () => {
  assert.deepEqual(keys(catalogues.en).sort(), keys(catalogues['zh-CN']).sort());
  assert.equal(translate('en', 'no.such.key'), 'no.such.key');
  assert.equal(translate('en', 'household.title', { room: '101' }), 'Room 101');
});
