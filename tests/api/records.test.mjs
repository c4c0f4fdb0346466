// records.test.mjs - the generic record routes for every kind: create, read, change, list,
// delete; filters, pagination and search; and bad input of every sort, each answered with
// a 4xx naming the field and leaving the store as it was (checked by reading back).
//
// One demo server for the file; community staff (who may write every kind in their
// community) build a chain of one record of each kind in their first grid, the tests use
// it, and the last test deletes it again. Field rules come from GET /api/v1/meta, so a
// field added to the schema is exercised here without editing this file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, ADMIN_PASSWORD } from '../lib/server.mjs';
import { isError, isList, all, loginAs } from '../lib/check.mjs';

let server;
const as = {};
const home = {};
let meta; // kind name -> kind of GET /api/v1/meta
let grid; // the grid the chain lives in
const ids = {}; // kind -> id of the chain's record
const made = {}; // kind -> the record as created
const M = 'zt' + process.pid.toString(36); // a marker for this run's records

async function login(name) {
  const c = await loginAs(server.url, name);
  home[name] = c.user.grants[0]?.node_id ?? null;
  return c;
}

before(async () => {
  server = await startServer();
  for (const n of ['admin', 'community', 'grid']) as[n] = await login(n);
  const m = await new Client(server.url).get('/api/v1/meta');
  assert.equal(m.status, 200);
  meta = Object.fromEntries(m.json.kinds.map((k) => [k.name, k]));
  const kids = await as.admin.get(`/api/v1/nodes/${home.community}/children`);
  grid = kids.json.items[0].id;
});
after(async () => { if (server) await server.stop(); });

// A request with a raw byte body (for invalid UTF-8).
async function raw(c, method, path, bytes) {
  const res = await fetch(server.url + path, {
    method, body: bytes,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

// Nothing of kind k was created after id: the chain's records are the newest of each kind.
async function nothingAfter(kind, id, what) {
  const r = await as.admin.get(`/api/v1/${kind}?cursor=${id}&limit=5`);
  isList(r);
  assert.deepEqual(r.json.items.map((x) => x.id), [], `${what}: a ${kind} record was created`);
}

const USCC = (s) => (s + '91360100MA00000000').slice(0, 18).toUpperCase();

// The chain, in creation order: a valid body per kind and a change to make.
const chain = [
  ['buildings', () => ({ grid_id: grid, number: M + '栋', name: '测试楼' + M, address: '测试路1号', floors: 6,
    built_year: 1999, lat: 28.6, lon: 115.8 }), { name: '改名楼' + M, floors: 7 }],
  ['units', () => ({ building_id: ids.buildings, number: '1单元', floors: 6 }), { floors: 5 }],
  ['households', () => ({ unit_id: ids.units, room: '101', area_m2: 88.5, head_name: '张三丰', phone: '13800001111',
    n_people: 3, occupancy: 'rented' }), { n_people: 4, occupancy: 'owner_occupied', phone: null }],
  ['residents', () => ({ household_id: ids.households, name: '张三丰', gender: 'male', birth_year: 1980,
    id_number: '36010219800101001X', phone: '13800001111', relation: 'head' }), { relation: 'other' }],
  ['party_orgs', () => ({ node_id: grid, kind: 'group', name: '测试党小组' + M, code: M + '-PO',
    building_id: ids.buildings, founded_on: '2020-01-01' }), { name: '改名党小组' + M, founded_on: '2020-02-29' }],
  ['party_members', () => ({ node_id: grid, org_id: ids.party_orgs, name: '李四', gender: 'female', birth_year: 1975,
    phone: '13900002222', joined_on: '2001-07-01', in_service: true, work_unit: '测试单位', registered_on: '2019-03-01',
    household_id: ids.households }), { in_service: false }],
  ['posts', () => ({ kind: 'unit_leader', person_name: '李四', phone: '13900002222', member_id: ids.party_members,
    unit_id: ids.units, since: '2022-01-01' }), { since: '2023-02-03' }],
  ['member_households', () => ({ member_id: ids.party_members, household_id: ids.households, since: '2022-01-01' }),
    { since: '2022-05-05' }],
  ['organisations', () => ({ node_id: grid, kind: 'volunteer_team', name: '测试志愿队' + M, code: USCC(M),
    party_org_id: ids.party_orgs, contact_name: '王五', phone: '13700003333', address: '测试路2号' }),
  { address: '测试路3号' }],
  ['cobuild_links', () => ({ party_org_id: ids.party_orgs, organisation_id: ids.organisations, title: '共建' + M,
    signed_on: '2024-01-01', ends_on: '2026-12-31', content: '联合开展志愿服务' }), { title: '共建二' + M }],
];

function isRecord(kind, rec, sent) {
  const fields = meta[kind].fields.map((f) => f.name);
  const keys = Object.keys(rec).filter((k) => k !== 'masked');
  assert.deepEqual(keys.sort(), ['id', ...fields, 'ancestors', 'updated_at'].sort(), kind + ' keys');
  assert.ok(Number.isInteger(rec.id) && rec.id > 0);
  assert.deepEqual(Object.keys(rec.ancestors).sort(), ['city_id', 'community_id', 'district_id', 'grid_id', 'street_id']);
  assert.match(rec.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  for (const [k, v] of Object.entries(sent || {})) assert.deepEqual(rec[k], v, `${kind}.${k}`);
}

test('meta lists every kind with its fields, without a login', () => {
  assert.deepEqual(Object.keys(meta).sort(), ['buildings', 'cobuild_links', 'households', 'member_households', 'nodes',
    'organisations', 'party_members', 'party_orgs', 'posts', 'residents', 'units'].sort());
  for (const k of Object.values(meta)) {
    assert.ok(k.label_zh && k.fields.length);
    for (const f of k.fields) {
      assert.ok(['integer', 'number', 'string', 'enum', 'boolean', 'date', 'ref'].includes(f.type), f.name);
      if (f.type === 'string') assert.ok(f.max_len > 0);
      if (f.type === 'enum') assert.ok(f.enum.length > 0);
      if (f.type === 'ref') assert.ok(meta[f.ref], `${k.name}.${f.name} refers to ${f.ref}`);
    }
  }
  assert.deepEqual(chain.map((c) => c[0]).sort(), Object.keys(meta).filter((k) => k !== 'nodes').sort(),
    'the chain covers every record kind');
});

test('create, read, change and list one record of every kind', async () => {
  const c = as.community;
  for (const [kind, body, change] of chain) {
    const sent = body();
    const r = await c.post('/api/v1/' + kind, sent);
    assert.equal(r.status, 201, `${kind}: ${r.text}`);
    isRecord(kind, r.json, sent);
    assert.equal(r.json.ancestors.grid_id, grid, kind);
    assert.equal(r.json.ancestors.community_id, home.community, kind);
    assert.equal(r.json.masked, undefined, 'community staff see personal data whole');
    ids[kind] = r.json.id;

    const g = await c.get(`/api/v1/${kind}/${r.json.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.json, r.json, kind + ' reads back as created');

    const p = await c.patch(`/api/v1/${kind}/${r.json.id}`, change);
    assert.equal(p.status, 200, `${kind} PATCH: ${p.text}`);
    isRecord(kind, p.json, { ...sent, ...change });
    const g2 = await c.get(`/api/v1/${kind}/${r.json.id}`);
    assert.deepEqual(g2.json, p.json, kind + ' reads back as changed');
    made[kind] = g2.json;

    const l = await all(c, `/api/v1/${kind}?under=${grid}`);
    assert.ok(l.some((x) => x.id === r.json.id), kind + ' is listed under its grid');
    assert.deepEqual(l.find((x) => x.id === r.json.id), g2.json, 'listed as read');
  }
});

test('derived fields follow the records they count, and cannot be written', async () => {
  const c = as.community;
  assert.equal((await c.get('/api/v1/units/' + ids.units)).json.has_leader, true, 'a unit leader post leads the unit');
  assert.equal((await c.get('/api/v1/households/' + ids.households)).json.n_links, 1, 'one member links the household');
  assert.equal((await c.get('/api/v1/buildings/' + ids.buildings)).json.has_leader, false);
  isError(await c.patch('/api/v1/buildings/' + ids.buildings, { has_leader: true }), 400, 'has_leader');
  isError(await c.patch('/api/v1/households/' + ids.households, { n_links: 0 }), 400, 'n_links');
  assert.equal((await c.get('/api/v1/buildings/' + ids.buildings)).json.has_leader, false);
});

// Bad values for one field, from its description in meta.
function badValues(f) {
  const out = [];
  if (f.derived) return [[f.type === 'boolean' ? true : 1, 'derived']];
  switch (f.type) {
    case 'string':
      out.push([12345, 'a number'], [['a'], 'an array'], [{ a: 1 }, 'an object'], [true, 'a boolean'],
        ['x'.repeat(f.max_len + 1), 'one ASCII character too long'],
        ['字'.repeat(f.max_len + 1), 'one character too long']);
      if (f.required) out.push(['', 'empty']);
      break;
    case 'enum':
      out.push(['bogus', 'not one of the values'], [f.enum[0].toUpperCase(), 'in capitals'], [1, 'a number']);
      break;
    case 'integer':
      out.push([f.min - 1, 'below the minimum'], [f.max + 1, 'above the maximum'], [1.5, 'a fraction'],
        [String(f.min), 'a string'], [true, 'a boolean']);
      break;
    case 'number':
      out.push([f.min - 1, 'below the minimum'], [f.max + 1, 'above the maximum'], ['1', 'a string']);
      break;
    case 'boolean':
      out.push(['true', 'a string'], [1, 'a number']);
      break;
    case 'date':
      out.push(['2023-02-30', 'no such day'], ['2023-13-01', 'no such month'], ['20230101', 'no dashes'],
        ['2023-1-1', 'short'], [20230101, 'a number'], ['2023-01-01T00:00:00Z', 'a time']);
      break;
    case 'ref':
      out.push([999999999, 'an unknown id'], [0, 'zero'], [-1, 'negative'], ['1', 'a string'], [1.5, 'a fraction']);
      break;
    default:
      throw new Error('unknown type ' + f.type);
  }
  if (f.required) out.push([null, 'null for a required field']);
  return out;
}

test('POST rejects every bad value of every field of every kind with 400 naming it', async () => {
  const c = as.community;
  let n = 0;
  for (const [kind, body] of chain) {
    const good = body();
    for (const f of meta[kind].fields) {
      for (const [value, what] of badValues(f)) {
        const r = await c.post('/api/v1/' + kind, { ...good, [f.name]: value });
        assert.equal(r.status, 400, `${kind}.${f.name} ${what}: ${r.status} ${r.text}`);
        assert.equal(r.json.error.field, f.name, `${kind}.${f.name} ${what}: ${r.text}`);
        n++;
      }
      if (f.required) {
        const missing = { ...good };
        delete missing[f.name];
        isError(await c.post('/api/v1/' + kind, missing), 400, f.name);
      }
    }
    isError(await c.post('/api/v1/' + kind, { ...good, colour: 'red' }), 400, 'colour');
    isError(await c.post('/api/v1/' + kind, { ...good, id: 5 }), 400, 'id');
    isError(await c.post('/api/v1/' + kind, { ...good, ancestors: {} }), 400, 'ancestors');
    await nothingAfter(kind, ids[kind], kind);
  }
  assert.ok(n > 150, 'bad values tried: ' + n);
});

test('PATCH rejects bad values, immutable and derived fields, and changes nothing', async () => {
  const c = as.community;
  for (const [kind] of chain) {
    const id = ids[kind];
    const before = (await c.get(`/api/v1/${kind}/${id}`)).json;
    for (const f of meta[kind].fields) {
      if (f.immutable) {
        isError(await c.patch(`/api/v1/${kind}/${id}`, { [f.name]: before[f.name] }), 400, f.name);
        continue;
      }
      for (const [value, what] of badValues(f)) {
        const r = await c.patch(`/api/v1/${kind}/${id}`, { [f.name]: value });
        assert.equal(r.status, 400, `PATCH ${kind}.${f.name} ${what}: ${r.status} ${r.text}`);
        assert.equal(r.json.error.field, f.name, `PATCH ${kind}.${f.name} ${what}`);
      }
    }
    // A valid change together with a bad one: all or nothing.
    const text = meta[kind].fields.find((f) => f.type === 'string' && !f.immutable && !f.personal);
    if (text) {
      const r = await c.patch(`/api/v1/${kind}/${id}`, { [text.name]: 'ok', bogus: 1 });
      isError(r, 400, 'bogus');
    }
    isError(await c.patch(`/api/v1/${kind}/${id}`, { id: 1 }), 400, 'id');
    const after = (await c.get(`/api/v1/${kind}/${id}`)).json;
    assert.deepEqual(after, before, kind + ' is unchanged');
  }
});

test('malformed bodies: 400 on POST and PATCH, nothing changed', async () => {
  const c = as.community;
  const bodies = ['{', '{"number": }', '[]', '[{"number": "1"}]', '"text"', '42', 'null', '',
    '{"number": "1", "number": "2"}', "{'number': '1'}", '{"number": "\\ud800"}', '{"number": "a\\u0000b"}',
    '{"grid_id": 1e999}', '{"grid_id": 99999999999999999999999}'];
  for (const b of bodies) {
    const r = await c.post('/api/v1/buildings', b);
    assert.equal(r.status, 400, `POST ${JSON.stringify(b)}: ${r.status} ${r.text}`);
    assert.ok(['invalid_json', 'invalid'].includes(r.json.error.code), r.text);
    const p = await c.patch('/api/v1/buildings/' + ids.buildings, b);
    assert.equal(p.status, 400, `PATCH ${JSON.stringify(b)}: ${p.status} ${p.text}`);
  }
  // Invalid UTF-8 inside a string value.
  const bad = Buffer.concat([Buffer.from(`{"grid_id": ${grid}, "number": "`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
  const r = await raw(c, 'POST', '/api/v1/buildings', bad);
  assert.equal(r.status, 400, r.text);
  const overlong = Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
  const p = await raw(c, 'PATCH', '/api/v1/buildings/' + ids.buildings, overlong);
  assert.equal(p.status, 400, p.text);
  await nothingAfter('buildings', ids.buildings, 'malformed bodies');
  assert.deepEqual((await c.get('/api/v1/buildings/' + ids.buildings)).json, made.buildings);
});

test('duplicates answer 409 naming the field; references of the wrong kind or level 400', async () => {
  const c = as.community;
  const b = chain[0][1]();
  isError(await c.post('/api/v1/buildings', b), 409, 'number');
  isError(await c.post('/api/v1/units', chain[1][1]()), 409, 'number');
  isError(await c.post('/api/v1/households', chain[2][1]()), 409, 'room');
  isError(await c.post('/api/v1/party_orgs', { ...chain[4][1](), name: 'another' }), 409, 'code');
  isError(await c.post('/api/v1/organisations', { ...chain[8][1](), name: 'another' }), 409, 'code');
  const mh = await c.post('/api/v1/member_households', chain[7][1]());
  assert.equal(mh.status, 409, mh.text);
  assert.ok(['member_id', 'household_id'].includes(mh.json.error.field), mh.text);
  // A demo code taken by another record, through PATCH.
  const other = (await c.get(`/api/v1/party_orgs?under=${grid}&limit=1`)).json.items[0];
  assert.notEqual(other.id, ids.party_orgs);
  isError(await c.patch('/api/v1/party_orgs/' + ids.party_orgs, { code: other.code }), 409, 'code');
  // A building in a community instead of a grid.
  isError(await c.post('/api/v1/buildings', { ...b, number: 'L1', grid_id: home.community }), 400, 'grid_id');
  // Cross-field rules of posts.
  const post = { person_name: '赵六' };
  isError(await c.post('/api/v1/posts', { ...post, kind: 'building_leader' }), 400, 'building_id');
  isError(await c.post('/api/v1/posts', { ...post, kind: 'unit_leader', building_id: ids.buildings }), 400, 'unit_id');
  isError(await c.post('/api/v1/posts', { ...post, kind: 'secretary', node_id: grid }), 400, 'org_id');
  isError(await c.post('/api/v1/posts', { ...post, kind: 'grid_worker', building_id: ids.buildings }), 400, 'node_id');
  for (const k of ['buildings', 'units', 'households', 'party_orgs', 'organisations', 'member_households', 'posts']) {
    await nothingAfter(k, ids[k], 'duplicates');
  }
  assert.deepEqual((await c.get('/api/v1/party_orgs/' + ids.party_orgs)).json, made.party_orgs);
});

test('filters: references, enums, booleans, null and under', async () => {
  const c = as.community;
  let l = await all(c, `/api/v1/units?building_id=${ids.buildings}`);
  assert.deepEqual(l.map((x) => x.id), [ids.units]);
  l = await all(c, `/api/v1/posts?kind=unit_leader&unit_id=${ids.units}`);
  assert.deepEqual(l.map((x) => x.id), [ids.posts]);
  l = await all(c, `/api/v1/posts?kind=building_leader&unit_id=${ids.units}`);
  assert.deepEqual(l, []);
  l = await all(c, `/api/v1/party_orgs?kind=branch&under=${home.community}`);
  assert.ok(l.length > 0);
  l.forEach((x) => assert.equal(x.kind, 'branch'));
  l = await all(c, `/api/v1/party_members?under=${grid}&in_service=false`);
  assert.ok(l.some((x) => x.id === ids.party_members));
  l.forEach((x) => assert.equal(x.in_service, false));
  l = await all(c, `/api/v1/party_members?under=${grid}&org_id=null`);
  l.forEach((x) => assert.equal(x.org_id, null));
  assert.ok(!l.some((x) => x.id === ids.party_members));
  l = await all(c, `/api/v1/households?under=${grid}`);
  assert.ok(l.length > 1);
  l.forEach((x) => assert.equal(x.ancestors.grid_id, grid));

  isError(await c.get('/api/v1/party_orgs?kind=bogus'), 400, 'kind');
  isError(await c.get('/api/v1/units?building_id=abc'), 400, 'building_id');
  isError(await c.get('/api/v1/units?building_id=-3'), 400, 'building_id');
  isError(await c.get('/api/v1/units?under=abc'), 400, 'under');
  isError(await c.get('/api/v1/units?under=99999999'), 404);
});

test('pagination: limit and cursor walk every record once, in id order', async () => {
  const c = as.community;
  const whole = await c.get(`/api/v1/households?under=${grid}&limit=500`);
  isList(whole);
  assert.equal(whole.json.next, null);
  const paged = await all(c, `/api/v1/households?under=${grid}`, 7);
  assert.deepEqual(paged.map((x) => x.id), whole.json.items.map((x) => x.id));
  const first = await c.get(`/api/v1/households?under=${grid}&limit=7`);
  assert.equal(first.json.items.length, 7);
  assert.equal(typeof first.json.next, 'string');
  // The default page is 50.
  const dflt = await c.get('/api/v1/households');
  assert.equal(dflt.json.items.length, 50);
  for (const [q, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['limit=abc', 'limit'], ['limit=1.5', 'limit'],
    ['limit=', 'limit'], ['cursor=-1', 'cursor'], ['cursor=abc', 'cursor'], ['cursor=1e3', 'cursor']]) {
    isError(await c.get('/api/v1/households?' + q), 400, field);
  }
});

test('search: ?q= matches searchable fields, literally', async () => {
  const c = as.community;
  let l = await all(c, '/api/v1/buildings?q=' + encodeURIComponent(M));
  assert.deepEqual(l.map((x) => x.id), [ids.buildings]);
  l = await all(c, '/api/v1/buildings?q=' + encodeURIComponent('改名楼'));
  assert.ok(l.some((x) => x.id === ids.buildings));
  for (const wild of ['%', '_', '\\']) {
    l = await all(as.admin, '/api/v1/buildings?q=' + encodeURIComponent(wild));
    for (const x of l) {
      assert.ok([x.number, x.name, x.address].some((s) => s && s.includes(wild)), `q=${wild} matched ${x.number}`);
    }
  }
  l = await all(c, `/api/v1/buildings?q=${encodeURIComponent(M)}&under=${grid}`);
  assert.equal(l.length, 1);
  isError(await c.get('/api/v1/buildings?q=' + 'x'.repeat(201)), 400, 'q');
  isError(await c.get('/api/v1/buildings?q=%FF%FE'), 400, 'q');
  isError(await c.get('/api/v1/buildings?q=%C0%AF'), 400, 'q');
});

test('unknown kinds and ids answer 404', async () => {
  const c = as.community;
  for (const p of ['/api/v1/widgets', '/api/v1/widgets/1', '/api/v1/buildings/abc', '/api/v1/buildings/0',
    '/api/v1/buildings/-1', '/api/v1/buildings/99999999', '/api/v1/buildings/1.5', '/api/v1/Buildings']) {
    isError(await c.get(p), 404);
  }
  isError(await c.post('/api/v1/widgets', { a: 1 }), 404);
  isError(await c.patch('/api/v1/buildings/99999999', { name: 'x' }), 404);
  isError(await c.del('/api/v1/buildings/99999999'), 404);
});

test('writes need a role that may write there', async () => {
  // A grid worker keeps households current but may not create party organisations.
  const w = as.grid;
  const r = await w.post('/api/v1/party_orgs', { ...chain[4][1](), code: M + '-W', name: 'w' });
  assert.equal(r.status, 403, r.text);
  isError(await w.patch('/api/v1/party_orgs/' + ids.party_orgs, { name: 'w' }), grid === home.grid ? 403 : 404);
  await nothingAfter('party_orgs', ids.party_orgs, 'grid worker');
  assert.deepEqual((await as.admin.get('/api/v1/party_orgs/' + ids.party_orgs)).json, made.party_orgs);
});

test('delete: 409 while referred to, then 204 in order, and gone', async () => {
  const c = as.community;
  for (const kind of ['buildings', 'units', 'households', 'party_orgs', 'party_members', 'organisations']) {
    isError(await c.del(`/api/v1/${kind}/${ids[kind]}`), 409);
    assert.equal((await c.get(`/api/v1/${kind}/${ids[kind]}`)).status, 200, kind + ' is still there');
  }
  for (const [kind] of [...chain].reverse()) {
    const r = await c.del(`/api/v1/${kind}/${ids[kind]}`);
    assert.equal(r.status, 204, `${kind}: ${r.text}`);
    assert.equal(r.text, '');
    isError(await c.get(`/api/v1/${kind}/${ids[kind]}`), 404);
    isError(await c.del(`/api/v1/${kind}/${ids[kind]}`), 404);
  }
  assert.deepEqual(await all(c, '/api/v1/buildings?q=' + encodeURIComponent(M)), []);
});
