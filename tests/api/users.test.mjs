// users.test.mjs - accounts and their grants: who may create whom where, the shape of a
// user, bad input (each answered naming the field and creating nothing), listing and
// reading users within scope.
//
// One demo server for the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, ADMIN_PASSWORD } from '../lib/server.mjs';
import { isError, all } from '../lib/check.mjs';

let server;
const as = {};
const grant = {};
const ROLES = ['resident', 'unit_leader', 'building_leader', 'grid_worker', 'community_staff', 'street_staff',
  'department_handler', 'district_staff', 'city_staff', 'admin'];
let seq = 0;
const newLogin = (p = 'u') => `${p}${process.pid % 10000}_${++seq}`;
const PW = 'correct-horse-9';

async function login(name, pw) {
  const c = new Client(server.url);
  const r = await c.login(name, pw ?? (name === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD));
  return { c, r };
}

before(async () => {
  server = await startServer();
  for (const n of ['admin', 'city', 'district', 'street', 'community', 'grid', 'dept']) {
    const { c, r } = await login(n);
    assert.equal(r.status, 200, `login ${n}: ${r.text}`);
    as[n] = c;
    grant[n] = r.json.user.grants[0];
  }
});
after(async () => { if (server) await server.stop(); });

function isUser(u) {
  assert.deepEqual(Object.keys(u).sort(), ['grants', 'id', 'login', 'name']);
  assert.ok(Number.isInteger(u.id));
  for (const g of u.grants) {
    assert.deepEqual(Object.keys(g).sort(), ['node_id', 'organisation_id', 'role']);
    assert.ok(ROLES.includes(g.role), g.role);
    if (g.role === 'admin' && g.node_id === null && g.organisation_id === null) continue; // everywhere
    assert.ok((g.node_id === null) !== (g.organisation_id === null), 'a node or an organisation');
  }
  assert.ok(!('password' in u) && !('pw_hash' in u));
}

// The login does not exist: it cannot log in and no user lists it.
async function absent(loginName) {
  const users = await all(as.admin, '/api/v1/users');
  assert.ok(!users.some((u) => u.login === loginName), `${loginName} must not exist`);
}

test('admin creates a user with grants; the user logs in and reads itself', async () => {
  const l = newLogin();
  const r = await as.admin.post('/api/v1/users', {
    login: l, password: PW, name: '测试网格员',
    grants: [{ role: 'grid_worker', node_id: grant.grid.node_id }, { role: 'resident', node_id: grant.grid.node_id }],
  });
  assert.equal(r.status, 201, r.text);
  isUser(r.json);
  assert.equal(r.json.login, l);
  assert.equal(r.json.name, '测试网格员');
  assert.deepEqual(r.json.grants.map((g) => [g.role, g.node_id]).sort(),
    [['grid_worker', grant.grid.node_id], ['resident', grant.grid.node_id]].sort());

  const { c, r: s } = await login(l, PW);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.user.id, r.json.id);
  const me = await c.get('/api/v1/users/' + r.json.id);
  assert.equal(me.status, 200);
  assert.deepEqual(me.json, r.json);
  const top = await c.get('/api/v1/nodes');
  assert.deepEqual(top.json.items.map((n) => n.id), [grant.grid.node_id]);
  assert.deepEqual((await as.admin.get('/api/v1/users/' + r.json.id)).json, r.json);
});

test('community staff grant roles below theirs inside their community only', async () => {
  const c = as.community;
  const C = grant.community.node_id;
  const grids = (await c.get(`/api/v1/nodes/${C}/children`)).json.items;
  for (const role of ['resident', 'unit_leader', 'building_leader', 'grid_worker']) {
    const l = newLogin('c');
    const r = await c.post('/api/v1/users', { login: l, password: PW, name: role, grants: [{ role, node_id: grids[1].id }] });
    assert.equal(r.status, 201, `${role}: ${r.text}`);
    isUser(r.json);
  }
  // Their own role and above: 403, nothing created.
  for (const role of ['community_staff', 'street_staff', 'district_staff', 'city_staff', 'admin', 'department_handler']) {
    const l = newLogin('c');
    const r = await c.post('/api/v1/users', { login: l, password: PW, name: role, grants: [{ role, node_id: C }] });
    isError(r, 403, 'grants');
    assert.equal(r.json.error.code, 'forbidden');
    await absent(l);
  }
  // Outside the community: refused (4xx) and nothing created.
  const other = (await all(as.admin, `/api/v1/nodes/${grant.street.node_id}/children`)).find((n) => n.id !== C);
  const l = newLogin('c');
  const r = await c.post('/api/v1/users', { login: l, password: PW, name: 'x', grants: [{ role: 'resident', node_id: other.id }] });
  assert.ok(r.status === 400 || r.status === 403 || r.status === 404, r.text);
  if (r.status === 400) assert.equal(r.json.error.field, 'node_id');
  await absent(l);
  // One good grant and one bad: all or nothing.
  const l2 = newLogin('c');
  const r2 = await c.post('/api/v1/users', { login: l2, password: PW, name: 'x',
    grants: [{ role: 'resident', node_id: grids[0].id }, { role: 'admin', node_id: grids[0].id }] });
  isError(r2, 403, 'grants');
  await absent(l2);
});

test('who may grant what', async () => {
  const cases = [
    // [caller, role, node, expected status]
    ['grid', 'resident', grant.grid.node_id, 403],
    ['dept', 'resident', grant.grid.node_id, 403],
    ['street', 'community_staff', grant.community.node_id, 201],
    ['street', 'street_staff', grant.street.node_id, 403],
    ['street', 'department_handler', grant.street.node_id, 403],
    ['district', 'department_handler', grant.district.node_id, 201],
    ['district', 'street_staff', grant.street.node_id, 201],
    ['district', 'district_staff', grant.district.node_id, 403],
    ['city', 'district_staff', grant.district.node_id, 201],
    ['city', 'city_staff', grant.city.node_id, 403],
    ['city', 'admin', grant.city.node_id, 403],
    ['admin', 'admin', grant.city.node_id, 201],
    ['admin', 'city_staff', grant.city.node_id, 201],
  ];
  for (const [who, role, node, status] of cases) {
    const l = newLogin('g');
    const r = await as[who].post('/api/v1/users', { login: l, password: PW, name: role, grants: [{ role, node_id: node }] });
    assert.equal(r.status, status, `${who} grants ${role}: ${r.text}`);
    if (status === 403) { assert.equal(r.json.error.code, 'forbidden'); await absent(l); }
  }
  // An organisation grant (a department handler of a department).
  const l = newLogin('o');
  const r = await as.district.post('/api/v1/users', { login: l, password: PW, name: '处置员',
    grants: [{ role: 'department_handler', organisation_id: grant.dept.organisation_id }] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.grants, [{ role: 'department_handler', node_id: null, organisation_id: grant.dept.organisation_id }]);
});

test('bad input names the field and creates nothing', async () => {
  const node = grant.grid.node_id;
  const base = () => ({ login: newLogin('b'), password: PW, name: '某人', grants: [{ role: 'resident', node_id: node }] });
  const cases = [
    [(b) => ({ ...b, login: 'AB' }), 'login'],
    [(b) => ({ ...b, login: 'Upper' }), 'login'],
    [(b) => ({ ...b, login: 'has space' }), 'login'],
    [(b) => ({ ...b, login: 'x'.repeat(33) }), 'login'],
    [(b) => ({ ...b, login: '张三' }), 'login'],
    [(b) => ({ ...b, login: 5 }), 'login'],
    [(b) => ({ ...b, login: undefined }), 'login'],
    [(b) => ({ ...b, password: 'short' }), 'password'],
    [(b) => ({ ...b, password: 'p'.repeat(129) }), 'password'],
    [(b) => ({ ...b, password: 12345678 }), 'password'],
    [(b) => ({ ...b, password: undefined }), 'password'],
    [(b) => ({ ...b, name: '' }), 'name'],
    [(b) => ({ ...b, name: '名'.repeat(33) }), 'name'],
    [(b) => ({ ...b, name: null }), 'name'],
    [(b) => ({ ...b, name: ['a'] }), 'name'],
    [(b) => ({ ...b, grants: [] }), 'grants'],
    [(b) => ({ ...b, grants: {} }), 'grants'],
    [(b) => ({ ...b, grants: undefined }), 'grants'],
    [(b) => ({ ...b, grants: Array.from({ length: 17 }, () => ({ role: 'resident', node_id: node })) }), 'grants'],
    [(b) => ({ ...b, grants: [{ role: 'mayor', node_id: node }] }), 'grants'],
    [(b) => ({ ...b, grants: [{ role: 'resident' }] }), 'grants'],
    [(b) => ({ ...b, grants: [{ role: 'resident', node_id: node, organisation_id: 1 }] }), 'grants'],
    [(b) => ({ ...b, grants: [{ role: 'resident', node_id: node, extra: 1 }] }), 'grants'],
    [(b) => ({ ...b, grants: [{ role: 'resident', node_id: '5' }] }), 'grants'],
    [(b) => ({ ...b, grants: [{ role: 'resident', node_id: 99999999 }] }), 'node_id'],
    [(b) => ({ ...b, grants: [{ role: 'department_handler', organisation_id: 99999999 }] }), 'organisation_id'],
    [(b) => ({ ...b, email: 'a@b.c' }), 'email'],
  ];
  const wrong = [];
  for (const [make, field] of cases) {
    const b = make(base());
    const r = await as.admin.post('/api/v1/users', b);
    if (r.status !== 400 || r.json?.error?.field !== field) {
      wrong.push(`${JSON.stringify(b).slice(0, 90)} -> ${r.status} ${r.text} (want 400 naming ${field})`);
    }
    if (typeof b.login === 'string') await absent(b.login);
  }
  assert.deepEqual(wrong, [], 'POST /api/v1/users bad input');
  for (const body of ['{', '[]', '', '{"login":"a","login":"b"}']) {
    isError(await as.admin.post('/api/v1/users', body), 400);
  }
  const bad = Buffer.concat([Buffer.from(`{"login":"utf8bad","password":"${PW}","name":"`), Buffer.from([0xff]),
    Buffer.from(`","grants":[{"role":"resident","node_id":${node}}]}`)]);
  const res = await fetch(server.url + '/api/v1/users', { method: 'POST', body: bad,
    headers: { cookie: as.admin.cookie, 'x-csrf-token': as.admin.csrf, 'content-type': 'application/json' } });
  assert.equal(res.status, 400);
  await absent('utf8bad');
});

test('a login is taken only once: 409 naming login', async () => {
  const b = { login: newLogin('d'), password: PW, name: '甲', grants: [{ role: 'resident', node_id: grant.grid.node_id }] };
  assert.equal((await as.admin.post('/api/v1/users', b)).status, 201);
  isError(await as.admin.post('/api/v1/users', { ...b, name: '乙' }), 409, 'login');
  isError(await as.admin.post('/api/v1/users', { ...b, login: 'grid' }), 409, 'login');
  const users = (await all(as.admin, '/api/v1/users')).filter((u) => u.login === b.login);
  assert.equal(users.length, 1);
  assert.equal(users[0].name, '甲');
});

test('listing users: within scope, paged; reading one outside scope is 404', async () => {
  const every = await all(as.admin, '/api/v1/users');
  every.forEach(isUser);
  assert.ok(every.some((u) => u.login === 'admin'));
  const paged = await all(as.admin, '/api/v1/users', 3);
  assert.deepEqual(paged.map((u) => u.id), every.map((u) => u.id));
  isError(await as.admin.get('/api/v1/users?limit=0'), 400, 'limit');
  isError(await as.admin.get('/api/v1/users?cursor=x'), 400, 'cursor');

  const mine = await all(as.community, '/api/v1/users');
  assert.ok(mine.some((u) => u.login === 'grid'));
  assert.ok(!mine.some((u) => u.login === 'district'), 'a district user is not inside a community');
  for (const u of mine) {
    // Every listed user has a grant on a node the caller can see.
    const visible = await Promise.all(u.grants.filter((g) => g.node_id).map((g) => as.community.get('/api/v1/nodes/' + g.node_id)));
    assert.ok(visible.some((r) => r.status === 200), `${u.login} is in scope`);
  }
  const district = every.find((u) => u.login === 'district');
  isError(await as.community.get('/api/v1/users/' + district.id), 404);
  isError(await as.community.get('/api/v1/users/99999999'), 404);
  isError(await as.community.get('/api/v1/users/abc'), 404);
  isError(await as.grid.get('/api/v1/users'), 403);
  isError(await new Client(server.url).get('/api/v1/users'), 401);
  isError(await new Client(server.url).post('/api/v1/users', { login: 'anon' }), 401);
});
