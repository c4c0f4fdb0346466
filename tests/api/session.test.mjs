// session.test.mjs - logging in and out, the session cookie, CSRF on every write made with
// it, bearer tokens for programs, and login throttling per account and per address.
//
// One demo server. Every failed login here counts towards the per-address limit of this
// server, so the address test runs last.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_PASSWORD, ADMIN_PASSWORD } from '../lib/server.mjs';
import { isError } from '../lib/check.mjs';

let server;
let grid; // the grid of the "grid" login

before(async () => {
  server = await startServer();
  const c = new Client(server.url);
  const r = await c.login('grid', DEMO_PASSWORD);
  grid = r.json.user.grants[0].node_id;
});
after(async () => { if (server) await server.stop(); });

async function loggedIn(login, pw = DEMO_PASSWORD) {
  const c = new Client(server.url);
  const r = await c.login(login, pw);
  assert.equal(r.status, 200, `login ${login}: ${r.text}`);
  return c;
}

// A building numbered n in the grid, as a write that succeeds with a valid session.
const building = (n) => ({ grid_id: grid, number: n });
async function buildingExists(n) {
  const admin = await loggedIn('admin', ADMIN_PASSWORD);
  const r = await admin.get(`/api/v1/buildings?grid_id=${grid}&q=${encodeURIComponent(n)}&limit=500`);
  return r.json.items.some((b) => b.number === n);
}

test('logging in answers the CSRF token and the user, and sets a strict HttpOnly cookie', async () => {
  const c = new Client(server.url);
  const r = await c.login('community', DEMO_PASSWORD);
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.csrf_token, /^[0-9a-f]{16,}$/);
  assert.equal(r.json.user.login, 'community');
  assert.ok(Array.isArray(r.json.user.grants) && r.json.user.grants.length > 0);
  const sc = r.headers.get('set-cookie');
  assert.match(sc, /^gr_session=[^;]{32,};/);
  assert.match(sc, /;\s*HttpOnly/i);
  assert.match(sc, /;\s*SameSite=Strict/i);
  assert.match(sc, /;\s*Path=\//i);
  const token = sc.split(';')[0].split('=')[1];
  assert.ok(!r.text.includes(token), 'the session secret is only in the cookie');
  assert.notEqual(r.json.csrf_token, token);
  assert.match(r.headers.get('cache-control'), /no-store/);

  const s = await c.get('/api/v1/session');
  assert.equal(s.status, 200);
  assert.equal(s.json.csrf_token, r.json.csrf_token);
  assert.deepEqual(s.json.user, r.json.user);
});

test('no session, a wrong password or an unknown login: 401, alike', async () => {
  const anon = new Client(server.url);
  isError(await anon.get('/api/v1/session'), 401, undefined, 'unauthenticated');
  anon.cookie = 'gr_session=' + 'ab'.repeat(32);
  isError(await anon.get('/api/v1/session'), 401, undefined, 'unauthenticated');
  anon.cookie = 'gr_session=';
  isError(await anon.get('/api/v1/nodes'), 401);

  const wrong = await new Client(server.url).login('street', 'not-the-password');
  isError(wrong, 401, undefined, 'unauthenticated');
  assert.equal(wrong.headers.get('set-cookie'), null);
  const unknown = await new Client(server.url).login('nobody-here', 'not-the-password');
  isError(unknown, 401, undefined, 'unauthenticated');
  assert.deepEqual(unknown.json, wrong.json, 'a wrong login reads exactly like a wrong password');
});

test('a malformed login request is 400 naming the field', async () => {
  const c = new Client(server.url);
  for (const body of ['{', '[]', '', '"x"']) isError(await c.post('/api/v1/session', body), 400);
  const wrong = [];
  for (const [body, field] of [[{ login: 'grid' }, 'password'], [{ password: DEMO_PASSWORD }, 'login'],
    [{ login: 5, password: DEMO_PASSWORD }, 'login'], [{ login: 'grid', password: ['x'] }, 'password'],
    [{ login: 'grid', password: DEMO_PASSWORD, remember: true }, 'remember']]) {
    const r = await c.post('/api/v1/session', body);
    if (r.status !== 400 || r.json?.error?.field !== field) {
      wrong.push(`${JSON.stringify(body)} -> ${r.status} ${r.text} (want 400 naming ${field})`);
    }
  }
  assert.deepEqual(wrong, [], 'POST /api/v1/session bad input');
});

test('a write with the cookie needs the session\'s X-CSRF-Token: 403 csrf, nothing changed', async () => {
  const c = await loggedIn('grid');
  const other = await loggedIn('grid');
  const token = c.csrf;
  const attempts = [[null, 'CS1'], ['', 'CS2'], ['0'.repeat(token.length), 'CS3'], [token + '0', 'CS4'],
    [token.slice(1), 'CS5'], [other.csrf, 'CS6']];
  for (const [header, n] of attempts) {
    c.csrf = header;
    const r = await c.req('POST', '/api/v1/buildings', building(n), header === null ? {} : { 'x-csrf-token': header });
    isError(r, 403, undefined, 'csrf');
    assert.equal(await buildingExists(n), false, n + ' must not exist');
  }
  c.csrf = null;
  const mine = (await c.get(`/api/v1/buildings?grid_id=${grid}&limit=1`)).json.items[0];
  isError(await c.patch('/api/v1/buildings/' + mine.id, { name: 'csrf' }), 403, undefined, 'csrf');
  isError(await c.del('/api/v1/buildings/' + mine.id), 403, undefined, 'csrf');
  isError(await c.put(`/api/v1/nodes/${grid}/boundary`, {}), 403, undefined, 'csrf');
  isError(await c.post('/api/v1/tokens', { name: 'x' }), 403, undefined, 'csrf');
  isError(await c.del('/api/v1/session'), 403, undefined, 'csrf');
  assert.equal((await c.get('/api/v1/buildings/' + mine.id)).json.name, mine.name);
  // Reads need no token.
  assert.equal((await c.get('/api/v1/session')).status, 200);
  // With the token the same write succeeds.
  c.csrf = token;
  const ok = await c.post('/api/v1/buildings', building('CS7'));
  assert.equal(ok.status, 201, ok.text);
  assert.equal((await c.del('/api/v1/buildings/' + ok.json.id)).status, 204);
});

test('bearer tokens act as their owner without CSRF; bad ones are 401', async () => {
  const c = await loggedIn('grid');
  const t = await c.post('/api/v1/tokens', { name: '导入脚本' });
  assert.equal(t.status, 201, t.text);
  assert.match(t.json.token, /^[0-9a-f]{32,}$/);
  const bot = new Client(server.url);
  bot.bearer = t.json.token;
  const s = await bot.get('/api/v1/session');
  assert.equal(s.status, 200);
  assert.equal(s.json.user.login, 'grid');
  assert.equal(s.json.csrf_token, null);
  const w = await bot.post('/api/v1/buildings', building('BT1'));
  assert.equal(w.status, 201, w.text);
  assert.equal((await bot.del('/api/v1/buildings/' + w.json.id)).status, 204);

  const bad = new Client(server.url);
  bad.bearer = t.json.token.slice(0, -1) + (t.json.token.endsWith('0') ? '1' : '0');
  isError(await bad.get('/api/v1/session'), 401);
  isError(await bad.post('/api/v1/buildings', building('BT2')), 401);
  assert.equal(await buildingExists('BT2'), false);
  const basic = await fetch(server.url + '/api/v1/session', { headers: { authorization: 'Basic Z3JpZDp4' } });
  assert.equal(basic.status, 401);

  const wrong = [];
  for (const [body, field] of [[{ name: '' }, 'name'], [{ name: 'n'.repeat(65) }, 'name'], [{ name: 5 }, 'name'],
    [{}, 'name'], [{ name: 'ok', scope: 'all' }, 'scope']]) {
    const r = await c.post('/api/v1/tokens', body);
    if (r.status !== 400 || r.json?.error?.field !== field) {
      wrong.push(`${JSON.stringify(body)} -> ${r.status} ${r.text} (want 400 naming ${field})`);
    }
  }
  assert.deepEqual(wrong, [], 'POST /api/v1/tokens bad input');
  isError(await new Client(server.url).post('/api/v1/tokens', { name: 'anon' }), 401);
});

test('logging out ends that session only', async () => {
  const a = await loggedIn('street');
  const b = await loggedIn('street');
  const t = await a.post('/api/v1/tokens', { name: 'keeps working' });
  const cookie = a.cookie;
  const r = await a.del('/api/v1/session');
  assert.equal(r.status, 204);
  const sc = r.headers.get('set-cookie');
  assert.match(sc, /^gr_session=;/);
  assert.match(sc, /Max-Age=0/);
  a.cookie = cookie; // a client that keeps the old cookie
  isError(await a.get('/api/v1/session'), 401);
  isError(await a.post('/api/v1/buildings', building('LO1')), 401);
  assert.equal((await b.get('/api/v1/session')).status, 200, 'the other session lives on');
  const bot = new Client(server.url);
  bot.bearer = t.json.token;
  assert.equal((await bot.get('/api/v1/session')).status, 200, 'tokens live on');
  isError(await new Client(server.url).del('/api/v1/session'), 401);
});

// The throttle table's slot for a key (FNV-1a over "login:NAME" into 1024 slots), to build
// a login that lands on the same slot as another. The contract holds whatever the table.
function slot(key) {
  let h = 2166136261;
  for (const c of Buffer.from(key.slice(0, 95))) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h % 1024;
}

test('after 5 failures for one login: 429, even with the right password; others unaffected', async () => {
  for (let i = 0; i < 5; i++) isError(await new Client(server.url).login('resident', 'wrong-' + i), 401);
  const r = await new Client(server.url).login('resident', DEMO_PASSWORD);
  isError(r, 429, undefined, 'busy');
  assert.equal(r.headers.get('set-cookie'), null);
  assert.equal((await new Client(server.url).login('unit', DEMO_PASSWORD)).status, 200);
  const m = await new Client(server.url).get('/metrics');
  assert.match(m.text, /^gr_login_throttled_total [1-9]\d*$/m);
  assert.match(m.text, /^gr_login_failures_total [1-9]\d*$/m);
});

test('failures for another login cannot wipe a login\'s count', async () => {
  const victim = 'building';
  const addr = slot('addr:127.0.0.1');
  assert.notEqual(slot('login:' + victim), addr);
  let other = null;
  for (let i = 0; i < 1e6 && !other; i++) {
    const l = 'x' + i.toString(36);
    if (slot('login:' + l) === slot('login:' + victim)) other = l;
  }
  for (let i = 0; i < 3; i++) isError(await new Client(server.url).login(victim, 'wrong'), 401);
  isError(await new Client(server.url).login(other, 'wrong'), 401);
  for (let i = 0; i < 2; i++) isError(await new Client(server.url).login(victim, 'wrong'), 401);
  const r = await new Client(server.url).login(victim, DEMO_PASSWORD);
  assert.equal(r.status, 429, `5 failures for "${victim}" (with one for "${other}" in between): ${r.status} ${r.text}`);
});

test('after many failures from one address: 429 for every login from it', async () => {
  let busy = null;
  for (let i = 0; i < 100 && !busy; i++) {
    const r = await new Client(server.url).login('nobody' + i, 'wrong');
    if (r.status === 429) busy = i;
    else isError(r, 401);
  }
  assert.ok(busy !== null, 'the address was throttled');
  const r = await new Client(server.url).login('city', DEMO_PASSWORD);
  isError(r, 429, undefined, 'busy');
});
