// cases_csv.test.mjs - the command line's CSV for cases (案件): `export matters` and
// `import matters` (the responsibility list's draft; all or nothing, every bad row as
// FILE:LINE:COLUMN, round trips byte for byte) and `import cases` (historical or batch
// cases, each located to its grid and routed at its own time with channel "import").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../lib/server.mjs';

const HEADER = 'code,name,category,power_type,list_kind,governance,owner_level,owner_dept,' +
  'co_depts,legal_basis,respond_limit,respond_unit,resolve_limit,resolve_unit,urgent';
let dir, demo;
let original; // the demo's list in effect, as exported
let point; // "lat,lon" inside a grid
let grid; // that grid

function run(...args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function sql(db, q) {
  const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function file(name, text) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gr-cases-csv-'));
  demo = join(dir, 'demo.db');
  const r = run('demo', '--db', demo, '--seed', '7');
  assert.equal(r.code, 0, r.err);
  const e = run('export', '--db', demo, 'matters');
  assert.equal(e.code, 0, e.err);
  original = e.out;
  // A grid's label point lies inside its shape.
  const g = sql(demo, "SELECT id, lat, lon FROM nodes WHERE level = 'grid' AND shape IS NOT NULL " +
    'ORDER BY id LIMIT 1').split('|');
  grid = g[0];
  point = `${g[1]},${g[2]}`;
});
after(() => rmSync(dir, { recursive: true, force: true }));

// The draft being edited (or none), and the matters of a version as exported.
const draftVersion = () => sql(demo, "SELECT version FROM matter_lists WHERE status = 'draft'");
const exported = (v) => {
  const r = run('export', '--db', demo, 'matters', '--version', String(v));
  assert.equal(r.code, 0, r.err);
  return r.out;
};

test('--help names the new kinds, and the options are checked', () => {
  const i = run('import', '--help');
  assert.equal(i.code, 0);
  assert.match(i.out, /matters, cases/);
  assert.match(i.out, /--version N/);
  const x = run('export', '--help');
  assert.equal(x.code, 0);
  assert.match(x.out, /boundaries, matters/);
  assert.equal(run('export', '--db', demo, 'matters', '--node', '1').code, 2);
  assert.equal(run('export', '--db', demo, 'nodes', '--version', '1').code, 2);
  assert.equal(run('export', '--db', demo, 'matters', '--version', 'new').code, 2);
  assert.equal(run('import', '--db', demo, 'nodes', file('n.csv', 'code\n'), '--version', '1').code, 2);
});

test('export matters writes the list in effect; import puts it in a draft; export gives the same bytes', () => {
  const lines = original.split('\n');
  assert.equal(lines[0], HEADER);
  assert.equal(lines.at(-1), '');
  const inEffect = sql(demo, "SELECT max(version) FROM matter_lists WHERE status = 'published'");
  assert.equal(sql(demo, `SELECT count(*) FROM matters WHERE version = ${inEffect}`), String(lines.length - 2));
  assert.equal(exported(inEffect), original);
  const out = join(dir, 'm.csv');
  const w = run('export', '--db', demo, 'matters', '--out', out);
  assert.equal(w.code, 0, w.err);
  assert.equal(readFileSync(out, 'utf8'), original);

  const r = run('import', '--db', demo, 'matters', out);
  assert.equal(r.code, 0, r.err);
  const v = draftVersion();
  assert.ok(Number(v) > Number(inEffect), 'a new draft: ' + v);
  assert.match(r.err, new RegExp(`imported ${lines.length - 2} matters into draft version ${v}`));
  assert.equal(exported(v), original);
  // The list in effect did not change.
  assert.equal(run('export', '--db', demo, 'matters').out, original);
});

test('import matters replaces the draft; quoted texts, a byte-order mark and CRLF are read', () => {
  const rows = original.split('\n').slice(1, -1);
  const extra = 'Z901,"带逗号, 和""引号""的事项",E0102,comprehensive,cooperative,co_governance,,' +
    '城市管理局,公安分局|市场监督管理局,"第一行\n第二行",3,days,10,days,1';
  const mine = [HEADER, rows[0], rows[1], extra, ''].join('\n');
  const r = run('import', '--db', demo, 'matters', file('mine.csv', mine));
  assert.equal(r.code, 0, r.err);
  const v = draftVersion();
  assert.equal(exported(v), mine, 'the draft holds the file and nothing else');
  assert.equal(sql(demo, `SELECT owner_dept, co_depts, urgent FROM matters WHERE version = ${v} AND code = 'Z901'`),
    '城市管理局|公安分局|市场监督管理局|1');
  // Columns in another order, the optional ones left out, a BOM and CRLF line ends.
  const cols = 'name,code,category,power_type,list_kind,governance,owner_level,respond_limit,' +
    'respond_unit,resolve_limit,resolve_unit';
  const short = '\ufeff' + [cols, '路灯不亮,Z902,E0102,comprehensive,basic,government,community,2,days,5,days', '']
    .join('\r\n');
  const s = run('import', '--db', demo, 'matters', file('short.csv', short), '--version', v);
  assert.equal(s.code, 0, s.err);
  assert.equal(exported(v), HEADER + '\nZ902,路灯不亮,E0102,comprehensive,basic,government,community,,,,2,days,5,days,0\n');
  // And back to the list in effect.
  assert.equal(run('import', '--db', demo, 'matters', file('back.csv', original)).code, 0);
  assert.equal(exported(v), original);
});

test('every bad row of a matters file is reported as FILE:LINE:COLUMN and nothing changes', () => {
  const v = draftVersion();
  const before = exported(v);
  const row = original.split('\n')[1].split(',');
  const with_ = (code, col, value) => {
    const r = [...row];
    r[0] = code;
    r[col] = value;
    return r.join(',');
  };
  const territorial = (code, kind) => {
    const r = [...row];
    r[0] = code;
    r[4] = kind;
    r[6] = '';
    r[7] = '';
    return r.join(',');
  };
  const csv = [
    HEADER,
    with_('Z001', 1, '好的'), // line 2: good
    with_('Z002', 2, 'Z9999'), // 3: unknown category
    with_('Z003', 3, 'magic'), // 4: unknown power type
    with_('Z004', 4, 'sometimes'), // 5: bad list kind
    with_('Z005', 5, 'anarchy'), // 6: bad governance
    with_('Z006', 6, 'planet'), // 7: bad level
    with_('Z007', 11, 'weeks'), // 8: bad unit
    with_('Z008', 12, '0'), // 9: non-positive limit
    territorial('Z009', 'cooperative'), // 10: cooperative without department
    territorial('Z010', 'returned'), // 11: returned without department
    with_('Z001', 1, '又一次'), // 12: duplicate code
    with_('Z011', 14, 'yes'), // 13: urgent not 0/1
    with_('Z012', 8, 'a||b'), // 14: a department without a name
    'Z013,short', // 15: wrong width
    '',
  ].join('\n');
  const r = run('import', '--db', demo, 'matters', file('bad.csv', csv));
  assert.equal(r.code, 1);
  const want = [
    /bad\.csv:3:3: category: is not a known category/,
    /bad\.csv:4:4: power_type: is not a known power type/,
    /bad\.csv:5:5: list_kind: must be basic, cooperative or returned/,
    /bad\.csv:6:6: governance: must be government, co_governance or self_governance/,
    /bad\.csv:7:7: owner_level: must be district, street, community or grid/,
    /bad\.csv:8:12: respond_unit: must be hours or days/,
    /bad\.csv:9:13: resolve_limit: must be a whole number from 1 to 10000/,
    /bad\.csv:10:8: owner_dept: a cooperative or returned duty names its department/,
    /bad\.csv:11:8: owner_dept: a cooperative or returned duty names its department/,
    /bad\.csv:12:1: code: repeats the code of line 2/,
    /bad\.csv:13:15: urgent: must be 0 or 1/,
    /bad\.csv:14:9: co_depts: names a department without a name/,
    /bad\.csv:15: has 2 fields; the header has 15/,
    /13 problems; nothing was imported/,
  ];
  for (const w of want) assert.match(r.err, w);
  assert.equal(exported(v), before);
  // The header: unknown, repeated and missing columns; and text that is not UTF-8.
  const h = run('import', '--db', demo, 'matters', file('head.csv', HEADER.replace('name,', 'colour,') + ',code\n'));
  assert.equal(h.code, 1);
  assert.match(h.err, /head\.csv:1:2: -: unknown column "colour"/);
  assert.match(h.err, /head\.csv:1:16: -: repeated column "code"/);
  assert.match(h.err, /head\.csv:1: name: the column is missing/);
  const u = run('import', '--db', demo, 'matters', file('utf8.csv', Buffer.concat([
    Buffer.from(HEADER + '\nZ020,'), Buffer.from([0xff, 0xfe]), Buffer.from(',' + row.slice(2).join(',') + '\n')])));
  assert.equal(u.code, 1);
  assert.match(u.err, /utf8\.csv:2:2: name: is not valid UTF-8/);
  assert.equal(exported(v), before);
});

test('import matters --version refuses a published or unknown version; export an unknown one', () => {
  const pub = sql(demo, "SELECT max(version) FROM matter_lists WHERE status = 'published'");
  const f = file('again.csv', original);
  const p = run('import', '--db', demo, 'matters', f, '--version', pub);
  assert.equal(p.code, 1);
  assert.match(p.err, /a published version never changes/);
  const n = run('import', '--db', demo, 'matters', f, '--version', '999');
  assert.equal(n.code, 1);
  assert.match(n.err, /--version 999: no such version/);
  const x = run('export', '--db', demo, 'matters', '--version', '999', '--out', join(dir, 'none.csv'));
  assert.equal(x.code, 1);
  assert.match(x.err, /no such version/);
  // A database without a list in effect has nothing to export by default.
  const empty = join(dir, 'empty.db');
  assert.equal(run('init', '--db', empty, '--admin-password', 'long-enough-1').code, 0);
  const e = run('export', '--db', empty, 'matters');
  assert.equal(e.code, 1);
  assert.match(e.err, /no responsibility list is in effect/);
});

const CASES_HEADER = 'matter_code,description,lat,lon,address,requester_name,requester_phone,created_at';
// A moment `days` ago (whole seconds), in UTC ("...Z") or in the city's time ("...+08:00"):
// the demo's list is in effect from a year before it was made.
const ago = (days) => Math.floor(Date.now() / 1000) - days * 86400;
const utc = (t) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const city = (t) => new Date((t + 8 * 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
const casesBefore = () => sql(demo, 'SELECT count(*) FROM cases');

test('import cases: a file with a bad row stores nothing and names each bad row', () => {
  const n = casesBefore();
  const csv = [
    CASES_HEADER,
    `M001,楼下有暴露垃圾,${point},南昌路1号,张三,13800000000,${city(ago(30))}`, // 2: good
    `M999,没有这个事项,${point},,,,`, // 3: unknown matter
    'M001,在城外,10.5,20.5,,,,', // 4: outside every grid
    `M001,时间不对,${point},,,,yesterday`, // 5: bad time
    `M001,在将来,${point},,,,2099-01-01T00:00:00Z`, // 6: in the future
    `M001,,${point},,,,`, // 7: no description
    `M001,纬度不对,95,${point.split(',')[1]},,,,`, // 8: latitude out of range
    'M001,short', // 9: wrong width
    '',
  ].join('\n');
  const r = run('import', '--db', demo, 'cases', file('cases-bad.csv', csv));
  assert.equal(r.code, 1);
  for (const w of [
    /cases-bad\.csv:3:1: matter_code: is not a matter of the published responsibility list/,
    /cases-bad\.csv:4:3: lat: the point lies outside every grid of the city/,
    /cases-bad\.csv:5:8: created_at: must be a time like/,
    /cases-bad\.csv:6:8: created_at: is in the future/,
    /cases-bad\.csv:7:2: description: is required/,
    /cases-bad\.csv:8:3: lat: must be a number from -90 to 90/,
    /cases-bad\.csv:9: has 2 fields; the header has 8/,
    /7 problems; nothing was imported/,
  ]) assert.match(r.err, w);
  assert.equal(casesBefore(), n);
  assert.equal(sql(demo, "SELECT count(*) FROM cases WHERE channel = 'import'"), '0');
  const h = run('import', '--db', demo, 'cases', file('cases-head.csv', 'matter_code,lat,lon,colour\n'));
  assert.equal(h.code, 1);
  assert.match(h.err, /cases-head\.csv:1:4: -: unknown column "colour"/);
  assert.match(h.err, /cases-head\.csv:1: description: the column is missing/);
});

test('import cases: a good file stores each case, located, routed at its time, channel import', () => {
  const n = Number(casesBefore());
  const t1 = ago(200), t2 = ago(3);
  const csv = '\ufeff' + [
    CASES_HEADER,
    `M001,"楼下有暴露垃圾, 已经三天",${point},南昌路1号,张三,13800000000,${city(t1)}`,
    `M001,小区门口垃圾,${point},,,,${utc(t2)}`,
    `M001,没有时间的,${point},,,,`,
    '',
  ].join('\r\n');
  const t0 = Math.floor(Date.now() / 1000);
  const r = run('import', '--db', demo, 'cases', file('cases.csv', csv));
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /imported 3 cases/);
  assert.equal(Number(casesBefore()), n + 3);
  const rows = sql(demo, "SELECT status, channel, matter_code, grid_id, created_at, description, address, " +
    "requester_name, requester_phone, matter_version FROM cases WHERE channel = 'import' ORDER BY id")
    .split('\n').map((l) => l.split('|'));
  assert.equal(rows.length, 3);
  const inEffect = sql(demo, "SELECT max(version) FROM matter_lists WHERE status = 'published'");
  for (const c of rows) {
    assert.deepEqual(c.slice(0, 4), ['submitted', 'import', 'M001', grid]);
    assert.equal(c[9], inEffect);
  }
  assert.equal(Number(rows[0][4]), t1);
  assert.deepEqual(rows[0].slice(5, 9), ['楼下有暴露垃圾, 已经三天', '南昌路1号', '张三', '13800000000']);
  assert.equal(Number(rows[1][4]), t2);
  assert.ok(Math.abs(Number(rows[2][4]) - t0) < 60, 'no time: now');
  // Each has its first event, and deadlines counted from its own time.
  assert.equal(sql(demo, "SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id " +
    "WHERE c.channel = 'import' AND e.action = 'submit' AND e.at = c.created_at"), '3');
  assert.equal(sql(demo, "SELECT count(*) FROM cases WHERE channel = 'import' AND resolve_due > created_at"), '3');
});
