// openapi.test.mjs - docs/openapi.yaml cannot drift from the code.
//
// Reads src/api/routes.c and src/core/schema.c as text and checks that every route appears
// in the document with the same methods (and nothing more), that every record kind has a
// schema with exactly its fields, and that every $ref resolves. The document is kept to
// plain block YAML, so a small parser below reads it (no dependency).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => readFileSync(join(root, p), 'utf8');

// ---- a parser for the YAML subset the document uses ----
// Block mappings and sequences by indentation, one-line scalars (plain, 'single', "double"),
// flow sequences [a, b] of scalars, {} and []. Anything else throws, so the document stays
// simple enough for this.

function scalar(s, where) {
  s = s.trim();
  if (s === '{}') return {};
  if (s === '[]') return [];
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new Error(`${where}: unterminated flow sequence`);
    return splitFlow(s.slice(1, -1), where).map((x) => scalar(x, where));
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new Error(`${where}: unterminated string`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  if (s.startsWith('"')) return JSON.parse(s);
  if (/^(true|false)$/.test(s)) return s === 'true';
  if (s === 'null' || s === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (/^[{&*!|>%@`]/.test(s) || / #/.test(s) || /: /.test(s)) {
    throw new Error(`${where}: plain scalar needs quotes: ${s}`);
  }
  return s;
}

function splitFlow(s, where) {
  const out = [];
  let cur = '';
  let quote = null;
  for (const c of s) {
    if (quote) {
      cur += c;
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else if (c === '[' || c === '{') {
      throw new Error(`${where}: nested flow collections are not supported`);
    } else {
      cur += c;
    }
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim());
}

// "key: value" / "key:" -> [key, rest]; keys are plain or quoted.
function splitKey(s, where) {
  let m = s.match(/^'((?:[^']|'')*)':(?: (.*))?$/) || s.match(/^"([^"]*)":(?: (.*))?$/);
  if (m) return [m[1].replace(/''/g, "'"), m[2] ?? ''];
  m = s.match(/^([^\s'"#][^:]*?):(?: (.*))?$/);
  if (!m) throw new Error(`${where}: expected "key: value": ${s}`);
  return [m[1], m[2] ?? ''];
}

export function parseYaml(text) {
  const lines = [];
  text.split('\n').forEach((raw, i) => {
    if (/\t/.test(raw)) throw new Error(`line ${i + 1}: tab`);
    const t = raw.trimEnd();
    if (!t.trim() || t.trim().startsWith('#')) return;
    lines.push({ indent: t.length - t.trimStart().length, text: t.trim(), no: i + 1 });
  });
  let pos = 0;

  function block(indent) {
    const first = lines[pos];
    if (first.text.startsWith('- ') || first.text === '-') return seq(indent);
    return map(indent);
  }
  function value(rest, parentIndent, where) {
    if (rest !== '') return scalar(rest, where);
    const next = lines[pos];
    // A nested block is deeper, or a sequence at the same indent as its key.
    if (next && (next.indent > parentIndent ||
        (next.indent === parentIndent && next.text.startsWith('- ')))) {
      return block(next.indent);
    }
    return null;
  }
  function map(indent) {
    const out = {};
    while (pos < lines.length && lines[pos].indent === indent && !lines[pos].text.startsWith('- ')) {
      const { text, no } = lines[pos++];
      const where = `line ${no}`;
      const [k, rest] = splitKey(text, where);
      if (Object.hasOwn(out, k)) throw new Error(`${where}: duplicate key ${k}`);
      out[k] = value(rest, indent, where);
    }
    if (pos < lines.length && lines[pos].indent > indent) {
      throw new Error(`line ${lines[pos].no}: unexpected indentation`);
    }
    return out;
  }
  function seq(indent) {
    const out = [];
    while (pos < lines.length && lines[pos].indent === indent && lines[pos].text.startsWith('- ')) {
      const { text, no } = lines[pos];
      const where = `line ${no}`;
      const item = text.slice(2).trim();
      if (/^('[^']*'|"[^"]*"|[^\s'"[{][^:]*?):( |$)/.test(item)) {
        // A mapping inside the item: re-read the item's text as the first line of a map.
        lines[pos] = { indent: indent + 2, text: item, no };
        out.push(map(indent + 2));
      } else {
        pos++;
        out.push(scalar(item, where));
      }
    }
    return out;
  }
  const doc = block(0);
  if (pos !== lines.length) throw new Error(`line ${lines[pos].no}: not parsed`);
  return doc;
}

// ---- what the code says ----

const METHODS = { GETH: ['get', 'head'], GR_GET: ['get'], GR_HEAD: ['head'], GR_POST: ['post'],
  GR_PUT: ['put'], GR_PATCH: ['patch'], GR_DELETE: ['delete'] };

function codeRoutes() {
  const src = read('src/api/routes.c');
  const table = src.slice(src.indexOf('gr_routes[]'));
  const out = new Map();
  for (const m of table.matchAll(/\{\s*([A-Z_| ]+?)\s*,\s*"([^"]+)"\s*,/g)) {
    const methods = m[1].split('|').map((x) => x.trim()).flatMap((x) => {
      if (!METHODS[x]) throw new Error('unknown method macro ' + x);
      return METHODS[x];
    });
    const key = m[2];
    out.set(key, new Set([...(out.get(key) || []), ...methods]));
  }
  return out;
}

// kind name -> [field names] from the descriptor tables of schema.c.
function codeKinds() {
  const src = read('src/core/schema.c');
  const arrays = new Map();
  for (const m of src.matchAll(/static const struct gr_field (\w+)\[\] = \{([\s\S]*?)\n\};/g)) {
    arrays.set(m[1], [...m[2].matchAll(/F_[A-Z]+\("(\w+)"/g)].map((x) => x[1]));
  }
  const kinds = new Map();
  for (const m of src.matchAll(/KIND\(GR_K_\w+,\s*"(\w+)",\s*"[^"]*",\s*(\w+),/g)) {
    assert.ok(arrays.has(m[2]), 'field table ' + m[2]);
    kinds.set(m[1], arrays.get(m[2]));
  }
  return kinds;
}

const doc = parseYaml(read('docs/openapi.yaml'));
const HTTP = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'];
const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');

test('the parser reads the subset it claims', () => {
  const d = parseYaml([
    'a: 1', 'b:', '  c: [x, \'y z\', 3]', '  d:', '    - e: f', '      g: "h: i"', '    - plain',
    'list:', '- 1', '- two', "'200':", '  x: {}',
  ].join('\n'));
  assert.deepEqual(d, { a: 1, b: { c: ['x', 'y z', 3], d: [{ e: 'f', g: 'h: i' }, 'plain'] },
    list: [1, 'two'], 200: { x: {} } });
  assert.throws(() => parseYaml('a: b: c'));
  assert.throws(() => parseYaml('a: 1\na: 2'));
});

test('it is an OpenAPI 3.0.3 document with security schemes for cookie, bearer and CSRF', () => {
  assert.equal(doc.openapi, '3.0.3');
  assert.ok(doc.info.title && doc.info.version);
  const s = doc.components.securitySchemes;
  assert.deepEqual(s.cookieAuth, { ...s.cookieAuth, type: 'apiKey', in: 'cookie', name: 'gr_session' });
  assert.deepEqual(s.csrfToken, { ...s.csrfToken, type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
  assert.deepEqual(s.bearerAuth, { ...s.bearerAuth, type: 'http', scheme: 'bearer' });
});

test('every route of routes.c is documented with the same methods, and nothing else', () => {
  const code = codeRoutes();
  assert.ok(code.size >= 16, 'routes.c parsed: ' + code.size);
  const documented = new Map();
  for (const [p, item] of Object.entries(doc.paths)) {
    const methods = Object.keys(item).filter((k) => HTTP.includes(k));
    assert.ok(!documented.has(norm(p)), 'documented twice: ' + p);
    documented.set(norm(p), new Set(methods));
  }
  for (const [p, methods] of code) {
    assert.ok(documented.has(p), `route ${p} is missing from docs/openapi.yaml`);
    assert.deepEqual([...documented.get(p)].sort(), [...methods].sort(), `methods of ${p}`);
  }
  for (const p of documented.keys()) assert.ok(code.has(p), `documented ${p} is not a route`);
});

test('every operation has an id, responses, and its path parameters declared', () => {
  const ids = new Set();
  for (const [p, item] of Object.entries(doc.paths)) {
    const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const m of HTTP.filter((k) => item[k])) {
      const op = item[m];
      assert.ok(op.operationId, `${m} ${p} operationId`);
      assert.ok(!ids.has(op.operationId), 'duplicate operationId ' + op.operationId);
      ids.add(op.operationId);
      assert.ok(op.responses && Object.keys(op.responses).length, `${m} ${p} responses`);
      const params = [...(item.parameters || []), ...(op.parameters || [])].map((x) =>
        x.$ref ? resolve(x.$ref) : x);
      for (const n of names) {
        assert.ok(params.some((x) => x.in === 'path' && x.name === n), `${m} ${p} declares {${n}}`);
      }
      if (['post', 'put', 'patch'].includes(m) && !p.endsWith('/session')) {
        assert.ok(op.requestBody, `${m} ${p} has a request body`);
      }
      if (op.security && op.security.length === 0) continue;
      // Writes name the CSRF header with the cookie; reads need cookie or bearer.
      const sec = op.security || doc.security;
      assert.ok(sec.some((s) => 'bearerAuth' in s), `${m} ${p} bearer`);
      if (['post', 'put', 'patch', 'delete'].includes(m)) {
        assert.ok(sec.some((s) => 'cookieAuth' in s && 'csrfToken' in s), `${m} ${p} csrf`);
      }
    }
  }
});

function resolve(ref) {
  assert.match(ref, /^#\//, 'local ref ' + ref);
  let at = doc;
  for (const part of ref.slice(2).split('/')) {
    at = at?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  assert.ok(at !== undefined && at !== null, 'unresolved $ref ' + ref);
  return at;
}

test('every $ref resolves', () => {
  let n = 0;
  (function walk(x) {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === '$ref') { resolve(v); n++; } else walk(v);
      }
    }
  })(doc);
  assert.ok(n > 50, 'refs checked: ' + n);
});

test('the components the contract names are there', () => {
  const s = doc.components.schemas;
  for (const name of ['Node', 'Coverage', 'Gap', 'User', 'Grant', 'Error', 'List']) {
    assert.ok(s[name], 'schema ' + name);
  }
  assert.deepEqual(s.Error.properties.error.required, ['code', 'message']);
  assert.deepEqual(Object.keys(s.Error.properties.error.properties), ['code', 'message', 'field']);
  assert.deepEqual(s.List.required, ['items', 'next']);
  for (const k of ['id', 'parent_id', 'level', 'code', 'name', 'center']) {
    assert.ok(s.Node.required.includes(k), 'Node.' + k);
  }
  assert.deepEqual(s.Level.enum, ['city', 'district', 'street', 'community', 'grid']);
  for (const k of ['grid_branch_share', 'building_leader_share', 'unit_leader_share',
    'household_link_share', 'households_per_linking_member', 'gaps', 'gaps_total']) {
    assert.ok(s.Coverage.required.includes(k), 'Coverage.' + k);
  }
});

test('the roles of the document are those of access.c', () => {
  const src = read('src/core/access.c');
  const table = src.match(/role_names\[GR_N_ROLES\] = \{([\s\S]*?)\};/)[1];
  const roles = [...table.matchAll(/"(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(doc.components.schemas.Role.enum, roles);
});

test('each record kind has a schema with exactly the fields of schema.c', () => {
  const kinds = codeKinds();
  assert.equal(kinds.size, 11);
  const byKind = new Map();
  for (const [name, s] of Object.entries(doc.components.schemas)) {
    if (s['x-kind']) byKind.set(s['x-kind'], { name, s });
  }
  const base = Object.keys(doc.components.schemas.RecordBase.properties);
  for (const [kind, fields] of kinds) {
    const found = byKind.get(kind);
    assert.ok(found, `no schema with x-kind: ${kind}`);
    let props = Object.keys(found.s.properties);
    if (kind === 'nodes') props = props.filter((p) => p !== 'boundary');
    assert.deepEqual(props, fields, `fields of ${kind} (${found.name}) in schema.c order`);
    for (const b of base) assert.ok(!props.includes(b), `${kind} repeats ${b}`);
  }
  const recordKinds = [...kinds.keys()].filter((k) => k !== 'nodes');
  assert.deepEqual(doc.components.schemas.KindName.enum, recordKinds);
  assert.deepEqual(doc.components.schemas.Record.oneOf.map((r) => resolve(r.$ref)['x-kind']),
    recordKinds);
});

test('field limits and enums match schema.c', () => {
  const src = read('src/core/schema.c');
  const enums = new Map();
  for (const m of src.matchAll(/static const char \*const (e_\w+)\[\] = \{([\s\S]*?)\};/g)) {
    enums.set(m[1], [...m[2].matchAll(/"(\w+)"/g)].map((x) => x[1]));
  }
  const kinds = new Map();
  for (const [, s] of Object.entries(doc.components.schemas)) {
    if (s['x-kind']) kinds.set(s['x-kind'], s);
  }
  let checked = 0;
  for (const m of src.matchAll(/static const struct gr_field f_(\w+)\[\] = \{([\s\S]*?)\n\};/g)) {
    const s = kinds.get(m[1]);
    for (const f of m[2].matchAll(/F_(TEXT|INT|REAL|ENUM)\("(\w+)", ([^,]+), ([^,)]+)(?:, ([^,)]+))?/g)) {
      const [, type, name, flags, a, b] = f;
      const p = s.properties[name];
      if (type === 'TEXT') assert.equal(p.maxLength, Number(a), `${m[1]}.${name} maxLength`);
      if (type === 'INT' || type === 'REAL') {
        assert.equal(p.minimum, Number(a), `${m[1]}.${name} minimum`);
        assert.equal(p.maximum, Number(b), `${m[1]}.${name} maximum`);
      }
      if (type === 'ENUM' && name !== 'level') assert.deepEqual(p.enum, enums.get(a.trim()), `${m[1]}.${name}`);
      const required = /REQ/.test(flags);
      assert.equal((s.required || []).includes(name), required, `${m[1]}.${name} required`);
      checked++;
    }
  }
  assert.ok(checked > 40, 'fields checked: ' + checked);
});

test('the error codes of the document are those the server sends', async () => {
  const { readdirSync } = await import('node:fs');
  const codes = new Set([...read('src/base/err.c').matchAll(/return "(\w+)";/g)].map((m) => m[1]));
  codes.delete('ok');
  codes.delete('unknown');
  for (const dir of ['src/http', 'src/api']) {
    for (const f of readdirSync(join(root, dir)).filter((x) => x.endsWith('.c'))) {
      for (const m of read(join(dir, f)).matchAll(/gr_reply_error_code\(\s*r,\s*\d+,\s*"(\w+)"/g)) codes.add(m[1]);
    }
  }
  assert.ok(codes.has('csrf') && codes.has('invalid_json') && codes.has('not_found'), [...codes].join());
  assert.deepEqual([...doc.components.schemas.Error.properties.error.properties.code.enum].sort(), [...codes].sort());
});
