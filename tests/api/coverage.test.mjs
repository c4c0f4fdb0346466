// coverage.test.mjs - coverage of a grid, a community and the city: every number agrees
// with listing the records it counts, shares are the quotients, gaps are exactly the
// uncovered grids, buildings and units; a new leader post, member link, branch or grid
// worker closes its gap at once, and removing it opens the gap again.
//
// One demo server. Community staff write; the grid worker and admin read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, ADMIN_PASSWORD } from '../lib/server.mjs';
import { isError, all, loginAs } from '../lib/check.mjs';

let server;
const as = {};
const home = {};

async function login(name) {
  const c = await loginAs(server.url, name);
  home[name] = c.user.grants[0]?.node_id ?? null;
  return c;
}

before(async () => {
  server = await startServer();
  for (const n of ['admin', 'community', 'grid', 'street']) as[n] = await login(n);
});
after(async () => { if (server) await server.stop(); });

async function coverage(c, id, gaps = 1000) {
  const r = await c.get(`/api/v1/nodes/${id}/coverage?gaps=${gaps}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const COUNTS = ['grids', 'grids_with_branch', 'grids_with_worker', 'buildings', 'buildings_with_leader', 'units',
  'units_with_leader', 'households', 'households_linked', 'party_members', 'members_linking', 'links'];
const SHARES = [['grid_branch_share', 'grids_with_branch', 'grids'], ['building_leader_share', 'buildings_with_leader', 'buildings'],
  ['unit_leader_share', 'units_with_leader', 'units'], ['household_link_share', 'households_linked', 'households']];
const GAP_ORDER = ['grid_no_branch', 'grid_no_worker', 'building_no_leader', 'unit_no_leader'];

function close(a, b, what) {
  if (b === null) assert.equal(a, null, what);
  else assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
}

function isCoverage(c, id) {
  for (const k of [...COUNTS, ...SHARES.map((s) => s[0]), 'node', 'households_per_linking_member', 'gaps', 'gaps_total']) {
    assert.ok(k in c, 'coverage has ' + k);
  }
  assert.equal(c.node.id, id);
  for (const k of COUNTS) assert.ok(Number.isInteger(c[k]) && c[k] >= 0, k);
  for (const [s, num, den] of SHARES) {
    close(c[s], c[den] ? c[num] / c[den] : null, s);
    if (c[s] !== null) assert.ok(c[s] >= 0 && c[s] <= 1, s);
  }
  close(c.households_per_linking_member, c.members_linking ? c.households_linked / c.members_linking : null,
    'households_per_linking_member');
  assert.deepEqual(Object.keys(c.gaps_total).sort(), [...GAP_ORDER].sort());
  assert.equal(c.gaps_total.building_no_leader, c.buildings - c.buildings_with_leader);
  assert.equal(c.gaps_total.unit_no_leader, c.units - c.units_with_leader);
  assert.equal(c.gaps_total.grid_no_branch, c.grids - c.grids_with_branch);
  assert.equal(c.gaps_total.grid_no_worker, c.grids - c.grids_with_worker);
  let rank = 0;
  for (const g of c.gaps) {
    assert.ok(GAP_ORDER.includes(g.kind), g.kind);
    assert.ok(GAP_ORDER.indexOf(g.kind) >= rank, 'grids first, then buildings, then units');
    rank = GAP_ORDER.indexOf(g.kind);
    for (const k of ['id', 'name', 'grid_id', 'grid_name']) assert.ok(k in g, 'gap has ' + k);
    if (g.kind === 'unit_no_leader') assert.ok(Number.isInteger(g.building_id) && typeof g.building_number === 'string');
  }
}

const idsOf = (gaps, kind) => gaps.filter((g) => g.kind === kind).map((g) => g.id).sort((a, b) => a - b);

test('coverage of a grid agrees with the records listed in it', async () => {
  const w = as.grid;
  const A = home.grid;
  const c = await coverage(w, A);
  isCoverage(c, A);
  assert.equal(c.node.level, 'grid');
  assert.equal(c.grids, 1);

  const buildings = await all(w, `/api/v1/buildings?under=${A}`);
  const units = await all(w, `/api/v1/units?under=${A}`);
  const households = await all(w, `/api/v1/households?under=${A}`);
  const links = await all(w, `/api/v1/member_households?under=${A}`);
  const members = await all(w, `/api/v1/party_members?under=${A}`);
  const posts = await all(w, `/api/v1/posts?under=${A}`);
  const orgs = await all(w, `/api/v1/party_orgs?node_id=${A}`);
  assert.ok(buildings.length > 0 && households.length > 0, 'the demo grid is not empty');

  assert.equal(c.buildings, buildings.length);
  assert.equal(c.buildings_with_leader, buildings.filter((b) => b.has_leader).length);
  const led = new Set(posts.filter((p) => p.kind === 'building_leader').map((p) => p.building_id));
  assert.equal(c.buildings_with_leader, buildings.filter((b) => led.has(b.id)).length, 'led = named by a building_leader post');
  assert.equal(c.units, units.length);
  assert.equal(c.units_with_leader, units.filter((u) => u.has_leader).length);
  const uled = new Set(posts.filter((p) => p.kind === 'unit_leader').map((p) => p.unit_id));
  assert.equal(c.units_with_leader, units.filter((u) => uled.has(u.id)).length);
  assert.equal(c.households, households.length);
  assert.equal(c.households_linked, households.filter((h) => h.n_links > 0).length);
  assert.equal(c.households_linked, new Set(links.map((l) => l.household_id)).size);
  assert.equal(c.links, links.length);
  assert.equal(c.members_linking, new Set(links.map((l) => l.member_id)).size);
  assert.equal(c.party_members, members.length);
  assert.equal(c.grids_with_branch, orgs.some((o) => ['branch', 'general_branch'].includes(o.kind)) ? 1 : 0);
  assert.equal(c.grids_with_worker, posts.some((p) => p.kind === 'grid_worker' && p.node_id === A) ? 1 : 0);

  assert.deepEqual(idsOf(c.gaps, 'building_no_leader'), buildings.filter((b) => !b.has_leader).map((b) => b.id));
  assert.deepEqual(idsOf(c.gaps, 'unit_no_leader'), units.filter((u) => !u.has_leader).map((u) => u.id));
  const byId = new Map(buildings.map((b) => [b.id, b]));
  for (const g of c.gaps.filter((x) => x.kind === 'unit_no_leader')) {
    const u = units.find((x) => x.id === g.id);
    assert.equal(g.name, u.number);
    assert.equal(g.building_id, u.building_id);
    assert.equal(g.building_number, byId.get(u.building_id).number);
    assert.equal(g.grid_id, A);
    assert.equal(g.grid_name, c.node.name);
  }
});

test('coverage of a community is the sum of its grids, and agrees with its lists', async () => {
  const C = home.community;
  const cc = await coverage(as.community, C);
  isCoverage(cc, C);
  const grids = await all(as.community, `/api/v1/nodes/${C}/children`);
  assert.equal(cc.grids, grids.length);
  const sum = Object.fromEntries(COUNTS.map((k) => [k, 0]));
  const gaps = [];
  for (const g of grids) {
    const gc = await coverage(as.community, g.id);
    isCoverage(gc, g.id);
    for (const k of COUNTS) sum[k] += gc[k];
    gaps.push(...gc.gaps);
  }
  for (const k of COUNTS) {
    // Members registered with the community itself belong to no grid.
    if (k === 'party_members') assert.ok(cc[k] >= sum[k], k);
    else assert.equal(cc[k], sum[k], k);
  }
  assert.equal(cc.party_members, (await all(as.community, `/api/v1/party_members?under=${C}`)).length);
  assert.equal(cc.buildings, (await all(as.community, `/api/v1/buildings?under=${C}`)).length);
  assert.equal(cc.households, (await all(as.community, `/api/v1/households?under=${C}`)).length);
  for (const kind of GAP_ORDER) assert.deepEqual(idsOf(cc.gaps, kind), idsOf(gaps, kind), kind);
  assert.ok(cc.gaps_total.building_no_leader > 0, 'the demo leaves some buildings without a leader');
});

test('coverage of the city adds up its districts', async () => {
  const city = (await as.admin.get('/api/v1/nodes')).json.items[0];
  const c = await coverage(as.admin, city.id, 0);
  isCoverage(c, city.id);
  assert.deepEqual(c.gaps, []);
  assert.equal(c.grids, (await all(as.admin, '/api/v1/nodes?level=grid')).length);
  const sum = Object.fromEntries(COUNTS.map((k) => [k, 0]));
  for (const d of await all(as.admin, `/api/v1/nodes/${city.id}/children`)) {
    const dc = await coverage(as.admin, d.id, 0);
    for (const k of COUNTS) sum[k] += dc[k];
  }
  for (const k of COUNTS) {
    if (k === 'party_members') assert.ok(c[k] >= sum[k], k);
    else assert.equal(c[k], sum[k], k);
  }
});

test('?gaps= bounds the list of gaps, never the totals', async () => {
  const C = home.community;
  const full = await coverage(as.community, C, 1000);
  const none = await as.community.get(`/api/v1/nodes/${C}/coverage?gaps=0`);
  assert.deepEqual(none.json.gaps, []);
  assert.deepEqual(none.json.gaps_total, full.gaps_total);
  const two = await as.community.get(`/api/v1/nodes/${C}/coverage?gaps=2`);
  assert.deepEqual(two.json.gaps, full.gaps.slice(0, 2));
  const dflt = await as.community.get(`/api/v1/nodes/${C}/coverage`);
  assert.deepEqual(dflt.json.gaps, full.gaps.slice(0, 200));
  for (const bad of ['-1', '1001', 'abc', '1.5', '']) {
    isError(await as.community.get(`/api/v1/nodes/${C}/coverage?gaps=${bad}`), 400, 'gaps');
  }
});

test('a building leader post closes the building\'s gap and raises the share; removing it reopens', async () => {
  const C = home.community;
  const before = await coverage(as.community, C);
  const gap = before.gaps.find((g) => g.kind === 'building_no_leader');
  assert.ok(gap, 'a building without a leader is listed in the gaps');
  const gridBefore = await coverage(as.community, gap.grid_id);
  assert.ok(idsOf(gridBefore.gaps, 'building_no_leader').includes(gap.id));

  const p = await as.community.post('/api/v1/posts', { kind: 'building_leader', person_name: '测试楼长', building_id: gap.id });
  assert.equal(p.status, 201, p.text);
  const after = await coverage(as.community, C);
  isCoverage(after, C);
  assert.ok(!idsOf(after.gaps, 'building_no_leader').includes(gap.id), 'the gap is gone');
  assert.equal(after.buildings_with_leader, before.buildings_with_leader + 1);
  assert.equal(after.gaps_total.building_no_leader, before.gaps_total.building_no_leader - 1);
  assert.ok(after.building_leader_share > before.building_leader_share, 'the share rises');
  const gridAfter = await coverage(as.community, gap.grid_id);
  assert.ok(!idsOf(gridAfter.gaps, 'building_no_leader').includes(gap.id));
  assert.ok(gridAfter.building_leader_share > gridBefore.building_leader_share);
  assert.equal((await as.community.get('/api/v1/buildings/' + gap.id)).json.has_leader, true);
  // A second leader of the same building changes nothing more.
  const p2 = await as.community.post('/api/v1/posts', { kind: 'building_leader', person_name: '副楼长', building_id: gap.id });
  assert.equal(p2.status, 201);
  assert.equal((await coverage(as.community, C)).buildings_with_leader, after.buildings_with_leader);

  assert.equal((await as.community.del('/api/v1/posts/' + p.json.id)).status, 204);
  assert.equal((await coverage(as.community, C)).buildings_with_leader, after.buildings_with_leader, 'still one leader');
  assert.equal((await as.community.del('/api/v1/posts/' + p2.json.id)).status, 204);
  assert.deepEqual(await coverage(as.community, C), before, 'back as it was');
});

test('a building leader post that also names a unit of another grid still counts for the building', async () => {
  // Posts take their place from the most specific of unit, building, node, organisation. A
  // building_leader post naming a unit elsewhere must either be refused or still lead its
  // building: the coverage of the building's grid may not go stale.
  const C = home.community;
  const before = await coverage(as.community, C);
  const gap = before.gaps.find((g) => g.kind === 'building_no_leader');
  const otherUnit = (await all(as.community, `/api/v1/units?under=${C}`)).find((u) => u.ancestors.grid_id !== gap.grid_id);
  const gridBefore = await coverage(as.community, gap.grid_id);
  const p = await as.community.post('/api/v1/posts', { kind: 'building_leader', person_name: '跨网格楼长',
    building_id: gap.id, unit_id: otherUnit.id });
  if (p.status === 201) {
    const gridAfter = await coverage(as.community, gap.grid_id);
    const b = (await as.community.get('/api/v1/buildings/' + gap.id)).json;
    await as.community.del('/api/v1/posts/' + p.json.id);
    assert.equal(b.has_leader, true, `POST /posts {kind:building_leader, building_id:${gap.id} (grid ${gap.grid_id}), ` +
      `unit_id:${otherUnit.id} (grid ${otherUnit.ancestors.grid_id})} answered 201 but the building's has_leader stayed false`);
    assert.equal(gridAfter.buildings_with_leader, gridBefore.buildings_with_leader + 1, 'coverage of the building\'s grid');
  } else {
    assert.equal(p.status, 400, p.text);
    assert.ok(['unit_id', 'building_id'].includes(p.json.error.field), p.text);
  }
  assert.deepEqual(await coverage(as.community, C), before);
});

test('a branch of a grid that names a building of another grid still covers its grid', async () => {
  // Party organisations take their place from building_id before node_id. A branch of grid N
  // naming a building elsewhere must either be refused or still count as N's branch.
  const C = home.community;
  const g = await as.community.post('/api/v1/nodes', { parent_id: C, level: 'grid', code: 'BR' + process.pid, name: '支部测试网格' });
  assert.equal(g.status, 201, g.text);
  const N = g.json.id;
  const elsewhere = (await all(as.community, `/api/v1/buildings?under=${home.grid}`))[0];
  const b = await as.community.post('/api/v1/party_orgs', { node_id: N, kind: 'branch', name: '跨网格党支部', building_id: elsewhere.id });
  let c = null;
  if (b.status === 201) {
    c = await coverage(as.community, N);
    await as.community.del('/api/v1/party_orgs/' + b.json.id);
  } else {
    assert.equal(b.status, 400, b.text);
    assert.ok(['building_id', 'node_id'].includes(b.json.error.field), b.text);
  }
  assert.equal((await as.community.del('/api/v1/nodes/' + N)).status, 204);
  if (c) {
    assert.equal(c.grids_with_branch, 1, `POST /party_orgs {node_id:${N}, kind:branch, building_id:${elsewhere.id} ` +
      `(grid ${home.grid})} answered 201 but the coverage of grid ${N} still counts no branch`);
  }
});

test('a unit leader post closes the unit\'s gap', async () => {
  const C = home.community;
  const before = await coverage(as.community, C);
  const gap = before.gaps.find((g) => g.kind === 'unit_no_leader');
  assert.ok(gap);
  const p = await as.community.post('/api/v1/posts', { kind: 'unit_leader', person_name: '测试单元长', unit_id: gap.id });
  assert.equal(p.status, 201, p.text);
  const after = await coverage(as.community, C);
  assert.ok(!idsOf(after.gaps, 'unit_no_leader').includes(gap.id));
  assert.equal(after.units_with_leader, before.units_with_leader + 1);
  assert.ok(after.unit_leader_share > before.unit_leader_share);
  assert.equal((await as.community.del('/api/v1/posts/' + p.json.id)).status, 204);
  assert.deepEqual(await coverage(as.community, C), before);
});

test('a member linking an unlinked household raises the household link share', async () => {
  const A = home.grid;
  const before = await coverage(as.grid, A);
  const lonely = (await all(as.grid, `/api/v1/households?under=${A}`)).find((h) => h.n_links === 0);
  const member = (await all(as.grid, `/api/v1/party_members?under=${A}`))[0];
  assert.ok(lonely && member);
  // Grid workers keep member-household links current.
  const l = await as.grid.post('/api/v1/member_households', { member_id: member.id, household_id: lonely.id });
  assert.equal(l.status, 201, l.text);
  const after = await coverage(as.grid, A);
  assert.equal(after.households_linked, before.households_linked + 1);
  assert.equal(after.links, before.links + 1);
  assert.ok(after.household_link_share > before.household_link_share);
  assert.equal((await as.grid.get('/api/v1/households/' + lonely.id)).json.n_links, 1);
  assert.equal((await as.grid.del('/api/v1/member_households/' + l.json.id)).status, 204);
  assert.deepEqual(await coverage(as.grid, A), before);
});

test('a new grid: empty shares are null; a branch and a grid worker close its gaps', async () => {
  const C = home.community;
  const cBefore = await coverage(as.community, C);
  const code = 'CV' + process.pid;
  const g = await as.community.post('/api/v1/nodes', { parent_id: C, level: 'grid', code, name: '覆盖测试网格' });
  assert.equal(g.status, 201, g.text);
  const id = g.json.id;
  let c = await coverage(as.community, id);
  isCoverage(c, id);
  assert.equal(c.grids, 1);
  assert.equal(c.grid_branch_share, 0);
  for (const s of ['building_leader_share', 'unit_leader_share', 'household_link_share', 'households_per_linking_member']) {
    assert.equal(c[s], null, s + ' is null without a denominator');
  }
  assert.deepEqual(c.gaps.map((x) => [x.kind, x.id]), [['grid_no_branch', id], ['grid_no_worker', id]]);
  const cc = await coverage(as.community, C);
  assert.equal(cc.grids, cBefore.grids + 1);
  assert.equal(cc.gaps_total.grid_no_branch, cBefore.gaps_total.grid_no_branch + 1);
  assert.equal(cc.gaps[0].kind, 'grid_no_branch', 'grids first');

  const b = await as.community.post('/api/v1/party_orgs', { node_id: id, kind: 'branch', name: '覆盖测试党支部' });
  assert.equal(b.status, 201, b.text);
  const w = await as.community.post('/api/v1/posts', { kind: 'grid_worker', person_name: '测试网格员', node_id: id });
  assert.equal(w.status, 201, w.text);
  c = await coverage(as.community, id);
  assert.deepEqual(c.gaps, []);
  assert.equal(c.grid_branch_share, 1);
  assert.equal(c.grids_with_worker, 1);

  const bld = await as.community.post('/api/v1/buildings', { grid_id: id, number: '1栋' });
  assert.equal(bld.status, 201);
  c = await coverage(as.community, id);
  assert.equal(c.buildings, 1);
  assert.equal(c.building_leader_share, 0);
  assert.deepEqual(c.gaps.map((x) => [x.kind, x.id]), [['building_no_leader', bld.json.id]]);

  for (const p of [`/api/v1/buildings/${bld.json.id}`, `/api/v1/posts/${w.json.id}`, `/api/v1/party_orgs/${b.json.id}`, `/api/v1/nodes/${id}`]) {
    assert.equal((await as.community.del(p)).status, 204, p);
  }
  assert.deepEqual(await coverage(as.community, C), cBefore);
});

test('coverage outside one\'s scope answers 404; without a session 401', async () => {
  isError(await as.grid.get(`/api/v1/nodes/${home.community}/coverage`), 404);
  const other = (await all(as.community, `/api/v1/nodes/${home.community}/children`)).find((n) => n.id !== home.grid);
  isError(await as.grid.get(`/api/v1/nodes/${other.id}/coverage`), 404);
  isError(await as.grid.get('/api/v1/nodes/99999999/coverage'), 404);
  isError(await new Client(server.url).get(`/api/v1/nodes/${home.grid}/coverage`), 401);
  // Street staff see the coverage of their street, with names of grids and buildings only.
  const s = await coverage(as.street, home.street);
  isCoverage(s, home.street);
});
