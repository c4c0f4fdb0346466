// consult_more.test.mjs - the consultation's second round over HTTP: photos of topics and of
// implementation items, topics raised from a case (and the case's list of them), invited
// stakeholder organisations, who attended a meeting and opinions said at one, followers and
// their notifications, the authors' names on opinions, and the reason codes of the 409s;
// then the close after the notice period.
//
// One demo server for the file. Bad input and callers outside the scope answer a 4xx and
// leave the topic as it was: checked by reading everything about it back (as admin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { isError, all, loginAs } from '../lib/check.mjs';

let server;
const as = {};
let community; // the node of "community"
let grid1; // the grid of "grid" and "resident"
let grid2;
let street;
const PW = 'voter-pass-2026';
const M = 'm' + process.pid.toString(36);
let nUsers = 0;

before(async () => {
  server = await startServer();
  for (const n of ['admin', 'community', 'grid', 'grid2', 'resident', 'street']) as[n] = await loginAs(server.url, n);
  community = as.community.user.grants[0].node_id;
  grid1 = as.grid.user.grants[0].node_id;
  grid2 = as.grid2.user.grants[0].node_id;
  street = as.street.user.grants[0].node_id;
});
after(async () => { if (server) await server.stop(); });

// ---- helpers ----

const iso = (s) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const OPEN = () => ({ opens_at: iso(-3600), closes_at: iso(7 * 86400) });
const HH_RULE = () => ({ eligibility: 'households', kind: 'yes_no', pass: 'majority', ...OPEN() });

async function propose(c, body) {
  const r = await c.post('/api/v1/topics', { title: '议题' + M, body: '内容', scope_node_id: grid1, ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const act = (c, id, action, extra = {}) => c.post(`/api/v1/topics/${id}/actions`, { action, ...extra });
async function move(c, id, action, extra) {
  const r = await act(c, id, action, extra);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.json;
}
async function deliberating(body, by = as.resident) {
  const t = await propose(by, body);
  await move(as.community, t.id, 'accept');
  await move(as.community, t.id, 'start_deliberation');
  return t.id;
}
// A topic taken through a passed vote (the resident's household votes yes) and a decision.
async function decided() {
  const id = await deliberating();
  assert.equal((await as.community.put(`/api/v1/topics/${id}/vote-rule`, HH_RULE())).status, 200);
  await move(as.community, id, 'open_voting');
  assert.equal((await as.resident.post(`/api/v1/topics/${id}/votes`, { choices: [0] })).status, 201);
  await move(as.community, id, 'close_voting');
  const d = await as.community.put(`/api/v1/topics/${id}/decision`, { text: '照此实施' });
  assert.equal(d.status, 200, d.text);
  return id;
}

async function account(grants, link = {}) {
  const login = `${M}u${++nUsers}`;
  const r = await as.admin.post('/api/v1/users', { login, password: PW, name: '张居民' + nUsers, grants, ...link });
  assert.equal(r.status, 201, r.text);
  return loginAs(server.url, login, PW);
}
const residentOf = (grid, link) => account([{ role: 'resident', node_id: grid }], link);

async function snapshot(id) {
  const out = {};
  for (const p of ['', '/opinions', '/meetings']) {
    const r = await as.admin.get(`/api/v1/topics/${id}${p}`);
    out[p || 'topic'] = { status: r.status, json: r.json };
  }
  if (out.topic.json) delete out.topic.json.following; // admin's own; unchanged anyway
  return out;
}
async function unchanged(id, fn) {
  const before = await snapshot(id);
  await fn();
  assert.deepEqual(await snapshot(id), before, 'the topic changed');
}

// A 409 with its reason code.
function conflict(r, reason) {
  isError(r, 409, undefined, 'conflict');
  assert.equal(r.json.error.reason, reason, r.text);
}

// Raw bytes as the body, as a browser uploads a file.
async function upload(c, path, bytes, type) {
  const h = { cookie: c.cookie, 'x-csrf-token': c.csrf };
  if (type) h['content-type'] = type;
  const res = await fetch(server.url + path, { method: 'POST', headers: h, body: bytes });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}
const PNG = (n = 64) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(n, 7)]);
const JPEG = (n = 64) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(n, 9)]);

// The account's notifications of kind.
async function notes(c, kind) {
  const r = await c.get('/api/v1/notifications?limit=500');
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((n) => n.kind === kind);
}

// Set a topic's notice end in the past, straight in the database: the test's time travel
// (the API only takes notice periods of whole days).
function endNotice(id) {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.db,
    `UPDATE topics SET notice_ends_at = CAST(strftime('%s', 'now') AS INTEGER) - 60 WHERE id = ${Number(id)}`]);
}

// ---- photos ----

test('photos of a topic: JPEG and PNG by their bytes, by the proposer and staff, at most 9', async () => {
  const t = await propose(as.resident);
  const url = `/api/v1/topics/${t.id}/photos`;
  const p1 = await upload(as.resident, url, PNG(), 'image/png');
  assert.equal(p1.status, 201, p1.text);
  assert.deepEqual(Object.keys(p1.json).sort(), ['created_at', 'id', 'item_id', 'mime', 'size', 'url']);
  assert.equal(p1.json.mime, 'image/png');
  assert.equal(p1.json.size, 72);
  assert.equal(p1.json.item_id, null);
  assert.equal(p1.json.url, `/api/v1/photos/${p1.json.id}`);
  const p2 = await upload(as.community, url, JPEG(), 'image/jpeg');
  assert.equal(p2.status, 201, p2.text);
  const p3 = await upload(as.community, url, JPEG()); // no Content-Type: the bytes decide
  assert.equal(p3.status, 201, p3.text);
  assert.equal(p3.json.mime, 'image/jpeg');

  await unchanged(t.id, async () => {
    isError(await upload(as.resident, url, Buffer.from('GIF89a-not-allowed'), 'image/gif'), 400, 'photo');
    isError(await upload(as.resident, url, Buffer.from('plain text'), 'image/png'), 400, 'photo');
    isError(await upload(as.resident, url, PNG(), 'image/jpeg'), 400, 'photo'); // sent as what it is not
    isError(await upload(as.resident, url, Buffer.alloc(0), 'image/png'), 400, 'photo');
    const big = await upload(as.resident, url, PNG(4 * 1024 * 1024), 'image/png');
    assert.equal(big.status, 413, big.text);
    isError(await upload(as.grid, url, PNG(), 'image/png'), 403); // neither proposer nor staff
    isError(await upload(as.grid2, url, PNG(), 'image/png'), 404); // outside the scope
    isError(await upload(as.resident, `/api/v1/topics/${t.id}/photos?item_id=99999999`, PNG(), 'image/png'), 404);
    isError(await upload(as.resident, `/api/v1/topics/${t.id}/photos?item_id=x`, PNG(), 'image/png'), 400, 'item_id');
    isError(await upload(as.resident, '/api/v1/topics/99999999/photos', PNG(), 'image/png'), 404);
  });

  const got = (await as.grid.get('/api/v1/topics/' + t.id)).json;
  assert.deepEqual(got.photos.map((p) => p.id), [p1.json.id, p2.json.id, p3.json.id]);
  assert.deepEqual(got.photos[0], p1.json, 'a photo reads back as stored');

  for (let i = 3; i < 9; i++) assert.equal((await upload(as.community, url, PNG(i), 'image/png')).status, 201);
  await unchanged(t.id, async () => { conflict(await upload(as.community, url, PNG(), 'image/png'), 'photo_limit'); });
  assert.equal((await as.admin.get('/api/v1/topics/' + t.id)).json.photos.length, 9);

  // An ended topic takes no more photos.
  const w = await propose(as.resident);
  await move(as.resident, w.id, 'withdraw', { reason: '撤回' });
  await unchanged(w.id, async () => {
    conflict(await upload(as.resident, `/api/v1/topics/${w.id}/photos`, PNG(), 'image/png'), 'wrong_stage');
  });
});

test('photos of implementation items: staff, while implementing, listed under their item', async () => {
  const id = await decided();
  const early = await as.community.post(`/api/v1/topics/${id}/items`, { title: '先期' });
  conflict(early, 'wrong_stage'); // items are planned while implementing
  await move(as.community, id, 'start_implementation');
  const item = await as.community.post(`/api/v1/topics/${id}/items`, { title: '井道施工', due_on: '2027-03-01' });
  assert.equal(item.status, 201, item.text);
  assert.deepEqual(item.json.photos, []);
  const url = `/api/v1/topics/${id}/photos?item_id=${item.json.id}`;
  const p = await upload(as.community, url, JPEG(), 'image/jpeg');
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.item_id, item.json.id);
  await unchanged(id, async () => {
    isError(await upload(as.resident, url, JPEG(), 'image/jpeg'), 403); // the proposer adds none to items
    isError(await upload(as.grid2, url, JPEG(), 'image/jpeg'), 404);
    const other = await decided();
    isError(await upload(as.community, `/api/v1/topics/${other}/photos?item_id=${item.json.id}`, JPEG(), 'image/jpeg'), 404);
  });
  const t = (await as.resident.get('/api/v1/topics/' + id)).json;
  assert.deepEqual(t.items.find((x) => x.id === item.json.id).photos, [p.json]);
  assert.deepEqual(t.photos, [], 'an item\'s photo is not the topic\'s own');
  for (let i = 1; i < 9; i++) assert.equal((await upload(as.community, url, PNG(i), 'image/png')).status, 201);
  conflict(await upload(as.community, url, PNG(), 'image/png'), 'photo_limit');
  // The topic's own photos are counted apart from the item's.
  assert.equal((await upload(as.community, `/api/v1/topics/${id}/photos`, PNG(), 'image/png')).status, 201);
});

test('a photo of a topic is served to those who see the topic, and to no one else',
  async () => {
    const t = await propose(as.resident);
    const p = await upload(as.resident, `/api/v1/topics/${t.id}/photos`, PNG(), 'image/png');
    assert.equal(p.status, 201, p.text);
    for (const c of [as.resident, as.grid, as.community]) {
      const r = await fetch(server.url + p.json.url, { headers: { cookie: c.cookie } });
      assert.equal(r.status, 200, `${c.user.login}: ${r.status}`);
      assert.equal(r.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), PNG());
    }
    assert.equal((await fetch(server.url + p.json.url, { headers: { cookie: as.grid2.cookie } })).status, 404);
    assert.equal((await fetch(server.url + p.json.url)).status, 404);
  });

// ---- topics raised from a case ----

test('a topic raised from a case names it; the case lists its topics; bad links are refused', async () => {
  const cs = as.community;
  const cases = (await cs.get('/api/v1/cases?limit=50')).json.items;
  const mine = cases.find((c) => c.community_id === community);
  assert.ok(mine, 'a case of the community');
  const t = await propose(cs, { scope_node_id: community, case_id: mine.id, title: '由案件引出' + M });
  assert.equal(t.case_id, mine.id);
  assert.equal(t.proposer_kind, 'case');
  assert.equal((await as.resident.get('/api/v1/topics/' + t.id)).json.case_id, mine.id);
  const listed = await all(cs, `/api/v1/topics?case_id=${mine.id}`);
  assert.deepEqual(listed.map((x) => x.id), [t.id]);
  assert.deepEqual((await all(as.street, `/api/v1/topics?case_id=${mine.id}&stage=proposed`)).map((x) => x.id), [t.id]);
  assert.deepEqual(await all(cs, `/api/v1/topics?case_id=${mine.id}&stage=voting`), []);

  // A case of another community, one that does not exist, and mismatched kinds.
  const elsewhere = (await as.admin.get('/api/v1/cases?limit=200')).json.items.find((c) => c.community_id !== community);
  assert.ok(elsewhere, 'a case of another community');
  const before = await all(as.admin, '/api/v1/topics');
  const good = { scope_node_id: community, title: '案件议题' + M, body: '内容' };
  const bad = [
    [cs, { ...good, case_id: 'x' }, 400, 'case_id'],
    [cs, { ...good, case_id: 0 }, 400, 'case_id'],
    [cs, { ...good, case_id: 99999999 }, 400, 'case_id'],
    [cs, { ...good, case_id: elsewhere.id }, 400, 'case_id'], // not visible to community staff
    [as.admin, { ...good, case_id: elsewhere.id }, 400, 'case_id'], // not a case of the topic's community
    [cs, { ...good, case_id: mine.id, proposer_kind: 'resident' }, 400, 'proposer_kind'],
    [cs, { ...good, proposer_kind: 'case' }, 400, 'case_id'],
  ];
  // A grid worker sees the cases of the grid, and is not staff.
  const inGrid = cases.find((c) => c.grid_id === grid1);
  if (inGrid) bad.push([as.grid, { ...good, scope_node_id: grid1, case_id: inGrid.id }, 403, 'case_id']);
  for (const [c, body, status, field] of bad) isError(await c.post('/api/v1/topics', body), status, field);
  // The resident's own case: they see it, but staff raise topics from cases.
  const own = (await as.resident.get('/api/v1/cases?limit=1')).json.items[0];
  if (own) isError(await as.resident.post('/api/v1/topics', { ...good, scope_node_id: grid1, case_id: own.id }), 403, 'case_id');
  assert.deepEqual(await all(as.admin, '/api/v1/topics'), before, 'no topic was created');

  isError(await cs.get('/api/v1/topics?case_id=abc'), 400, 'case_id');
  isError(await cs.get('/api/v1/topics?case_id=0'), 400, 'case_id');
  isError(await cs.get('/api/v1/topics?case_id=99999999'), 404);
  isError(await cs.get(`/api/v1/topics?case_id=${elsewhere.id}`), 404); // a case the caller does not see
});

// ---- invited organisations ----

test('invited organisations: their accounts see the topic and write opinions, from outside its scope', async () => {
  // An organisation of a neighbouring community, and an account holding a grant on it.
  const others = await all(as.admin, `/api/v1/nodes?level=community&under=${street}`);
  const neighbour = others.find((n) => n.id !== community);
  assert.ok(neighbour, 'another community in the street');
  const org = (await as.admin.get(`/api/v1/organisations?under=${neighbour.id}&limit=1`)).json.items[0];
  assert.ok(org, 'an organisation of the neighbouring community');
  const guest = await account([{ role: 'resident', organisation_id: org.id }]);
  const outsider = await account([{ role: 'resident', node_id: neighbour.id }]);
  const id = await deliberating({ scope_node_id: community }, as.community);
  const url = `/api/v1/topics/${id}/organisations`;
  isError(await guest.get('/api/v1/topics/' + id), 404);
  isError(await guest.post(`/api/v1/topics/${id}/opinions`, { body: '邻居的意见', stance: 'for' }), 404);

  await unchanged(id, async () => {
    isError(await as.community.put(url, { organisation_ids: [org.id] }), 400, 'organisation_ids'); // not theirs to invite
    isError(await as.community.put(url, { organisation_ids: [99999999] }), 400, 'organisation_ids');
    isError(await as.community.put(url, { organisation_ids: [org.id, org.id] }), 400, 'organisation_ids');
    isError(await as.community.put(url, { organisation_ids: ['1'] }), 400, 'organisation_ids');
    isError(await as.community.put(url, { organisation_ids: 5 }), 400, 'organisation_ids');
    isError(await as.community.put(url, {}), 400, 'organisation_ids');
    isError(await as.community.put(url, { organisation_ids: Array.from({ length: 51 }, (_, i) => i + 1) }), 400, 'organisation_ids');
    isError(await as.community.put(url, { organisation_ids: [], extra: 1 }), 400, 'extra');
    isError(await as.resident.put(url, { organisation_ids: [] }), 403);
    isError(await as.grid2.put(url, { organisation_ids: [] }), 403);
    isError(await outsider.put(url, { organisation_ids: [] }), 404);
  });
  // Street staff see both communities: they invite it.
  const inv = await as.street.put(url, { organisation_ids: [org.id] });
  assert.equal(inv.status, 200, inv.text);
  assert.deepEqual(inv.json.organisation_ids, [org.id]);
  const t = await guest.get('/api/v1/topics/' + id);
  assert.equal(t.status, 200, t.text);
  assert.deepEqual(t.json.invited_org_ids, [org.id]);
  assert.deepEqual(t.json.invited_orgs, [{ id: org.id, name: org.name }], 'named to all who see the topic');
  assert.equal(t.json.events.at(-1).action, 'invite');
  assert.ok((await all(guest, '/api/v1/topics')).some((x) => x.id === id), 'listed for the guest');
  const op = await guest.post(`/api/v1/topics/${id}/opinions`, { body: '邻居社区也受影响', stance: 'against' });
  assert.equal(op.status, 201, op.text);
  await unchanged(id, async () => {
    isError(await guest.put(url, { organisation_ids: [] }), 403);
    isError(await guest.post(`/api/v1/topics/${id}/meetings`, { held_at: iso(-60), place: '会议室' }), 403);
    isError(await upload(guest, `/api/v1/topics/${id}/photos`, PNG(), 'image/png'), 403);
  });
  // The guest takes part in no vote of the scope.
  assert.equal((await as.community.put(`/api/v1/topics/${id}/vote-rule`, HH_RULE())).status, 200);
  await move(as.community, id, 'open_voting');
  isError(await guest.post(`/api/v1/topics/${id}/votes`, { choices: [0] }), 403);
  conflict(await as.street.put(url, { organisation_ids: [] }), 'wrong_stage'); // invited before voting

  // Invited when proposed, by staff only; the district's departments serve the community.
  const dept = (await as.admin.get('/api/v1/organisations?kind=department&limit=1')).json.items[0];
  const local = (await as.community.get(`/api/v1/organisations?under=${community}&limit=1`)).json.items[0];
  const p = await propose(as.community, { scope_node_id: community, invited_org_ids: [dept.id, local.id] });
  assert.deepEqual((await as.community.get('/api/v1/topics/' + p.id)).json.invited_org_ids, [dept.id, local.id].sort((a, b) => a - b));
  const before = await all(as.admin, '/api/v1/topics');
  isError(await as.resident.post('/api/v1/topics', { scope_node_id: grid1, title: 'x', body: 'y', invited_org_ids: [local.id] }),
    403, 'invited_org_ids');
  isError(await as.community.post('/api/v1/topics', { scope_node_id: grid1, title: 'x', body: 'y', invited_org_ids: [org.id] }),
    400, 'invited_org_ids');
  isError(await as.community.post('/api/v1/topics', { scope_node_id: grid1, title: 'x', body: 'y', invited_org_ids: 'all' }),
    400, 'invited_org_ids');
  assert.deepEqual(await all(as.admin, '/api/v1/topics'), before, 'no topic was created');

  // Uninvited, the guest no longer sees a topic.
  const q = await deliberating({ scope_node_id: community }, as.community);
  assert.equal((await as.street.put(`/api/v1/topics/${q}/organisations`, { organisation_ids: [org.id] })).status, 200);
  assert.equal((await guest.get('/api/v1/topics/' + q)).status, 200);
  assert.equal((await as.street.put(`/api/v1/topics/${q}/organisations`, { organisation_ids: [] })).status, 200);
  isError(await guest.get('/api/v1/topics/' + q), 404);
});

// ---- meetings: attendance and opinions said there ----

test('meetings record who attended; opinions may name the meeting; attendance is participation', async () => {
  const cs = as.community;
  const id = await deliberating();
  const households = (await as.admin.get(`/api/v1/households?under=${grid1}&limit=20`)).json.items;
  const people = [];
  for (const h of households) {
    people.push(...(await as.admin.get(`/api/v1/residents?household_id=${h.id}`)).json.items);
    if (people.length >= 3) break;
  }
  const outsider = (await as.admin.get(`/api/v1/residents?under=${grid2}&limit=1`)).json.items[0];
  const good = { held_at: iso(-3600), place: '议事厅', attendee_user_ids: [as.resident.user.id, as.grid.user.id],
    attendee_resident_ids: [people[0].id, people[1].id] };
  await unchanged(id, async () => {
    const bad = [
      [{ ...good, attendee_user_ids: [99999999] }, 'attendee_user_ids'],
      [{ ...good, attendee_user_ids: [as.grid.user.id, as.grid.user.id] }, 'attendee_user_ids'],
      [{ ...good, attendee_user_ids: 'all' }, 'attendee_user_ids'],
      [{ ...good, attendee_user_ids: [0] }, 'attendee_user_ids'],
      [{ ...good, attendee_resident_ids: [outsider.id] }, 'attendee_resident_ids'],
      [{ ...good, attendee_resident_ids: [99999999] }, 'attendee_resident_ids'],
      [{ ...good, attendee_resident_ids: [1.5] }, 'attendee_resident_ids'],
    ];
    for (const [body, field] of bad) isError(await cs.post(`/api/v1/topics/${id}/meetings`, body), 400, field);
    isError(await as.resident.post(`/api/v1/topics/${id}/meetings`, good), 403);
  });
  const m = await cs.post(`/api/v1/topics/${id}/meetings`, good);
  assert.equal(m.status, 201, m.text);
  assert.deepEqual(m.json.attendee_user_ids, good.attendee_user_ids);
  assert.deepEqual(m.json.attendee_resident_ids, good.attendee_resident_ids);
  assert.equal(m.json.attendance, 4, 'without a head count, the people recorded');
  assert.deepEqual((await as.resident.get(`/api/v1/topics/${id}/meetings`)).json.items, [m.json]);

  // Attendance changed afterwards, by staff, while deliberating.
  const url = `/api/v1/topics/${id}/meetings/${m.json.id}/attendees`;
  await unchanged(id, async () => {
    isError(await cs.put(url, { user_ids: [99999999] }), 400, 'user_ids');
    isError(await cs.put(url, { resident_ids: [outsider.id] }), 400, 'resident_ids');
    isError(await cs.put(url, { user_ids: [], extra: 1 }), 400, 'extra');
    isError(await as.resident.put(url, { user_ids: [] }), 403);
    isError(await as.grid2.put(url, { user_ids: [] }), 404);
    isError(await cs.put(`/api/v1/topics/${id}/meetings/99999999/attendees`, { user_ids: [] }), 404);
  });
  const put = await cs.put(url, { user_ids: [as.resident.user.id], resident_ids: [people[0].id, people[2].id] });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual([put.json.attendee_user_ids, put.json.attendee_resident_ids], [[as.resident.user.id], [people[0].id, people[2].id]]);

  // An opinion said at the meeting.
  const said = await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '会上说的', stance: 'for', meeting_id: m.json.id });
  assert.equal(said.status, 201, said.text);
  assert.equal(said.json.meeting_id, m.json.id);
  const other = await deliberating();
  const om = await cs.post(`/api/v1/topics/${other}/meetings`, { held_at: iso(-60), place: '别处' });
  await unchanged(id, async () => {
    for (const mid of [om.json.id, 99999999, 'x', 0]) {
      isError(await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '意见', stance: 'for', meeting_id: mid }), 400, 'meeting_id');
    }
  });

  // Participation: the account attended, and so did the household's resident.
  const me = (await as.resident.get(`/api/v1/users/${as.resident.user.id}/participation`)).json.items;
  const att = me.filter((p) => p.kind === 'attendance' && p.topic_id === id);
  assert.equal(att.length, 1, JSON.stringify(me));
  assert.deepEqual(Object.keys(att[0]).sort(), ['at', 'kind', 'meeting_id', 'topic_id', 'topic_title']);
  assert.equal(att[0].meeting_id, m.json.id);
  const hh = (await cs.get(`/api/v1/households/${people[2].household_id}/participation`)).json.items;
  assert.ok(hh.some((p) => p.kind === 'attendance' && p.meeting_id === m.json.id), JSON.stringify(hh));
  const grid = (await as.grid.get(`/api/v1/users/${as.grid.user.id}/participation`)).json.items;
  assert.ok(!grid.some((p) => p.kind === 'attendance' && p.topic_id === id), 'taken off the list');

  // Once voting opens, attendance and meeting opinions are closed.
  assert.equal((await cs.put(`/api/v1/topics/${id}/vote-rule`, HH_RULE())).status, 200);
  await move(cs, id, 'open_voting');
  conflict(await cs.put(url, { user_ids: [] }), 'wrong_stage');
  conflict(await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '晚了', stance: 'for', meeting_id: m.json.id }), 'wrong_stage');
});

// ---- display names ----

test('opinions name their authors: in full to staff and to oneself, residents masked to other residents', async () => {
  const id = await deliberating();
  const a = await residentOf(grid1);
  const b = await residentOf(grid1);
  const oa = await a.post(`/api/v1/topics/${id}/opinions`, { body: '甲的意见', stance: 'for' });
  const os = await as.community.post(`/api/v1/topics/${id}/opinions`, { body: '社区的回复', stance: 'neutral', parent_id: oa.json.id });
  assert.equal(oa.json.author_name, a.user.name, 'the author sees their own name');
  const byId = async (c) => Object.fromEntries((await c.get(`/api/v1/topics/${id}/opinions`)).json.items.map((o) => [o.id, o]));
  const seenByB = await byId(b);
  assert.equal(seenByB[oa.json.id].author_name, a.user.name[0] + '*'.repeat([...a.user.name].length - 1));
  assert.equal(seenByB[oa.json.id].masked, true);
  assert.equal(seenByB[oa.json.id].author_official, false);
  assert.equal(seenByB[os.json.id].author_name, as.community.user.name, 'staff are named in full');
  assert.equal(seenByB[os.json.id].author_official, true);
  const seenByStaff = await byId(as.community);
  assert.equal(seenByStaff[oa.json.id].author_name, a.user.name);
  assert.equal(seenByStaff[oa.json.id].masked, false);
  assert.equal((await byId(a))[oa.json.id].author_name, a.user.name);
  const text = JSON.stringify(seenByB);
  assert.ok(!/phone|login/.test(text), 'no phone or login: ' + text);
});

// ---- followers and notifications ----

test('followers are told when the topic moves on, is decided and makes progress; never of their own acts', async () => {
  const cs = as.community;
  const fan = await residentOf(grid1);
  const id = await deliberating();
  let t = (await fan.get('/api/v1/topics/' + id)).json;
  assert.deepEqual([t.followers, t.following], [1, false], 'the proposer follows from the start');
  const f = await fan.post(`/api/v1/topics/${id}/follow`);
  assert.equal(f.status, 200, f.text);
  assert.deepEqual(f.json, { following: true, followers: 2 });
  assert.deepEqual((await fan.post(`/api/v1/topics/${id}/follow`)).json, { following: true, followers: 2 }, 'twice is once');
  assert.equal((await cs.post(`/api/v1/topics/${id}/follow`)).status, 200);
  isError(await as.grid2.post(`/api/v1/topics/${id}/follow`), 404);
  isError(await as.grid2.del(`/api/v1/topics/${id}/follow`), 404);
  isError(await fan.post('/api/v1/topics/99999999/follow'), 404);
  t = (await fan.get('/api/v1/topics/' + id)).json;
  assert.deepEqual([t.followers, t.following], [3, true]);

  const count = async (c, kind) => (await notes(c, kind)).length;
  const before = { fan: await count(fan, 'topic_stage'), res: await count(as.resident, 'topic_stage'), cs: await count(cs, 'topic_stage') };
  assert.equal((await cs.put(`/api/v1/topics/${id}/vote-rule`, HH_RULE())).status, 200);
  await move(cs, id, 'open_voting');
  assert.equal((await as.resident.post(`/api/v1/topics/${id}/votes`, { choices: [0] })).status, 201);
  await move(cs, id, 'close_voting');
  assert.equal(await count(fan, 'topic_stage'), before.fan + 2, 'voting opened, voting closed');
  assert.equal(await count(as.resident, 'topic_stage'), before.res + 2);
  assert.equal(await count(cs, 'topic_stage'), before.cs, 'staff are not told of their own moves');
  const dBefore = await count(fan, 'topic_decision');
  assert.equal((await cs.put(`/api/v1/topics/${id}/decision`, { text: '加装' })).status, 200);
  assert.equal(await count(fan, 'topic_decision'), dBefore + 1);
  await move(cs, id, 'start_implementation');
  const item = await cs.post(`/api/v1/topics/${id}/items`, { title: '施工' });
  const pBefore = await count(fan, 'topic_progress');
  assert.equal((await cs.patch(`/api/v1/topics/${id}/items/${item.json.id}`, { progress: 30 })).status, 200);
  assert.equal(await count(fan, 'topic_progress'), pBefore + 1);
  const n = (await notes(fan, 'topic_progress'))[0];
  assert.equal(n.to, `u:${fan.user.id}`);

  // Unfollowed: told nothing more.
  const u = await fan.del(`/api/v1/topics/${id}/follow`);
  assert.deepEqual(u.json, { following: false, followers: 2 });
  const after = await count(fan, 'topic_progress');
  assert.equal((await cs.patch(`/api/v1/topics/${id}/items/${item.json.id}`, { progress: 60 })).status, 200);
  assert.equal(await count(fan, 'topic_progress'), after);
  assert.equal(await count(as.resident, 'topic_progress'), pBefore + 2, 'the proposer still follows');
});

// ---- reason codes, and the close after the notice ----

test('every 409 of the consultation names its reason; the topic closes once the notice is over and objections answered', async () => {
  const cs = as.community;
  const p = await propose(as.resident);
  conflict(await act(cs, p.id, 'start_deliberation'), 'wrong_stage');
  conflict(await act(cs, p.id, 'close'), 'wrong_stage');
  conflict(await as.resident.post(`/api/v1/topics/${p.id}/opinions`, { body: '早了', stance: 'for' }), 'wrong_stage');
  conflict(await cs.put(`/api/v1/topics/${p.id}/vote-rule`, HH_RULE()), 'wrong_stage');
  conflict(await as.resident.post(`/api/v1/topics/${p.id}/votes`, { choices: [0] }), 'wrong_stage');
  const d = await deliberating();
  conflict(await act(cs, d, 'open_voting'), 'no_vote_rule');
  // A window not open yet, a second ballot.
  assert.equal((await cs.put(`/api/v1/topics/${d}/vote-rule`, { ...HH_RULE(), opens_at: iso(3600), closes_at: iso(7200) })).status, 200);
  await move(cs, d, 'open_voting');
  conflict(await as.resident.post(`/api/v1/topics/${d}/votes`, { choices: [0] }), 'voting_not_open');
  const v = await deliberating();
  assert.equal((await cs.put(`/api/v1/topics/${v}/vote-rule`, HH_RULE())).status, 200);
  await move(cs, v, 'open_voting');
  assert.equal((await as.resident.post(`/api/v1/topics/${v}/votes`, { choices: [0] })).status, 201);
  conflict(await as.resident.post(`/api/v1/topics/${v}/votes`, { choices: [1] }), 'already_voted');
  await move(cs, v, 'close_voting');
  conflict(await act(cs, v, 'start_implementation'), 'no_decision');
  conflict(await act(cs, v, 'publish_notice'), 'implement_first');
  // A vote that did not pass: no decision.
  const np = await deliberating();
  assert.equal((await cs.put(`/api/v1/topics/${np}/vote-rule`, HH_RULE())).status, 200);
  await move(cs, np, 'open_voting');
  await move(cs, np, 'close_voting');
  conflict(await cs.put(`/api/v1/topics/${np}/decision`, { text: '照办' }), 'vote_not_passed');
  conflict(await act(cs, np, 'start_implementation'), 'vote_not_passed');
  // Reports twice.
  const o = await as.resident.post(`/api/v1/topics/${d}/opinions`, { body: 'x', stance: 'for' });
  assert.equal(o.status, 409); // voting: opinions closed
  const c2 = await deliberating();
  const op = await as.resident.post(`/api/v1/topics/${c2}/opinions`, { body: '意见', stance: 'for' });
  assert.equal((await as.grid.post(`/api/v1/topics/${c2}/opinions/${op.json.id}/reports`, { reason: '离题' })).status, 201);
  conflict(await as.grid.post(`/api/v1/topics/${c2}/opinions/${op.json.id}/reports`, { reason: '再次' }), 'already_reported');

  // The notice: an objection, the period still running, then over; answered; closed.
  const id = await decided();
  await move(cs, id, 'start_implementation');
  await move(cs, id, 'publish_notice', { notice_days: 1 });
  const ob = await as.resident.post(`/api/v1/topics/${id}/objections`, { body: '请说明费用' });
  assert.equal(ob.status, 201, ob.text);
  conflict(await act(cs, id, 'close'), 'notice_not_over');
  endNotice(id);
  conflict(await act(cs, id, 'close'), 'open_objections');
  conflict(await as.resident.post(`/api/v1/topics/${id}/objections`, { body: '晚了' }), 'notice_over');
  assert.equal((await cs.put(`/api/v1/topics/${id}/objections/${ob.json.id}`, { answer: '费用按楼层分摊' })).status, 200);
  conflict(await cs.put(`/api/v1/topics/${id}/objections/${ob.json.id}`, { answer: '再答' }), 'already_answered');
  isError(await as.resident.post(`/api/v1/topics/${id}/actions`, { action: 'close' }), 403);
  const stages = (await notes(as.resident, 'topic_stage')).length;
  const closed = await move(cs, id, 'close');
  assert.equal(closed.stage, 'closed');
  assert.equal((await notes(as.resident, 'topic_stage')).length, stages + 1, 'the proposer is told it closed');
  conflict(await act(cs, id, 'close'), 'wrong_stage');
  conflict(await as.resident.post(`/api/v1/topics/${id}/objections`, { body: '关闭后' }), 'wrong_stage');
  // The existing fields stay: code and message.
  const r = await act(cs, id, 'dismiss', { reason: 'x' });
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message', 'reason']);
});
