// nodes.test.mjs - the administrative tree: top nodes, levels, one node, children, centres
// inside their areas, locate, the map layer, boundaries (GET/PUT, bad GeoJSON) and node
// create/change/delete with their bad input.
//
// One demo server for the file. The demo's grants are read from the session, never assumed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, ADMIN_PASSWORD } from '../lib/server.mjs';
import { isError, isList, all, loginAs } from '../lib/check.mjs';

const LEVELS = ['city', 'district', 'street', 'community', 'grid'];
let server;
const as = {};
const home = {}; // login -> node id of its first grant

async function login(name) {
  const c = await loginAs(server.url, name);
  home[name] = c.user.grants[0]?.node_id ?? null;
  return c;
}

before(async () => {
  server = await startServer();
  for (const n of ['admin', 'city', 'community', 'grid', 'street', 'dept']) as[n] = await login(n);
});
after(async () => { if (server) await server.stop(); });

function isNode(n) {
  for (const k of ['id', 'parent_id', 'level', 'code', 'name', 'center']) {
    assert.ok(k in n, `node has ${k}: ${JSON.stringify(n)}`);
  }
  assert.ok(Number.isInteger(n.id) && n.id > 0);
  assert.ok(LEVELS.includes(n.level), n.level);
  assert.equal(typeof n.code, 'string');
  assert.equal(typeof n.name, 'string');
  if (n.level === 'city') assert.equal(n.parent_id, null);
  else assert.ok(Number.isInteger(n.parent_id));
}

// Every item of a list, following next; checks ids only grow and never repeat.
// Point in a GeoJSON Polygon or MultiPolygon (even-odd over all rings).
function inside(geometry, lon, lat) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polys.some((rings) => {
    let inPoly = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inPoly = !inPoly;
      }
    }
    return inPoly;
  });
}

function square(lon, lat, d) {
  return { type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] };
}

test('without a session the tree answers 401', async () => {
  const anon = new Client(server.url);
  for (const p of ['/api/v1/nodes', '/api/v1/nodes/1', '/api/v1/nodes/1/children',
    '/api/v1/nodes/1/boundary', '/api/v1/nodes/1/coverage', '/api/v1/geo?under=1']) {
    isError(await anon.get(p), 401);
  }
  assert.equal((await anon.get('/api/v1/nodes')).json.error.code, 'unauthenticated');
});

test('GET /nodes: admin sees the cities; others see the nodes of their grants', async () => {
  const r = await as.admin.get('/api/v1/nodes');
  isList(r);
  assert.ok(r.json.items.length >= 1);
  for (const n of r.json.items) { isNode(n); assert.equal(n.level, 'city'); }
  for (const who of ['community', 'grid', 'street']) {
    const t = await as[who].get('/api/v1/nodes');
    isList(t);
    assert.deepEqual(t.json.items.map((n) => n.id), [home[who]], who);
    t.json.items.forEach(isNode);
  }
  // The department handler's grant is on an organisation: its top node is that
  // organisation's node.
  const d = await as.dept.get('/api/v1/nodes');
  isList(d);
  assert.equal(d.json.items.length, 1);
  const s = await as.dept.get('/api/v1/session');
  const org = await as.admin.get('/api/v1/organisations/' + s.json.user.grants[0].organisation_id);
  assert.equal(d.json.items[0].id, org.json.node_id);
});

test('GET /nodes with ?limit= and ?cursor= still lists the top nodes, page by page', async () => {
  for (const who of ['community', 'grid', 'admin']) {
    const plain = await as[who].get('/api/v1/nodes');
    const paged = await all(as[who], '/api/v1/nodes', 1);
    assert.deepEqual(paged.map((n) => n.id), plain.json.items.map((n) => n.id),
      `${who}: GET /api/v1/nodes?limit=1 must page through the top nodes`);
  }
});

test('GET /nodes?level=grid lists every grid in scope, page by page', async () => {
  const grids = await all(as.admin, '/api/v1/nodes?level=grid', 25);
  assert.ok(grids.length >= 16, 'the demo city has grids: ' + grids.length);
  grids.forEach((n) => { isNode(n); assert.equal(n.level, 'grid'); });
  assert.equal(new Set(grids.map((n) => n.id)).size, grids.length);
  const onePage = await as.admin.get('/api/v1/nodes?level=grid&limit=500');
  assert.deepEqual(onePage.json.items.map((n) => n.id), grids.map((n) => n.id));

  // Community staff: exactly the grids of the community.
  const mine = await all(as.community, '/api/v1/nodes?level=grid');
  const kids = await all(as.community, `/api/v1/nodes/${home.community}/children`);
  assert.ok(mine.length > 1);
  assert.deepEqual(mine.map((n) => n.id), kids.map((n) => n.id));
  mine.forEach((n) => assert.equal(n.parent_id, home.community));
  // A grid worker: the grid alone. Nothing above one's grant.
  const g = await all(as.grid, '/api/v1/nodes?level=grid');
  assert.deepEqual(g.map((n) => n.id), [home.grid]);
  assert.deepEqual((await all(as.grid, '/api/v1/nodes?level=community')).map((n) => n.id), []);
  // Each level, for the street staff: the street and below only.
  const streets = await all(as.street, '/api/v1/nodes?level=street');
  assert.deepEqual(streets.map((n) => n.id), [home.street]);
});

test('GET /nodes filters: bad level, under, q', async () => {
  isError(await as.admin.get('/api/v1/nodes?level=planet'), 400, 'level');
  isError(await as.admin.get('/api/v1/nodes?level=grid&limit=0'), 400, 'limit');
  isError(await as.admin.get('/api/v1/nodes?level=grid&cursor=x'), 400, 'cursor');
  const under = await all(as.admin, `/api/v1/nodes?level=grid&under=${home.community}`);
  assert.deepEqual(under.map((n) => n.id),
    (await all(as.admin, `/api/v1/nodes/${home.community}/children`)).map((n) => n.id));
  const node = (await as.admin.get(`/api/v1/nodes/${home.grid}`)).json;
  const found = await all(as.admin, '/api/v1/nodes?q=' + encodeURIComponent(node.code));
  assert.ok(found.some((n) => n.id === node.id), 'q finds a node by its code');
  // A grid worker cannot look under the community above it.
  isError(await as.grid.get(`/api/v1/nodes?level=grid&under=${home.community}`), 404);
});

test('GET /nodes/{id}: the node, has_boundary and its ancestors from the city down', async () => {
  const r = await as.grid.get(`/api/v1/nodes/${home.grid}`);
  assert.equal(r.status, 200);
  isNode(r.json);
  assert.equal(r.json.level, 'grid');
  assert.equal(r.json.has_boundary, true);
  const anc = r.json.ancestors;
  assert.deepEqual(anc.map((a) => a.level), ['city', 'district', 'street', 'community']);
  assert.equal(anc[anc.length - 1].id, r.json.parent_id);
  for (let i = 1; i < anc.length; i++) assert.equal(anc[i].parent_id, anc[i - 1].id);
  const city = (await as.admin.get('/api/v1/nodes')).json.items[0];
  const c = await as.admin.get('/api/v1/nodes/' + city.id);
  assert.deepEqual(c.json.ancestors, []);
  for (const bad of ['0', '-1', 'abc', '99999999', '1.5']) {
    isError(await as.admin.get('/api/v1/nodes/' + bad), 404);
  }
});

test('GET /nodes/{id}/children: one level down, paged', async () => {
  const city = (await as.admin.get('/api/v1/nodes')).json.items[0];
  const districts = await all(as.admin, `/api/v1/nodes/${city.id}/children`);
  assert.ok(districts.length >= 1);
  districts.forEach((n) => { isNode(n); assert.equal(n.level, 'district'); assert.equal(n.parent_id, city.id); });
  const grids = await all(as.admin, `/api/v1/nodes/${home.community}/children`, 3);
  assert.ok(grids.length > 3, 'more than one page');
  grids.forEach((n) => { assert.equal(n.level, 'grid'); assert.equal(n.parent_id, home.community); });
  const leaf = await as.admin.get(`/api/v1/nodes/${home.grid}/children`);
  isList(leaf);
  assert.deepEqual(leaf.json, { items: [], next: null });
  isError(await as.admin.get(`/api/v1/nodes/${home.community}/children?limit=501`), 400, 'limit');
});

test('every centre lies inside its node\'s boundary, and locate finds the grid there', async () => {
  const nodes = [
    ...(await all(as.admin, `/api/v1/nodes/${home.community}/children`)),
    (await as.admin.get(`/api/v1/nodes/${home.community}`)).json,
    (await as.admin.get(`/api/v1/nodes/${home.street}`)).json,
  ];
  const anon = new Client(server.url);
  for (const n of nodes) {
    assert.ok(n.center && typeof n.center.lat === 'number' && typeof n.center.lon === 'number', n.name);
    const b = await as.admin.get(`/api/v1/nodes/${n.id}/boundary`);
    assert.equal(b.status, 200);
    assert.ok(inside(b.json.geometry, n.center.lon, n.center.lat), `centre of ${n.name} inside it`);
    if (n.level !== 'grid') continue;
    const l = await anon.get(`/api/v1/locate?lat=${n.center.lat}&lon=${n.center.lon}`);
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.grid.id, n.id, 'locate(centre of a grid) is that grid');
  }
});

test('locate: public, grid and ancestors city first; 404 outside; 400 on bad input', async () => {
  const g = (await as.admin.get(`/api/v1/nodes/${home.grid}`)).json;
  const anon = new Client(server.url);
  const r = await anon.get(`/api/v1/locate?lat=${g.center.lat}&lon=${g.center.lon}`);
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.json).sort(), ['ancestors', 'grid']);
  isNode(r.json.grid);
  assert.equal(r.json.grid.id, g.id);
  assert.deepEqual(r.json.ancestors.map((a) => a.level), ['city', 'district', 'street', 'community']);
  r.json.ancestors.forEach(isNode);
  assert.deepEqual(r.json.ancestors.map((a) => a.id), g.ancestors.map((a) => a.id));

  isError(await anon.get('/api/v1/locate?lat=0&lon=0'), 404);
  isError(await anon.get('/api/v1/locate?lat=-89.9&lon=179.9'), 404);
  isError(await anon.get('/api/v1/locate?lon=115'), 400, 'lat');
  isError(await anon.get('/api/v1/locate?lat=28'), 400, 'lon');
  isError(await anon.get('/api/v1/locate?lat=91&lon=115'), 400, 'lat');
  isError(await anon.get('/api/v1/locate?lat=28&lon=-181'), 400, 'lon');
  isError(await anon.get('/api/v1/locate?lat=abc&lon=115'), 400, 'lat');
  isError(await anon.get('/api/v1/locate?lat=nan&lon=115'), 400, 'lat');
  isError(await anon.get('/api/v1/locate?lat=28&lon=inf'), 400, 'lon');
  isError(await anon.get('/api/v1/locate?lat=&lon=115'), 400, 'lat');
});

test('geo: a FeatureCollection of the level under a node, within scope', async () => {
  const r = await as.community.get(`/api/v1/geo?under=${home.community}&level=grid`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /geo\+json/);
  assert.equal(r.json.type, 'FeatureCollection');
  const kids = await all(as.community, `/api/v1/nodes/${home.community}/children`);
  assert.deepEqual(r.json.features.map((f) => f.properties.id), kids.map((n) => n.id));
  for (const f of r.json.features) {
    assert.equal(f.type, 'Feature');
    assert.deepEqual(Object.keys(f.properties).sort(), ['code', 'id', 'level', 'name']);
    assert.equal(f.properties.level, 'grid');
    assert.ok(['Polygon', 'MultiPolygon'].includes(f.geometry.type));
  }
  // Without a level: the level below.
  const d = await as.community.get(`/api/v1/geo?under=${home.community}`);
  assert.deepEqual(d.json.features.map((f) => f.properties.id), kids.map((n) => n.id));
  // The node's own level draws the node itself.
  const self = await as.grid.get(`/api/v1/geo?under=${home.grid}&level=grid`);
  assert.deepEqual(self.json.features.map((f) => f.properties.id), [home.grid]);

  isError(await as.community.get('/api/v1/geo'), 400, 'under');
  isError(await as.community.get('/api/v1/geo?under=abc'), 400, 'under');
  isError(await as.community.get(`/api/v1/geo?under=${home.community}&level=district`), 400, 'level');
  isError(await as.community.get(`/api/v1/geo?under=${home.community}&level=moon`), 400, 'level');
  isError(await as.grid.get(`/api/v1/geo?under=${home.community}&level=grid`), 404);
  isError(await as.community.get('/api/v1/geo?under=99999999'), 404);
});

test('GET boundary: a GeoJSON Feature of the node', async () => {
  const r = await as.grid.get(`/api/v1/nodes/${home.grid}/boundary`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
  assert.equal(r.json.type, 'Feature');
  assert.ok(['Polygon', 'MultiPolygon'].includes(r.json.geometry.type));
  assert.equal(r.json.properties.id, home.grid);
  const ring = r.json.geometry.type === 'Polygon' ? r.json.geometry.coordinates[0] : r.json.geometry.coordinates[0][0];
  assert.ok(ring.length >= 4);
  assert.deepEqual(ring[0], ring[ring.length - 1], 'rings are closed');
});

test('PUT boundary rejects bad GeoJSON with 400 and changes nothing', async () => {
  const id = home.grid;
  const before = await as.admin.get(`/api/v1/nodes/${id}/boundary`);
  const node = (await as.admin.get(`/api/v1/nodes/${id}`)).json;
  const open = { type: 'Polygon', coordinates: [[[115, 28], [115.1, 28], [115.1, 28.1], [115, 28.1]]] };
  const bad = {
    'a Point': { type: 'Point', coordinates: [115, 28] },
    'a LineString': { type: 'LineString', coordinates: [[115, 28], [116, 29]] },
    'no coordinates': { type: 'Polygon' },
    'no type': { coordinates: square(115, 28, 0.1).coordinates },
    'an open ring': open,
    'a ring of three positions': { type: 'Polygon', coordinates: [[[115, 28], [115.1, 28], [115, 28]]] },
    'an empty polygon': { type: 'Polygon', coordinates: [] },
    'an empty multipolygon': { type: 'MultiPolygon', coordinates: [] },
    'positions as strings': { type: 'Polygon', coordinates: [[['115', '28'], ['115.1', '28'], ['115.1', '28.1'], ['115', '28']]] },
    'a position of one number': { type: 'Polygon', coordinates: [[[115], [115.1, 28], [115.1, 28.1], [115]]] },
    'longitude out of range': square(181, 28, 0.1),
    'latitude out of range': square(115, 90, 0.5),
    'a ring of zero area': { type: 'Polygon', coordinates: [[[115, 28], [115.1, 28], [115.2, 28], [115, 28]]] },
    'a Feature without geometry': { type: 'Feature', properties: {} },
    'a Feature with a null geometry': { type: 'Feature', geometry: null, properties: {} },
    'a FeatureCollection': { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square(115, 28, 0.1) }] },
    'coordinates as an object': { type: 'Polygon', coordinates: { a: 1 } },
  };
  for (const [what, body] of Object.entries(bad)) {
    const r = await as.admin.put(`/api/v1/nodes/${id}/boundary`, body);
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.field, 'boundary', `${what} names the field`);
  }
  for (const body of ['{"type":"Polygon",', '[]', '"Polygon"', '']) {
    const r = await as.admin.put(`/api/v1/nodes/${id}/boundary`, body);
    isError(r, 400);
  }
  const after = await as.admin.get(`/api/v1/nodes/${id}/boundary`);
  assert.equal(after.text, before.text, 'the boundary is unchanged');
  const nodeAfter = (await as.admin.get(`/api/v1/nodes/${id}`)).json;
  assert.deepEqual(nodeAfter.center, node.center, 'the centre is unchanged');
  const l = await as.admin.get(`/api/v1/locate?lat=${node.center.lat}&lon=${node.center.lon}`);
  assert.equal(l.json.grid.id, id, 'locate is unchanged');
});

test('PUT boundary: a grid worker may not, and another grid answers 404', async () => {
  const other = (await all(as.community, `/api/v1/nodes/${home.community}/children`)).find((n) => n.id !== home.grid);
  const geo = square(100, 10, 0.01);
  isError(await as.grid.put(`/api/v1/nodes/${home.grid}/boundary`, geo), 403);
  isError(await as.grid.put(`/api/v1/nodes/${other.id}/boundary`, geo), 404);
  isError(await as.grid.put('/api/v1/nodes/99999999/boundary', geo), 404);
  const anon = new Client(server.url);
  isError(await anon.req('PUT', `/api/v1/nodes/${home.grid}/boundary`, geo), 401);
  const l = await anon.get('/api/v1/locate?lat=10.005&lon=100.005');
  isError(l, 404);
});

test('a new grid with its boundary: created, located, moved, renamed and deleted', async () => {
  const code = 'T' + Date.now().toString().slice(-12);
  const c = await as.admin.post('/api/v1/nodes', {
    parent_id: home.community, level: 'grid', code, name: '测试网格',
    boundary: { type: 'Feature', properties: { ignored: true }, geometry: square(100, 10, 0.01) },
  });
  assert.equal(c.status, 201, c.text);
  isNode(c.json);
  assert.equal(c.json.parent_id, home.community);
  assert.equal(c.json.code, code);
  const id = c.json.id;
  assert.ok(inside(square(100, 10, 0.01), c.json.center.lon, c.json.center.lat), 'centre inside');
  const anon = new Client(server.url);
  let l = await anon.get('/api/v1/locate?lat=10.005&lon=100.005');
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.grid.id, id);
  assert.equal(l.json.ancestors[l.json.ancestors.length - 1].id, home.community);
  assert.ok((await all(as.community, `/api/v1/nodes/${home.community}/children`)).some((n) => n.id === id));

  // A MultiPolygon with a hole: the centre stays inside, off the hole.
  const multi = {
    type: 'MultiPolygon',
    coordinates: [
      [[[101, 11], [101.02, 11], [101.02, 11.02], [101, 11.02], [101, 11]],
        [[101.005, 11.005], [101.015, 11.005], [101.015, 11.015], [101.005, 11.015], [101.005, 11.005]]],
      [[[101.1, 11.1], [101.101, 11.1], [101.101, 11.101], [101.1, 11.101], [101.1, 11.1]]],
    ],
  };
  const p = await as.admin.put(`/api/v1/nodes/${id}/boundary`, multi);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.type, 'Feature');
  const moved = (await as.admin.get(`/api/v1/nodes/${id}`)).json;
  assert.equal(moved.has_boundary, true);
  assert.ok(inside(multi, moved.center.lon, moved.center.lat), 'centre inside the new boundary');
  isError(await anon.get('/api/v1/locate?lat=10.005&lon=100.005'), 404);
  isError(await anon.get('/api/v1/locate?lat=11.01&lon=101.01'), 404); // the hole
  l = await anon.get('/api/v1/locate?lat=11.002&lon=101.002');
  assert.equal(l.json?.grid?.id, id);
  l = await anon.get('/api/v1/locate?lat=11.1005&lon=101.1005');
  assert.equal(l.json?.grid?.id, id, 'the second polygon');
  const b = await as.admin.get(`/api/v1/nodes/${id}/boundary`);
  assert.equal(b.json.geometry.type, 'MultiPolygon');
  assert.equal(b.json.geometry.coordinates.length, 2);

  const n = await as.admin.patch(`/api/v1/nodes/${id}`, { name: '测试网格二' });
  assert.equal(n.status, 200, n.text);
  assert.equal(n.json.name, '测试网格二');
  assert.equal((await as.admin.get(`/api/v1/nodes/${id}`)).json.name, '测试网格二');

  const d = await as.admin.del(`/api/v1/nodes/${id}`);
  assert.equal(d.status, 204, d.text);
  isError(await as.admin.get(`/api/v1/nodes/${id}`), 404);
  isError(await anon.get('/api/v1/locate?lat=11.002&lon=101.002'), 404);
  isError(await as.admin.del(`/api/v1/nodes/${id}`), 404);
});

test('community staff create a grid in their community, not elsewhere; grid workers not at all', async () => {
  const code = 'C' + Date.now().toString().slice(-12);
  const r = await as.community.post('/api/v1/nodes', { parent_id: home.community, level: 'grid', code, name: '新网格' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.center, null, 'no boundary, no centre');
  const cov = await as.community.get(`/api/v1/nodes/${r.json.id}/coverage`);
  assert.equal(cov.status, 200);
  assert.equal(cov.json.grids, 1);
  assert.equal((await as.community.del(`/api/v1/nodes/${r.json.id}`)).status, 204);

  const street = (await as.admin.get(`/api/v1/nodes/${home.community}`)).json.parent_id;
  const others = (await all(as.admin, `/api/v1/nodes/${street}/children`)).filter((n) => n.id !== home.community);
  assert.ok(others.length > 0);
  const code2 = 'X' + Date.now().toString().slice(-12);
  const o = await as.community.post('/api/v1/nodes', { parent_id: others[0].id, level: 'grid', code: code2, name: '越界网格' });
  assert.ok(o.status >= 400 && o.status < 500, `${o.status} ${o.text}`);
  if (o.status === 400) assert.equal(o.json.error.field, 'parent_id');
  // A grid worker sees no node to put a grid under: the community is outside its scope.
  const w = await as.grid.post('/api/v1/nodes', { parent_id: home.community, level: 'grid', code: code2, name: '越权' });
  assert.ok(w.status === 400 || w.status === 403 || w.status === 404, `${w.status} ${w.text}`);
  if (w.status === 400) assert.equal(w.json.error.field, 'parent_id');
  const found = await all(as.admin, '/api/v1/nodes?q=' + code2);
  assert.deepEqual(found, [], 'nothing was created');
});

test('POST /nodes rejects bad input, naming the field, and creates nothing', async () => {
  const code = 'B' + Date.now().toString().slice(-12);
  const ok = { parent_id: home.community, level: 'grid', code, name: '坏网格' };
  const existing = (await as.admin.get(`/api/v1/nodes/${home.grid}`)).json;
  const cases = [
    [{ ...ok, level: 'street' }, 400, 'level'],
    [{ ...ok, level: 'planet' }, 400, 'level'],
    [{ ...ok, parent_id: 99999999 }, 400, 'parent_id'],
    [{ ...ok, parent_id: 'x' }, 400, 'parent_id'],
    [{ ...ok, parent_id: null }, 400, 'parent_id'],
    [{ ...ok, name: undefined }, 400, 'name'],
    [{ ...ok, name: '' }, 400, 'name'],
    [{ ...ok, name: 5 }, 400, 'name'],
    [{ ...ok, name: '网'.repeat(65) }, 400, 'name'],
    [{ ...ok, code: 'C'.repeat(21) }, 400, 'code'],
    [{ ...ok, code: existing.code }, 409, 'code'],
    [{ ...ok, lat: 91 }, 400, 'lat'],
    [{ ...ok, lon: 'east' }, 400, 'lon'],
    [{ ...ok, colour: 'red' }, 400, 'colour'],
    [{ ...ok, boundary: { type: 'Point', coordinates: [1, 2] } }, 400, 'boundary'],
    [{ ...ok, boundary: 'square' }, 400, 'boundary'],
    [{ parent_id: (await as.admin.get('/api/v1/nodes')).json.items[0].id, level: 'city', code, name: 'x' }, 400, 'parent_id'],
  ];
  for (const [body, status, field] of cases) {
    const r = await as.admin.post('/api/v1/nodes', body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 120)}: ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body).slice(0, 120));
  }
  // The maximum lengths are in characters, not bytes.
  const long = await as.admin.post('/api/v1/nodes', { ...ok, name: '网'.repeat(64) });
  assert.equal(long.status, 201, long.text);
  assert.equal((await as.admin.del('/api/v1/nodes/' + long.json.id)).status, 204);
  assert.deepEqual(await all(as.admin, '/api/v1/nodes?q=' + code), [], 'nothing was left behind');
});

test('PATCH and DELETE /nodes/{id}: immutable fields, conflicts, scope', async () => {
  const g = (await as.admin.get(`/api/v1/nodes/${home.grid}`)).json;
  isError(await as.admin.patch(`/api/v1/nodes/${g.id}`, { level: 'community' }), 400, 'level');
  isError(await as.admin.patch(`/api/v1/nodes/${g.id}`, { parent_id: home.street }), 400, 'parent_id');
  isError(await as.admin.patch(`/api/v1/nodes/${g.id}`, { name: null }), 400, 'name');
  isError(await as.admin.patch(`/api/v1/nodes/${g.id}`, { name: '' }), 400, 'name');
  isError(await as.admin.patch(`/api/v1/nodes/${g.id}`, { bogus: 1 }), 400, 'bogus');
  const sibling = (await all(as.admin, `/api/v1/nodes/${home.community}/children`)).find((n) => n.id !== g.id);
  isError(await as.admin.patch(`/api/v1/nodes/${g.id}`, { code: sibling.code }), 409, 'code');
  isError(await as.grid.patch(`/api/v1/nodes/${g.id}`, { name: 'mine' }), 403);
  isError(await as.grid.patch(`/api/v1/nodes/${sibling.id}`, { name: 'theirs' }), 404);
  isError(await as.admin.del(`/api/v1/nodes/${home.community}`), 409);
  isError(await as.grid.del(`/api/v1/nodes/${g.id}`), 403);
  const now = (await as.admin.get(`/api/v1/nodes/${g.id}`)).json;
  assert.deepEqual(now, g, 'nothing changed');
  assert.equal((await as.admin.get(`/api/v1/nodes/${home.community}`)).status, 200);
});

test('a node\'s centre stays inside its boundary whatever is written to it', async () => {
  const g = (await as.admin.get(`/api/v1/nodes/${home.grid}`)).json;
  const geo = (await as.admin.get(`/api/v1/nodes/${g.id}/boundary`)).json.geometry;
  const r = await as.admin.patch(`/api/v1/nodes/${g.id}`, { lat: 0, lon: 0 });
  const now = (await as.admin.get(`/api/v1/nodes/${g.id}`)).json;
  assert.ok(inside(geo, now.center.lon, now.center.lat),
    `PATCH {"lat":0,"lon":0} answered ${r.status} and left the centre at ${JSON.stringify(now.center)}, outside the grid`);
});

test('level names: city staff set them, meta shows them; bad input changes nothing', async () => {
  const anon = new Client(server.url);
  const names = async () => Object.fromEntries((await anon.get('/api/v1/meta')).json.levels.map((l) => [l.level, l.name]));
  const before = await names();
  assert.deepEqual(Object.keys(before), LEVELS);
  const rural = { city: '市', district: '县', street: '乡镇', community: '村', grid: '网格' };
  isError(await as.community.put('/api/v1/settings/level_names', rural), 403);
  isError(await anon.req('PUT', '/api/v1/settings/level_names', rural), 401);
  const bad = [
    [{ ...rural, grid: undefined }, 'grid'],
    [{ ...rural, planet: '星' }, 'planet'],
    [{ ...rural, street: '' }, 'street'],
    [{ ...rural, street: '街'.repeat(9) }, 'street'],
    [{ ...rural, community: 5 }, 'community'],
    [{ ...rural, city: null }, 'city'],
  ];
  for (const [body, field] of bad) isError(await as.city.put('/api/v1/settings/level_names', body), 400, field);
  isError(await as.city.put('/api/v1/settings/level_names', '{"city":'), 400);
  assert.deepEqual(await names(), before, 'unchanged');
  const r = await as.city.put('/api/v1/settings/level_names', rural);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.fromEntries(r.json.levels.map((l) => [l.level, l.name])), rural);
  assert.deepEqual(await names(), rural);
  assert.equal((await as.admin.put('/api/v1/settings/level_names', before)).status, 200);
  assert.deepEqual(await names(), before);
});
