// limits.test.mjs - the edges of the HTTP layer: /healthz, /metrics, unknown routes (404),
// wrong methods (405), bodies over the limit (413), JSON nested too deeply, long URLs and
// headers, security headers, concurrent writes, and a clean exit on SIGTERM and SIGINT.
//
// An empty database (admin only) is enough here, so the server starts fast.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { startServer, Client, ADMIN_PASSWORD, BIN } from '../lib/server.mjs';
import { isError } from '../lib/check.mjs';

let server;
let admin;
let city; // a city, district, street, community and grid made here
let grid;

before(async () => {
  server = await startServer({ demo: false });
  admin = new Client(server.url);
  const r = await admin.login('admin', ADMIN_PASSWORD);
  assert.equal(r.status, 200, r.text);
  let parent = null;
  for (const level of ['city', 'district', 'street', 'community', 'grid']) {
    const n = await admin.post('/api/v1/nodes', { parent_id: parent, level, code: 'L-' + level, name: level });
    assert.equal(n.status, 201, n.text);
    parent = n.json.id;
    if (level === 'city') city = parent;
  }
  grid = parent;
});
after(async () => { if (server) await server.stop(); });

const square = (lon, lat, d) => ({ type: 'Polygon',
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] });

// A raw HTTP/1.1 request, for what fetch will not send (huge headers, odd methods).
function rawRequest(method, path, headers = {}, body = null) {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

test('/healthz answers ok without a login, to GET and HEAD', async () => {
  const r = await fetch(server.url + '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(await r.json(), { status: 'ok' });
  const h = await fetch(server.url + '/healthz', { method: 'HEAD' });
  assert.equal(h.status, 200);
  assert.equal(await h.text(), '');
});

test('/metrics is Prometheus text whose counters move', async () => {
  const read = async () => {
    const r = await fetch(server.url + '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    const text = await r.text();
    const values = {};
    const typed = new Set();
    for (const line of text.split('\n')) {
      if (!line) continue;
      let m = line.match(/^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/);
      if (m) {
        if (m[1] === 'TYPE') { assert.match(m[3], /^(counter|gauge|histogram|summary|untyped)$/); typed.add(m[2]); }
        continue;
      }
      m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9.]+(e[+-]?\d+)?|NaN|\+Inf|-Inf)$/);
      assert.ok(m, 'a Prometheus sample line: ' + line);
      assert.ok(typed.has(m[1]), m[1] + ' has a TYPE before its samples');
      values[m[1] + (m[2] || '')] = Number(m[4]);
    }
    return values;
  };
  const a = await read();
  assert.ok('gr_http_requests_total{class="4xx"}' in a);
  await fetch(server.url + '/api/v1/no-such-thing/1/2');
  await fetch(server.url + '/healthz');
  const b = await read();
  assert.ok(b['gr_http_requests_total{class="4xx"}'] > a['gr_http_requests_total{class="4xx"}']);
  assert.ok(b['gr_http_requests_total{class="2xx"}'] > a['gr_http_requests_total{class="2xx"}']);

  // The locate index counts grids with a boundary, and follows a new one.
  const before = b.gr_locate_grids;
  const p = await admin.put(`/api/v1/nodes/${grid}/boundary`, square(100, 10, 0.01));
  assert.equal(p.status, 200, p.text);
  const c = await read();
  assert.equal(c.gr_locate_grids, before + 1);
});

test('an unknown route answers 404 with the error body', async () => {
  for (const p of ['/api/v1/no-such-thing/1/2', '/api/v2/nodes', '/api/v1/nodes/1/nope', '/api/v1/',
    '/api/v1/nodes/', '/api', '/no-such-file.js', '/../etc/passwd', '/api/v1/nodes/1/coverage/x']) {
    const r = await admin.get(p);
    isError(r, 404, undefined, 'not_found');
  }
  isError(await admin.post('/api/v1/no-such-thing/1/2', {}), 404, undefined, 'not_found');
  isError(await new Client(server.url).get('/api/v1/no/such/route'), 404, undefined, 'not_found');
});

const WRONG = () => [['DELETE', '/healthz', 'GET'], ['POST', '/metrics', 'GET'], ['PUT', '/api/v1/nodes', 'POST'],
  ['POST', `/api/v1/nodes/${grid}/coverage`, 'GET'], ['PATCH', '/api/v1/session', 'DELETE'],
  ['PUT', '/api/v1/buildings/1', 'PATCH'], ['DELETE', '/api/v1/locate', 'GET'], ['POST', '/api/v1/users/1', 'GET'],
  ['PATCH', `/api/v1/nodes/${grid}/boundary`, 'PUT']];

test('a wrong method answers 405', async () => {
  for (const [method, path] of WRONG()) {
    isError(await admin.req(method, path, method === 'DELETE' ? undefined : {}), 405, undefined, 'method_not_allowed');
  }
  // Without a session too: the method is wrong whoever asks.
  isError(await new Client(server.url).req('PUT', '/api/v1/nodes', {}), 405, undefined, 'method_not_allowed');
  const odd = await rawRequest('BREW', '/healthz');
  assert.equal(odd.status, 405);
});

test('a 405 names the allowed methods in Allow (RFC 9110 15.5.6)', async () => {
  const missing = [];
  for (const [method, path, allowed] of WRONG()) {
    const r = await admin.req(method, path, method === 'DELETE' ? undefined : {});
    const allow = r.headers.get('allow');
    if (!allow || !allow.split(/,\s*/).includes(allowed)) missing.push(`${method} ${path}: Allow ${allow}`);
  }
  assert.deepEqual(missing, []);
});

test('a body over 1 MiB is 413; boundaries may reach 8 MiB', async () => {
  const pad = (n) => '{"number": "' + 'x'.repeat(n - 14) + '"}';
  const big = pad((1 << 20) + 1);
  assert.equal(Buffer.byteLength(big), (1 << 20) + 1);
  isError(await admin.post('/api/v1/buildings', big), 413, undefined, 'too_big');
  isError(await new Client(server.url).post('/api/v1/session', big), 413, undefined, 'too_big');
  isError(await admin.patch('/api/v1/buildings/1', big), 413, undefined, 'too_big');
  // At the limit the body is read (and judged on what it says).
  const edge = await admin.post('/api/v1/buildings', pad(1 << 20));
  assert.equal(edge.status, 400, edge.text);
  // Boundaries: 2 MiB is read, over 8 MiB is not.
  const ring = [];
  for (let i = 0; i < 60000; i++) {
    const a = (2 * Math.PI * i) / 60000;
    ring.push([100 + 0.01 * Math.cos(a), 10 + 0.01 * Math.sin(a)]);
  }
  ring.push(ring[0]);
  const geo = JSON.stringify({ type: 'Polygon', coordinates: [ring] });
  assert.ok(geo.length > (2 << 20) && geo.length < (8 << 20), 'a boundary of ' + geo.length + ' bytes');
  const put = await admin.put(`/api/v1/nodes/${grid}/boundary`, geo);
  assert.equal(put.status, 200, put.text.slice(0, 200));
  const huge = '{"type": "Polygon", "coordinates": [], "pad": "' + 'x'.repeat(8 << 20) + '"}';
  isError(await admin.put(`/api/v1/nodes/${grid}/boundary`, huge), 413, undefined, 'too_big');
  isError(await admin.post('/api/v1/nodes', huge), 413, undefined, 'too_big');
  assert.equal((await fetch(server.url + '/healthz')).status, 200);
});

test('JSON nested deeper than 32 is 400; 32 is parsed', async () => {
  const nest = (depth) => '{"name": ' + '['.repeat(depth - 1) + ']'.repeat(depth - 1) + '}';
  const deep = await admin.post('/api/v1/buildings', nest(33));
  isError(deep, 400, undefined, 'invalid_json');
  assert.match(deep.json.error.message, /deep|nest/i);
  const ok = await admin.post('/api/v1/buildings', nest(32));
  isError(ok, 400, undefined, 'invalid');
  assert.equal(ok.json.error.field, 'name', 'parsed, then judged: name must be a string');
  const veryDeep = '['.repeat(100000) + ']'.repeat(100000);
  isError(await admin.post('/api/v1/buildings', veryDeep), 400, undefined, 'invalid_json');
  // Brackets inside strings do not count.
  const s = await new Client(server.url).post('/api/v1/session', { login: '['.repeat(100), password: '{'.repeat(100) });
  isError(s, 401, undefined, 'unauthenticated');
  assert.equal((await fetch(server.url + '/healthz')).status, 200);
});

test('a URL over 4 KiB and huge headers are refused, and the server lives on', async () => {
  const longPath = await admin.get('/api/v1/buildings/' + '1'.repeat(5000));
  assert.equal(longPath.status, 414, longPath.text);
  const fine = await rawRequest('GET', '/healthz', { 'x-pad': 'p'.repeat(6 * 1024) });
  assert.equal(fine.status, 200);
  const huge = await rawRequest('GET', '/healthz', { 'x-pad': 'p'.repeat(32 * 1024) });
  assert.ok(huge.status === 431 || huge.status === 400 || huge.status === 413, 'refused: ' + huge.status);
  assert.equal((await fetch(server.url + '/healthz')).status, 200);
});

test('a query string counts towards the 4 KiB URL limit', async () => {
  const r = await admin.get('/healthz?pad=' + 'a'.repeat(5000));
  assert.equal(r.status, 414, 'GET /healthz?pad=<5000 bytes>: ' + r.status);
});

test('answers carry security headers and no caching of API data', async () => {
  for (const p of ['/healthz', '/api/v1/nodes', '/api/v1/no-such-thing/1/2', '/']) {
    const r = await admin.get(p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
  }
  // Pages may not be framed.
  const page = await admin.get('/');
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  const r = await admin.get('/api/v1/nodes/' + city);
  assert.match(r.headers.get('cache-control'), /no-store/);
});

test('concurrent writes and reads all succeed', async () => {
  // Each round: writes of several kinds and reads in flight together, so that one request's
  // transaction starts while others commit. Creating a user hashes a password first, which
  // leaves time for other writes to commit in between.
  const failed = [];
  let made = 0;
  for (let round = 0; round < 4; round++) {
    const users = Array.from({ length: 2 }, (_, i) => admin.post('/api/v1/users', { login: `conc${round}x${i}`,
      password: 'password-123', name: '并发', grants: [{ role: 'resident', node_id: grid }] }));
    const writes = Array.from({ length: 24 }, (_, i) => admin.post('/api/v1/buildings', { grid_id: grid, number: `P${round}-${i}` }));
    const reads = Array.from({ length: 16 }, () => admin.get(`/api/v1/nodes/${grid}/coverage`));
    const results = await Promise.all([...users, ...writes, ...reads]);
    results.forEach((r, i) => {
      const [what, want] = i < 2 ? ['POST /api/v1/users', 201] : i < 26 ? ['POST /api/v1/buildings', 201] : ['GET coverage', 200];
      if (r.status !== want) failed.push(`${what}: ${r.status} ${r.text}`);
      else if (what === 'POST /api/v1/buildings') made++;
    });
  }
  assert.deepEqual(failed, []);
  const cov = await admin.get(`/api/v1/nodes/${grid}/coverage`);
  assert.equal(cov.json.buildings, made);
});

// A server of our own, to signal: on a new database, or again on the one given.
async function ownServer(prev) {
  const dir = prev ? prev.dir : mkdtempSync(join(tmpdir(), 'gr-sig-'));
  const db = join(dir, 'sig.db');
  if (!prev) execFileSync(BIN, ['init', '--db', db, '--admin-password', ADMIN_PASSWORD]);
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('did not start')), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  return { child, url, exited, dir };
}

async function stopWith(s, sig) {
  s.child.kill(sig);
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), 10000); });
  const how = await Promise.race([s.exited, timeout]);
  clearTimeout(timer);
  return how;
}

for (const sig of ['SIGTERM', 'SIGINT']) {
  test(`${sig}: the server finishes and exits 0, keeping what it committed`, async () => {
    let s = await ownServer();
    try {
      const c = new Client(s.url);
      assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 200);
      assert.equal((await c.post('/api/v1/nodes', { level: 'city', code: 'S1', name: '城' })).status, 201);
      // An idle keep-alive connection must not hold the exit up.
      const agent = new http.Agent({ keepAlive: true });
      await new Promise((resolve) => http.get(s.url + '/healthz', { agent }, (res) => { res.resume(); res.on('end', resolve); }));
      const how = await stopWith(s, sig);
      agent.destroy();
      assert.notEqual(how, 'timeout', `no exit within 10 s of ${sig}`);
      assert.deepEqual(how, { code: 0, signal: null });

      s = await ownServer(s);
      const c2 = new Client(s.url);
      assert.equal((await c2.login('admin', ADMIN_PASSWORD)).status, 200);
      const top = await c2.get('/api/v1/nodes');
      assert.deepEqual(top.json.items.map((n) => n.code), ['S1']);
      assert.deepEqual(await stopWith(s, sig), { code: 0, signal: null });
    } finally {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
}
