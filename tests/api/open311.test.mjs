// open311.test.mjs - Open311 GeoReport v2 under /open311/v2, and mySociety's
// servicerequestupdates: discovery, services and their definitions, POST requests with an
// api_key (made with `grassroots apikey`), the public view of requests (never the
// requester's name, phone, email or exact address), list filters, tokens, the update feed.
//
// One demo server for the file. Every answer is checked in both formats where it matters:
// JSON after the Spark convention (lists are arrays), XML well-formed with the spec's root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, BIN } from '../lib/server.mjs';
import { loginAs } from '../lib/check.mjs';

const O = '/open311/v2';
const SPEC = 'http://wiki.open311.org/GeoReport_v2';
const XML = 'text/xml; charset=utf-8';
const JSONT = 'application/json; charset=utf-8';
const W3C = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;
const M = 'o' + process.pid.toString(36); // a marker for this run's requests

let server;
let key; // an api_key for this file
let admin;
let point; // a point inside the first grid
let published; // the matters of the list in effect
let code; // a service code
let otherCode; // another one (when the list has two)

// ---- helpers ----

async function get(path) {
  const res = await fetch(server.url + path);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: res.status, type: res.headers.get('content-type'), text, json, headers: res.headers };
}

// POST a form: fields is an object or a list of [key, value] pairs (for repeated keys).
async function post(path, fields, raw) {
  const body = raw ?? new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
  const res = await fetch(server.url + path, {
    method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: res.status, type: res.headers.get('content-type'), text, json };
}

// Well-formed XML, checked by hand: the declaration first, one root element of the given
// name, tags balanced and properly nested, every '<' a tag and every '&' an entity.
function wellFormed(text, root) {
  assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), 'declaration: ' + text.slice(0, 60));
  const body = text.slice(text.indexOf('?>') + 2).trim();
  assert.doesNotMatch(body, /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/, 'a bare &');
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(body, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'control characters');
  const stack = [];
  let roots = 0;
  let at = 0;
  while (at < body.length) {
    const lt = body.indexOf('<', at);
    if (lt < 0) {
      assert.equal(body.slice(at).trim(), '', 'text after the root');
      break;
    }
    if (!stack.length) assert.equal(body.slice(at, lt).trim(), '', 'text outside the root');
    const m = /^<(\/?)([A-Za-z_][\w.-]*)\s*(\/?)>/.exec(body.slice(lt));
    assert.ok(m, 'a tag at ' + body.slice(lt, lt + 40));
    const [tag, close, name, empty] = m;
    if (close) {
      assert.equal(stack.pop(), name, 'closing tag ' + name);
    } else {
      if (!stack.length) roots++;
      if (!empty) stack.push(name);
    }
    at = lt + tag.length;
  }
  assert.deepEqual(stack, [], 'unclosed: ' + stack.join(','));
  assert.equal(roots, 1, 'one root element');
  assert.match(body, new RegExp(`^<${root}[ />]`), 'root ' + root);
}

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&amp;/g, '&');

// The texts of every <name> element (not nested ones of the same name).
function texts(xml, name) {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>|<${name}/>`, 'g'))]
    .map((m) => unescape(m[1] ?? ''));
}

// An Open311 error answer in the format of the path: status, body, optional description.
function isO311Error(r, status, fmt, desc) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  if (fmt === 'json') {
    assert.equal(r.type, JSONT);
    assert.ok(Array.isArray(r.json) && r.json.length >= 1, r.text);
    assert.deepEqual(Object.keys(r.json[0]).sort(), ['code', 'description']);
    assert.equal(r.json[0].code, status);
    assert.equal(typeof r.json[0].description, 'string');
    if (desc) assert.match(r.json[0].description, desc);
  } else {
    assert.equal(r.type, XML);
    wellFormed(r.text, 'errors');
    assert.match(r.text, /<errors><error><code>\d+<\/code><description>[^<]*<\/description><\/error><\/errors>/);
    assert.deepEqual(texts(r.text, 'code'), [String(status)]);
    if (desc) assert.match(texts(r.text, 'description')[0], desc);
  }
}

// A good request's fields, with overrides.
const good = (extra = {}) => ({
  api_key: key, service_code: code, lat: String(point.lat), long: String(point.lon),
  description: `路边有暴露垃圾 ${M}`, ...extra,
});

// POST a request and answer its id.
async function create(extra = {}, fmt = 'json') {
  const r = await post(`${O}/requests.${fmt}`, good(extra));
  assert.equal(r.status, 200, r.text);
  if (fmt === 'json') {
    assert.ok(Array.isArray(r.json) && r.json.length === 1, r.text);
    return r.json[0].service_request_id;
  }
  wellFormed(r.text, 'service_requests');
  return texts(r.text, 'service_request_id')[0];
}

async function act(id, body) {
  const r = await admin.post(`/api/v1/cases/${id}/actions`, body);
  assert.equal(r.status, 200, r.text);
}

before(async () => {
  server = await startServer({ demo: 'small' });
  key = execFileSync(BIN, ['apikey', '--db', server.db, '--name', 'open311-test']).toString().trim();
  assert.match(key, /^\S{16,}$/, 'apikey prints the key alone');
  admin = await loginAs(server.url, 'admin');
  const g = await admin.get('/api/v1/nodes?level=grid&limit=1');
  point = g.json.items[0].center;
  const ms = await admin.get('/api/v1/matters?limit=1000');
  assert.equal(ms.status, 200, ms.text);
  published = ms.json.items;
  assert.ok(published.length > 0, 'the demo publishes a responsibility list');
  code = published[0].code;
  otherCode = published.length > 1 ? published[1].code : null;
});
after(async () => { if (server) await server.stop(); });

// ---- discovery and services ----

test('discovery in both formats: the spec, our URL, the formats', async () => {
  const j = await get(`${O}/discovery.json`);
  assert.equal(j.status, 200, j.text);
  assert.equal(j.type, JSONT);
  for (const k of ['changeset', 'contact', 'key_service', 'endpoints']) assert.ok(k in j.json, k);
  assert.match(j.json.changeset, W3C);
  assert.ok(Date.parse(j.json.changeset) <= Date.now(), 'changeset in the past');
  const ep = j.json.endpoints[0];
  assert.equal(ep.specification, SPEC);
  assert.equal(ep.url, server.url + O);
  assert.ok(['production', 'test'].includes(ep.type));
  assert.deepEqual(ep.formats, ['text/xml', 'application/json']);

  const x = await get(`${O}/discovery.xml`);
  assert.equal(x.status, 200);
  assert.equal(x.type, XML);
  wellFormed(x.text, 'discovery');
  assert.deepEqual(texts(x.text, 'specification'), [SPEC]);
  assert.deepEqual(texts(x.text, 'format'), ['text/xml', 'application/json']);
  assert.deepEqual(texts(x.text, 'url'), [server.url + O]);
});

test('services: one per published matter, in XML and JSON', async () => {
  const j = await get(`${O}/services.json`);
  assert.equal(j.status, 200, j.text);
  assert.equal(j.type, JSONT);
  assert.ok(Array.isArray(j.json));
  assert.deepEqual(j.json.map((s) => s.service_code).sort(), published.map((m) => m.code).sort());
  for (const s of j.json) {
    const m = published.find((x) => x.code === s.service_code);
    assert.equal(s.service_name, m.name);
    assert.ok(s.description.startsWith(m.name), s.description);
    if (m.legal_basis) assert.ok(s.description.includes(m.legal_basis), 'legal basis in ' + s.description);
    assert.equal(s.metadata, true);
    assert.equal(s.type, 'realtime');
    assert.equal(typeof s.keywords, 'string');
    assert.equal(typeof s.group, 'string', 'group: the major class of ' + m.category);
  }
  const x = await get(`${O}/services.xml`);
  assert.equal(x.status, 200);
  assert.equal(x.type, XML);
  wellFormed(x.text, 'services');
  assert.deepEqual(texts(x.text, 'service_code').sort(), published.map((m) => m.code).sort());
  assert.equal(texts(x.text, 'metadata').filter((v) => v === 'true').length, published.length);
  // The jurisdiction: ours is fine, another is 404.
  assert.equal((await get(`${O}/services.json?jurisdiction_id=nanchang.gov.cn`)).status, 200);
  isO311Error(await get(`${O}/services.json?jurisdiction_id=sfgov.org`), 404, 'json', /jurisdiction_id/);
  isO311Error(await get(`${O}/services.xml?jurisdiction_id=sfgov.org`), 404, 'xml');
});

test('a service definition: attributes with their datatypes, order and values', async () => {
  const j = await get(`${O}/services/${encodeURIComponent(code)}.json`);
  assert.equal(j.status, 200, j.text);
  assert.equal(j.json.service_code, code);
  const attrs = j.json.attributes;
  assert.ok(Array.isArray(attrs) && attrs.length >= 2);
  const types = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'];
  const orders = new Set();
  for (const a of attrs) {
    for (const k of ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description']) {
      assert.ok(k in a, `${a.code}.${k}`);
    }
    assert.ok(types.includes(a.datatype), a.datatype);
    assert.ok(Number.isInteger(a.order) && a.order > 0 && !orders.has(a.order));
    orders.add(a.order);
    if (a.datatype.endsWith('valuelist')) assert.ok(a.values.length && a.values.every((v) => v.key && v.name));
  }
  const bn = attrs.find((a) => a.code === 'building_number');
  assert.equal(bn.datatype, 'string');
  assert.equal(bn.required, false);
  const urgency = attrs.find((a) => a.code === 'urgency');
  assert.equal(urgency.datatype, 'singlevaluelist');
  assert.equal(urgency.required, false);
  assert.deepEqual(urgency.values.map((v) => v.key), ['normal', 'urgent']);

  const x = await get(`${O}/services/${encodeURIComponent(code)}.xml`);
  assert.equal(x.status, 200);
  wellFormed(x.text, 'service_definition');
  assert.match(x.text, /<attributes><attribute><variable>true<\/variable>/);
  assert.deepEqual(texts(x.text, 'key'), ['normal', 'urgent']);

  isO311Error(await get(`${O}/services/NO-SUCH.json`), 404, 'json', /service_code/);
  isO311Error(await get(`${O}/services/NO-SUCH.xml`), 404, 'xml');
});

// ---- POST requests ----

test('POST without api_key: 403 in both formats (the spec: missing or bad key)', async () => {
  const f = good();
  delete f.api_key;
  isO311Error(await post(`${O}/requests.xml`, f), 403, 'xml', /^api_key is required$/);
  isO311Error(await post(`${O}/requests.json`, f), 403, 'json', /^api_key is required$/);
  isO311Error(await post(`${O}/requests.json`, { ...f, api_key: '' }), 403, 'json', /api_key/);
});

test('POST with a key that is not ours: 403', async () => {
  isO311Error(await post(`${O}/requests.json`, good({ api_key: 'not-a-key' })), 403, 'json');
  isO311Error(await post(`${O}/requests.xml`, good({ api_key: key + 'x' })), 403, 'xml');
});

test('POST bad input answers 4xx naming the fault, and stores nothing', async () => {
  const before = (await get(`${O}/requests.json`)).json.length;
  const cases = [
    [good({ service_code: 'NO-SUCH' }), 404, /service_code/],
    [good({ service_code: '' }), 400, /service_code is required/],
    [good({ lat: '10', long: '10' }), 400, /^the location is outside the city$/],
    [good({ lat: '', long: '', address_string: '人民路1号' }), 400, /lat and long are required.*address/],
    [good({ lat: '', long: '' }), 400, /lat and long are required/],
    [good({ long: '' }), 400, /lat and long/],
    [good({ lat: 'north' }), 400, /lat and long/],
    [good({ description: '' }), 400, /description is required/],
    [good({ description: '   ' }), 400, /description is required/],
    [good({ description: 'x'.repeat(4001) }), 400, /description/],
    [good({ 'attribute[colour]': 'red' }), 400, /attribute\[colour\]/],
    [good({ 'attribute[urgency]': 'very' }), 400, /attribute\[urgency\]/],
    [good({ 'attribute[building_number]': 'x'.repeat(33) }), 400, /attribute\[building_number\]/],
    [good({ 'attribute[urgency][]': 'urgent' }), 400, /attribute\[urgency\]/],
    [good({ favourite_colour: 'red' }), 400, /favourite_colour/],
    [good({ email: 'not an email' }), 400, /email/],
    [good({ phone: 'call me' }), 400, /phone/],
    [good({ jurisdiction_id: 'sfgov.org' }), 404, /jurisdiction_id/],
  ];
  for (const [f, status, desc] of cases) {
    isO311Error(await post(`${O}/requests.json`, f), status, 'json', desc);
  }
  isO311Error(await post(`${O}/requests.xml`, good({ 'attribute[colour]': 'red' })), 400, 'xml', /colour/);
  // Not form encoding at all.
  isO311Error(await post(`${O}/requests.json`, null, 'api_key=%zz'), 400, 'json', /form/);
  const res = await fetch(server.url + `${O}/requests.json`, {
    method: 'POST', body: JSON.stringify(good()), headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 400);
  assert.equal((await get(`${O}/requests.json`)).json.length, before, 'nothing stored');
});

test('a good POST answers the id at once; the public view hides the person and the address', async () => {
  const id = await create({
    first_name: 'San', last_name: 'Zhang', phone: '13812345678', email: 'zhang.san@example.cn',
    address_string: 'Room 301, No. 5 Renmin Road', media_url: 'http://example.com/a.jpg',
    'attribute[building_number]': '12', 'attribute[urgency]': 'normal', jurisdiction_id: 'nanchang.gov.cn',
  });
  assert.match(id, /^\d+$/);
  const r = await post(`${O}/requests.json`, good());
  assert.deepEqual(Object.keys(r.json[0]).sort(), ['account_id', 'service_notice', 'service_request_id']);

  const j = await get(`${O}/requests/${id}.json`);
  assert.equal(j.status, 200, j.text);
  assert.equal(j.type, JSONT);
  assert.equal(j.json.length, 1);
  const q = j.json[0];
  assert.equal(q.service_request_id, id);
  assert.equal(q.status, 'open');
  assert.equal(q.service_code, code);
  assert.equal(q.service_name, published.find((m) => m.code === code).name);
  assert.equal(q.description, `路边有暴露垃圾 ${M}`);
  assert.match(q.requested_datetime, W3C);
  assert.match(q.updated_datetime, W3C);
  assert.ok(Math.abs(Date.parse(q.requested_datetime) - Date.now()) < 120000, 'requested now');
  for (const k of ['status_notes', 'agency_responsible', 'service_notice', 'expected_datetime',
    'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url']) assert.ok(k in q, k);
  assert.equal(typeof q.agency_responsible, 'string');
  assert.equal(q.zipcode, '');
  assert.equal(q.media_url, '', 'media_url of the client is not stored');
  assert.equal(q.lat, Math.round(point.lat * 1000) / 1000, 'lat rounded to 3 decimals');
  assert.equal(q.long, Math.round(point.lon * 1000) / 1000);
  for (const secret of ['San', 'Zhang', '13812345678', 'zhang.san', 'Renmin', 'Room 301', '12号楼']) {
    assert.ok(!j.text.includes(secret), `public view shows ${secret}`);
  }

  const x = await get(`${O}/requests/${id}.xml`);
  assert.equal(x.status, 200);
  assert.equal(x.type, XML);
  wellFormed(x.text, 'service_requests');
  assert.deepEqual(texts(x.text, 'service_request_id'), [id]);
  assert.deepEqual(texts(x.text, 'status'), ['open']);
  for (const secret of ['Zhang', '13812345678', 'Renmin']) assert.ok(!x.text.includes(secret));

  // The staff see the person and the address (with the building number) in the case.
  const c = await admin.get(`/api/v1/cases/${id}`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.channel, 'open311');
  assert.equal(c.json.requester.name, 'San Zhang');
  assert.equal(c.json.requester.phone, '13812345678');
  assert.ok(c.json.address.includes('Room 301') && c.json.address.includes('12'), c.json.address);
});

test('the form: percent-decoding, + as a space, UTF-8 kept, the last of repeated keys wins', async () => {
  const raw = `api_key=${encodeURIComponent(key)}&service_code=${encodeURIComponent(code)}` +
    `&lat=${point.lat}&long=${point.lon}&description=first&description=` +
    encodeURIComponent(`井盖 缺失`).replace(/%20/g, '+') + `+%26+%3Cb%3E+${M}`;
  const r = await post(`${O}/requests.xml`, null, raw);
  assert.equal(r.status, 200, r.text);
  const id = texts(r.text, 'service_request_id')[0];
  const j = await get(`${O}/requests/${id}.json`);
  assert.equal(j.json[0].description, `井盖 缺失 & <b> ${M}`);
  const x = await get(`${O}/requests/${id}.xml`);
  wellFormed(x.text, 'service_requests');
  assert.deepEqual(texts(x.text, 'description'), [`井盖 缺失 & <b> ${M}`]);
  // An urgent request is marked for the intake staff.
  const u = await create({ 'attribute[urgency]': 'urgent' });
  assert.match((await get(`${O}/requests/${u}.json`)).json[0].description, /紧急/);
});

test('GET requests: filters by id, service_code, status and date window', async () => {
  const a = await create();
  const b = await create();
  await act(b, { action: 'reject', note: '不属于受理范围 (private)' });
  const ids = (r) => r.json.map((x) => x.service_request_id);

  const all = await get(`${O}/requests.json`);
  assert.equal(all.status, 200, all.text);
  assert.ok(ids(all).includes(a) && ids(all).includes(b));
  assert.ok(all.json.length <= 1000);
  const nums = ids(all).map(Number);
  assert.deepEqual(nums, [...nums].sort((x, y) => y - x), 'newest first');

  const open = await get(`${O}/requests.json?status=open`);
  assert.ok(ids(open).includes(a) && !ids(open).includes(b));
  assert.ok(open.json.every((x) => x.status === 'open'));
  const closed = await get(`${O}/requests.json?status=closed`);
  assert.ok(ids(closed).includes(b) && !ids(closed).includes(a));
  assert.ok(closed.json.every((x) => x.status === 'closed'));
  const both = await get(`${O}/requests.json?status=open,closed`);
  assert.equal(both.json.length, all.json.length);
  isO311Error(await get(`${O}/requests.json?status=pending`), 400, 'json', /status/);

  const byCode = await get(`${O}/requests.json?service_code=${encodeURIComponent(code)}`);
  assert.ok(ids(byCode).includes(a));
  assert.ok(byCode.json.every((x) => x.service_code === code));
  if (otherCode) {
    const other = await get(`${O}/requests.json?service_code=${encodeURIComponent(otherCode)}`);
    assert.ok(!ids(other).includes(a));
    const two = await get(`${O}/requests.json?service_code=${encodeURIComponent(`${code},${otherCode}`)}`);
    assert.ok(ids(two).includes(a));
  }

  const byId = await get(`${O}/requests.json?service_request_id=${a},${b},999999999&status=open`);
  assert.deepEqual(ids(byId), [a, b], 'ids given: other filters ignored, unknown ids left out');
  isO311Error(await get(`${O}/requests.json?service_request_id=1,x`), 400, 'json');

  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const now = Date.now();
  const inWindow = await get(`${O}/requests.json?start_date=${iso(now - 3600e3)}&end_date=${iso(now + 60e3)}`);
  assert.ok(ids(inWindow).includes(a));
  const past = await get(`${O}/requests.json?start_date=${iso(now - 30 * 86400e3)}&end_date=${iso(now - 86400e3)}`);
  assert.ok(!ids(past).includes(a));
  const plus8 = encodeURIComponent(new Date(now + 8 * 3600e3 + 60e3).toISOString().slice(0, 19) + '+08:00');
  assert.ok(ids(await get(`${O}/requests.json?end_date=${plus8}`)).includes(a), 'offsets are read');
  isO311Error(await get(`${O}/requests.json?start_date=${iso(now - 91 * 86400e3)}&end_date=${iso(now)}`),
    400, 'json', /90 days/);
  isO311Error(await get(`${O}/requests.xml?start_date=${iso(now - 100 * 86400e3)}&end_date=${iso(now)}`),
    400, 'xml', /90 days/);
  isO311Error(await get(`${O}/requests.json?start_date=2026-01-01`), 400, 'json', /start_date/);
  isO311Error(await get(`${O}/requests.json?start_date=2026-01-01T00:00:00`), 400, 'json', /time zone/);
  isO311Error(await get(`${O}/requests.json?start_date=${iso(now)}&end_date=${iso(now - 86400e3)}`), 400, 'json');
  isO311Error(await get(`${O}/requests.json?jurisdiction_id=sfgov.org`), 404, 'json');

  const x = await get(`${O}/requests.xml?status=closed`);
  wellFormed(x.text, 'service_requests');
  assert.ok(texts(x.text, 'service_request_id').includes(b));
  assert.ok(texts(x.text, 'status').every((s) => s === 'closed'));
});

test('GET requests/{id}: unknown ids answer 404 in both formats', async () => {
  isO311Error(await get(`${O}/requests/999999999.json`), 404, 'json');
  isO311Error(await get(`${O}/requests/999999999.xml`), 404, 'xml');
  isO311Error(await get(`${O}/requests/abc.json`), 404, 'json');
});

test('tokens: a token nobody was given answers 404; ours are never needed (realtime)', async () => {
  isO311Error(await get(`${O}/tokens/no-such-token.json`), 404, 'json', /token/);
  isO311Error(await get(`${O}/tokens/no-such-token.xml`), 404, 'xml');
  const s = await get(`${O}/services.json`);
  assert.ok(s.json.every((x) => x.type === 'realtime'));
});

test('servicerequestupdates: public notes only, with status and time', async () => {
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // A window from just before: the feed is oldest first and capped at 1000.
  const since = `start_date=${iso(Date.now() - 60e3)}`;
  const id = await create();
  await act(id, { action: 'accept', note: `已受理 ${M}`, public: true });
  await act(id, { action: 'dispatch', note: `internal ${M}` });
  const j = await get(`${O}/servicerequestupdates.json?${since}`);
  assert.equal(j.status, 200, j.text);
  assert.ok(Array.isArray(j.json));
  const mine = j.json.filter((u) => u.service_request_id === id);
  assert.ok(mine.some((u) => u.description === `已受理 ${M}` && u.status === 'open'), j.text);
  assert.ok(!j.text.includes(`internal ${M}`), 'private notes stay private');
  for (const u of mine) {
    for (const k of ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']) {
      assert.ok(k in u, k);
    }
    assert.match(u.updated_datetime, W3C);
  }
  // The public note is the request's status_notes.
  assert.equal((await get(`${O}/requests/${id}.json`)).json[0].status_notes, `已受理 ${M}`);
  const x = await get(`${O}/servicerequestupdates.xml?${since}`);
  assert.equal(x.type, XML);
  wellFormed(x.text, 'service_request_updates');
  assert.ok(texts(x.text, 'description').includes(`已受理 ${M}`));
  isO311Error(await get(`${O}/servicerequestupdates.json?start_date=2020-01-01T00:00:00Z&end_date=${iso(Date.now())}`),
    400, 'json', /90 days/);
  const all = await get(`${O}/servicerequestupdates.json`);
  assert.ok(all.json.length <= 1000);
  const ids = all.json.map((u) => Number(u.update_id));
  assert.deepEqual(ids, [...ids].sort((p, q) => p - q), 'oldest first');
  const old = await get(`${O}/servicerequestupdates.json?start_date=${iso(Date.now() - 10 * 86400e3)}` +
    `&end_date=${iso(Date.now() - 9 * 86400e3)}`);
  assert.ok(!old.json.some((u) => u.service_request_id === id));
});

test('paths: an unknown format or resource is 404, a read-only resource refuses POST', async () => {
  isO311Error(await get(`${O}/services.html`), 404, 'xml');
  isO311Error(await get(`${O}/services`), 404, 'xml');
  isO311Error(await get(`${O}/nothing.json`), 404, 'json');
  isO311Error(await get(`${O}/nothing/1.json`), 404, 'json');
  const r = await post(`${O}/services.json`, {});
  assert.equal(r.status, 405);
  assert.equal(r.json[0].code, 405);
  const h = await fetch(server.url + `${O}/services.xml`, { method: 'HEAD' });
  assert.equal(h.status, 200);
});
