// cli.test.mjs - the command-line contracts: exit codes, --help, demo, and import/export
// round trips (all or nothing, every bad row reported by line and column); API keys, the
// deadline sweep and the demo's cases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../lib/server.mjs';

const KINDS = ['nodes', 'buildings', 'units', 'households', 'residents', 'party_orgs',
  'party_members', 'posts', 'member_households', 'organisations', 'cobuild_links'];
let dir, demo;

function run(...args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function sql(db, q) {
  const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
  return r.stdout.trim();
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gr-cli-'));
  demo = join(dir, 'demo.db');
  const r = run('demo', '--db', demo, '--seed', '7');
  assert.equal(r.code, 0, r.err);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('every command answers --help with 0, and bad usage with 2', () => {
  for (const cmd of ['init', 'demo', 'serve', 'import', 'export', 'apikey', 'sweep']) {
    const h = run(cmd, '--help');
    assert.equal(h.code, 0, cmd);
    assert.match(h.out, /usage: grassroots/);
  }
  assert.equal(run().code, 2);
  assert.equal(run('frobnicate').code, 2);
  assert.equal(run('init', '--db').code, 2);
  assert.equal(run('demo', '--db', join(dir, 'x.db'), '--scale', 'huge').code, 2);
  assert.equal(run('demo', '--db', join(dir, 'x.db'), '--cases', 'many').code, 2);
  assert.equal(run('export', '--db', demo, 'no_such_kind').code, 2);
  assert.equal(run('serve', '--db', demo, '--listen', 'nowhere').code, 2);
});

test('failures exit 1 and name the problem', () => {
  const r = run('init', '--db', demo, '--admin-password', 'long-enough-1');
  assert.equal(r.code, 1);
  assert.match(r.err, /already exists/);
  const s = run('export', '--db', join(dir, 'missing.db'), 'nodes');
  assert.equal(s.code, 1);
  assert.match(s.err, /no such file/);
});

test('the demo is deterministic and has coverage gaps', () => {
  const again = join(dir, 'again.db');
  assert.equal(run('demo', '--db', again, '--seed', '7').code, 0);
  for (const k of ['households', 'party_members', 'posts']) {
    const a = run('export', '--db', demo, k).out;
    const b = run('export', '--db', again, k).out;
    assert.equal(a, b, k);
  }
  const gaps = sql(demo, 'SELECT sum(has_branch = 0), sum(buildings - buildings_led) FROM grid_stats');
  const [noBranch, noLeader] = gaps.split('|').map(Number);
  assert.ok(noBranch > 0 && noLeader > 0, gaps);
});

test('export of everything round-trips through import into an empty database', () => {
  const fresh = join(dir, 'fresh.db');
  assert.equal(run('init', '--db', fresh, '--admin-password', 'long-enough-1').code, 0);
  for (const k of KINDS) {
    const file = join(dir, `${k}.csv`);
    assert.equal(run('export', '--db', demo, k, '--out', file).code, 0, k);
    const r = run('import', '--db', fresh, k, file);
    assert.equal(r.code, 0, `${k}: ${r.err}`);
  }
  const geo = join(dir, 'b.geojson');
  assert.equal(run('export', '--db', demo, 'boundaries', '--out', geo).code, 0);
  assert.equal(run('import', '--db', fresh, 'boundaries', geo).code, 0);
  for (const k of KINDS)
    assert.equal(run('export', '--db', fresh, k).out, readFileSync(join(dir, `${k}.csv`), 'utf8'), k);
  assert.equal(run('export', '--db', fresh, 'boundaries').out, readFileSync(geo, 'utf8'));
  // The derived counters come out the same as the demo's own.
  for (const t of ['grid_stats', 'community_stats'])
    assert.equal(sql(fresh, `SELECT * FROM ${t} ORDER BY 1`), sql(demo, `SELECT * FROM ${t} ORDER BY 1`), t);
});

test('a subtree export (nodes with ancestors) imports into an empty database', () => {
  const community = sql(demo, "SELECT id FROM nodes WHERE level = 'community' ORDER BY id LIMIT 1");
  const sub = join(dir, 'sub.db');
  assert.equal(run('init', '--db', sub, '--admin-password', 'long-enough-1').code, 0);
  for (const k of ['nodes', 'buildings', 'units', 'households', 'residents']) {
    const file = join(dir, `sub-${k}.csv`);
    assert.equal(run('export', '--db', demo, k, '--node', community, '--out', file).code, 0);
    const r = run('import', '--db', sub, k, file);
    assert.equal(r.code, 0, `${k}: ${r.err}`);
  }
  assert.equal(sql(sub, 'SELECT count(*) FROM households'),
    sql(demo, `SELECT count(*) FROM households WHERE community_id = ${community}`));
  assert.equal(sql(sub, "SELECT count(*) FROM nodes WHERE level = 'city'"), '1');
});

test('a bad import reports every bad row by line and column and changes nothing', () => {
  const before = sql(demo, 'SELECT count(*) FROM households');
  const unit = sql(demo, 'SELECT id FROM units ORDER BY id LIMIT 1');
  const csv = '\ufeffunit_id,room,area_m2,occupancy\n' +
    `${unit},Z901,88.5,rented\n` +          // line 2: good
    `${unit},Z902,-4,rented\n` +            // line 3: area out of range (column 3)
    `${unit},Z903,77,castle\n` +            // line 4: occupancy not allowed (column 4)
    `999999999,Z904,70,rented\n` +          // line 5: unit does not exist (column 1)
    `${unit},Z901,70,rented\n` +            // line 6: duplicate room (column 2)
    `${unit},"Z905",abc,rented\n`;          // line 7: not a number (column 3)
  const file = join(dir, 'bad.csv');
  writeFileSync(file, csv);
  const r = run('import', '--db', demo, 'households', file);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.csv:3:3: area_m2: must be from 0 to 10000/);
  assert.match(r.err, /bad\.csv:4:4: occupancy: must be one of/);
  assert.match(r.err, /bad\.csv:5:1: unit_id: refers to a record that does not exist/);
  assert.match(r.err, /bad\.csv:6:2: room: is already taken/);
  assert.match(r.err, /bad\.csv:7:3: area_m2: must be a number/);
  assert.match(r.err, /5 problems; nothing was imported/);
  assert.equal(sql(demo, 'SELECT count(*) FROM households'), before);
  assert.equal(sql(demo, "SELECT count(*) FROM households WHERE room = 'Z901'"), '0');
});

test('malformed CSV and unknown columns are refused', () => {
  const f1 = join(dir, 'cols.csv');
  writeFileSync(f1, 'unit_id,room,colour\n1,101,red\n');
  const r1 = run('import', '--db', demo, 'households', f1);
  assert.equal(r1.code, 1);
  assert.match(r1.err, /cols\.csv:1:3: .*unknown column "colour"/);
  const f2 = join(dir, 'quote.csv');
  writeFileSync(f2, 'unit_id,room\n1,"101\n');
  const r2 = run('import', '--db', demo, 'households', f2);
  assert.equal(r2.code, 1);
  assert.match(r2.err, /quoted field is not closed/);
  const f3 = join(dir, 'utf8.csv');
  writeFileSync(f3, Buffer.concat([Buffer.from('unit_id,room\n1,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
  const r3 = run('import', '--db', demo, 'households', f3);
  assert.equal(r3.code, 1);
  assert.match(r3.err, /utf8\.csv:2:2: room: is not valid UTF-8/);
});

test('apikey prints a new key alone, and the database keeps only its SHA-256', () => {
  const r = run('apikey', '--db', demo, '--name', '12345 热线 (test)');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^[0-9a-f]{64}\n$/);
  const key = r.out.trim();
  const hash = createHash('sha256').update(key).digest('hex');
  assert.equal(sql(demo, `SELECT name FROM api_keys WHERE key_hash = '${hash}'`), '12345 热线 (test)');
  assert.equal(sql(demo, `SELECT count(*) FROM api_keys WHERE key_hash = '${key}'`), '0');
  const again = run('apikey', '--db', demo, '--name', '12345 热线 (test)');
  assert.notEqual(again.out.trim(), key);
});

test('apikey refuses a missing option or database', () => {
  const noName = run('apikey', '--db', demo);
  assert.equal(noName.code, 2);
  assert.match(noName.err, /--name is required/);
  assert.equal(noName.out, '');
  const noDb = run('apikey', '--name', 'x');
  assert.equal(noDb.code, 2);
  assert.match(noDb.err, /--db is required/);
  const missing = run('apikey', '--db', join(dir, 'missing.db'), '--name', 'x');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no such file/);
  assert.equal(missing.out, '');
});

test('sweep refuses a bad --now, naming it', () => {
  for (const bad of ['tomorrow', '2026-11-26', '2026-02-30T10:00:00', '2026-11-26T10:00:00+8']) {
    const r = run('sweep', '--db', demo, '--now', bad);
    assert.equal(r.code, 2, bad);
    assert.match(r.err, /--now/);
    assert.ok(r.err.includes(bad), r.err);
  }
  assert.equal(run('sweep', '--db', join(dir, 'missing.db')).code, 1);
});

test('sweep on the demo escalates what is overdue and prints a summary line last', () => {
  const db = join(dir, 'sweep.db');
  copyFileSync(demo, db);
  const now = run('sweep', '--db', db);
  assert.equal(now.code, 0, now.err);
  assert.match(now.out, /(^|\n)examined \d+, escalated \d+, red \d+, yellow \d+\n$/);
  // A month on, whatever is still open and running is overdue.
  const later = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 19) + 'Z';
  const r = run('sweep', '--db', db, '--now', later);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  const m = lines.at(-1).match(/^examined (\d+), escalated (\d+), red (\d+), yellow (\d+)$/);
  assert.ok(m, r.out);
  assert.ok(Number(m[2]) > 0, r.out);
  assert.equal(lines.length - 1, Number(m[2]));
  for (const line of lines.slice(0, -1))
    assert.match(line, /^case \d+ escalated (grid|community|street) -> (community|street|district)$/);
  const first = Number(lines[0].match(/^case (\d+)/)[1]);
  assert.equal(sql(db, `SELECT escalations > 0 AND was_overdue FROM cases WHERE id = ${first}`), '1');
});

test('demo --cases N makes N cases in every status, their events in order', () => {
  const db = join(dir, 'cases.db');
  const r = run('demo', '--db', db, '--seed', '3', '--cases', '500');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /500 cases \(\d+ still open\)/);
  assert.equal(sql(db, 'SELECT count(*) FROM cases'), '500');
  const statuses = sql(db, 'SELECT DISTINCT status FROM cases').split('\n');
  for (const s of ['submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified',
    'closed', 'on_hold', 'rejected'])
    assert.ok(statuses.includes(s), `${s} in ${statuses}`);
  // Every case starts with its submission; times never go back; each event starts from the
  // status the one before left; the row is where its last event left it.
  assert.equal(sql(db, "SELECT count(*) FROM case_events WHERE action = 'submit'"), '500');
  assert.equal(sql(db, `WITH e AS (SELECT at, from_status, coalesce(to_status, from_status) st,
      lag(at) OVER w pat, lag(coalesce(to_status, from_status)) OVER w pst
      FROM case_events WINDOW w AS (PARTITION BY case_id ORDER BY id))
    SELECT count(*) FROM e WHERE pat IS NOT NULL AND (at < pat OR from_status IS NOT pst)`), '0');
  assert.equal(sql(db, `SELECT count(*) FROM cases c WHERE status <> (SELECT coalesce(to_status,
      from_status) FROM case_events WHERE case_id = c.id ORDER BY id DESC LIMIT 1)`), '0');
  // Most closed cases rated, most of the ratings satisfied or basically satisfied.
  const [closed, rated, content] = sql(db, `SELECT sum(status = 'closed'),
      sum(status = 'closed' AND rated_at IS NOT NULL),
      sum(rated_satisfaction IN ('satisfied', 'basically_satisfied')) FROM cases`).split('|').map(Number);
  assert.ok(closed > 350 && rated > closed / 2 && content / rated > 0.8, `${closed} ${rated} ${content}`);
  // The grid worker's grid and the department login's department have work open today.
  const open = "('dispatched', 'in_progress')";
  assert.ok(Number(sql(db, `SELECT count(*) FROM cases c JOIN grants g ON g.node_id = c.owner_node_id
      JOIN users u ON u.id = g.user_id WHERE u.login = 'grid' AND c.owner_level = 'grid'
      AND c.status IN ${open}`)) >= 2);
  assert.ok(Number(sql(db, `SELECT count(*) FROM cases c JOIN grants g
      ON g.organisation_id = c.owner_org_id JOIN users u ON u.id = g.user_id
      WHERE u.login = 'dept' AND c.status IN ${open}`)) >= 2);
  // The rollups equal a recount: the city's total is every case.
  assert.equal(sql(db, `SELECT sum(total) FROM case_stats WHERE subject = 'n:' ||
      (SELECT id FROM nodes WHERE level = 'city')`), '500');
});
