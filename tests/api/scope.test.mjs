// scope.test.mjs - forbidden scope and masked personal data.
//
// A grid worker of grid A cannot read or change grid B, its buildings, units, households
// or anything else in it: such an id answers 404 exactly like one that does not exist.
// Lists hold only what is in scope. Personal fields are masked ("张**", "138****5678",
// "masked": true) for roles that do not need them, in records, lists and search alike.
//
// One demo server; the grants of the demo logins are read from their sessions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, Client, DEMO_PASSWORD, ADMIN_PASSWORD } from '../lib/server.mjs';
import { isError, all, loginAs } from '../lib/check.mjs';

const LOGINS = ['admin', 'city', 'district', 'street', 'community', 'grid', 'grid2', 'building', 'unit', 'resident', 'dept'];
let server;
const as = {};
const grant = {}; // login -> its first grant
let A; // the grid of "grid"
let B; // the grid of "grid2" (another grid of the same community)
const inB = {}; // kind -> a record in grid B
const inA = {}; // kind -> a record in grid A

async function login(name) {
  const c = await loginAs(server.url, name);
  grant[name] = c.user.grants[0];
  return c;
}

const KINDS = ['buildings', 'units', 'households', 'residents', 'party_orgs', 'party_members', 'posts', 'member_households'];

before(async () => {
  server = await startServer();
  for (const n of LOGINS) as[n] = await login(n);
  A = grant.grid.node_id;
  B = grant.grid2.node_id;
  for (const k of KINDS) {
    inA[k] = (await as.admin.get(`/api/v1/${k}?under=${A}&limit=1`)).json.items[0];
    inB[k] = (await as.admin.get(`/api/v1/${k}?under=${B}&limit=1`)).json.items[0];
  }
  // Households with a named head and a phone, to see masking on.
  const named = (g) => as.admin.get(`/api/v1/households?under=${g}&occupancy=owner_occupied&limit=50`)
    .then((r) => r.json.items.find((h) => h.head_name && h.phone && [...h.head_name].length >= 2));
  inA.households = await named(A);
  inB.households = await named(B);
});
after(async () => { if (server) await server.stop(); });

const maskName = (s) => [...s][0] + '*'.repeat(Math.max(1, [...s].length - 1));

test('the demo has two grids with records to compare', () => {
  assert.ok(A && B && A !== B);
  assert.equal(grant.grid.role, 'grid_worker');
  assert.equal(grant.grid2.role, 'grid_worker');
  for (const k of KINDS) {
    assert.ok(inA[k], `a ${k} record in grid A`);
    assert.ok(inB[k], `a ${k} record in grid B`);
    assert.equal(inB[k].ancestors.grid_id, B);
  }
});

test('a grid worker reads grid B and its records as if they did not exist', async () => {
  const w = as.grid;
  const gone = async (path, missing) => {
    const r = await w.get(path);
    const m = await w.get(missing);
    isError(r, 404);
    assert.deepEqual(r.json, m.json, `${path} reveals nothing more than ${missing}`);
    assert.ok(!r.text.includes(String(B)) || path.includes(String(B)), 'no ids leak');
  };
  await gone(`/api/v1/nodes/${B}`, '/api/v1/nodes/99999999');
  await gone(`/api/v1/nodes/${B}/children`, '/api/v1/nodes/99999999/children');
  await gone(`/api/v1/nodes/${B}/boundary`, '/api/v1/nodes/99999999/boundary');
  await gone(`/api/v1/nodes/${B}/coverage`, '/api/v1/nodes/99999999/coverage');
  await gone(`/api/v1/geo?under=${B}`, '/api/v1/geo?under=99999999');
  await gone(`/api/v1/nodes?level=grid&under=${B}`, '/api/v1/nodes?level=grid&under=99999999');
  await gone(`/api/v1/nodes/${grant.community.node_id}`, '/api/v1/nodes/99999999');
  for (const k of KINDS) {
    await gone(`/api/v1/${k}/${inB[k].id}`, `/api/v1/${k}/99999999`);
    await gone(`/api/v1/${k}?under=${B}`, `/api/v1/${k}?under=99999999`);
  }
  // HEAD too.
  const h = await w.req('HEAD', `/api/v1/households/${inB.households.id}`);
  assert.equal(h.status, 404);
});

test('lists hold only the caller\'s grid, whatever the filters say', async () => {
  const w = as.grid;
  for (const k of KINDS) {
    const l = await all(w, `/api/v1/${k}`);
    assert.ok(l.length > 0, k);
    l.forEach((x) => assert.equal(x.ancestors.grid_id, A, `${k} ${x.id} listed for grid A`));
  }
  assert.deepEqual(await all(w, `/api/v1/buildings?grid_id=${B}`), []);
  assert.deepEqual(await all(w, `/api/v1/units?building_id=${inB.buildings.id}`), []);
  assert.deepEqual(await all(w, `/api/v1/households?unit_id=${inB.units.id}`), []);
  const q = await all(w, '/api/v1/households?q=' + encodeURIComponent(inB.households.head_name));
  q.forEach((x) => assert.equal(x.ancestors.grid_id, A));
  assert.ok(!q.some((x) => x.id === inB.households.id));
  const nodes = await all(w, '/api/v1/nodes?level=grid');
  assert.deepEqual(nodes.map((n) => n.id), [A]);
  // Another community's worker, the other way round.
  assert.ok(!(await all(as.grid2, '/api/v1/households')).some((x) => x.ancestors.grid_id === A));
});

test('a grid worker cannot change grid B, nor point records at it; nothing changes', async () => {
  const w = as.grid;
  const before = {};
  for (const k of ['buildings', 'units', 'households', 'residents']) {
    before[k] = (await as.admin.get(`/api/v1/${k}/${inB[k].id}`)).json;
  }
  isError(await w.patch(`/api/v1/households/${inB.households.id}`, { n_people: 9 }), 404);
  isError(await w.patch(`/api/v1/buildings/${inB.buildings.id}`, { name: '我的' }), 404);
  isError(await w.del(`/api/v1/residents/${inB.residents.id}`), 404);
  isError(await w.del(`/api/v1/households/${inB.households.id}`), 404);
  isError(await w.put(`/api/v1/nodes/${B}/boundary`, { type: 'Polygon', coordinates: [] }), 404);
  isError(await w.patch(`/api/v1/nodes/${B}`, { name: 'x' }), 404);
  isError(await w.del(`/api/v1/nodes/${B}`), 404);

  // A record of the worker's own is the newest; nothing may follow it.
  const mine = await w.post('/api/v1/buildings', { grid_id: A, number: 'S' + process.pid });
  assert.equal(mine.status, 201, mine.text);
  isError(await w.post('/api/v1/buildings', { grid_id: B, number: 'S2' }), 400, 'grid_id');
  isError(await w.post('/api/v1/units', { building_id: inB.buildings.id, number: 'S2' }), 400, 'building_id');
  isError(await w.post('/api/v1/households', { unit_id: inB.units.id, room: 'S2' }), 400, 'unit_id');
  isError(await w.post('/api/v1/residents', { household_id: inB.households.id, name: '某某' }), 400, 'household_id');
  const member = (await all(w, '/api/v1/party_members')).find((m) => m.ancestors.grid_id === A);
  isError(await w.post('/api/v1/member_households', { member_id: member.id, household_id: inB.households.id }), 400, 'household_id');
  isError(await w.post('/api/v1/member_households', { member_id: inB.party_members.id, household_id: inA.households.id }), 400, 'member_id');
  const after = await as.admin.get(`/api/v1/buildings?cursor=${mine.json.id}&limit=5`);
  assert.deepEqual(after.json.items, []);
  for (const k of Object.keys(before)) {
    assert.deepEqual((await as.admin.get(`/api/v1/${k}/${inB[k].id}`)).json, before[k], k + ' unchanged');
  }
  assert.equal((await w.del('/api/v1/buildings/' + mine.json.id)).status, 204);
});

test('a reference outside one\'s scope, through PATCH, is refused like a missing one', async () => {
  const c = as.community;
  // Another community of the same street: its records are outside the community's scope.
  const street = grant.street.node_id;
  const others = (await all(as.admin, `/api/v1/nodes/${street}/children`)).filter((n) => n.id !== grant.community.node_id);
  const farHousehold = (await as.admin.get(`/api/v1/households?under=${others[0].id}&limit=1`)).json.items[0];
  const farOrg = (await as.admin.get(`/api/v1/organisations?under=${others[0].id}&limit=1`)).json.items[0];
  const member = (await all(c, `/api/v1/party_members?under=${A}`))[0];
  const r = await c.patch(`/api/v1/party_members/${member.id}`, { household_id: farHousehold.id });
  isError(r, 400, 'household_id');
  const missing = await c.patch(`/api/v1/party_members/${member.id}`, { household_id: 99999999 });
  assert.deepEqual(r.json, missing.json, 'the same answer as for an id that does not exist');
  const link = (await all(c, '/api/v1/cobuild_links'))[0];
  if (link && farOrg) {
    isError(await c.patch(`/api/v1/cobuild_links/${link.id}`, { organisation_id: farOrg.id }), 400, 'organisation_id');
    assert.deepEqual((await c.get(`/api/v1/cobuild_links/${link.id}`)).json, link);
  }
  assert.deepEqual((await c.get(`/api/v1/party_members/${member.id}`)).json, member);
});

test('personal data: whole for the grid worker, masked for street staff', async () => {
  const h = inA.households;
  const whole = await as.grid.get(`/api/v1/households/${h.id}`);
  assert.equal(whole.status, 200);
  assert.equal(whole.json.head_name, h.head_name);
  assert.equal(whole.json.phone, h.phone);
  assert.equal(whole.json.masked, undefined);

  const m = await as.street.get(`/api/v1/households/${h.id}`);
  assert.equal(m.status, 200);
  assert.equal(m.json.masked, true);
  assert.equal(m.json.head_name, maskName(h.head_name), 'like 张**');
  assert.match(m.json.phone, /^\d{3}\*+\d{4}$/);
  assert.equal(m.json.phone.slice(0, 3) + m.json.phone.slice(-4), h.phone.slice(0, 3) + h.phone.slice(-4));
  assert.equal(m.json.room, h.room, 'what is not personal stays');
  assert.equal(m.json.n_links, h.n_links);
});

test('masking by role, in records and lists, for every personal field', async () => {
  const meta = (await new Client(server.url).get('/api/v1/meta')).json;
  const personal = Object.fromEntries(meta.kinds.map((k) => [k.name, k.fields.filter((f) => f.personal).map((f) => f.name)]));
  const sees = { admin: true, community: true, grid: true, street: false, district: false, city: false };
  for (const k of ['households', 'residents', 'party_members', 'posts', 'member_households']) {
    const rec = (await as.admin.get(`/api/v1/${k}/${inA[k].id}`)).json;
    for (const [who, whole] of Object.entries(sees)) {
      // Grid workers see members and posts whole too (R|P) but write only households and below.
      const r = await as[who].get(`/api/v1/${k}/${rec.id}`);
      assert.equal(r.status, 200, `${who} reads ${k}`);
      if (!personal[k].length) { assert.equal(r.json.masked, undefined); continue; }
      assert.equal(r.json.masked, whole ? undefined : true, `${who} ${k} masked`);
      for (const f of personal[k]) {
        if (rec[f] === null) { assert.equal(r.json[f], null); continue; }
        if (whole) assert.equal(r.json[f], rec[f], `${who} sees ${k}.${f}`);
        else assert.notEqual(r.json[f], rec[f], `${who} must not see ${k}.${f}`);
        if (!whole) assert.match(r.json[f], /\*/, `${k}.${f} masked with *`);
      }
    }
  }
  // Lists are masked the same way.
  const list = await all(as.street, `/api/v1/households?under=${A}`);
  for (const x of list) {
    if (x.head_name) {
      assert.equal(x.masked, true);
      assert.match(x.head_name, /^.\*+$/u);
    }
  }
  const res = await all(as.district, `/api/v1/residents?under=${A}`, 100);
  for (const x of res.slice(0, 100)) {
    assert.equal(x.masked, true);
    assert.match(x.name, /^.\*+$/u);
    if (x.id_number) assert.match(x.id_number, /^.{4}\*+.{4}$/);
  }
});

test('search does not find records by personal data the caller may not see', async () => {
  const h = inA.households;
  const q = '/api/v1/households?q=' + encodeURIComponent(h.head_name) + '&under=' + A;
  const found = await all(as.grid, q);
  assert.ok(found.some((x) => x.id === h.id), 'the grid worker finds the household by its head');
  const street = await all(as.street, q);
  assert.ok(!street.some((x) => x.id === h.id), 'street staff cannot find it by a name they cannot see');
  // Residents are searchable by name alone, a personal field: street staff find none (the
  // search must not be dropped, which would list every resident).
  const res = await all(as.street, `/api/v1/residents?under=${A}&q=` + encodeURIComponent(h.head_name));
  assert.deepEqual(res.map((x) => x.id), [], 'GET /residents?q=NAME as street staff');
});

test('leaders and residents: read-only, and residents see no households', async () => {
  for (const who of ['building', 'unit', 'resident']) {
    const b = await as[who].get(`/api/v1/buildings/${inA.buildings.id}`);
    assert.equal(b.status, 200, who);
    isError(await as[who].patch(`/api/v1/buildings/${inA.buildings.id}`, { name: 'x' }), 403);
    isError(await as[who].get(`/api/v1/buildings/${inB.buildings.id}`), 404);
  }
  const led = await as.building.get(`/api/v1/households/${inA.households.id}`);
  assert.equal(led.status, 200);
  assert.equal(led.json.masked, true, 'a building leader sees households masked');
  isError(await as.resident.get(`/api/v1/households/${inA.households.id}`), 404);
  isError(await as.resident.get(`/api/v1/residents/${inA.residents.id}`), 404);
  assert.deepEqual(await all(as.resident, '/api/v1/households'), []);
  isError(await as.resident.post('/api/v1/households', { unit_id: inA.units.id, room: 'R1' }), 403);
});

test('the department handler sees organisations of its area only, and no households', async () => {
  const d = as.dept;
  const own = await d.get('/api/v1/organisations/' + grant.dept.organisation_id);
  assert.equal(own.status, 200);
  const orgs = await all(d, '/api/v1/organisations');
  assert.ok(orgs.length >= 1);
  orgs.forEach((o) => assert.equal(o.ancestors.district_id, own.json.ancestors.district_id));
  assert.deepEqual(await all(d, '/api/v1/households'), []);
  assert.deepEqual(await all(d, '/api/v1/buildings'), []);
  isError(await d.get(`/api/v1/households/${inA.households.id}`), 404);
  const elsewhere = (await all(as.admin, '/api/v1/organisations?limit=500', 500))
    .find((o) => o.ancestors.district_id !== own.json.ancestors.district_id);
  if (elsewhere) isError(await d.get('/api/v1/organisations/' + elsewhere.id), 404);
});

test('users: a grid worker manages none and sees only itself', async () => {
  isError(await as.grid.get('/api/v1/users'), 403);
  const me = (await as.grid.get('/api/v1/session')).json.user;
  const self = await as.grid.get('/api/v1/users/' + me.id);
  assert.equal(self.status, 200);
  assert.equal(self.json.login, 'grid');
  const other = (await as.grid2.get('/api/v1/session')).json.user;
  isError(await as.grid.get('/api/v1/users/' + other.id), 404);
});

test('a bearer token carries its owner\'s scope, no more', async () => {
  const t = await as.grid.post('/api/v1/tokens', { name: 'scope test' });
  assert.equal(t.status, 201);
  const bot = new Client(server.url);
  bot.bearer = t.json.token;
  assert.equal((await bot.get(`/api/v1/nodes/${A}`)).status, 200);
  isError(await bot.get(`/api/v1/nodes/${B}`), 404);
  isError(await bot.get(`/api/v1/households/${inB.households.id}`), 404);
  const h = await bot.get(`/api/v1/households/${inA.households.id}`);
  assert.equal(h.json.head_name, inA.households.head_name);
});

// One request on a new connection, so that successive requests reach the server's worker
// threads in turn (each thread keeps its own store connection).
function fresh(c, method, path, body) {
  const u = new URL(server.url);
  const headers = { cookie: c.cookie, 'x-csrf-token': c.csrf, connection: 'close' };
  if (body) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

test('an id freed in grid A and reused in grid B belongs to grid B for every worker thread', async () => {
  const leaks = [];
  for (let round = 0; round < 6 && !leaks.length; round++) {
    // A household of grid A that the grid worker reads (on every thread).
    const a = await as.admin.post('/api/v1/households', { unit_id: inA.units.id, room: 'R' + process.pid + round });
    assert.equal(a.status, 201, a.text);
    for (let i = 0; i < 6; i++) assert.equal((await fresh(as.grid, 'GET', `/api/v1/households/${a.json.id}`)).status, 200);
    assert.equal((await as.admin.del(`/api/v1/households/${a.json.id}`)).status, 204);
    // The next household, in grid B, may take the same id.
    const b = await as.admin.post('/api/v1/households', { unit_id: inB.units.id, room: 'R' + process.pid + round,
      head_name: '机密户主', phone: '13912345678' });
    assert.equal(b.status, 201, b.text);
    for (let i = 0; i < 6; i++) {
      const r = await fresh(as.grid, 'GET', `/api/v1/households/${b.json.id}`);
      if (r.status !== 404) leaks.push(`GET /api/v1/households/${b.json.id} (grid ${B}) as the worker of grid ${A}: ${r.status} ${r.text.slice(0, 120)}`);
      const w = await fresh(as.grid, 'PATCH', `/api/v1/households/${b.json.id}`, { n_people: 7 });
      if (w.status !== 404) leaks.push(`PATCH /api/v1/households/${b.json.id} (grid ${B}) as the worker of grid ${A}: ${w.status}`);
      if (leaks.length) break;
    }
    assert.equal((await as.admin.del(`/api/v1/households/${b.json.id}`)).status, 204);
  }
  assert.deepEqual(leaks, []);
});
