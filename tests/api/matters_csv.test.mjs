// matters_csv.test.mjs - the responsibility list as CSV for the web editor:
// GET /api/v1/matter-lists/{v}/matters.csv gives a version as `grassroots export matters`
// writes it, PUT replaces a draft's matters with a file in one transaction (any bad row:
// 400 naming "line L, column C", and nothing changes), 409 on a published version, and
// only district or city staff and admin may do either.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, BIN } from '../lib/server.mjs';
import { isError, loginAs } from '../lib/check.mjs';

const HEADER = 'code,name,category,power_type,list_kind,governance,owner_level,owner_dept,' +
  'co_depts,legal_basis,respond_limit,respond_unit,resolve_limit,resolve_unit,urgent';

let server;
const as = {};
let published; // the version in effect (the demo's)
let original; // its CSV

before(async () => {
  server = await startServer();
  for (const n of ['admin', 'city', 'district', 'street', 'community', 'grid', 'resident', 'dept']) {
    as[n] = await loginAs(server.url, n);
  }
  const lists = await as.district.get('/api/v1/matter-lists');
  assert.equal(lists.status, 200, lists.text);
  published = lists.json.items.find((l) => l.status === 'published').version;
  const r = await as.district.get(`/api/v1/matter-lists/${published}/matters.csv`);
  assert.equal(r.status, 200, r.text);
  original = r.text;
});
after(async () => { if (server) await server.stop(); });

// RFC 4180 both ways, as src/base/csv.c reads and writes it.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
const cellOf = (s) => (/[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
const toCsv = (rows) => rows.map((r) => r.map(cellOf).join(',') + '\n').join('');

const csvPath = (v) => `/api/v1/matter-lists/${v}/matters.csv`;
const putCsv = (c, v, body) => c.req('PUT', csvPath(v), body, { 'content-type': 'text/csv' });

// A fresh draft: the one being edited (or a new copy of the newest version), reset to the
// published list so that every test starts from the same rows.
async function draft() {
  const d = await as.district.post('/api/v1/matter-lists', {});
  assert.equal(d.status, 201, d.text);
  const r = await putCsv(as.district, d.json.version, original);
  assert.equal(r.status, 200, r.text);
  return d.json.version;
}

test('GET gives the version as CSV: the header, one matter a row by code, as the CLI exports it', async () => {
  const r = await as.district.get(csvPath(published));
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.ok(r.text.startsWith(HEADER + '\n') && r.text.endsWith('\n'));
  const [head, ...rows] = parseCsv(r.text);
  assert.equal(toCsv([head, ...rows]), r.text, 'quoted only where needed');
  const json = await as.district.get(`/api/v1/matters?version=${published}`);
  assert.equal(rows.length, json.json.items.length);
  json.json.items.forEach((m, i) => {
    assert.deepEqual(rows[i], [m.code, m.name, m.category, m.power_type, m.list_kind, m.governance,
      m.owner_level ?? '', m.owner_dept ?? '', m.co_depts.join('|'), m.legal_basis ?? '',
      String(m.respond_limit), m.respond_unit, String(m.resolve_limit), m.resolve_unit,
      m.urgent ? '1' : '0'], m.code);
  });
  // The command line writes the same bytes from the same database.
  const cli = execFileSync(BIN, ['export', '--db', server.db, 'matters', '--version', String(published)],
    { encoding: 'utf8' });
  assert.equal(r.text, cli);
  const h = await as.district.req('HEAD', csvPath(published));
  assert.equal(h.status, 200);
});

test('only district or city staff and admin read or replace the list as CSV', async () => {
  const v = await draft();
  for (const n of ['resident', 'grid', 'community', 'street', 'dept']) {
    isError(await as[n].get(csvPath(published)), 403, undefined, 'forbidden');
    isError(await putCsv(as[n], v, original), 403, undefined, 'forbidden');
  }
  const anon = new Client(server.url);
  isError(await anon.get(csvPath(published)), 401);
  isError(await putCsv(anon, v, original), 401);
  for (const n of ['city', 'admin']) {
    const g = await as[n].get(csvPath(v));
    assert.equal(g.status, 200, `${n}: ${g.text}`);
    const p = await putCsv(as[n], v, original);
    assert.equal(p.status, 200, `${n}: ${p.text}`);
  }
  // A write by cookie needs the session's CSRF header.
  const noCsrf = new Client(server.url);
  noCsrf.cookie = as.district.cookie;
  isError(await putCsv(noCsrf, v, original), 403, undefined, 'csrf');
});

test('PUT replaces every matter of the draft; GET gives back the same bytes', async () => {
  const v = await draft();
  const [head, ...rows] = parseCsv(original);
  // Keep the first three rows, change one, and add one whose texts need quoting.
  const changed = [...rows[1]];
  changed[1] += '（修订）';
  const extra = ['Z901', '带逗号, 和"引号"的事项', 'E0102', 'comprehensive', 'cooperative',
    'co_governance', '', '城市管理局', '公安分局|市场监督管理局', '第一行\n第二行', '3', 'days', '10',
    'days', '1'];
  const body = toCsv([head, rows[0], changed, rows[2], extra]);
  assert.match(body, /"带逗号, 和""引号""的事项"/);
  const r = await putCsv(as.district, v, body);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { version: v, status: 'draft', matters: 4 });
  const back = await as.district.get(csvPath(v));
  assert.equal(back.text, body);
  const m = await as.district.get(`/api/v1/matters?version=${v}`);
  assert.equal(m.json.items.length, 4);
  const z = m.json.items.find((x) => x.code === 'Z901');
  assert.deepEqual([z.name, z.owner_level, z.owner_dept, z.co_depts, z.legal_basis, z.urgent],
    ['带逗号, 和"引号"的事项', null, '城市管理局', ['公安分局', '市场监督管理局'], '第一行\n第二行', true]);
  // A byte-order mark and CRLF line ends are read; the list comes back in its own form.
  const crlf = '\ufeff' + original.replace(/\n/g, '\r\n');
  const r2 = await putCsv(as.district, v, crlf);
  assert.equal(r2.status, 200, r2.text);
  assert.equal((await as.district.get(csvPath(v))).text, original);
  // A header alone empties the draft (which then cannot be published).
  const r3 = await putCsv(as.district, v, HEADER + '\n');
  assert.equal(r3.status, 200, r3.text);
  assert.equal(r3.json.matters, 0);
  isError(await as.district.post(`/api/v1/matter-lists/${v}/publish`, {}), 400);
  assert.equal((await putCsv(as.district, v, original)).status, 200);
});

test('a bad row is 400 naming its line and column, and the draft keeps what it had', async () => {
  const v = await draft();
  const row = parseCsv(original)[1];
  const line = (r) => toCsv([r]).slice(0, -1);
  const with_ = (col, value, code = 'Z950') => {
    const r = [...row];
    r[0] = code;
    r[col] = value;
    return line(r);
  };
  const territorial = (kind) => {
    const r = [...row];
    r[0] = 'Z950';
    r[4] = kind;
    r[6] = '';
    r[7] = '';
    return line(r);
  };
  const cases = [
    // [row, column (1-based), the message]
    [with_(2, 'Z9999'), 3, /^category: is not a known category/],
    [with_(3, 'magic'), 4, /^power_type: is not a known power type/],
    [with_(4, 'sometimes'), 5, /^list_kind: must be basic, cooperative or returned/],
    [with_(5, 'anarchy'), 6, /^governance: must be government, co_governance or self_governance/],
    [with_(6, 'planet'), 7, /^owner_level: must be district, street, community or grid/],
    [with_(11, 'weeks'), 12, /^respond_unit: must be hours or days/],
    [with_(12, '0'), 13, /^resolve_limit: must be a whole number from 1 to 10000/],
    [with_(10, '-2'), 11, /^respond_limit: must be a whole number from 1 to 10000/],
    [with_(14, 'yes'), 15, /^urgent: must be 0 or 1/],
    [with_(8, 'a||b'), 9, /^co_depts: names a department without a name/],
    [territorial('cooperative'), 8, /^owner_dept: a cooperative or returned duty names its department/],
    [territorial('returned'), 8, /^owner_dept: a cooperative or returned duty names its department/],
    [with_(1, ''), 2, /^name: is required/],
    [with_(0, 'x'.repeat(33)), 1, /^code: must be at most 32 characters/],
    [line(row), 1, /^code: repeats the code of line 2/],
  ];
  for (const [bad, col, msg] of cases) {
    const body = [HEADER, line(row), bad, ''].join('\n');
    const r = await putCsv(as.district, v, body);
    isError(r, 400, `line 3, column ${col}`, 'invalid');
    assert.match(r.json.error.message, msg, bad);
  }
  // Rows of the wrong width, and unknown, repeated or missing columns.
  let r = await putCsv(as.district, v, `${HEADER}\n${line(row)}\nZ951,short\n`);
  isError(r, 400, 'line 3', 'invalid');
  assert.match(r.json.error.message, /has 2 fields; the header has 15/);
  r = await putCsv(as.district, v, `${HEADER},colour\n${line(row)},red\n`);
  isError(r, 400, 'line 1, column 16', 'invalid');
  assert.match(r.json.error.message, /unknown column "colour"/);
  r = await putCsv(as.district, v, HEADER.replace(',urgent', ',code') + '\n');
  isError(r, 400, 'line 1, column 15', 'invalid');
  assert.match(r.json.error.message, /repeated column "code"/);
  r = await putCsv(as.district, v, HEADER.replace('name,', '') + '\n');
  isError(r, 400, 'line 1', 'invalid');
  assert.match(r.json.error.message, /^name: the column is missing/);
  r = await putCsv(as.district, v, '');
  isError(r, 400, 'line 1', 'invalid');
  assert.match(r.json.error.message, /empty/);
  r = await putCsv(as.district, v, `${HEADER}\n"Z952,unclosed\n`);
  isError(r, 400, 'line 2', 'invalid');
  assert.match(r.json.error.message, /quoted field is not closed/);
  // Text that is not UTF-8.
  const raw = await fetch(server.url + csvPath(v), {
    method: 'PUT',
    headers: { cookie: as.district.cookie, 'x-csrf-token': as.district.csrf, 'content-type': 'text/csv' },
    body: Buffer.concat([Buffer.from(`${HEADER}\nZ956,`), Buffer.from([0xff, 0xfe]),
      Buffer.from(',' + line(row.slice(2)) + '\n')]),
  });
  const rawBody = await raw.json();
  assert.equal(raw.status, 400);
  assert.equal(rawBody.error.field, 'line 2, column 2');
  assert.match(rawBody.error.message, /^name: is not valid UTF-8/);
  // Several bad rows: the first is named, the others counted.
  r = await putCsv(as.district, v, [HEADER, with_(2, 'Z9999', 'Z953'), with_(3, 'magic', 'Z954'),
    with_(5, 'anarchy', 'Z955'), ''].join('\n'));
  isError(r, 400, 'line 2, column 3', 'invalid');
  assert.match(r.json.error.message, /\(and 2 more problems\)$/);
  // Nothing changed.
  assert.equal((await as.district.get(csvPath(v))).text, original);
});

test('a published version is 409, an unknown one 404', async () => {
  isError(await putCsv(as.district, published, original), 409, undefined, 'conflict');
  assert.equal((await as.district.get(csvPath(published))).text, original);
  isError(await as.district.get(csvPath(99999)), 404);
  isError(await putCsv(as.district, 99999, original), 404);
  isError(await as.district.get(csvPath('abc')), 404);
  // A draft, once published, takes no file either.
  const v = await draft();
  const pub = await as.district.post(`/api/v1/matter-lists/${v}/publish`, { effective_at: '2099-01-01T00:00:00Z' });
  assert.equal(pub.status, 200, pub.text);
  isError(await putCsv(as.district, v, original), 409, undefined, 'conflict');
  assert.equal((await as.district.get(csvPath(v))).text, original);
});
