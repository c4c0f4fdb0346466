// cases.test.mjs - residents' requests and events (案件) over HTTP: intake and its checks,
// the case page, the actions of the workflow (core/case.c's table) and who may take them,
// departments leading a matter and departments summoned to one (吹哨报到), privacy of the
// requester, photos, possible duplicates, the inbox and notices, the responsibility list,
// the working calendar, the figures, concurrent actions, durability under SIGKILL and the
// deadline sweep of the command line.
//
// One demo server for most of the file; every test makes its own cases. Cases are placed at
// the centre of a grid (GET /api/v1/nodes/{id}), which lies inside it. The durability and
// the sweep tests start their own servers because they kill or stop them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { startServer, BIN } from '../lib/server.mjs';
import { isError, loginAs } from '../lib/check.mjs';

let server;
const as = {};
let grid1; // the grid of "grid" and "resident"
let grid2; // the grid of "grid2"
let community; // the community of "community", above grid1
let street; // the street of "street", above community
let district; // the first district: "district" and the department of "dept"
let at1; // a point inside grid1
let at2; // a point inside grid2
let farGrid; // a grid of another district
let atFar; // a point inside it
const M = 'k' + process.pid.toString(36); // a marker for this run's texts and logins

before(async () => {
  server = await startServer({ demo: 'small' });
  for (const n of ['admin', 'city', 'district', 'street', 'community', 'grid', 'grid2', 'resident', 'dept']) {
    as[n] = await loginAs(server.url, n);
  }
  grid1 = as.grid.user.grants[0].node_id;
  grid2 = as.grid2.user.grants[0].node_id;
  community = as.community.user.grants[0].node_id;
  street = as.street.user.grants[0].node_id;
  district = as.district.user.grants[0].node_id;
  assert.equal(as.resident.user.grants[0].node_id, grid1, 'the demo resident lives in the first grid');
  at1 = await centre(grid1);
  at2 = await centre(grid2);
  const g1 = await as.admin.get('/api/v1/nodes/' + grid1);
  assert.deepEqual(g1.json.ancestors.map((a) => a.id).slice(1), [district, street, community],
    'grid1 lies under the demo community, street and district');
  const ds = await as.admin.get('/api/v1/nodes?level=district&limit=50');
  const other = ds.json.items.find((d) => d.id !== district);
  assert.ok(other, 'the demo has a second district');
  const gs = await as.admin.get(`/api/v1/nodes?level=grid&under=${other.id}&limit=1`);
  assert.equal(gs.status, 200, gs.text);
  farGrid = gs.json.items[0].id;
  atFar = await centre(farGrid);
  const m = await as.resident.get('/api/v1/matters');
  assert.ok(m.status === 200 && m.json.items.length > 0,
    'the demo publishes a responsibility list (src/cli/demo_cases.c): ' + m.text.slice(0, 200));
});
after(async () => { if (server) await server.stop(); });

// ---- helpers ----

async function centre(node) {
  const r = await as.admin.get('/api/v1/nodes/' + node);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.center, `node ${node} has a centre`);
  return { lat: r.json.center.lat, lon: r.json.center.lon };
}

// A time `s` seconds from now, as the API writes it.
const iso = (s) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
// Today in the city's time (UTC+8), as YYYY-MM-DD.
const localDay = (s = 0) => new Date(Date.now() + s * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);

// File a case (201 expected) and answer it.
async function file(c, body) {
  const r = await c.post('/api/v1/cases', { description: '楼下有暴露垃圾 ' + M, ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
// A grid-level matter (M001 暴露垃圾清理) reported by the resident in their own grid.
const report = (extra = {}) => file(as.resident, { matter_code: 'M001', ...at1, ...extra });

const act = (c, id, action, extra = {}) => c.post(`/api/v1/cases/${id}/actions`, { action, ...extra });
async function move(c, id, action, extra) {
  const r = await act(c, id, action, extra);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.json;
}
async function read(c, id) {
  const r = await c.get('/api/v1/cases/' + id);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// A grid-level case of the resident taken to `stage` by the community and the grid worker.
const STAGES = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'closed'];
async function caseAt(stage) {
  const c = await report();
  const steps = [
    [as.community, 'accept'], [as.community, 'dispatch'], [as.grid, 'sign'],
    [as.grid, 'resolve', { note: '已清理' }], [as.community, 'verify'], [as.community, 'close'],
  ];
  let now = c;
  for (let i = 0; i < STAGES.indexOf(stage); i++) now = await move(steps[i][0], c.id, steps[i][1], steps[i][2]);
  assert.equal(now.status, stage);
  return now;
}

// Every case a list query answers, following next; ids fall page after page (newest first).
async function listAll(c, path, limit = 500) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 1000; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await c.get(`${path}${sep}limit=${limit}${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next']);
    for (const it of r.json.items) {
      if (items.length) assert.ok(it.id < items[items.length - 1].id, 'newest first, across pages too');
      items.push(it);
    }
    if (r.json.next === null) return items;
    assert.ok(r.json.items.length > 0, 'a page with a next has items');
    cursor = r.json.next;
  }
  throw new Error('too many pages');
}

// A request with a raw body (photos), carrying the session like Client.req.
async function raw(c, method, path, body, type) {
  const h = {};
  if (c && c.cookie) h.cookie = c.cookie;
  if (c && c.csrf && method !== 'GET') h['x-csrf-token'] = c.csrf;
  if (type) h['content-type'] = type;
  const res = await fetch(server.url + path, { method, headers: h, body });
  const buf = Buffer.from(await res.arrayBuffer());
  let json = null;
  try { json = JSON.parse(buf.toString()); } catch { json = null; }
  return { status: res.status, headers: res.headers, json, text: buf.toString(), buf };
}

// A valid 1×1 PNG, built here: the signature, IHDR, IDAT and IEND with their CRCs.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])),
  chunk('IDAT', deflateSync(Buffer.from([0, 0xff, 0, 0]))),
  chunk('IEND', Buffer.alloc(0)),
]);

// ---- intake ----

test('intake: a resident reports a grid-level matter; routed to their grid, with a deadline', async () => {
  const c = await report();
  assert.equal(c.status, 'submitted');
  assert.equal(typeof c.id, 'number');
  assert.equal(c.grid_id, grid1);
  assert.equal(c.community_id, community);
  assert.equal(c.matter_code, 'M001');
  assert.equal(c.channel, 'web');
  assert.deepEqual(Object.keys(c.owner).sort(), ['level', 'name', 'node_id', 'org_id']);
  assert.equal(c.owner.level, 'grid');
  assert.equal(c.owner.node_id, grid1);
  assert.equal(c.owner.org_id, null);
  assert.equal(typeof c.owner.name, 'string');
  assert.match(c.deadline, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Date.parse(c.deadline) > Date.now() - 5000, 'the deadline lies ahead');
  // The 201 answers where the case went; the case page has the rest.
  assert.equal((await read(as.resident, c.id)).requester.user_id, as.resident.user.id);
  // Located by a building instead of a point: the building's grid.
  const b = await as.admin.get(`/api/v1/buildings?under=${grid1}&limit=1`);
  assert.equal(b.status, 200, b.text);
  const byBuilding = await file(as.resident, { matter_code: 'M001', building_id: b.json.items[0].id });
  assert.equal(byBuilding.grid_id, grid1);
  assert.equal((await read(as.resident, byBuilding.id)).building_id, b.json.items[0].id);
});

test('intake: bad input answers 400 naming the field and stores nothing', async () => {
  const count = async () => (await listAll(as.admin, `/api/v1/cases?node_id=${grid1}`)).length;
  const n = await count();
  const ok = { matter_code: 'M001', description: '坏输入 ' + M, ...at1 };
  const without = (k) => { const o = { ...ok }; delete o[k]; return o; };
  const cases = [
    [without('description'), 'description'],
    [{ ...ok, description: '' }, 'description'],
    [without('matter_code'), 'matter_code'],
    [{ ...ok, matter_code: 'M999' }, 'matter_code'],
    [{ ...ok, matter_code: 7 }, 'matter_code'],
    [{ ...ok, lat: 0, lon: 0 }, 'lat'],
    [{ ...ok, lat: 91 }, 'lat'],
    [without('lon'), 'lon'],
    [without('lat'), 'lat'],
    [{ ...ok, lat: String(at1.lat) }, 'lat'],
    [{ ...ok, description: 5 }, 'description'],
    [{ ...ok, anonymous: 'yes' }, 'anonymous'],
    [{ ...ok, building_id: 'one' }, 'building_id'],
    [{ ...ok, colour: 'red' }, 'colour'],
    [{ ...ok, channel: 'pigeon' }, 'channel'],
    [{ matter_code: 'M001', description: '没有地点' }, 'lat'],
  ];
  for (const [body, field] of cases) {
    const r = await as.resident.post('/api/v1/cases', body);
    isError(r, 400, field);
  }
  isError(await as.resident.post('/api/v1/cases', '{"matter_code":'), 400);
  isError(await as.resident.post('/api/v1/cases', [1, 2]), 400);
  // A resident may not pretend to be the hotline (403), and anonymous callers must log in.
  const h = await as.resident.post('/api/v1/cases', { ...ok, channel: 'hotline', requester_phone: '13800000000' });
  assert.equal(h.status, 403, h.text);
  const anon = await fetch(server.url + '/api/v1/cases', { method: 'POST', body: JSON.stringify(ok),
    headers: { 'content-type': 'application/json' } });
  assert.equal(anon.status, 401);
  assert.equal(await count(), n, 'nothing was stored');
});

// ---- reading ----

test('the case page: events in order from "submit", tasks, photos and what the caller can do', async () => {
  const c = await report();
  const mine = await read(as.resident, c.id);
  for (const k of ['events', 'tasks', 'photos', 'can']) assert.ok(Array.isArray(mine[k]), k);
  assert.deepEqual(mine.events.map((e) => e.action), ['submit']);
  assert.equal(mine.events[0].to, 'submitted');
  assert.equal(mine.events[0].actor_user_id, as.resident.user.id);
  assert.deepEqual(mine.tasks, []);
  assert.deepEqual(mine.photos, []);
  assert.ok(!mine.can.includes('accept'), 'the resident does not accept: ' + mine.can);
  const staff = await read(as.community, c.id);
  for (const a of ['accept', 'reject', 'merge']) assert.ok(staff.can.includes(a), `${a} in ${staff.can}`);
  assert.ok(!staff.can.includes('close'));
  await move(as.community, c.id, 'accept');
  await move(as.community, c.id, 'dispatch');
  const g = await read(as.grid, c.id);
  assert.deepEqual(g.events.map((e) => e.action), ['submit', 'accept', 'dispatch']);
  assert.deepEqual(g.events.map((e) => e.to), ['submitted', 'accepted', 'dispatched']);
  const ids = g.events.map((e) => e.id);
  assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'events in order');
  assert.ok(g.can.includes('sign'), 'the grid worker can sign: ' + g.can);
  isError(await as.resident.get('/api/v1/cases/999999999'), 404);
  isError(await as.resident.get('/api/v1/cases/abc'), 404);
});

test('the list: by status and node, newest first, cursor paging', async () => {
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await file(as.grid2, { matter_code: 'M002', ...at2 })).id);
  assert.ok(made[0] < made[1] && made[1] < made[2]);
  const q = `/api/v1/cases?status=submitted&node_id=${grid2}`;
  const p1 = await as.community.get(q + '&limit=2');
  assert.equal(p1.status, 200, p1.text);
  assert.deepEqual(p1.json.items.map((x) => x.id), [made[2], made[1]], 'newest first');
  assert.equal(typeof p1.json.next, 'string');
  const p2 = await as.community.get(q + '&limit=2&cursor=' + encodeURIComponent(p1.json.next));
  assert.equal(p2.status, 200, p2.text);
  assert.equal(p2.json.items[0].id, made[0]);
  const every = await listAll(as.community, q, 2);
  for (const id of made) assert.ok(every.some((x) => x.id === id));
  for (const x of every) {
    assert.equal(x.status, 'submitted');
    assert.equal(x.grid_id, grid2);
  }
  // Another status filter leaves them out; a bad one is 400.
  const acc = await listAll(as.community, `/api/v1/cases?status=closed&node_id=${grid2}`);
  assert.ok(!acc.some((x) => made.includes(x.id)));
  isError(await as.community.get('/api/v1/cases?status=lost'), 400, 'status');
});

// A caller without node grants (a resident) lists the cases they filed; the access clause
// once left them with none.
test('a resident lists their own cases, and only those', async () => {
  const c = await report();
  const own = await listAll(as.resident, '/api/v1/cases');
  assert.ok(own.some((x) => x.id === c.id), `the case just filed is listed (${own.length} listed)`);
  for (const x of own) assert.equal(x.requester.user_id, as.resident.user.id);
});

// ---- the workflow ----

test('the full flow: report, accept, dispatch, sign, resolve, verify, close, rate; figures', async () => {
  const c = await report();
  let now = await move(as.community, c.id, 'accept');
  assert.equal(now.status, 'accepted');
  assert.ok(now.accepted_at);
  now = await move(as.community, c.id, 'dispatch');
  assert.equal(now.status, 'dispatched');
  assert.equal(now.owner.level, 'grid');
  assert.equal(now.owner.node_id, grid1);
  now = await move(as.grid, c.id, 'sign');
  assert.equal(now.status, 'in_progress');
  assert.ok(now.responded_at);
  now = await move(as.grid, c.id, 'resolve', { note: '垃圾已清运' });
  assert.equal(now.status, 'resolved');
  assert.ok(now.resolved_at);
  now = await move(as.grid, c.id, 'verify');
  assert.equal(now.status, 'verified');
  now = await move(as.community, c.id, 'close');
  assert.equal(now.status, 'closed');
  assert.ok(now.closed_at);
  const r = await read(as.resident, c.id);
  assert.ok(r.can.includes('rate'), 'the requester may rate: ' + r.can);
  now = await move(as.resident, c.id, 'rate', { resolved: 'yes', satisfaction: 'satisfied' });
  assert.equal(now.status, 'closed');
  assert.equal(now.rating.resolved, 'yes');
  assert.equal(now.rating.satisfaction, 'satisfied');
  assert.deepEqual(now.events.map((e) => e.action),
    ['submit', 'accept', 'dispatch', 'sign', 'resolve', 'verify', 'close', 'rate']);
  isError(await act(as.resident, c.id, 'rate', { resolved: 'no', satisfaction: 'unsatisfied' }), 409);
  assert.equal((await read(as.resident, c.id)).rating.satisfaction, 'satisfied', 'the first rating stands');
  // The figures of the grid count it.
  const f = await as.community.get(`/api/v1/metrics?node_id=${grid1}`);
  assert.equal(f.status, 200, f.text);
  assert.ok(f.json.total >= 1, f.text);
  assert.ok(f.json.closed >= 1 && f.json.rated >= 1, f.text);
  for (const k of ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate', 'rework_rate']) {
    assert.ok(k in f.json, k);
    assert.ok(f.json[k] === null || (f.json[k] >= 0 && f.json[k] <= 1), `${k}: ${f.json[k]}`);
  }
  assert.ok(f.json.satisfaction_rate > 0, 'a satisfied rating counts: ' + f.text);
  assert.ok(f.json.resolution_rate > 0, f.text);
});

test('actions: wrong status 409, wrong caller 403, missing note 400, unknown action 400; nothing changes', async () => {
  const c = await report();
  const before = await read(as.community, c.id);
  isError(await act(as.community, c.id, 'close'), 409);
  isError(await act(as.community, c.id, 'sign'), 409);
  isError(await act(as.community, c.id, 'resolve', { note: 'x' }), 409);
  isError(await act(as.community, c.id, 'rate', { resolved: 'yes', satisfaction: 'satisfied' }), 409);
  isError(await act(as.resident, c.id, 'accept'), 403);
  isError(await act(as.grid, c.id, 'accept'), 403);
  isError(await act(as.community, c.id, 'reject'), 400, 'note');
  isError(await act(as.community, c.id, 'reject', { note: '' }), 400, 'note');
  isError(await act(as.community, c.id, 'fly'), 400, 'action');
  isError(await as.community.post(`/api/v1/cases/${c.id}/actions`, { note: 'x' }), 400, 'action');
  isError(await act(as.community, c.id, 'accept', { colour: 'red' }), 400, 'colour');
  isError(await act(as.community, c.id, 'accept', { note: 5 }), 400, 'note');
  isError(await act(as.resident, c.id + 100000, 'accept'), 404);
  const after = await read(as.community, c.id);
  assert.deepEqual(after, before, 'the case did not change');
  // reject with a reason ends it; the reason is public.
  const r = await move(as.community, c.id, 'reject', { note: '不属于本平台受理范围' });
  assert.equal(r.status, 'rejected');
  assert.equal(r.public_note, '不属于本平台受理范围');
  isError(await act(as.community, c.id, 'accept'), 409);
});

test('a rating by someone else than the requester is 403', async () => {
  const c = await caseAt('closed');
  isError(await act(as.grid, c.id, 'rate', { resolved: 'yes', satisfaction: 'satisfied' }), 403);
  isError(await act(as.grid2, c.id, 'rate', { resolved: 'yes', satisfaction: 'satisfied' }), 404);
  // A rating needs both answers, each from its list.
  isError(await act(as.resident, c.id, 'rate', { resolved: 'yes' }), 400, 'satisfaction');
  isError(await act(as.resident, c.id, 'rate', { resolved: 'maybe', satisfaction: 'satisfied' }), 400, 'resolved');
  isError(await act(as.resident, c.id, 'rate', { resolved: 'yes', satisfaction: 'happy' }), 400, 'satisfaction');
  assert.equal((await read(as.resident, c.id)).rating, null, 'not rated');
});

test('staff record the rating of a hotline caller (call-back)', async () => {
  const h = await file(as.community, { matter_code: 'M001', ...at1, channel: 'hotline', requester_phone: '13812345678' });
  const steps = [[as.community, 'accept'], [as.community, 'dispatch'], [as.grid, 'sign'],
    [as.grid, 'resolve', { note: '已清理' }], [as.community, 'verify'], [as.community, 'close']];
  for (const [c, a, extra] of steps) await move(c, h.id, a, extra);
  const r = await move(as.community, h.id, 'rate', { resolved: 'yes', satisfaction: 'basically_satisfied', comment: '回访' });
  assert.equal(r.rating.satisfaction, 'basically_satisfied');
  assert.equal(r.rating.comment, '回访');
});

// The rating belongs to the requester: intake staff record it only for a caller without an
// account (a hotline call-back, above); staff once could rate a resident's case for them.
test('staff may not rate a case in place of the requester who has an account', async () => {
  const c = await caseAt('closed');
  isError(await act(as.community, c.id, 'rate', { resolved: 'yes', satisfaction: 'satisfied' }), 403);
  assert.equal((await read(as.resident, c.id)).rating, null, 'not rated by staff');
});

test('return needs a note and puts the case back to accepted; rework from resolved', async () => {
  const c = await caseAt('dispatched');
  isError(await act(as.grid, c.id, 'return'), 400, 'note');
  isError(await act(as.grid2, c.id, 'return', { note: 'x' }), 404);
  let now = await move(as.grid, c.id, 'return', { note: '不属于本网格' });
  assert.equal(now.status, 'accepted');
  now = await move(as.community, c.id, 'dispatch', { owner_node_id: grid1 });
  assert.equal(now.status, 'dispatched');
  await move(as.grid, c.id, 'sign');
  await move(as.grid, c.id, 'resolve', { note: '已处理' });
  isError(await act(as.grid, c.id, 'rework'), 400, 'note');
  isError(await act(as.resident, c.id, 'rework', { note: '没处理好' }), 403);
  now = await move(as.community, c.id, 'rework', { note: '现场仍有垃圾' });
  assert.equal(now.status, 'in_progress');
  assert.equal(now.reworks, 1);
  now = await move(as.grid, c.id, 'resolve', { note: '再次清理' });
  assert.equal(now.status, 'resolved');
  const ev = now.events.map((e) => e.action);
  assert.deepEqual(ev.slice(-4), ['sign', 'resolve', 'rework', 'resolve']);
  assert.ok(ev.includes('return'));
  // A dispatch to a node off the case's chain, or to a department of another district, is 400.
  const d = await caseAt('accepted');
  isError(await act(as.community, d.id, 'dispatch', { owner_node_id: farGrid }), 400, 'owner_node_id');
  const depts = (await as.admin.get('/api/v1/organisations?kind=department&limit=500')).json.items;
  const farDept = depts.find((o) => o.ancestors.district_id && o.ancestors.district_id !== district);
  isError(await act(as.community, d.id, 'dispatch', { owner_org_id: farDept.id }), 400, 'owner_org_id');
  assert.equal((await read(as.community, d.id)).status, 'accepted');
});

test('extension: the owner asks with a time, intake approves, the deadline moves', async () => {
  const c = await caseAt('in_progress');
  const until = iso(30 * 86400);
  isError(await act(as.grid, c.id, 'request_extension', { until }), 400, 'note');
  isError(await act(as.grid, c.id, 'request_extension', { note: '需要协调清运车' }), 400, 'until');
  isError(await act(as.grid, c.id, 'request_extension', { note: 'x', until: 'next week' }), 400, 'until');
  isError(await act(as.grid, c.id, 'request_extension', { note: 'x', until: iso(-3600) }), 400, 'until');
  isError(await act(as.community, c.id, 'approve_extension'), 409, undefined, 'conflict');
  let now = await move(as.grid, c.id, 'request_extension', { note: '需要协调清运车', until });
  assert.equal(now.extension_requested, until);
  assert.notEqual(now.deadline, until);
  isError(await act(as.grid, c.id, 'request_extension', { note: '再要一次', until }), 409);
  isError(await act(as.grid, c.id, 'approve_extension'), 403);
  now = await move(as.community, c.id, 'approve_extension');
  assert.equal(now.deadline, until);
  assert.equal(now.extension_requested, null);
  assert.equal(now.extensions, 1);
  assert.equal(now.status, 'in_progress');
});

test('hold needs a reason and a review date (YYYY-MM-DD); the case waits on hold', async () => {
  const c = await caseAt('dispatched');
  isError(await act(as.community, c.id, 'hold', { review_on: '2027-01-15' }), 400, 'note');
  isError(await act(as.grid, c.id, 'hold', { note: '等待资金', review_on: '2027-01-15' }), 403);
  const now = await move(as.community, c.id, 'hold', { note: '等待资金', review_on: '2027-01-15' });
  assert.equal(now.status, 'on_hold');
  assert.equal(now.hold_review, '2027-01-15');
  await new Promise((ok) => setTimeout(ok, 1100)); // a later second: a later deadline
  const back = await move(as.grid, c.id, 'sign');
  assert.equal(back.status, 'in_progress');
  assert.equal(back.hold_review, null);
  assert.ok(Date.parse(back.deadline) >= Date.parse(now.deadline),
    'the clock starts again when the case is taken up: ' + now.deadline + ' → ' + back.deadline);
  assert.equal(back.promised_due, now.promised_due, 'the promise is kept as it was');
});

// The error names the request's own field ("review_on"), not an internal "target" as it once
// did.
test('hold without a review date is 400 naming review_on', async () => {
  const c = await caseAt('dispatched');
  isError(await act(as.community, c.id, 'hold', { note: '等待资金' }), 400, 'review_on');
  isError(await act(as.community, c.id, 'hold', { note: '等待资金', review_on: '2027/01/15' }), 400, 'review_on');
  assert.equal((await read(as.community, c.id)).status, 'dispatched');
});

test('escalate needs a note and moves the owner one level up', async () => {
  const c = await caseAt('dispatched');
  isError(await act(as.community, c.id, 'escalate'), 400, 'note');
  isError(await act(as.resident, c.id, 'escalate', { note: '太慢了' }), 403);
  let now = await move(as.grid, c.id, 'escalate', { note: '网格无法处置' });
  assert.equal(now.status, 'accepted');
  assert.equal(now.owner.level, 'community');
  assert.equal(now.owner.node_id, community);
  assert.equal(now.escalations, 1);
  now = await move(as.community, c.id, 'escalate', { note: '社区无法处置' });
  assert.equal(now.owner.level, 'street');
  assert.equal(now.owner.node_id, street);
  // The community is no longer the owning level: it cannot take it further.
  isError(await act(as.community, c.id, 'escalate', { note: '再上报' }), 403);
  now = await move(as.street, c.id, 'escalate', { note: '街道无法处置' });
  assert.equal(now.owner.level, 'district');
  assert.equal(now.owner.node_id, district);
  isError(await act(as.district, c.id, 'escalate', { note: '没有更高一级' }), 409);
});

test('an unsatisfied rating of a closed case reopens it once', async () => {
  const c = await caseAt('closed');
  const now = await move(as.resident, c.id, 'rate', { resolved: 'no', satisfaction: 'unsatisfied' });
  assert.equal(now.status, 'dispatched');
  assert.equal(now.reopens, 1);
  assert.equal(now.closed_at, null);
  assert.equal(now.rating.satisfaction, 'unsatisfied');
});

test('merge joins an open case; reopen by intake needs a reason', async () => {
  const a = await report();
  const b = await report();
  isError(await act(as.community, b.id, 'merge'), 400, 'into');
  isError(await act(as.community, b.id, 'merge', { into: b.id }), 400, 'into');
  const m = await move(as.community, b.id, 'merge', { into: a.id });
  assert.equal(m.status, 'merged');
  assert.equal(m.merged_into, a.id);
  const c = await caseAt('closed');
  isError(await act(as.community, c.id, 'reopen'), 400, 'note');
  const r = await move(as.community, c.id, 'reopen', { note: '居民再次反映' });
  assert.equal(r.status, 'dispatched');
  assert.equal(r.reopens, 1);
});

// A case out of the caller's scope answers as one that does not exist, so that case ids of
// other districts cannot be probed through merge.
test('merge only into a case the caller can see', async () => {
  const far = await file(as.admin, { matter_code: 'M001', description: '外区 ' + M, ...atFar,
    channel: 'hotline', requester_phone: '13900000000' });
  isError(await as.community.get('/api/v1/cases/' + far.id), 404);
  const c = await report();
  isError(await act(as.community, c.id, 'merge', { into: far.id }), 400, 'into');
  assert.equal((await read(as.community, c.id)).status, 'submitted');
});

// ---- departments ----

test('a cooperative matter routes to a department of its district; its handler signs and resolves', async () => {
  // M039 违法建设 is led by 城市管理局; the first district's is the "dept" login's.
  const c = await file(as.resident, { matter_code: 'M039', description: '楼顶违建 ' + M, ...at1 });
  assert.equal(c.owner.org_id, as.dept.user.grants[0].organisation_id);
  assert.equal(c.owner.level, 'street');
  assert.equal(c.owner.node_id, street);
  isError(await act(as.community, c.id, 'accept'), 403); // the street is the owning level
  await move(as.street, c.id, 'accept');
  const d = await move(as.street, c.id, 'dispatch');
  assert.equal(d.owner.org_id, as.dept.user.grants[0].organisation_id);
  // The department hears of it and has it in its inbox.
  const n = await as.dept.get('/api/v1/notifications');
  assert.equal(n.status, 200, n.text);
  assert.ok(n.json.items.some((x) => x.case_id === c.id && x.kind === 'dispatched'), n.text);
  const inbox = await as.dept.get('/api/v1/inbox');
  assert.equal(inbox.status, 200, inbox.text);
  assert.ok(inbox.json.items.some((x) => x.id === c.id), 'in the department inbox');
  byDeadline(inbox.json.items);
  const org = as.dept.user.grants[0].organisation_id;
  for (const x of inbox.json.items) assert.equal(x.owner.org_id, org);
  const page = await read(as.dept, c.id);
  assert.ok(page.can.includes('sign'), page.can);
  isError(await act(as.grid, c.id, 'sign'), 403);
  let now = await move(as.dept, c.id, 'sign');
  assert.equal(now.status, 'in_progress');
  now = await move(as.dept, c.id, 'resolve', { note: '已依法拆除' });
  assert.equal(now.status, 'resolved');
});

test('the department cannot see or act on a case of another district, and nothing changes', async () => {
  const c = await file(as.admin, { matter_code: 'M039', description: '外区违建 ' + M, ...atFar,
    channel: 'hotline', requester_phone: '13900000000' });
  assert.notEqual(c.district_id, district);
  assert.ok(c.owner.org_id && c.owner.org_id !== as.dept.user.grants[0].organisation_id, JSON.stringify(c.owner));
  await move(as.admin, c.id, 'accept');
  await move(as.admin, c.id, 'dispatch');
  const before = await read(as.admin, c.id);
  const g = await as.dept.get('/api/v1/cases/' + c.id);
  assert.ok(g.status === 404 || g.status === 403, g.text);
  for (const [action, extra] of [['sign', {}], ['resolve', { note: 'x' }], ['return', { note: 'x' }], ['report_in', {}]]) {
    const r = await act(as.dept, c.id, action, extra);
    assert.ok(r.status === 404 || r.status === 403, `${action}: ${r.text}`);
  }
  const ph = await raw(as.dept, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'image/png');
  assert.ok(ph.status === 404 || ph.status === 403, ph.text);
  assert.deepEqual(await read(as.admin, c.id), before, 'the case did not change');
  const list = await listAll(as.dept, '/api/v1/cases?status=dispatched');
  assert.ok(!list.some((x) => x.id === c.id), 'not in the department list');
});

test('summon: departments are called in, report in once, and finish their tasks before the owner resolves', async () => {
  const org = as.dept.user.grants[0].organisation_id;
  const c = await caseAt('dispatched');
  isError(await act(as.grid, c.id, 'summon', { org_ids: [org] }), 403);
  isError(await act(as.community, c.id, 'summon'), 400, 'org_ids');
  isError(await act(as.community, c.id, 'summon', { org_ids: ['x'] }), 400, 'org_ids');
  const depts = (await as.admin.get('/api/v1/organisations?kind=department&limit=500')).json.items;
  const farDept = depts.find((o) => o.ancestors.district_id && o.ancestors.district_id !== district);
  assert.ok(farDept, 'a department of another district');
  isError(await act(as.community, c.id, 'summon', { org_ids: [farDept.id] }), 400, 'org_ids');
  isError(await act(as.community, c.id, 'summon', { org_ids: [999999] }), 400, 'org_ids');
  isError(await act(as.dept, c.id, 'report_in'), 404); // not summoned yet: not its case
  let now = await move(as.community, c.id, 'summon', { org_ids: [org], note: '需要城管执法' });
  assert.equal(now.status, 'dispatched');
  assert.equal(now.tasks.length, 1);
  assert.equal(now.tasks[0].org_id, org);
  assert.equal(now.tasks[0].reported_at, null);
  assert.equal(now.tasks[0].done_at, null);
  assert.ok(Date.parse(now.tasks[0].report_due) - Date.now() <= 30 * 60 * 1000 + 5000, 'report within 30 min');
  isError(await act(as.community, c.id, 'summon', { org_ids: [org] }), 409);
  const n = await as.dept.get('/api/v1/notifications');
  assert.ok(n.json.items.some((x) => x.case_id === c.id && x.kind === 'summoned'), n.text);
  // The summoned department sees the case (in full) and reports in, once, on time.
  const seen = await read(as.dept, c.id);
  assert.ok(seen.can.includes('report_in'), seen.can);
  now = await move(as.dept, c.id, 'report_in');
  assert.ok(now.tasks[0].reported_at);
  assert.equal(now.tasks[0].late, false);
  isError(await act(as.dept, c.id, 'report_in'), 409);
  assert.ok(!(await read(as.dept, c.id)).can.includes('report_in'), 'reported: no more report_in');
  const inbox = await as.dept.get('/api/v1/inbox');
  assert.ok(inbox.json.items.some((x) => x.id === c.id), 'a summoned case is in the department inbox');
  // The owner cannot resolve while the department is at work.
  await move(as.grid, c.id, 'sign');
  isError(await act(as.grid, c.id, 'resolve', { note: '已处理' }), 409);
  assert.equal((await read(as.grid, c.id)).status, 'in_progress');
  // The department's resolve finishes its task.
  now = await move(as.dept, c.id, 'resolve', { note: '执法完毕' });
  assert.ok(now.tasks[0].done_at, JSON.stringify(now.tasks));
  const after = await read(as.dept, c.id); // its task done, the department still sees the case
  assert.ok(!after.can.includes('resolve') && !after.can.includes('report_in'), after.can);
  const g = await read(as.grid, c.id);
  assert.ok(g.tasks.every((t) => t.done_at));
  if (g.status === 'in_progress') await move(as.grid, c.id, 'resolve', { note: '已处理' });
  assert.equal((await read(as.grid, c.id)).status, 'resolved');
});

// ---- privacy ----

test('privacy: a hotline requester is masked for staff not handling the case, in full for those who do', async () => {
  const c = await file(as.community, { matter_code: 'M001', ...at1, channel: 'hotline',
    requester_name: '张三丰', requester_phone: '13812345678', address: '站前路1号' });
  assert.equal(c.channel, 'hotline');
  assert.equal((await read(as.community, c.id)).requester.user_id, undefined,
    'the operator is not the requester');
  const d = await read(as.district, c.id);
  assert.equal(d.requester.name, '张**');
  assert.equal(d.requester.phone, '138****5678');
  assert.equal(d.address, undefined);
  assert.ok(!JSON.stringify(d).includes('13812345678'));
  assert.ok(!JSON.stringify(d).includes('张三丰'));
  const dl = await listAll(as.district, `/api/v1/cases?node_id=${grid1}&status=submitted`);
  const inList = dl.find((x) => x.id === c.id);
  assert.ok(inList);
  assert.equal(inList.requester.phone, '138****5678');
  const cs = await read(as.community, c.id);
  assert.equal(cs.requester.name, '张三丰');
  assert.equal(cs.requester.phone, '13812345678');
  assert.equal(cs.address, '站前路1号');
  const g = await read(as.grid, c.id);
  assert.equal(g.requester.phone, '13812345678');
  // Hotline intake without a phone to call back is 400.
  isError(await as.community.post('/api/v1/cases', { matter_code: 'M001', description: 'x', ...at1,
    channel: 'hotline' }), 400, 'requester_phone');
});

test('privacy: the resident who filed reads the case; another resident cannot', async () => {
  const c = await report();
  await read(as.resident, c.id);
  const login = M + 'r';
  const u = await as.admin.post('/api/v1/users', { login, password: 'resident-pass-2026', name: '另一居民',
    grants: [{ role: 'resident', node_id: grid1 }] });
  assert.equal(u.status, 201, u.text);
  const other = await loginAs(server.url, login, 'resident-pass-2026');
  isError(await other.get('/api/v1/cases/' + c.id), 404);
  isError(await act(other, c.id, 'rate', { resolved: 'yes', satisfaction: 'satisfied' }), 404);
  const l = await listAll(other, '/api/v1/cases');
  assert.ok(!l.some((x) => x.id === c.id));
  isError(await raw(other, 'GET', '/api/v1/cases/' + c.id), 404);
});

// ---- photos ----

test('photos: a PNG is taken, bad bodies are not; private until staff make it public', async () => {
  const c = await report();
  const p = await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'image/png');
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.mime, 'image/png');
  assert.equal(p.json.size, PNG.length);
  assert.equal(p.json.public, false);
  const id = p.json.id;
  assert.equal(p.json.url, '/api/v1/photos/' + id);
  isError(await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, Buffer.from('not an image at all'), 'text/plain'), 400);
  isError(await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, Buffer.from('not an image at all'), 'image/png'), 400);
  isError(await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'image/jpeg'), 400);
  isError(await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'text/plain'), 400);
  const big = Buffer.concat([PNG, Buffer.alloc(4 * 1024 * 1024 + 1 - PNG.length)]);
  isError(await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, big, 'image/png'), 413);
  const page = await read(as.resident, c.id);
  assert.deepEqual(page.photos.map((x) => x.id), [id], 'only the good photo was kept');
  // Allowed users get the bytes; anonymous callers 404 until it is public.
  const mine = await raw(as.resident, 'GET', '/api/v1/photos/' + id);
  assert.equal(mine.status, 200);
  assert.equal(mine.headers.get('content-type'), 'image/png');
  assert.ok(mine.buf.equals(PNG), 'the same bytes');
  assert.equal((await raw(as.community, 'GET', '/api/v1/photos/' + id)).status, 200);
  assert.equal((await raw(null, 'GET', '/api/v1/photos/' + id)).status, 404);
  isError(await as.resident.patch('/api/v1/photos/' + id, { public: true }), 403);
  isError(await as.community.patch('/api/v1/photos/' + id, { public: 'yes' }), 400, 'public');
  const pub = await as.community.patch('/api/v1/photos/' + id, { public: true });
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.public, true);
  assert.equal((await read(as.resident, c.id)).photos[0].public, true);
  assert.equal((await raw(null, 'GET', '/api/v1/photos/999999999')).status, 404);
});

// The type header of a photo outlives the store's per-request copies (it once did not).
test('a public photo is served to anonymous callers', async () => {
  const c = await report();
  const p = await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'image/png');
  assert.equal(p.status, 201, p.text);
  assert.equal((await raw(null, 'GET', '/api/v1/photos/' + p.json.id)).status, 404, 'private at first');
  const pub = await as.community.patch('/api/v1/photos/' + p.json.id, { public: true });
  assert.equal(pub.status, 200, pub.text);
  const anon = await raw(null, 'GET', '/api/v1/photos/' + p.json.id);
  assert.equal(anon.status, 200);
  assert.equal(anon.headers.get('content-type'), 'image/png');
  assert.ok(anon.buf.equals(PNG), 'the same bytes');
});

test('photos: at most 9 on a case', async () => {
  const c = await report();
  for (let i = 0; i < 9; i++) {
    const r = await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'image/png');
    assert.equal(r.status, 201, r.text);
  }
  isError(await raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'image/png'), 409);
  assert.equal((await read(as.resident, c.id)).photos.length, 9);
});

// The count and the insert share one write transaction; a race between them would show as
// a tenth 201 in some of these tries (it did, once), hence 10 tries.
test('photos: concurrent uploads stop at 9', async () => {
  for (let k = 0; k < 10; k++) {
    const c = await report();
    const rs = await Promise.all(Array.from({ length: 30 },
      () => raw(as.resident, 'POST', `/api/v1/cases/${c.id}/photos`, PNG, 'image/png')));
    const codes = rs.map((r) => r.status);
    assert.equal(codes.filter((x) => x === 201).length, 9, `try ${k}: ${codes.join(',')}`);
    assert.equal(codes.filter((x) => x === 409).length, 21, `try ${k}: ${codes.join(',')}`);
    assert.equal((await read(as.resident, c.id)).photos.length, 9, `try ${k}`);
  }
});

// ---- duplicates, inbox ----

// Open cases, earliest deadline first (none last).
function byDeadline(items) {
  const due = items.map((x) => (x.deadline ? Date.parse(x.deadline) : Infinity));
  for (let i = 1; i < due.length; i++) assert.ok(due[i - 1] <= due[i], 'earliest deadline first');
}

test('nearby: the case just filed shows as a possible duplicate within 250 m, not far away', async () => {
  // A spot of its own inside grid1 (other cases of this file lie at the centre, and the answer
  // holds the 10 nearest).
  let spot = null;
  for (const d of [0.0006, 0.0003, -0.0003, -0.0006, 0.00015]) {
    const p = { lat: at1.lat + d, lon: at1.lon + d };
    const l = await as.resident.get(`/api/v1/locate?lat=${p.lat}&lon=${p.lon}`);
    if (l.status === 200 && l.json.grid.id === grid1) { spot = p; break; }
  }
  assert.ok(spot, 'a spot inside grid1 off its centre');
  const c = await report({ description: '附近重复 ' + M, ...spot });
  const near = await as.resident.get(`/api/v1/cases/nearby?lat=${spot.lat}&lon=${spot.lon}&matter_code=M001`);
  assert.equal(near.status, 200, near.text);
  assert.ok(near.json.items.some((x) => x.id === c.id), near.text);
  // Far away (another district, kilometres off), and within reach but with a radius of 10 m
  // from the centre, at least 20 m off.
  const far = await as.resident.get(`/api/v1/cases/nearby?lat=${atFar.lat}&lon=${atFar.lon}&matter_code=M001`);
  assert.equal(far.status, 200, far.text);
  assert.ok(!far.json.items.some((x) => x.id === c.id));
  const small = await as.resident.get(`/api/v1/cases/nearby?lat=${at1.lat}&lon=${at1.lon}&matter_code=M001&radius=10`);
  assert.equal(small.status, 200, small.text);
  assert.ok(!small.json.items.some((x) => x.id === c.id));
  // Another matter of another category does not match.
  const other = await as.resident.get(`/api/v1/cases/nearby?lat=${spot.lat}&lon=${spot.lon}&matter_code=M002`);
  assert.equal(other.status, 200, other.text);
  assert.ok(!other.json.items.some((x) => x.id === c.id));
  isError(await as.resident.get(`/api/v1/cases/nearby?lat=${at1.lat}&lon=${at1.lon}`), 400, 'matter_code');
  isError(await as.resident.get(`/api/v1/cases/nearby?lat=abc&lon=${at1.lon}&matter_code=M001`), 400, 'lat');
  isError(await as.resident.get(`/api/v1/cases/nearby?lat=${at1.lat}&lon=${at1.lon}&matter_code=M999`), 400, 'matter_code');
});

test('inbox: the grid worker sees open cases of the grid, earliest deadline first', async () => {
  const c = await caseAt('dispatched');
  const r = await as.grid.get('/api/v1/inbox?limit=200');
  assert.equal(r.status, 200, r.text);
  const items = r.json.items;
  assert.ok(items.length > 0);
  const open = ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'on_hold'];
  for (const x of items) {
    assert.ok(open.includes(x.status), x.status);
    assert.equal(x.grid_id, grid1);
  }
  byDeadline(items);
  if (items.length < 200) assert.ok(items.some((x) => x.id === c.id), 'the dispatched case is there');
  const res = await as.resident.get('/api/v1/inbox');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.items, [], 'a resident has no inbox');
});

// ---- the responsibility list and the calendar ----

test('matters, categories and power types are listed', async () => {
  const m = await as.resident.get('/api/v1/matters');
  assert.equal(m.status, 200, m.text);
  assert.ok(Array.isArray(m.json.items) && 'next' in m.json);
  assert.ok(m.json.items.length >= 60, `${m.json.items.length} matters`);
  const m1 = m.json.items.find((x) => x.code === 'M001');
  assert.ok(m1 && typeof m1.name === 'string');
  assert.equal(m1.owner_level, 'grid');
  const coop = m.json.items.find((x) => x.code === 'M039');
  assert.equal(coop.list_kind, 'cooperative');
  assert.equal(coop.owner_dept, '城市管理局');
  const anon = await fetch(server.url + '/api/v1/matters?limit=5');
  assert.equal(anon.status, 200);
  const page = await anon.json();
  assert.equal(page.items.length, 5);
  assert.equal(typeof page.next, 'string');
  for (const p of ['/api/v1/categories', '/api/v1/power-types']) {
    const r = await as.resident.get(p);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length > 0, p);
    for (const x of r.json.items) assert.ok(x.code && x.name, p);
  }
  const cats = (await as.resident.get('/api/v1/categories')).json.items;
  assert.ok(cats.some((x) => x.code === 'E0102'));
});

test('matter lists: district staff draft, bad fields are 400, a published version cannot change', async () => {
  isError(await as.resident.post('/api/v1/matter-lists', {}), 403);
  isError(await as.community.post('/api/v1/matter-lists', {}), 403);
  const d = await as.district.post('/api/v1/matter-lists', {});
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.status, 'draft');
  const v = d.json.version;
  const m1 = (await as.district.get('/api/v1/matters')).json.items.find((x) => x.code === 'M001');
  const good = { ...m1 };
  delete good.version;
  delete good.code;
  const put = (body) => as.district.put(`/api/v1/matter-lists/${v}/matters/M900`, body);
  isError(await as.resident.put(`/api/v1/matter-lists/${v}/matters/M900`, good), 403);
  isError(await put({ ...good, respond_limit: 0 }), 400, 'respond_limit');
  isError(await put({ ...good, resolve_unit: 'weeks' }), 400, 'resolve_unit');
  isError(await put({ ...good, category: 'Z9999' }), 400, 'category');
  isError(await put({ ...good, owner_level: 'planet' }), 400, 'owner_level');
  isError(await put({ ...good, urgent: 'no' }), 400, 'urgent');
  isError(await put({ ...good, shape: 'round' }), 400, 'shape');
  const p = await put({ ...good, name: '测试事项 ' + M });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.code, 'M900');
  // Published to take effect far ahead, so today's list stays the current one.
  const pub = await as.district.post(`/api/v1/matter-lists/${v}/publish`, { effective_at: '2099-01-01T00:00:00Z' });
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.status, 'published');
  isError(await put({ ...good, name: '改不了' }), 409);
  isError(await as.district.del(`/api/v1/matter-lists/${v}/matters/M001`), 404);
  isError(await as.district.post(`/api/v1/matter-lists/${v}/publish`, {}), 409);
  const lists = await as.district.get('/api/v1/matter-lists');
  assert.ok(lists.json.items.some((x) => x.version === v && x.status === 'published'));
  // Today's list is unchanged: M900 is not a matter yet.
  isError(await as.resident.post('/api/v1/cases', { matter_code: 'M900', description: 'x', ...at1 }), 400, 'matter_code');
});

test('calendar: 2026 holds the National Day holiday and make-up workdays; residents cannot edit it', async () => {
  const r = await fetch(server.url + '/api/v1/calendar?year=2026');
  assert.equal(r.status, 200);
  const cal = await r.json();
  const oct1 = cal.days.find((d) => d.day === '2026-10-01');
  assert.ok(oct1, 'a 2026-10-01 entry');
  assert.equal(oct1.kind, 'holiday');
  assert.ok(cal.days.some((d) => d.kind === 'workday'), 'a make-up workday');
  for (const d of cal.days) assert.ok(d.day.startsWith('2026-'));
  isError(await as.resident.put('/api/v1/calendar/2026-12-31', { kind: 'holiday', name: '跨年' }), 403);
  isError(await as.community.put('/api/v1/calendar/2026-12-31', { kind: 'holiday', name: '跨年' }), 403);
  const again = await (await fetch(server.url + '/api/v1/calendar?year=2026')).json();
  assert.ok(!again.days.some((d) => d.day === '2026-12-31'));
});

// ---- figures ----

test('metrics: subject and scope checks, ranking of children, a monthly trend', async () => {
  const c = await report();
  await move(as.community, c.id, 'accept');
  const from = localDay(-86400), to = localDay(86400);
  const f = await as.community.get(`/api/v1/metrics?node_id=${grid1}&from=${from}&to=${to}`);
  assert.equal(f.status, 200, f.text);
  for (const k of ['total', 'response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate', 'rework_rate']) {
    assert.ok(k in f.json, k);
  }
  assert.ok(f.json.total >= 1);
  assert.ok(f.json.accepted >= 1);
  const cf = await as.community.get(`/api/v1/metrics?node_id=${community}&from=${from}&to=${to}`);
  assert.ok(cf.json.total >= f.json.total, 'a community counts its grids');
  isError(await as.community.get('/api/v1/metrics'), 400);
  isError(await as.community.get(`/api/v1/metrics?node_id=${grid1}&matter_code=M001`), 400);
  isError(await as.community.get(`/api/v1/metrics?node_id=${grid1}&from=2026-13-45`), 400, 'from');
  isError(await as.community.get(`/api/v1/metrics?node_id=${grid1}&from=${to}&to=${from}`), 400);
  isError(await as.community.get(`/api/v1/metrics?node_id=${farGrid}`), 404);
  isError(await as.grid.get(`/api/v1/metrics?node_id=${grid2}`), 404);
  isError(await as.resident.get(`/api/v1/metrics?node_id=${grid1}`), 403);
  const byMatter = await as.district.get('/api/v1/metrics?matter_code=M001');
  assert.equal(byMatter.status, 200, byMatter.text);
  assert.ok(byMatter.json.total >= 1);
  const rk = await as.community.get(`/api/v1/metrics/ranking?node_id=${community}`);
  assert.equal(rk.status, 200, rk.text);
  assert.ok(rk.json.items.length >= 2, 'the community has grids');
  rk.json.items.forEach((x, i) => {
    assert.equal(x.rank, i + 1);
    assert.equal(typeof x.node_id, 'number');
  });
  assert.ok(rk.json.items.some((x) => x.node_id === grid1));
  const byTotal = await as.community.get(`/api/v1/metrics/ranking?node_id=${community}&by=total`);
  const totals = byTotal.json.items.map((x) => x.total);
  assert.deepEqual(totals, [...totals].sort((a, b) => b - a), 'highest first');
  isError(await as.community.get(`/api/v1/metrics/ranking?node_id=${community}&by=colour`), 400, 'by');
  const tr = await as.community.get(`/api/v1/metrics/trend?node_id=${grid1}&bucket=month`);
  assert.equal(tr.status, 200, tr.text);
  assert.ok(tr.json.items.length >= 1);
  for (const x of tr.json.items) assert.match(x.period, /^\d{4}-\d\d$/);
  const periods = tr.json.items.map((x) => x.period);
  assert.deepEqual(periods, [...periods].sort());
  assert.ok(periods.includes(localDay().slice(0, 7)), 'this month is there');
  isError(await as.community.get(`/api/v1/metrics/trend?node_id=${grid1}&bucket=year`), 400, 'bucket');
});

test('metrics follow the cases: concurrent intake, acceptance and rejection each count once', async () => {
  const q = `/api/v1/metrics?node_id=${grid1}`;
  const f0 = (await as.community.get(q)).json;
  const made = await Promise.all(Array.from({ length: 10 }, () => report()));
  const f1 = (await as.community.get(q)).json;
  assert.equal(f1.total - f0.total, 10);
  assert.equal(f1.open - f0.open, 10);
  await move(as.community, made[0].id, 'reject', { note: '重复' });
  await move(as.community, made[1].id, 'accept');
  const f2 = (await as.community.get(q)).json;
  assert.equal(f2.total, f1.total);
  assert.equal(f2.rejected - f1.rejected, 1);
  assert.equal(f2.accepted - f1.accepted, 1);
  assert.equal(f2.open - f1.open, -1);
});

// ---- concurrency ----

test('50 concurrent accepts of one case: one 200, the rest 409, one accept event', async () => {
  const c = await report();
  const rs = await Promise.all(Array.from({ length: 50 }, () => act(as.community, c.id, 'accept')));
  const codes = rs.map((r) => r.status);
  assert.equal(codes.filter((s) => s === 200).length, 1, codes.join(','));
  assert.equal(codes.filter((s) => s === 409).length, 49, codes.join(','));
  const page = await read(as.community, c.id);
  assert.equal(page.status, 'accepted');
  assert.equal(page.events.filter((e) => e.action === 'accept').length, 1);
});

// The writer runs a batch without savepoints and, when a write fails, again with one per
// write: the failures must leave nothing, the others everything, and the figures both.
test('concurrent intake where half the writes fail: the others are stored and counted once', async () => {
  const q = `/api/v1/metrics?node_id=${grid1}`;
  const f0 = (await as.community.get(q)).json;
  const listed = async () => (await listAll(as.admin, `/api/v1/cases?node_id=${grid1}`)).length;
  const n0 = await listed();
  const reruns = async () => Number((await (await fetch(server.url + '/metrics')).text())
    .match(/^gr_write_reruns_total (\d+)$/m)[1]);
  const r0 = await reruns();
  // A building that does not exist fails inside the write, after the request was checked.
  const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => as.resident.post('/api/v1/cases',
    i % 2 ? { matter_code: 'M001', description: '楼道灯不亮 ' + i, building_id: 999999999 }
      : { matter_code: 'M001', description: '楼道灯不亮 ' + i, ...at1 })));
  for (const [i, r] of rs.entries()) {
    if (i % 2) isError(r, 400, 'building_id');
    else assert.equal(r.status, 201, r.text);
  }
  const ids = rs.filter((r) => r.status === 201).map((r) => r.json.id);
  assert.equal(new Set(ids).size, 20);
  for (const id of ids) assert.equal((await read(as.resident, id)).events.length, 1);
  assert.equal(await listed(), n0 + 20);
  const f1 = (await as.community.get(q)).json;
  assert.equal(f1.total - f0.total, 20);
  assert.equal(f1.open - f0.open, 20);
  assert.ok(await reruns() > r0, 'some batch held a failed write beside others');
});

// ---- durability ----

test('cases acknowledged before a SIGKILL under concurrent intake survive it', async () => {
  const s = await startServer({ demo: 'small' });
  const restarted = [];
  try {
    const staff = await loginAs(s.url, 'community');
    const g = (await loginAs(s.url, 'grid')).user.grants[0].node_id;
    const n = (await staff.get('/api/v1/nodes/' + g)).json.center;
    const acked = [];
    let stop = false;
    // 8 clients, each posting cases one after another; the server is killed while they post.
    const clients = [];
    for (let k = 0; k < 8; k++) clients.push(await loginAs(s.url, k % 2 ? 'grid' : 'resident'));
    const sender = async (k) => {
      const c = clients[k];
      for (let i = 0; !stop && i < 5000; i++) {
        try {
          const r = await c.post('/api/v1/cases', { matter_code: 'M001', description: `耐久 ${k}-${i}`,
            lat: n.lat, lon: n.lon });
          if (r.status === 201) acked.push(r.json.id);
        } catch { return; } // the connection died with the server
      }
    };
    const senders = Array.from({ length: 8 }, (_, k) => sender(k));
    await new Promise((r) => setTimeout(r, 500));
    await s.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    assert.ok(acked.length > 8, `some cases were acknowledged before the kill (${acked.length})`);
    const again = await startServer({ dir: s.dir, db: s.db });
    restarted.push(again);
    const admin = await loginAs(again.url, 'admin');
    const missing = [];
    for (let i = 0; i < acked.length; i += 16) {
      const rs = await Promise.all(acked.slice(i, i + 16).map((id) => admin.get('/api/v1/cases/' + id)));
      rs.forEach((r, j) => { if (r.status !== 200) missing.push(acked[i + j]); });
    }
    assert.deepEqual(missing, [], `of ${acked.length} acknowledged cases, these are lost`);
  } finally {
    for (const x of restarted) await x.stop();
    await s.kill('SIGKILL');
    rmSync(s.dir, { recursive: true, force: true });
  }
});

// ---- the sweep ----

test('the sweep escalates an overdue case one level up, as the system, and prints a summary', async () => {
  const s = await startServer({ demo: 'small' });
  let again = null;
  try {
    const resident = await loginAs(s.url, 'resident');
    const staff = await loginAs(s.url, 'community');
    const g = resident.user.grants[0].node_id;
    const n = (await staff.get('/api/v1/nodes/' + g)).json.center;
    const c = await resident.post('/api/v1/cases', { matter_code: 'M001', description: '逾期 ' + M, lat: n.lat, lon: n.lon });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.owner.level, 'grid');
    const a = await staff.post(`/api/v1/cases/${c.json.id}/actions`, { action: 'accept' });
    assert.equal(a.status, 200, a.text);
    await s.kill('SIGTERM'); // a clean stop that keeps the files
    let out;
    try {
      out = execFileSync(BIN, ['sweep', '--db', s.db, '--now', '2027-06-01T10:00:00+08:00'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      assert.fail(`grassroots sweep failed (${e.status}): ${e.stderr || e.message}`);
    }
    again = await startServer({ dir: s.dir, db: s.db });
    const st2 = await loginAs(again.url, 'community');
    const after = await st2.get('/api/v1/cases/' + c.json.id);
    assert.equal(after.status, 200, after.text);
    assert.equal(after.json.owner.level, 'community', 'one level up');
    const esc = after.json.events.filter((e) => e.action === 'escalate');
    assert.equal(esc.length, 1, JSON.stringify(after.json.events));
    assert.equal(esc[0].actor_user_id, null, 'the system escalated it');
    assert.equal(after.json.escalations, 1);
    assert.equal(after.json.status, 'accepted');
    const m = out.match(/examined (\d+), escalated (\d+), red (\d+), yellow (\d+)/);
    assert.ok(m, 'the summary line: ' + out);
    assert.ok(Number(m[1]) >= 1 && Number(m[2]) >= 1, out);
  } finally {
    if (again) await again.kill('SIGTERM');
    await s.kill('SIGKILL');
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('departments of the case\'s district for its dispatch and summon dialogs', async () => {
  const c = await file(as.resident, { matter_code: 'M001', ...at1 });
  const r = await as.community.get(`/api/v1/cases/${c.id}/departments`);
  assert.equal(r.status, 200, r.text);
  const org = as.dept.user.grants[0].organisation_id;
  assert.ok(r.json.items.some((d) => d.id === org && d.name.endsWith('城市管理局')), r.text);
  isError(await as.resident.get(`/api/v1/cases/${c.id}/departments`), 403);
  isError(await as.dept.get(`/api/v1/cases/${c.id}/departments`), 404);
});

test('the requester sees what happened, staff\'s internal notes only when made public', async () => {
  const c = await caseAt('dispatched');
  await move(as.community, c.id, 'summon',
    { org_ids: [as.dept.user.grants[0].organisation_id], note: '内部：需城管配合 ' + M });
  const mine = await read(as.resident, c.id);
  const ev = mine.events.find((e) => e.action === 'summon');
  assert.ok(ev, 'the event is there');
  assert.equal(ev.note, null, 'its internal note is not');
  const staff = await read(as.community, c.id);
  assert.ok(staff.events.find((e) => e.action === 'summon').note.includes(M));
  assert.ok(mine.places.grid && mine.places.community, JSON.stringify(mine.places));
});

test('the session names a resident\'s own home', async () => {
  const s = await as.resident.get('/api/v1/session');
  assert.equal(s.status, 200);
  assert.ok(s.json.home && s.json.home.household_id > 0 && s.json.home.building_id > 0, s.text);
  const b = await as.resident.get('/api/v1/buildings/' + s.json.home.building_id);
  assert.equal(b.status, 200, b.text);
  assert.equal((await as.community.get('/api/v1/session')).json.home, null);
});

test('patrol and hotline cases are entered within the caller\'s area; residents report anywhere', async () => {
  const body = { matter_code: 'M001', description: '巡查发现 ' + M };
  const far = await as.grid.post('/api/v1/cases', { ...body, ...atFar, channel: 'patrol' });
  isError(far, 403, 'lat');
  const other = await as.grid.post('/api/v1/cases', { ...body, ...at2, channel: 'patrol' });
  isError(other, 403, 'lat'); // the other grid of the same community
  const mine = await as.grid.post('/api/v1/cases', { ...body, ...at1, channel: 'patrol' });
  assert.equal(mine.status, 201, mine.text);
  isError(await as.community.post('/api/v1/cases', { ...body, ...atFar, channel: 'hotline',
    requester_phone: '13900000000' }), 403, 'lat');
  const web = await as.resident.post('/api/v1/cases', { ...body, ...atFar });
  assert.equal(web.status, 201, web.text);
});
